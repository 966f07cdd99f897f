package dev.tokenledger.cli;

import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.ledger.Ledger;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/** Entry point of the runnable jar. */
public final class Main {
  private static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

  private Main() {}

  public static void main(String[] args) {
    setProperties();
    if (args.length > 0 && TokenLedgerCli.LEDGER_COMMANDS.contains(args[0])) {
      Ledger.prepareToOpen(); // first: it is the longest of what runs beside the main thread
    }
    PrintWriter out = writer(System.out, "sun.stdout.encoding");
    PrintWriter err = writer(System.err, "sun.stderr.encoding");
    int code = TokenLedgerCli.execute(CliEnvironment.system(), out, err, args);
    out.flush();
    err.flush();
    System.out.flush();
    System.exit(code);
  }

  /**
   * A writer on {@code stream} as picocli makes its own: in the encoding the JVM gives that stream
   * ({@code encodingProperty}, set on a Windows console), else the default one; flushed at each
   * line.
   */
  static PrintWriter writer(OutputStream stream, String encodingProperty) {
    String encoding = System.getProperty(encodingProperty);
    Charset charset = Charset.defaultCharset();
    if (encoding != null) {
      try {
        charset = Charset.forName(encoding.equalsIgnoreCase("cp65001") ? "UTF-8" : encoding);
      } catch (IllegalArgumentException e) {
        // an encoding this JVM does not know: the default one, as picocli does
      }
    }
    return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset)), true);
  }

  /** The process-wide settings every command runs with (the launcher's training run too). */
  static void setProperties() {
    // Charts are drawn off screen; without this AWT may look for a display.
    System.setProperty("java.awt.headless", "true");
    // The jar's one logging provider, named: SLF4J would otherwise look for providers through a
    // ServiceLoader scan of the jar and the JDK's modules on every start (docs/performance.md).
    // Naming it makes SLF4J say so at its INFO level, hence WARN.
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", "org.slf4j.nop.NOPServiceProvider");
      System.setProperty("slf4j.internal.verbosity", "WARN");
    }
    // Java 17-24 start a child process through jspawnhelper, an extra program exec'd before the
    // command; vfork starts the command directly, a few ms less per run exec. Java 25 deprecates
    // vfork (with a warning on stderr) and later ones drop it, so they keep their default; only
    // Linux has vfork as a mechanism (macOS and AIX refuse it with an Error at the first start).
    if (spawnsWithVfork(
        System.getProperty(LAUNCH_MECHANISM),
        Runtime.version().feature(),
        System.getProperty("os.name", ""))) {
      System.setProperty(LAUNCH_MECHANISM, "VFORK");
    }
  }

  /** Whether to start children with vfork: on Linux, Java 17-24, and when the user set nothing. */
  static boolean spawnsWithVfork(String userSetting, int javaFeature, String osName) {
    return userSetting == null && javaFeature < 25 && osName.startsWith("Linux");
  }
}
