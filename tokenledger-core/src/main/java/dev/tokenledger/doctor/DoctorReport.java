package dev.tokenledger.doctor;

import dev.tokenledger.Require;
import dev.tokenledger.config.UsageKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code doctor} found: the checks in order (the summary last), the framework findings,
 * and where the configuration came from.
 *
 * @param options what was asked
 * @param envFile the {@code .env} file that was read, if any
 * @param usageKey the usage key found, if any (printable only through its redacted form)
 * @param baseUrl the API base URL, when it is valid
 * @param checks every check in the order run; the last is the summary
 * @param frameworks the findings for each framework checked
 */
public record DoctorReport(
    DoctorOptions options,
    Optional<Path> envFile,
    Optional<UsageKey> usageKey,
    Optional<String> baseUrl,
    List<DoctorCheck> checks,
    List<FrameworkFindings> frameworks) {

  public DoctorReport {
    Require.nonNull("options envFile usageKey baseUrl", options, envFile, usageKey, baseUrl);
    checks = List.copyOf(checks);
    frameworks = List.copyOf(frameworks);
    if (checks.isEmpty() || !checks.get(checks.size() - 1).id().equals(DoctorCheck.SUMMARY)) {
      throw new IllegalArgumentException("the last check of a report is the summary");
    }
  }

  /** The summary check: ready, or the blocking problems. */
  public DoctorCheck summary() {
    return checks.get(checks.size() - 1);
  }

  /** The check with {@code id}, if it was run. */
  public Optional<DoctorCheck> check(String id) {
    return checks.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  /** The checks that block accounting, in order, the summary left out. */
  public List<DoctorCheck> blocking() {
    return checks.subList(0, checks.size() - 1).stream().filter(DoctorCheck::blocks).toList();
  }

  /** What decides the exit code: the category of the first blocking problem. */
  public ExitCategory exitCategory() {
    return summary().category();
  }

  /** How many of the frameworks checked are ready (their check is ok or only a warning). */
  public int readyFrameworks() {
    return (int)
        frameworks.stream()
            .filter(f -> f.status() == CheckStatus.OK || f.status() == CheckStatus.WARN)
            .count();
  }
}
