package dev.tokenledger.doctor;

import dev.tokenledger.Require;
import java.util.List;

/**
 * The result of one check: a stable id, a title, the status, a one-line summary (the problem when
 * it failed), detail lines, the fix as lines, and the exit category a failure implies. No text
 * holds a key; keys appear only in redacted form.
 *
 * @param id stable identifier: {@code configuration}, {@code usage-key-class}, {@code
 *     usage-key-works}, {@code organization-read}, {@code framework:<name>}, {@code write-ids},
 *     {@code summary}
 * @param title what is checked, e.g. "Usage key works"
 * @param status how it came out
 * @param summary one line: what was found, or the problem when it failed
 * @param details more lines about it (what OpenAI said, where a variable was set)
 * @param fix what to do, one step or alternative per line; empty when nothing is to be done
 * @param category what a failure means for the exit code; {@link ExitCategory#NONE} unless failed
 */
public record DoctorCheck(
    String id,
    String title,
    CheckStatus status,
    String summary,
    List<String> details,
    List<String> fix,
    ExitCategory category) {

  public static final String CONFIGURATION = "configuration";
  public static final String USAGE_KEY_CLASS = "usage-key-class";
  public static final String USAGE_KEY_WORKS = "usage-key-works";
  public static final String ORGANIZATION_READ = "organization-read";
  public static final String FRAMEWORK_PREFIX = "framework:";
  public static final String WRITE_IDS = "write-ids";
  public static final String SUMMARY = "summary";

  public DoctorCheck {
    Require.nonNull("id title status summary category", id, title, status, summary, category);
    details = List.copyOf(details);
    fix = List.copyOf(fix);
    if ((status == CheckStatus.FAIL) != (category != ExitCategory.NONE)) {
      throw new IllegalArgumentException(
          "a failed check needs an exit category and only a failed one has it; was "
              + status
              + " with "
              + category);
    }
  }

  static DoctorCheck ok(String id, String title, String summary) {
    return new DoctorCheck(
        id, title, CheckStatus.OK, summary, List.of(), List.of(), ExitCategory.NONE);
  }

  static DoctorCheck warn(
      String id, String title, String summary, List<String> details, List<String> fix) {
    return new DoctorCheck(id, title, CheckStatus.WARN, summary, details, fix, ExitCategory.NONE);
  }

  static DoctorCheck fail(
      String id,
      String title,
      ExitCategory category,
      String summary,
      List<String> details,
      List<String> fix) {
    return new DoctorCheck(id, title, CheckStatus.FAIL, summary, details, fix, category);
  }

  static DoctorCheck skipped(String id, String title, String why) {
    return new DoctorCheck(
        id, title, CheckStatus.SKIPPED, why, List.of(), List.of(), ExitCategory.NONE);
  }

  /** Whether this check blocks accounting. */
  public boolean blocks() {
    return status == CheckStatus.FAIL;
  }
}
