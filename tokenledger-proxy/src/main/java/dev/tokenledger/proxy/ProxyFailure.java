package dev.tokenledger.proxy;

/**
 * Something went wrong in the metering proxy that makes its records incomplete: a record the sink
 * refused, a fault in the proxy itself, or the proxy stopping on its own. The experiment's requests
 * still pass (or fail the way the upstream made them fail); a caller marks the affected runs {@code
 * meter_failed}.
 *
 * @param runId the run whose record was lost, or {@code null} when the whole proxy is affected
 * @param message what happened, in one line, never holding a key
 * @param cause the exception, or {@code null}
 */
public record ProxyFailure(String runId, String message, Throwable cause) {
  public ProxyFailure {
    java.util.Objects.requireNonNull(message, "message");
  }
}
