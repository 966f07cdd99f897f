package dev.tokenledger.openai;

import java.math.BigDecimal;

/**
 * One result row of a costs bucket ({@code organization.costs.result}). {@code amount} and {@code
 * currency} are {@code null} when the API left {@code amount} out; dimension fields are {@code
 * null} when not grouped by them; {@code quantity} and {@code quantityUnit} may be {@code null}.
 */
public record CostResult(
    BigDecimal amount,
    String currency,
    String lineItem,
    String projectId,
    String apiKeyId,
    BigDecimal quantity,
    String quantityUnit) {

  /** The {@code object} name of cost results. */
  public static final String OBJECT = "organization.costs.result";

  /** This row's value for {@code dimension}, or {@code null}. */
  public Object dimension(Dimension dimension) {
    return switch (dimension) {
      case LINE_ITEM -> lineItem;
      case PROJECT_ID -> projectId;
      case API_KEY_ID -> apiKeyId;
      default -> null;
    };
  }
}
