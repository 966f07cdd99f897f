package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/**
 * The fallback for root without user namespaces: the wrappers alone (no {@code unshare}) start a
 * PostgreSQL that runs as {@code nobody}. Only root can take this path.
 */
class RootSafePostgresTest {
  @TempDir Path dir;

  @Test
  void wrappersStartPostgresAsNobodyWhenRunByRoot() throws Exception {
    assumeTrue(
        TestPostgres.RootSafeBinaries.runningAsRoot(), "the wrappers only act when run by root");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    try (InputStream archive =
            TestPostgres.RootSafeBinaries.INSTANCE.getPgBinary("Linux", "x86_64");
        TarArchiveInputStream tar =
            new TarArchiveInputStream(
                new XZInputStream(new ByteArrayInputStream(archive.readAllBytes())))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = dir.resolve(entry.getName());
        Files.copy(tar, out);
        out.toFile().setExecutable(true);
      }
    }
    Path data = Files.createTempDirectory("tokenledger-pgdata-");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    run(bin.resolve("initdb").toString(), "-A", "trust", "-U", "postgres", "-D", data.toString());
    run(
        bin.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-o",
        "-p " + port + " -F -c fsync=off",
        "-w",
        "start");
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres");
        ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(Files.getOwner(data.resolve("postmaster.pid")).getName()).isEqualTo("nobody");
    } finally {
      run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
      run("rm", "-rf", data.toString());
    }
  }

  private static void run(String... command) throws Exception {
    Process p =
        new ProcessBuilder(List.of(command))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
    assertThat(p.exitValue()).as("exit code of %s", String.join(" ", command)).isZero();
  }
}
