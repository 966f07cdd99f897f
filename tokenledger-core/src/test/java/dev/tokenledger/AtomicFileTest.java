package dev.tokenledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  @Test
  void aReplacedFileKeepsItsPermissionsAndNoTemporaryFileIsLeft() throws Exception {
    Path file = dir.resolve("metrics.json");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    AtomicFile.write(file, "new".getBytes(StandardCharsets.UTF_8));

    assertThat(file).hasContent("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aNewFileGetsTheFoldersDefaultPermissionsNotOwnerOnly() throws Exception {
    Path reference = Files.createFile(dir.resolve("made-the-usual-way"));
    Path file = dir.resolve("sub/report.csv");

    AtomicFile.write(file, "a,b\n".getBytes(StandardCharsets.UTF_8));

    assertThat(file).hasContent("a,b");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(Files.getPosixFilePermissions(reference));
  }
}
