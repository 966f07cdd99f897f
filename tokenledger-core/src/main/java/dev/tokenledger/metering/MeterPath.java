package dev.tokenledger.metering;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The base path that tags a metered child's requests with its run and step: the child gets {@code
 * http://127.0.0.1:PORT/r/<run>/s/<step>/v1} as {@code OPENAI_BASE_URL}, and every OpenAI SDK
 * appends its paths to it. {@code /r/<run>/v1} tags the run alone; a path without a tag ({@code
 * /v1/…}) is forwarded untagged. The run id is percent-encoded (UTF-8).
 *
 * @param runId the run, or {@code null} when the path has no tag
 * @param stepIndex the step, or {@code null}
 * @param rest the path below the proxy's {@code /v1}, starting with {@code /} (or empty), to append
 *     to the upstream base URL; for a path that did not name {@code /v1}, the path after the tag
 */
public record MeterPath(String runId, Integer stepIndex, String rest) {

  public MeterPath {
    Objects.requireNonNull(rest, "rest");
    if (stepIndex != null && (stepIndex < 1 || runId == null)) {
      throw new IllegalArgumentException(
          "a step index must be 1 or more and come with a run, but was " + stepIndex);
    }
  }

  /** The base path for a run's step ({@code stepIndex} null: the run alone), ending in /v1. */
  public static String basePath(String runId, Integer stepIndex) {
    Objects.requireNonNull(runId, "runId");
    String run = "/r/" + URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20");
    return stepIndex == null ? run + "/v1" : run + "/s/" + stepIndex + "/v1";
  }

  /**
   * Reads a request path (without its query) as the proxy received it; empty when it has a
   * malformed tag ({@code /r/} without a run, a step that is not a number of 1 or more).
   */
  public static Optional<MeterPath> parse(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/r/")) {
      return Optional.of(new MeterPath(null, null, belowV1(path)));
    }
    int runEnd = path.indexOf('/', 3);
    String run = decode(path.substring(3, runEnd < 0 ? path.length() : runEnd));
    if (run == null || run.isEmpty()) {
      return Optional.empty();
    }
    String after = runEnd < 0 ? "" : path.substring(runEnd);
    Integer step = null;
    if (after.startsWith("/s/")) {
      int stepEnd = after.indexOf('/', 3);
      String digits = after.substring(3, stepEnd < 0 ? after.length() : stepEnd);
      if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
        return Optional.empty();
      }
      step = Integer.parseInt(digits);
      if (step < 1) {
        return Optional.empty();
      }
      after = stepEnd < 0 ? "" : after.substring(stepEnd);
    }
    return Optional.of(new MeterPath(run, step, belowV1(after)));
  }

  private static String belowV1(String path) {
    if (path.equals("/v1")) {
      return "";
    }
    return path.startsWith("/v1/") ? path.substring(3) : path;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
