package dev.tokenledger.cli;

/** How a command prints its data on stdout ({@code --format}). */
public enum OutputFormat {
  TABLE,
  JSON,
  CSV
}
