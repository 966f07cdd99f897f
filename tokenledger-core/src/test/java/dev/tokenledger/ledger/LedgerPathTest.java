package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite ledger is a regular file, or a new file in a folder: a device ({@code --db /dev/null}),
 * a pipe or a folder is refused before SQLite touches it, so no {@code -journal}, {@code -wal} or
 * lock file appears beside it.
 */
class LedgerPathTest {
  @TempDir Path dir;

  @Test
  void aPipeOrAFolderIsRefusedAndNothingIsCreatedBesideIt() throws Exception {
    Path fifo = dir.resolve("ledger.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    Path folder = Files.createDirectories(dir.resolve("ledger.db"));
    Path link = Files.createSymbolicLink(dir.resolve("link.db"), Path.of("/dev/null"));

    for (Path p : List.of(fifo, folder, link)) {
      assertThatThrownBy(() -> Ledger.open(LedgerLocation.sqlite(p)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining(p.toString())
          .hasMessageContaining("not a regular file");
    }

    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("ledger.fifo", "ledger.db", "link.db");
    }
  }

  @Test
  void devNullIsRefused() {
    assertThatThrownBy(() -> Ledger.open(LedgerLocation.sqlite(Path.of("/dev/null"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("/dev/null is not a regular file (a device)");
    assertThat(Files.exists(Path.of("/dev/null-journal"))).isFalse();
    assertThat(Files.exists(Path.of("/dev/null-wal"))).isFalse();
  }
}
