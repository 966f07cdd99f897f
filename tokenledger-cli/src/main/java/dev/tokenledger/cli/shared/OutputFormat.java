package dev.tokenledger.cli.shared;

/** The output formats of data commands ({@code --format}). */
public enum OutputFormat {
  TABLE,
  JSON,
  CSV
}
