package dev.tokenledger.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times whole processes for the start-up scenarios: every command once per round, interleaved, so
 * that the load other work puts on the machine falls on all of them alike; the figure of a command
 * is its median over the rounds and is read as a ratio to another measured in the same rounds.
 */
final class StartTimer {
  /** The launcher's JVM options: for every command, and added for its short ones. */
  private static final Pattern OPTIONS = Pattern.compile("^(default|short|thp)_opts=\"([^\"]*)\"$");

  /** Where Linux says whether it gives transparent huge pages, as the launcher reads it. */
  private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

  /** What one run of a command did. */
  record Outcome(int exitCode, String out, String err) {}

  /** Checks what a command did; throws {@link WrongResult} when it is not what it should be. */
  @FunctionalInterface
  interface Check {
    void verify(Outcome outcome);
  }

  /** A result that is wrong, not slow: the scenario exits 1. */
  static final class WrongResult extends RuntimeException {
    WrongResult(String message) {
      super(message);
    }
  }

  private record Entry(List<String> command, Check check, long[] millis) {}

  private final Path workingDirectory;
  private final Map<String, String> environment;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private int rounds;

  StartTimer(Path workingDirectory, Map<String, String> environment) {
    this.workingDirectory = workingDirectory;
    this.environment = environment;
  }

  void add(String name, List<String> command, Check check) {
    entries.put(name, new Entry(command, check, null));
  }

  /** Runs every command {@code times} times, round after round. */
  void run(int times) {
    rounds = times;
    entries.replaceAll((name, e) -> new Entry(e.command(), e.check(), new long[times]));
    for (int round = 0; round < times; round++) {
      for (Entry e : entries.values()) {
        long t0 = System.nanoTime();
        Outcome outcome = once(e.command());
        e.millis()[round] = (System.nanoTime() - t0) / 1_000_000;
        e.check().verify(outcome);
      }
    }
  }

  /** Runs {@code command} once, untimed. */
  Outcome once(List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workingDirectory.toFile());
    pb.environment().putAll(environment);
    try {
      Process p = pb.start();
      p.getOutputStream().close(); // stdin at its end at once
      // Read both streams to their end before waiting, so a full pipe never stalls the child.
      byte[][] err = new byte[1][];
      Thread errReader = new Thread(() -> err[0] = readAll(p.getErrorStream()));
      errReader.start();
      byte[] out = readAll(p.getInputStream());
      errReader.join();
      int code = p.waitFor();
      return new Outcome(
          code,
          new String(out, StandardCharsets.UTF_8),
          new String(err[0], StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  long median(String name) {
    long[] sorted = entries.get(name).millis().clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** One line per command: its median, and its ratio to {@code anchor}'s. */
  void print(String anchor) {
    System.out.printf(Locale.ROOT, "median of %d interleaved rounds; anchor: %s%n", rounds, anchor);
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      System.out.printf(
          Locale.ROOT,
          "  %-44s %6d ms  %5.2f× the anchor%n",
          e.getKey(),
          median(e.getKey()),
          (double) median(e.getKey()) / median(anchor));
    }
  }

  double ratio(String name, String anchor) {
    return (double) median(name) / median(anchor);
  }

  /** Prints a measure against its goal; never fails for it (speed is not a result). */
  static void goal(String measure, double ratio, double goal) {
    System.out.printf(
        Locale.ROOT,
        "%s: %.2f× (goal ≤ %.1f×: %s)%n",
        measure,
        ratio,
        goal,
        ratio <= goal ? "met" : "not met");
  }

  /** A hello-world jar (this module's {@link HelloWorld}), the anchor of start-up figures. */
  static Path helloWorldJar(Path dir) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, HelloWorld.class.getName());
    Path jar = dir.resolve("hello.jar");
    String entry = HelloWorld.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        InputStream in = HelloWorld.class.getResourceAsStream("/" + entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }

  /**
   * The JVM options {@code launcher} runs its short commands ({@code --version}, {@code run …})
   * with: {@code TOKENLEDGER_JAVA_OPTS}, or its {@code default_opts} and {@code short_opts}, and
   * its {@code thp_opts} where the kernel gives transparent huge pages always or on request. An
   * anchor runs with them too.
   */
  static List<String> launcherJvmOptions(Path launcher) throws IOException {
    String set = System.getenv("TOKENLEDGER_JAVA_OPTS");
    if (set != null && !set.isEmpty()) { // as the launcher's -z: set, even to blanks
      return List.of(set.trim().split("\\s+"));
    }
    List<String> options = new ArrayList<>();
    int found = 0;
    for (String line : Files.readAllLines(launcher)) {
      Matcher m = OPTIONS.matcher(line);
      if (m.matches()) {
        if (!m.group(1).equals("thp") || hugePagesGiven()) {
          options.addAll(List.of(m.group(2).trim().split("\\s+")));
        }
        found++;
      }
    }
    if (found != 3) {
      throw new WrongResult(
          "no default_opts=\"…\", short_opts=\"…\" and thp_opts=\"…\" lines in " + launcher);
    }
    return options;
  }

  private static boolean hugePagesGiven() throws IOException {
    if (!Files.isReadable(THP)) {
      return false;
    }
    String mode = Files.readString(THP);
    return mode.contains("[always]") || mode.contains("[madvise]");
  }

  /** {@code java} as the launcher finds it (on the PATH), with {@code options}. */
  static List<String> java(List<String> options, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add("java");
    command.addAll(options);
    command.addAll(List.of(arguments));
    return command;
  }

  static void expect(boolean condition, String what) {
    if (!condition) {
      throw new WrongResult(what);
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
