package dev.tokenledger.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by the build (tokenledger-core's POM, phase process-classes): writes the packaged price table
 * in the form {@link PriceFiles#defaultTable()} loads, its OpenAI entries alone. Every priced
 * command loads the table, and parsing and hashing the 1.4 MB LiteLLM file took a report a tenth of
 * its time; the 1/15 of it that is OpenAI's, parsed as the ledger keeps tables, takes little.
 * {@code PackagedPricesTest} checks the result equals the full file's parse.
 */
public final class PackagedPrices {
  private PackagedPrices() {}

  /** Writes the compact table into the folder {@code args[0]} (the build's classes). */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]).resolve(PriceFiles.COMPACT_PATH);
    Files.createDirectories(file.getParent());
    Files.writeString(file, PriceFiles.compact(PriceFiles.parsePackaged()), StandardCharsets.UTF_8);
  }
}
