package dev.tokenledger.cli;

/** Entry point of the runnable jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = TokenLedgerCli.commandLine(CliEnvironment.system()).execute(args);
    System.out.flush();
    System.exit(code);
  }
}
