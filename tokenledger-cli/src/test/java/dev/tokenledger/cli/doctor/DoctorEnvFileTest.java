package dev.tokenledger.cli.doctor;

import static dev.tokenledger.cli.doctor.DoctorFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.config.ConfigOptions;
import dev.tokenledger.doctor.CheckStatus;
import dev.tokenledger.doctor.DoctorCheck;
import dev.tokenledger.doctor.DoctorOptions;
import dev.tokenledger.doctor.DoctorReport;
import dev.tokenledger.doctor.ExitCategory;
import dev.tokenledger.sim.SimKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code .env} file: permissions, placeholders, a missing file, and {@code --write-ids}. */
class DoctorEnvFileTest {
  @TempDir Path dir;
  DoctorFixture f;

  @BeforeEach
  void start() {
    f = new DoctorFixture(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void aWorldReadableEnvFileWarnsWithTheChmodFixButDoesNotBlock() {
    SimKey admin = f.sim.register(SimKey.admin("usage reader"));
    Path env =
        f.writeFile(".env", "OPENAI_ADMIN_KEY=" + DoctorFixture.raw(admin) + "\n", "rw-r--r--");

    DoctorReport report = f.examine();

    DoctorCheck configuration = check(report, DoctorCheck.CONFIGURATION);
    assertThat(configuration.status()).isEqualTo(CheckStatus.WARN);
    assertThat(configuration.summary()).startsWith("read " + env + "; usage key in");
    assertThat(configuration.details())
        .contains(env + " holds API keys and other users can read it (rw-r--r--)");
    assertThat(configuration.fix()).contains("Run chmod 600 " + env);
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.NONE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sk-admin-your-key-here", "<admin key>", "sk-admin-...", "changeme"})
  void aPlaceholderUsageKeyIsAnErrorAndNothingIsSentWithIt(String placeholder) {
    f.dotEnv("OPENAI_ADMIN_KEY=" + placeholder + "\n");

    DoctorReport report = f.examine();

    DoctorCheck configuration = check(report, DoctorCheck.CONFIGURATION);
    assertThat(configuration.status()).isEqualTo(CheckStatus.FAIL);
    assertThat(configuration.summary())
        .startsWith(
            "OPENAI_ADMIN_KEY (from "
                + f.dir.resolve(".env")
                + ":1) looks like a"
                + " placeholder, not a key: ");
    assertThat(check(report, DoctorCheck.USAGE_KEY_CLASS).summary())
        .isEqualTo("the usage key in OPENAI_ADMIN_KEY is a placeholder (see Configuration)");
    assertThat(f.sim.requests("/organization")).isEmpty();
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.CONFIGURATION);
  }

  @Test
  void anEmptyUsageKeyIsAPlaceholderToo() {
    f.dotEnv("OPENAI_ADMIN_KEY=\n");

    DoctorCheck configuration = check(f.examine(), DoctorCheck.CONFIGURATION);

    assertThat(configuration.details())
        .anyMatch(d -> d.contains("looks like a placeholder, not a key: it is empty"));
    assertThat(configuration.status()).isEqualTo(CheckStatus.FAIL);
  }

  @Test
  void aMissingEnvFileStopsAtTheFirstCheckAndSkipsTheRest() {
    DoctorReport report =
        f.examine(DoctorOptions.DEFAULTS, ConfigOptions.DEFAULTS.withEnvFile(Path.of("keys.env")));

    assertThat(report.checks())
        .extracting(DoctorCheck::status)
        .containsExactly(
            CheckStatus.FAIL,
            CheckStatus.SKIPPED,
            CheckStatus.SKIPPED,
            CheckStatus.SKIPPED,
            CheckStatus.FAIL);
    assertThat(report.checks().get(0).summary())
        .startsWith(
            "env file " + f.dir.resolve("keys.env") + " (given by --env-file) does not" + " exist");
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.CONFIGURATION);
  }

  @Test
  void writeIdsReplacesAStaleIdInPlaceAppendsTheNewOneAndKeepsEveryOtherByte() throws Exception {
    SimKey admin = f.sim.register(SimKey.admin("usage reader"));
    SimKey chatdev = f.sim.register(SimKey.project("chatdev runner", "proj_chatdev"));
    SimKey baes = f.sim.register(SimKey.serviceAccount("baes runner", "proj_baes"));
    String before =
        "# tokenledger: the experiment's keys\r\n"
            + "export OPENAI_ADMIN_KEY=\""
            + DoctorFixture.raw(admin)
            + "\"  # usage reader\r\n"
            + "\r\n"
            + "OPENAI_API_KEY_CHATDEV="
            + DoctorFixture.raw(chatdev)
            + "\r\n"
            + "export OPENAI_API_KEY_CHATDEV_ID=key_stale0000   # copied from the old project\r\n"
            + "  # baes has no id yet\r\n"
            + "export OPENAI_API_KEY_BAES='"
            + DoctorFixture.raw(baes)
            + "'\r\n"
            + "TOKENLEDGER_DB=.tokenledger/ledger.db";
    Path env = f.dotEnv(before);

    DoctorFixture.Result result = f.run("doctor", "--write-ids");

    String after = Files.readString(env, StandardCharsets.ISO_8859_1);
    String expected =
        before.replace("key_stale0000", chatdev.id()) + "\r\nOPENAI_API_KEY_BAES_ID=" + baes.id();
    assertThat(after).isEqualTo(expected);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env)))
        .isEqualTo("rw-------");
    assertThat(result.out())
        .contains(
            "✔ Key ids written: appended OPENAI_API_KEY_BAES_ID; replaced"
                + " OPENAI_API_KEY_CHATDEV_ID in "
                + env);
    assertThat(result.out())
        .contains(
            "✖ Framework chatdev: OPENAI_API_KEY_CHATDEV_ID (from "
                + env
                + ":5) says key_stale0000, but this key is "
                + chatdev.id());
    // The stale id was a problem of this run; the next run finds none and writes nothing.
    assertThat(result.exitCode()).isEqualTo(ExitCode.CONFIG);
    DoctorFixture.Result again = f.run("doctor", "--write-ids");
    assertThat(again.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(again.out())
        .contains(
            "✔ Key ids written: " + env + " already holds every resolved key id; nothing written");
    assertThat(Files.readString(env, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
  }

  @Test
  void writeIdsCreatesAnOwnerOnlyEnvFileWhenNoneWasRead() throws Exception {
    f.usageKey();
    SimKey chatdev = f.frameworkKey("chatdev");

    DoctorReport report = f.examine(new DoctorOptions(false, Optional.empty(), true));

    Path env = f.dir.resolve(".env");
    assertThat(Files.readString(env)).isEqualTo("OPENAI_API_KEY_CHATDEV_ID=" + chatdev.id() + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env)))
        .isEqualTo("rw-------");
    assertThat(check(report, DoctorCheck.WRITE_IDS).summary())
        .isEqualTo("appended OPENAI_API_KEY_CHATDEV_ID in " + env);
  }

  @Test
  void writeIdsLeavesSharedKeysAloneAndWarnsWhenNothingWasResolved() throws Exception {
    f.usageKey();
    SimKey chatdev = f.frameworkKey("chatdev");
    f.env("OPENAI_API_KEY_BAES", DoctorFixture.raw(chatdev));

    DoctorReport report = f.examine(new DoctorOptions(false, Optional.empty(), true));

    DoctorCheck write = check(report, DoctorCheck.WRITE_IDS);
    assertThat(write.status()).isEqualTo(CheckStatus.WARN);
    assertThat(write.summary())
        .isEqualTo("nothing written to " + f.dir.resolve(".env") + ": no key id was resolved");
    assertThat(Files.exists(f.dir.resolve(".env"))).isFalse();
  }

  @Test
  void writeIdsWithOfflineIsAUsageError() {
    DoctorFixture.Result result = f.run("doctor", "--offline", "--write-ids");

    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err())
        .startsWith(
            "tokenledger: error: --write-ids needs the API to resolve key ids: leave out"
                + " --offline");
  }
}
