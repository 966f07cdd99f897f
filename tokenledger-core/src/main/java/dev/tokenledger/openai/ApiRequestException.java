package dev.tokenledger.openai;

/** The API rejected the request itself (a 4xx other than 401/403/408/409/429: 400, 404, …). */
public class ApiRequestException extends OpenAiException {
  private static final long serialVersionUID = 1L;

  public ApiRequestException(String message, ApiCall call, int httpStatus, ApiError apiError) {
    super(message, call, httpStatus, apiError, null);
  }
}
