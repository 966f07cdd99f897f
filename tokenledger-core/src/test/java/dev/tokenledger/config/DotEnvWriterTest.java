package dev.tokenledger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvWriterTest {
  @TempDir Path dir;

  private Path env(String content) throws IOException {
    Path file = dir.resolve(".env");
    Files.write(file, content.getBytes(StandardCharsets.UTF_8));
    return file;
  }

  private static Map<String, String> ids(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  void appendsNewIdsAndKeepsCommentsAndExportLines() throws IOException {
    Path file =
        env(
            """
            # keys for the experiment (fake)
            export OPENAI_ADMIN_KEY=sk-admin-test-canary-1111

            OPENAI_API_KEY_CHATDEV='sk-proj-test-canary-2222' # chatdev
            """);
    DotEnvWriter.Result result =
        DotEnvWriter.setVariables(
            file,
            ids("OPENAI_API_KEY_CHATDEV_ID", "key_abc123", "OPENAI_API_KEY_BAES_ID", "key_def456"));

    assertThat(result.appended())
        .containsExactly("OPENAI_API_KEY_CHATDEV_ID", "OPENAI_API_KEY_BAES_ID");
    assertThat(Files.readString(file))
        .isEqualTo(
            """
            # keys for the experiment (fake)
            export OPENAI_ADMIN_KEY=sk-admin-test-canary-1111

            OPENAI_API_KEY_CHATDEV='sk-proj-test-canary-2222' # chatdev
            OPENAI_API_KEY_CHATDEV_ID=key_abc123
            OPENAI_API_KEY_BAES_ID=key_def456
            """);
  }

  @Test
  void keepsCrlfAndAMissingFinalNewline() throws IOException {
    Path file = env("A=1\r\n# c\r\nB=2");
    DotEnvWriter.setVariables(file, ids("X_ID", "key_1", "Y_ID", "key_2"));
    assertThat(Files.readString(file)).isEqualTo("A=1\r\n# c\r\nB=2\r\nX_ID=key_1\r\nY_ID=key_2");
  }

  @Test
  void replacesAValueWhereItStandsKeepingExportQuotesCommentsAndLineEndings() throws IOException {
    Path file =
        env(
            "# ids\r\n"
                + "export OPENAI_API_KEY_CHATDEV_ID=\"key_old\"  # set by hand\r\n"
                + "OPENAI_API_KEY_BAES_ID=\r\n"
                + "OTHER=unchanged\r\n");
    DotEnvWriter.Result result =
        DotEnvWriter.setVariables(
            file,
            ids("OPENAI_API_KEY_CHATDEV_ID", "key_new1", "OPENAI_API_KEY_BAES_ID", "key_new2"));

    assertThat(result.replaced())
        .containsExactly("OPENAI_API_KEY_CHATDEV_ID", "OPENAI_API_KEY_BAES_ID");
    assertThat(Files.readString(file))
        .isEqualTo(
            "# ids\r\n"
                + "export OPENAI_API_KEY_CHATDEV_ID=key_new1  # set by hand\r\n"
                + "OPENAI_API_KEY_BAES_ID=key_new2\r\n"
                + "OTHER=unchanged\r\n");
  }

  @Test
  void replacesEveryLineThatSetsTheVariable() throws IOException {
    Path file = env("X_ID=key_a\nY=1\nX_ID=key_b\n");
    DotEnvWriter.setVariables(file, ids("X_ID", "key_c"));
    assertThat(Files.readString(file)).isEqualTo("X_ID=key_c\nY=1\nX_ID=key_c\n");
  }

  @Test
  void bytesThatAreNotUtf8SurviveUntouched() throws IOException {
    Path file = dir.resolve(".env");
    byte[] original = {'N', '=', (byte) 0xE9, (byte) 0xFF, '\n'};
    Files.write(file, original);
    DotEnvWriter.setVariables(file, ids("X_ID", "key_1"));
    byte[] expected = {
      'N',
      '=',
      (byte) 0xE9,
      (byte) 0xFF,
      '\n',
      'X',
      '_',
      'I',
      'D',
      '=',
      'k',
      'e',
      'y',
      '_',
      '1',
      '\n'
    };
    assertThat(Files.readAllBytes(file)).isEqualTo(expected);
  }

  @Test
  void keepsTheFilesPermissionsAndLeavesNoTemporaryFile() throws IOException {
    Path file = env("A=1\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    DotEnvWriter.setVariables(file, ids("X_ID", "key_1"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r-----");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void createsAMissingFileReadableByItsOwnerOnly() throws IOException {
    Path file = dir.resolve(".env");
    DotEnvWriter.setVariables(file, ids("X_ID", "key_1"));
    assertThat(Files.readString(file)).isEqualTo("X_ID=key_1\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void writesThroughASymbolicLinkAndKeepsTheLink() throws IOException {
    Path real = dir.resolve("real.env");
    Files.writeString(real, "A=1\n");
    Path link = Files.createSymbolicLink(dir.resolve(".env"), real);
    DotEnvWriter.setVariables(link, ids("X_ID", "key_1"));
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real)).isEqualTo("A=1\nX_ID=key_1\n");
  }

  @Test
  void aValueAlreadySetLeavesTheFileAlone() throws IOException {
    Path file = env("X_ID=key_1\n");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
    DotEnvWriter.Result result = DotEnvWriter.setVariables(file, ids("X_ID", "key_1"));
    assertThat(result.changed()).isFalse();
    assertThat(result.unchanged()).containsExactly("X_ID");
    assertThat(Files.getLastModifiedTime(file).toMillis()).isZero();
  }

  @Test
  void refusesValuesThatWouldNeedQuoting() throws IOException {
    Path file = env("A=1\n");
    assertThatThrownBy(() -> DotEnvWriter.setVariables(file, ids("X_ID", "key 1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X_ID");
    assertThatThrownBy(() -> DotEnvWriter.setVariables(file, ids("1X", "key_1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.readString(file)).isEqualTo("A=1\n");
  }

  @Test
  void aFileItCannotParseIsLeftAlone() throws IOException {
    Path file = env("A=\"never closed\n");
    assertThatThrownBy(() -> DotEnvWriter.setVariables(file, ids("X_ID", "key_1")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("never closed");
    assertThat(Files.readString(file)).isEqualTo("A=\"never closed\n");
  }
}
