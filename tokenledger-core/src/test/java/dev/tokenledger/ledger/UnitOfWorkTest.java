package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A unit of work is all or nothing on a SQLite ledger, whatever it fails with. */
class UnitOfWorkTest {
  @TempDir Path dir;

  @Test
  void aUnitOfWorkThatFailsWithAnErrorLeavesNothingBehindAndItsConnectionIsLentAgain() {
    try (Database db = Database.open(LedgerLocation.sqlite(dir.resolve("ledger.db")))) {
      db.inTransaction("create", c -> execute(c, "CREATE TABLE x (a INTEGER)"));

      assertThatThrownBy(
              () ->
                  db.inTransaction(
                      "insert",
                      c -> {
                        execute(c, "INSERT INTO x VALUES (1)");
                        throw new AssertionError("failed halfway");
                      }))
          .isInstanceOf(AssertionError.class);
      db.inTransaction("insert", c -> execute(c, "INSERT INTO x VALUES (2)"));

      int rows =
          db.read(
              "count",
              c -> {
                try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM x WHERE a = 1")) {
                  rs.next();
                  return rs.getInt(1);
                }
              });
      assertThat(rows).isZero();
    }
  }

  private static Void execute(java.sql.Connection c, String sql) throws java.sql.SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
    return null;
  }
}
