package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL URL's credentials never reach a message: not the ledger's own text, not the driver's
 * text appended to it, not the causes a stack trace ({@code -x}) prints.
 */
class LedgerCredentialsTest {
  static final String SECRET = "S3cretPassw0rd";

  /** host:port of the embedded server, with a fresh database. */
  static String server() {
    URI uri = URI.create(TestPostgres.newDatabaseUrl().substring("jdbc:".length()));
    return uri.getHost() + ":" + uri.getPort() + uri.getPath();
  }

  static String everythingPrinted(Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return t.getMessage() + "\n" + t + "\n" + trace;
  }

  @Test
  void userInfoInTheUrlIsRedactedInTheDriversTextToo() {
    // The driver takes "postgres:SECRET@host" for the host name and quotes it back.
    Throwable t =
        catchThrowable(
            () ->
                Ledger.open(
                    LedgerLocation.postgresql(
                        "jdbc:postgresql://postgres:" + SECRET + "@" + server())));

    assertThat(t).isInstanceOf(LedgerException.class);
    assertThat(everythingPrinted(t)).doesNotContain(SECRET).contains("***");
  }

  @Test
  void aWrongUserAndPasswordAreNotEchoed() {
    Throwable t =
        catchThrowable(
            () ->
                Ledger.open(
                    LedgerLocation.postgresql(
                        "jdbc:postgresql://"
                            + server()
                            + "?user=nobody_here&password="
                            + SECRET
                            + "&ApplicationName="
                            + SECRET)));

    assertThat(t).isInstanceOf(LedgerException.class);
    assertThat(everythingPrinted(t)).doesNotContain("password=" + SECRET);
  }

  @Test
  void messagesThatQuoteAUrlAnywhereAreRedacted() {
    LedgerException e =
        new LedgerException(
            "failed at jdbc:postgresql://u:"
                + SECRET
                + "@h/db?password="
                + SECRET
                + ": driver said u:"
                + SECRET
                + "@h unknown",
            new IllegalStateException("Unknown host u:" + SECRET + "@h (password=" + SECRET + ")"));

    assertThat(everythingPrinted(e)).doesNotContain(SECRET).contains("IllegalStateException");
  }
}
