package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerLocationTest {
  @TempDir Path dir;

  @Test
  void noSettingMeansTheDefaultFileUnderTheWorkingDirectory() {
    LedgerLocation location = LedgerLocation.resolve(null, dir);

    assertThat(location.kind()).isEqualTo(LedgerLocation.Kind.SQLITE);
    assertThat(location.sqliteFile()).isEqualTo(dir.resolve(".tokenledger/ledger.db"));
    assertThat(LedgerLocation.resolve("  ", dir)).isEqualTo(location);
  }

  @Test
  void theDefaultFileAndItsFolderAreCreatedOnFirstUse() {
    LedgerLocation location = LedgerLocation.resolve(null, dir);

    Ledger.open(location).close();

    assertThat(Files.isRegularFile(dir.resolve(".tokenledger/ledger.db"))).isTrue();
  }

  @Test
  void pathsAndSqliteUrlsAreTakenFromTheWorkingDirectory() {
    assertThat(LedgerLocation.resolve("data/l.db", dir).sqliteFile())
        .isEqualTo(dir.resolve("data/l.db"));
    assertThat(LedgerLocation.resolve("jdbc:sqlite:l.db", dir).sqliteFile())
        .isEqualTo(dir.resolve("l.db"));
    assertThat(LedgerLocation.resolve("/abs/l.db", dir).jdbcUrl())
        .isEqualTo("jdbc:sqlite:/abs/l.db");
  }

  @Test
  void postgresqlUrlsAreKeptAndShownWithoutTheirPassword() {
    LedgerLocation location =
        LedgerLocation.resolve(
            "jdbc:postgresql://db.example:5432/ledger?user=tl&password=dummy-secret", dir);

    assertThat(location.kind()).isEqualTo(LedgerLocation.Kind.POSTGRESQL);
    assertThat(location.jdbcUrl()).endsWith("password=dummy-secret");
    assertThat(location.displayName())
        .isEqualTo("jdbc:postgresql://db.example:5432/ledger?user=tl&password=***")
        .isEqualTo(location.toString());
  }

  @Test
  void otherDatabasesAndInMemorySqliteAreConfigurationErrors() {
    assertThatThrownBy(() -> LedgerLocation.resolve("jdbc:mysql://h/db", dir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unsupported ledger database 'jdbc:mysql://h/db'")
        .hasMessageContaining("jdbc:postgresql://");
    assertThatThrownBy(() -> LedgerLocation.resolve("jdbc:sqlite::memory:", dir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("in-memory");
  }

  @Test
  void anUnreachablePostgresqlIsALedgerErrorNamingTheUrlButNotThePassword() {
    assertThatThrownBy(
            () ->
                Ledger.open(
                    LedgerLocation.postgresql(
                        "jdbc:postgresql://127.0.0.1:1/ledger?password=dummy-secret&connectTimeout=2")))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("couldn't connect to the ledger at jdbc:postgresql://127.0.0.1:1/")
        .hasMessageNotContaining("dummy-secret");
  }
}
