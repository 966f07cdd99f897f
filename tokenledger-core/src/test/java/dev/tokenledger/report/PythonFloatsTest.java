package dev.tokenledger.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonFloatsTest {
  /** Each pair: what Python's json.dump writes for a float, and what a decimal comes back as. */
  @ParameterizedTest
  @CsvSource({
    "1e-05, 1e-05",
    "0.00001, 1e-05",
    "1.5e-05, 1.5e-05",
    "0.0001, 0.0001",
    "0.0435, 0.0435",
    "0.04350000, 0.0435",
    "1.0, 1.0",
    "1, 1.0",
    "0.0, 0.0",
    "-2.5, -2.5",
    "1234567890123456.0, 1234567890123456.0",
    "1e+16, 1e+16",
    "1e+20, 1e+20",
    "-3.25e-07, -3.25e-07",
    "1421.5, 1421.5"
  })
  void decimalsAreWrittenAsPythonsReprOfTheFloat(String read, String written) {
    assertThat(PythonFloats.repr(new BigDecimal(read))).isEqualTo(written);
  }
}
