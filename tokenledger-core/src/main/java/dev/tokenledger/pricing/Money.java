package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Rounding and scaling of USD amounts for display; figures themselves stay unrounded. */
public final class Money {
  /** Decimal places shown in tables. */
  public static final int TABLE_SCALE = 4;

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private Money() {}

  /** {@code amount} rounded to 4 decimals, half up, as tables show it ($0.0144). */
  public static BigDecimal forTable(BigDecimal amount) {
    return amount.setScale(TABLE_SCALE, RoundingMode.HALF_UP);
  }

  /** A per-token price as USD per million tokens, the unit OpenAI's price list uses. */
  public static BigDecimal perMillionTokens(BigDecimal perToken) {
    BigDecimal m = perToken.multiply(MILLION).stripTrailingZeros();
    return m.scale() < 0 ? m.setScale(0) : m;
  }
}
