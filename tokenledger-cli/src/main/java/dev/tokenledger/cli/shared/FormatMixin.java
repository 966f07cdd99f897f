package dev.tokenledger.cli.shared;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The option {@code --format table|json|csv} of every command that prints data. */
public final class FormatMixin {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "table (default), json or csv (where the command has rows to list).")
  OutputFormat format = OutputFormat.TABLE;

  /** The format asked for. */
  public OutputFormat format() {
    return format;
  }

  /** Whether the output is for a program (json or csv) rather than a person. */
  public boolean forPrograms() {
    return format != OutputFormat.TABLE;
  }

  /**
   * For a command that has no rows to list: refuses csv with {@code message} (a usage error, exit
   * 2) that names what to use instead.
   */
  public OutputFormat tableOrJson(String message) {
    if (format == OutputFormat.CSV) {
      throw new CommandLine.ParameterException(mixee.commandLine(), message);
    }
    return format;
  }
}
