package dev.tokenledger.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Writes decimals as Python's {@code repr(float)} does, so that a file written by Python's {@code
 * json.dump} keeps the text of the numbers export does not own: {@code 1e-05}, {@code 0.0001},
 * {@code 1.0}, {@code 1e+16}. A decimal read from such a file holds the shortest digits already.
 */
final class PythonFloats extends JsonGeneratorDelegate {
  PythonFloats(JsonGenerator delegate) {
    super(delegate, false);
  }

  @Override
  public void writeNumber(BigDecimal value) throws IOException {
    delegate.writeNumber(repr(value));
  }

  /** Python's repr of the float {@code value}: exponent form below 1e-4 and from 1e16 on. */
  static String repr(BigDecimal value) {
    if (value.signum() == 0) {
      return "0.0";
    }
    BigDecimal v = value.stripTrailingZeros();
    String digits = v.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - v.scale();
    String sign = v.signum() < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign
          + mantissa
          + "e"
          + (exponent < 0 ? "-" : "+")
          + String.format("%02d", Math.abs(exponent));
    }
    String plain = v.toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }
}
