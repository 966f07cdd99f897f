package dev.tokenledger.ledger;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * One real PostgreSQL per test JVM (zonky's embedded binaries, no Docker), with a fresh database
 * per caller. PostgreSQL refuses to run as root, and CI runs as root: there the server runs as the
 * unprivileged user {@code nobody}, through {@link RootSafeBinaries}. If the server cannot start,
 * the test fails; it is never skipped.
 *
 * <p>zonky itself starts the tools under {@code unshare -U} when it runs as root and user
 * namespaces are allowed; where they are not (a container's seccomp profile may forbid them) it
 * would fail, so as root the tools always go through the wrappers, which drop privileges only when
 * still root.
 */
public final class TestPostgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestPostgres() {}

  /** The JDBC URL of a new, empty database. */
  public static synchronized String newDatabaseUrl() {
    EmbeddedPostgres pg = server();
    String name = "ledger_" + DATABASES.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return pg.getJdbcUrl("postgres", name);
  }

  private static EmbeddedPostgres server() {
    if (server == null) {
      try {
        EmbeddedPostgres.Builder builder =
            EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(90))
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off");
        if (RootSafeBinaries.runningAsRoot()) {
          builder.setPgBinaryResolver(RootSafeBinaries.INSTANCE);
        }
        server = builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
    }
    return server;
  }

  /**
   * zonky's PostgreSQL binaries, unpacked once into a folder every user can read, behind {@code
   * initdb} and {@code pg_ctl} wrappers that hand the data directory to {@code nobody} and drop
   * root with {@code setpriv} before running the real tool (which then starts {@code postgres} as
   * {@code nobody} too).
   */
  static final class RootSafeBinaries implements PgBinaryResolver {
    static final RootSafeBinaries INSTANCE = new RootSafeBinaries();
    private static final String NOBODY = "65534";

    static boolean runningAsRoot() {
      return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    @Override
    public InputStream getPgBinary(String system, String architecture) throws IOException {
      Path setpriv = Path.of("/usr/bin/setpriv");
      if (!Files.isExecutable(setpriv)) {
        throw new IOException(
            "PostgreSQL refuses to run as root and "
                + setpriv
                + " (util-linux) is missing to drop"
                + " privileges: install util-linux, or run the tests as a normal user");
      }
      byte[] original;
      try (InputStream in =
          DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, architecture)) {
        if (in == null) {
          throw new IOException("zonky has no PostgreSQL for " + system + " " + architecture);
        }
        original = in.readAllBytes();
      }
      Path real = unpackOnce(original);
      ByteArrayOutputStream archive = new ByteArrayOutputStream();
      try (XZOutputStream xz = new XZOutputStream(archive, new LZMA2Options());
          TarArchiveOutputStream tar = new TarArchiveOutputStream(xz)) {
        for (String tool : new String[] {"initdb", "pg_ctl"}) {
          byte[] script =
              wrapper(real.resolve("bin").resolve(tool)).getBytes(StandardCharsets.UTF_8);
          TarArchiveEntry entry = new TarArchiveEntry("bin/" + tool);
          entry.setSize(script.length);
          entry.setMode(0755);
          entry.setModTime(0);
          tar.putArchiveEntry(entry);
          tar.write(script);
          tar.closeArchiveEntry();
        }
      }
      return new ByteArrayInputStream(archive.toByteArray());
    }

    private static String wrapper(Path tool) {
      return String.join(
          "\n",
          "#!/bin/sh",
          "# PostgreSQL refuses to run as root: give the data directory to nobody and drop root.",
          "# Under zonky's 'unshare -U' this already runs as a non-root id: nothing to do then.",
          "if [ \"$(id -u)\" != 0 ]; then exec '" + tool + "' \"$@\"; fi",
          "data=",
          "prev=",
          "for arg in \"$@\"; do",
          "  if [ \"$prev\" = \"-D\" ]; then data=$arg; fi",
          "  prev=$arg",
          "done",
          "if [ -n \"$data\" ]; then chown -R "
              + NOBODY
              + ":"
              + NOBODY
              + " \"$data\" || exit 1; fi",
          "cd /",
          "exec /usr/bin/setpriv --reuid="
              + NOBODY
              + " --regid="
              + NOBODY
              + " --clear-groups '"
              + tool
              + "' \"$@\"",
          "");
    }

    /** Unpacks the real binaries into a world-readable folder named by their digest, once. */
    private static Path unpackOnce(byte[] txz) throws IOException {
      Path base = Path.of(System.getProperty("java.io.tmpdir"));
      Path target = base.resolve("tokenledger-pg-" + digest(txz));
      if (Files.isRegularFile(target.resolve(".complete"))) {
        return target;
      }
      Path staging = Files.createTempDirectory(base, "tokenledger-pg-staging-");
      try (TarArchiveInputStream tar =
          new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(txz)))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          Path out = staging.resolve(entry.getName()).normalize();
          if (!out.startsWith(staging)) {
            throw new IOException("archive entry escapes its folder: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(out);
          } else if (entry.isSymbolicLink()) {
            Files.createDirectories(out.getParent());
            Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
          } else {
            Files.createDirectories(out.getParent());
            Files.copy(tar, out);
            Files.setPosixFilePermissions(out, readableBy(entry.getMode()));
          }
        }
      }
      try (Stream<Path> all = Files.walk(staging)) {
        for (Path p : all.filter(Files::isDirectory).toList()) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
      Files.createFile(staging.resolve(".complete"));
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        deleteTree(staging); // another JVM unpacked the same binaries first
      } catch (IOException e) {
        if (!Files.isRegularFile(target.resolve(".complete"))) {
          throw e;
        }
        deleteTree(staging);
      }
      return target;
    }

    private static Set<PosixFilePermission> readableBy(int mode) {
      boolean executable = (mode & 0111) != 0;
      return PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--");
    }

    private static void deleteTree(Path dir) throws IOException {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }

    private static String digest(byte[] bytes) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(sha.digest(bytes)).substring(0, 16);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
