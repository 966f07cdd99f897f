package dev.tokenledger.cli.shared;

import dev.tokenledger.TokenCounts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes CSV output of data commands: a header row, then records, {@code \n} line ends. */
public final class Csv {
  private final CSVPrinter printer;

  private Csv(CSVPrinter printer) {
    this.printer = printer;
  }

  /** A CSV writer on {@code out} that has written {@code header}. */
  public static Csv withHeader(PrintWriter out, List<String> header) {
    try {
      // Never closed: closing the printer would close the command's shared writer.
      Csv csv =
          new Csv(new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get()));
      csv.row(List.copyOf(header));
      return csv;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes one record; {@code null} cells are written empty, amounts as plain decimals. */
  public Csv row(List<?> cells) {
    try {
      printer.printRecord(cells.stream().map(Csv::cell).toList());
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The token columns of a row: input, cached input, output, total, requests. */
  public static List<Object> tokenCells(TokenCounts t) {
    return List.of(t.input(), t.cachedInput(), t.output(), t.total(), t.requests());
  }

  private static Object cell(Object c) {
    if (c == null) {
      return "";
    }
    return c instanceof BigDecimal amount ? amount.stripTrailingZeros().toPlainString() : c;
  }

  /** Flushes what was written. */
  public void flush() {
    try {
      printer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
