package dev.tokenledger.cli.reconcile;

import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.config.ApiKey;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.reconcile.PassListener;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.ReconcileSettings;
import dev.tokenledger.reconcile.Reconciler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A reconciler in a process of its own for {@link FaultMatrixTest}: {@code INSTANT MIN_AGE_MINUTES
 * KILL_POINT} runs one pass at {@code INSTANT} on the ledger and simulator named by the
 * environment, and at the kill point ({@code planned}, {@code read:N} after its N-th stored read,
 * or {@code attributing}) prints {@link #KILL_ME} and waits on stdin for the test's kill -9. A pass
 * that never reaches the point prints {@link #DONE}. Retries do not sleep: the simulator's clock is
 * the test's.
 */
public final class FaultMatrixPassMain {
  static final String KILL_ME = "kill me";
  static final String DONE = "pass done";
  static final String LEDGER_VARIABLE = "FAULT_MATRIX_LEDGER";
  static final String BASE_URL_VARIABLE = "FAULT_MATRIX_BASE_URL";

  private FaultMatrixPassMain() {}

  public static void main(String[] args) {
    Clock clock = Clock.fixed(Instant.parse(args[0]), ZoneOffset.UTC);
    ReconcileSettings settings =
        new ReconcileSettings(
            Duration.ofMinutes(Long.parseLong(args[1])), 3, Duration.ofMinutes(5));
    String killPoint = args[2];
    LedgerLocation location = LedgerLocation.resolve(System.getenv(LEDGER_VARIABLE), Path.of("."));
    try (Ledger ledger =
        Ledger.builder(location).clock(clock).heartbeatInterval(Duration.ZERO).open()) {
      OpenAiAdminClient client =
          OpenAiAdminClient.builder()
              .baseUrl(System.getenv(BASE_URL_VARIABLE))
              .adminKey(ApiKey.of(System.getenv(ReconcilePassMain.KEY_VARIABLE)))
              .clock(clock)
              .sleeper(wait -> {})
              .build();
      Reconciler.builder(ledger, client)
          .settings(settings)
          .clock(clock)
          .listener(
              new PassListener() {
                @Override
                public void planned(int reads, int runs) {
                  stopAt("planned");
                }

                @Override
                public void readStored(
                    int done, UsageEndpoint endpoint, QueryWindow window, boolean failed) {
                  stopAt("read:" + done);
                }

                @Override
                public void attributing(int runs) {
                  stopAt("attributing");
                }

                private void stopAt(String point) {
                  if (!point.equals(killPoint)) {
                    return;
                  }
                  System.out.println(KILL_ME);
                  System.out.flush();
                  try {
                    // blocks until the test kills this process
                    System.in.read();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  throw new IllegalStateException("expected to be killed at " + point);
                }
              })
          .build()
          .pass(PassRequest.notFinal());
    }
    System.out.println(DONE);
  }
}
