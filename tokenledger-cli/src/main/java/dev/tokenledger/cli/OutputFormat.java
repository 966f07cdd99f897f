package dev.tokenledger.cli;

/** The output formats of data commands ({@code --format}). */
public enum OutputFormat {
  TABLE,
  JSON,
  CSV
}
