package dev.tokenledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenledger run exec} as a real process: the child's stdin, stdout and stderr pass through
 * byte for byte, SIGTERM reaches the child, and a read-only ledger costs a warning, not the run.
 */
class RunExecProcessTest {
  private static final String KEY = "sk-proj-test-canary-000000000000000000000000e7ec";

  @TempDir Path dir;

  @Test
  void stdinStdoutAndStderrPassThroughByteForByteAndTheExitCodeIsTheChilds() throws Exception {
    byte[] input = new byte[4096];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) (i * 7 + i / 256); // every byte value, NULs and invalid UTF-8 included
    }
    Process p =
        tokenledger(
                "run",
                "exec",
                "--framework",
                "chatdev",
                "--",
                "sh",
                "-c",
                "cat; printf 'err\\377\\000\\n' >&2; exit 7")
            .start();
    CompletableFuture<byte[]> stdout = readAll(p.getInputStream());
    CompletableFuture<byte[]> stderr = readAll(p.getErrorStream());
    try (OutputStream stdin = p.getOutputStream()) {
      stdin.write(input);
    }

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(7);
    assertThat(stdout.get()).isEqualTo(input);
    assertThat(stderr.get()).isEqualTo(new byte[] {'e', 'r', 'r', (byte) 0xff, 0, '\n'});
  }

  @Test
  void sigtermIsPassedOnToTheChildWhoseExitCodeWins() throws Exception {
    Process p =
        tokenledger(
                "run",
                "exec",
                "--framework",
                "chatdev",
                "--",
                "sh",
                "-c",
                "trap 'exit 42' TERM; echo ready; while :; do sleep 0.1; done")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("ready");
      p.destroy(); // SIGTERM to tokenledger, not to the child

      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.exitValue()).isEqualTo(42);
  }

  @Test
  void aReadOnlyLedgerStillRunsTheChildAndWarns() throws Exception {
    Process create = tokenledger("run", "start", "--framework", "chatdev").start();
    assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(create.exitValue()).isZero();
    Path folder = dir.resolve(".tokenledger");
    Path file = folder.resolve("ledger.db");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Process p =
          tokenledger(
                  "run",
                  "exec",
                  "--framework",
                  "chatdev",
                  "--new-run",
                  "--",
                  "sh",
                  "-c",
                  "echo ran; exit 3")
              .start();
      CompletableFuture<byte[]> stdout = readAll(p.getInputStream());
      CompletableFuture<byte[]> stderr = readAll(p.getErrorStream());

      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(3);
      assertThat(new String(stdout.get(), StandardCharsets.UTF_8)).isEqualTo("ran\n");
      assertThat(new String(stderr.get(), StandardCharsets.UTF_8))
          .startsWith("tokenledger: warning: ")
          .doesNotContain(KEY);
    } finally {
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  /**
   * The CLI in a JVM of its own. Root ignores file permissions, so as root it runs without the
   * capabilities that let it (the read-only test must see a read-only file).
   */
  private ProcessBuilder tokenledger(String... args) {
    List<String> command = new ArrayList<>();
    if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
      command.addAll(
          List.of("/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of("-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv("PATH"));
    pb.environment().put("OPENAI_API_KEY_CHATDEV", KEY);
    // with the key's id, recording has nothing to warn about: stderr is the child's alone
    pb.environment().put("OPENAI_API_KEY_CHATDEV_ID", "key_e7ec");
    return pb;
  }

  private static CompletableFuture<byte[]> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }
}
