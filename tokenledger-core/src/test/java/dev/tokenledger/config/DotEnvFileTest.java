package dev.tokenledger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvFileTest {
  private static final String CANARY = "sk-admin-test-canary-00000000000000000000000000000000";

  @TempDir Path dir;

  private DotEnvFile read(String content) throws IOException {
    Path file = dir.resolve(".env");
    Files.write(file, content.getBytes(StandardCharsets.UTF_8));
    return DotEnvFile.read(file);
  }

  @Test
  void readsPlainExportedAndSpacedAssignments() throws IOException {
    DotEnvFile env =
        read(
            """
            A=1
            export B=two
            C = three\t
            \texport   D=4
            """);
    assertThat(env.variableNames()).containsExactly("A", "B", "C", "D");
    assertThat(env.value("A")).contains("1");
    assertThat(env.value("B")).contains("two");
    assertThat(env.value("C")).contains("three");
    assertThat(env.value("D")).contains("4");
    assertThat(env.line("D")).contains(4);
    assertThat(env.warnings()).isEmpty();
  }

  @Test
  void singleQuotesAreLiteral() throws IOException {
    DotEnvFile env = read("A='x\\ny # not a comment \"q\"'  # a comment\n");
    assertThat(env.value("A")).contains("x\\ny # not a comment \"q\"");
  }

  @Test
  void doubleQuotesProcessEscapes() throws IOException {
    DotEnvFile env = read("A=\"line1\\nline2 \\\"quoted\\\" back\\\\slash\\t# kept\" # comment\n");
    assertThat(env.value("A")).contains("line1\nline2 \"quoted\" back\\slash\t# kept");
  }

  @Test
  void unquotedValuesEndAtASpacedHashButKeepAnInnerOne() throws IOException {
    DotEnvFile env = read("A=abc # comment\nB=a#b\nC=  # only a comment\nD=#x\nE=\n");
    assertThat(env.value("A")).contains("abc");
    assertThat(env.value("B")).contains("a#b");
    assertThat(env.value("C")).contains("");
    assertThat(env.value("D")).contains("#x");
    assertThat(env.value("E")).contains("");
  }

  @Test
  void commentsBlankLinesCrlfAndByteOrderMarkAreHandled() throws IOException {
    DotEnvFile env = read("\uFEFF# header\r\n\r\nA=1\r\n   \r\nexport B='2'\r\nC=\"3\"");
    assertThat(env.value("A")).contains("1");
    assertThat(env.value("B")).contains("2");
    assertThat(env.value("C")).contains("3");
    assertThat(env.line("A")).contains(3);
    assertThat(env.line("C")).contains(6);
    assertThat(env.warnings()).isEmpty();
  }

  @Test
  void quotedValuesMaySpanLinesAndLineNumbersStayRight() throws IOException {
    DotEnvFile env = read("A=\"first\nsecond\"\nB='x\ny'\nC=3\n");
    assertThat(env.value("A")).contains("first\nsecond");
    assertThat(env.value("B")).contains("x\ny");
    assertThat(env.line("B")).contains(3);
    assertThat(env.line("C")).contains(5);
  }

  @Test
  void linesThatAreNotAssignmentsAreIgnoredWithAWarningNamingTheLine() throws IOException {
    DotEnvFile env = read("A=1\njust words\n9X=2\nB=\"x\" trailing\nC=3\n");
    assertThat(env.variableNames()).containsExactly("A", "C");
    assertThat(env.warnings())
        .extracting(ConfigWarning::message)
        .containsExactly(
            dir.resolve(".env") + ":2 is not a KEY=value line and was ignored",
            dir.resolve(".env") + ":3 is not a KEY=value line and was ignored",
            dir.resolve(".env") + ":4 is not a KEY=value line and was ignored");
  }

  @Test
  void theLastOfTwoAssignmentsWinsWithAWarning() throws IOException {
    DotEnvFile env = read("A=1\nB=2\nA=3\n");
    assertThat(env.value("A")).contains("3");
    assertThat(env.line("A")).contains(3);
    assertThat(env.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.kind()).isEqualTo(ConfigWarning.Kind.ENV_FILE_DUPLICATE);
              assertThat(w.message()).contains("A is set twice", "lines 1 and 3", "line 3 wins");
            });
  }

  @Test
  void anUnterminatedQuoteNamesFileLineAndVariableButNotTheValue() throws IOException {
    Path file = dir.resolve(".env");
    Files.writeString(file, "A=1\nOPENAI_ADMIN_KEY=\"" + CANARY + "\nB=2\n");
    assertThatThrownBy(() -> DotEnvFile.read(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            file
                + ":2: the double-quoted value of OPENAI_ADMIN_KEY is never closed: add the"
                + " closing \"")
        .hasMessageNotContaining(CANARY);
  }

  @Test
  void aMissingFileIsAConfigurationError() {
    Path missing = dir.resolve("nope.env");
    assertThatThrownBy(() -> DotEnvFile.read(missing))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("env file " + missing + " does not exist");
  }

  @Test
  void tellsWhetherOtherUsersCanReadTheFile() throws IOException {
    DotEnvFile env = read("A=1\n");
    Files.setPosixFilePermissions(env.path(), PosixFilePermissions.fromString("rw-------"));
    assertThat(DotEnvFile.read(env.path()).readableByOthers()).contains(false);
    Files.setPosixFilePermissions(env.path(), PosixFilePermissions.fromString("rw-r-----"));
    assertThat(DotEnvFile.read(env.path()).readableByOthers()).contains(true);
    Files.setPosixFilePermissions(env.path(), PosixFilePermissions.fromString("rw----r--"));
    DotEnvFile worldReadable = DotEnvFile.read(env.path());
    assertThat(worldReadable.readableByOthers()).contains(true);
    assertThat(worldReadable.permissionString()).contains("rw----r--");
  }

  @Test
  void toStringShowsNoValue() throws IOException {
    DotEnvFile env = read("OPENAI_ADMIN_KEY=" + CANARY + "\n");
    assertThat(env.toString()).doesNotContain(CANARY);
    assertThat(DotEnvParser.parse("K=" + CANARY, "f").assignments().get(0).toString())
        .doesNotContain(CANARY);
  }
}
