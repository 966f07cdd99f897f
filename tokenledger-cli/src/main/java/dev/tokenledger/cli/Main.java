package dev.tokenledger.cli;

import dev.tokenledger.cli.shared.CliEnvironment;

/** Entry point of the runnable jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Charts are drawn off screen; without this AWT may look for a display.
    System.setProperty("java.awt.headless", "true");
    int code = TokenLedgerCli.commandLine(CliEnvironment.system(), args).execute(args);
    System.out.flush();
    System.exit(code);
  }
}
