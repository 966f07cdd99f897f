package dev.tokenledger.cli.reconcile;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.reconcile.PassListener;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.Reconciler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A reconciler in a process of its own, for the kill -9 test: {@code LEDGER_FILE BASE_URL INSTANT}
 * runs one pass at {@code INSTANT}, prints {@link #READY} once its reads are stored, and then waits
 * on stdin for the test to kill it before it stores any figure.
 */
public final class ReconcilePassMain {
  static final String READY = "reads stored";
  static final String KEY_VARIABLE = "RECONCILE_TEST_ADMIN_KEY";

  private ReconcilePassMain() {}

  public static void main(String[] args) {
    Clock clock = Clock.fixed(Instant.parse(args[2]), ZoneOffset.UTC);
    try (Ledger ledger =
        Ledger.builder(LedgerLocation.sqlite(Path.of(args[0])))
            .clock(clock)
            .heartbeatInterval(Duration.ZERO)
            .open()) {
      OpenAiAdminClient client =
          OpenAiAdminClient.builder()
              .baseUrl(args[1])
              .adminKey(ApiKey.of(System.getenv(KEY_VARIABLE)))
              .clock(clock)
              .build();
      Reconciler.builder(ledger, client)
          .clock(clock)
          .listener(
              new PassListener() {
                @Override
                public void attributing(int runs) {
                  System.out.println(READY);
                  System.out.flush();
                  try {
                    // blocks until the test kills this process
                    System.in.read();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  throw new IllegalStateException("expected to be killed before going on");
                }
              })
          .build()
          .pass(PassRequest.notFinal());
    }
  }
}
