package dev.tokenledger.cli.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.sim.Fault;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code usage} says on stderr why it waits, one line per retry, and when OpenAI's rate limit
 * outlasts the retries its advice is about rate limits, not the network.
 */
class UsageRetriesTest {
  static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");

  @TempDir Path dir;
  SimClock clock;
  OpenAiSimulator sim;
  SimKey admin;

  @BeforeEach
  void start() {
    clock = SimClock.stepped(T0);
    sim =
        OpenAiSimulator.builder()
            .clock(clock)
            .seed(5)
            .reportingDelay(ReportingDelay.none())
            .build()
            .start();
    admin = sim.register(SimKey.admin("usage reader"));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  CliHarness.Result usage() {
    return new CliHarness(dir)
        .clock(clock)
        .sleeper(clock::advance)
        .env("OPENAI_BASE_URL", sim.baseUrl().toString())
        .env("OPENAI_ADMIN_KEY", admin.apiKey().revealForChildProcess())
        .run("usage", "--since", "10m");
  }

  @Test
  void eachRetryIsOneLineOnStderr() {
    sim.faults()
        .onPath("/organization/usage/completions")
        .next(2, Fault.rateLimited(3))
        .next(1, Fault.serverError(503));

    CliHarness.Result r = usage();

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err().lines().filter(l -> l.contains(", retry ")))
        .containsExactly(
            "tokenledger: 429 from OpenAI, retry 1 of 5 in 3 s",
            "tokenledger: 429 from OpenAI, retry 2 of 5 in 3 s",
            "tokenledger: 503 from OpenAI, retry 3 of 5 in " + waitOf(r.err(), 3));
  }

  @Test
  void aRateLimitThatOutlastsTheRetriesGetsRateLimitAdvice() {
    sim.faults().onPath("/organization/usage/completions").next(6, Fault.rateLimited(2));

    CliHarness.Result r = usage();

    assertThat(r.exitCode()).isEqualTo(ExitCode.API_FAILURE);
    assertThat(r.err().lines().filter(l -> l.contains(", retry "))).hasSize(5);
    assertThat(r.err()).contains("rate limit").doesNotContain("Check the network");
  }

  /** The jittered wait the line of retry {@code n} announced. */
  private static String waitOf(String err, int n) {
    String prefix = "retry " + n + " of 5 in ";
    String line = err.lines().filter(l -> l.contains(prefix)).findFirst().orElseThrow();
    return line.substring(line.indexOf(prefix) + prefix.length());
  }
}
