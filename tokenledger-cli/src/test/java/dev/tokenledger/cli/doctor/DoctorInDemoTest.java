package dev.tokenledger.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.shared.ExitCode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorInDemoTest {
  @TempDir Path dir;

  @Test
  void theDemoRunsDoctorBeforeTheExperimentAndEveryCheckPasses() {
    try (DoctorFixture f = new DoctorFixture(dir)) {
      DoctorFixture.Result result = f.run("demo");

      assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
      String out = result.out();
      String doctor =
          out.substring(out.indexOf("$ tokenledger doctor"), out.indexOf("== 2. The experiment"));
      assertThat(doctor)
          .contains("✔ Usage key works")
          .contains("✔ Framework ghspec: ")
          .contains("(resolved)")
          .contains("✔ Ready to account for 3 frameworks.")
          .doesNotContain("✖")
          .doesNotContain("!");
    }
  }
}
