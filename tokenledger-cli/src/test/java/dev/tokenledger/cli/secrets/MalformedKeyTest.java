package dev.tokenledger.cli.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.shared.ExitCode;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A key with a character that cannot travel in an HTTP header (a line break, a zero-width space, a
 * NUL, a non-ASCII letter) is refused when the configuration is loaded, shown only redacted, with
 * exit 3: it never reaches the JDK's header check, whose message would quote the whole header.
 */
class MalformedKeyTest {
  static final String BODY = "Q7mZsecretBODYpart";
  static final String TAIL = "tailSECRET";

  @TempDir Path dir;

  static Stream<Arguments> keysAndCommands() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (String bad : new String[] {"\n", "\u200B", "\u0000", "é", " "}) {
      for (String[] command :
          new String[][] {
            {"usage"}, {"doctor"}, {"costs"}, {"-x", "costs"}, {"costs", "-x"}, {"reconcile"}
          }) {
        cases.add(Arguments.of(bad, command));
      }
    }
    return cases.build();
  }

  static String malformed(String prefix, String bad) {
    return prefix + BODY + bad + TAIL + "9xyz";
  }

  CliHarness harness() {
    // Nothing listens there: a key that got as far as a request would fail with exit 5.
    return new CliHarness(dir).env("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
  }

  @ParameterizedTest
  @MethodSource("keysAndCommands")
  void aMalformedUsageKeyIsRefusedRedactedWithExit3(String bad, String[] command) {
    CliHarness.Result r =
        harness().env("OPENAI_ADMIN_KEY", malformed("sk-admin-", bad)).run(command);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.CONFIG);
    assertNoSecret(r);
    assertThat(r.out() + r.err())
        .contains("OPENAI_ADMIN_KEY")
        .contains("sk-admin-…"); // doctor: stdout
  }

  @ParameterizedTest
  @MethodSource("keysAndCommands")
  void aMalformedFrameworkKeyIsRefusedRedactedWithExit3(String bad, String[] command) {
    CliHarness.Result r =
        harness()
            .env("OPENAI_ADMIN_KEY", "sk-admin-" + "A".repeat(40))
            .env("OPENAI_API_KEY_CHATDEV", malformed("sk-proj-", bad))
            .run(command);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.CONFIG);
    assertNoSecret(r);
    assertThat(r.out() + r.err()).contains("OPENAI_API_KEY_CHATDEV").contains("sk-proj-…");
  }

  static void assertNoSecret(CliHarness.Result r) {
    for (String text : new String[] {r.out(), r.err()}) {
      assertThat(text).doesNotContain(BODY).doesNotContain(TAIL).doesNotContain("Bearer");
    }
  }
}
