package dev.tokenledger.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Start-up near the JVM's floor: {@code tokenledger --version} through the launcher, against a
 * hello-world jar on the same java with the launcher's JVM options, interleaved
 * (docs/performance.md). Exits 1 when a command's result is wrong (exit code, output), never
 * because it is slow.
 *
 * <p>Arguments: {@code [rounds, 21] [launcher, ./tokenledger]}. The launcher builds the jar and its
 * start-up archive first if they are out of date: run it once before.
 */
public final class StartupScenario {
  private StartupScenario() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
    Path launcher = Path.of(args.length > 1 ? args[1] : "tokenledger").toAbsolutePath();
    Path dir = Files.createTempDirectory("tokenledger-startup-");
    Path jar = launcher.resolveSibling("tokenledger-cli/target/tokenledger.jar");
    try {
      List<String> options = StartTimer.launcherJvmOptions(launcher);
      StartTimer timer = new StartTimer(dir, Map.of());
      timer.add(
          "hello-world jar",
          StartTimer.java(options, "-jar", StartTimer.helloWorldJar(dir).toString()),
          o -> StartTimer.expect(o.exitCode() == 0 && o.out().equals("hello, world\n"), "hello"));
      StartTimer.Check version =
          o ->
              StartTimer.expect(
                  o.exitCode() == 0 && o.out().startsWith("tokenledger ") && o.err().isEmpty(),
                  "--version exited " + o.exitCode() + ", printed " + o.out() + o.err());
      timer.add("tokenledger --version", List.of(launcher.toString(), "--version"), version);
      timer.add(
          "java -jar tokenledger.jar --version (no archive)",
          StartTimer.java(options, "-jar", jar.toString(), "--version"),
          version);
      timer.add("tokenledger --help", List.of(launcher.toString(), "--help"), o -> helps(o));
      timer.once(List.of(launcher.toString(), "--version")); // builds and prepares if needed
      timer.run(rounds);

      timer.print("hello-world jar");
      StartTimer.goal(
          "tokenledger --version vs the hello-world jar",
          timer.ratio("tokenledger --version", "hello-world jar"),
          2.0);
    } catch (StartTimer.WrongResult e) {
      System.err.println("StartupScenario: wrong result: " + e.getMessage());
      System.exit(1);
    } finally {
      Files.deleteIfExists(dir.resolve("hello.jar"));
      Files.deleteIfExists(dir);
    }
  }

  private static void helps(StartTimer.Outcome o) {
    StartTimer.expect(
        o.exitCode() == 0 && o.out().startsWith("Usage: tokenledger") && o.out().contains("run"),
        "--help exited " + o.exitCode());
  }
}
