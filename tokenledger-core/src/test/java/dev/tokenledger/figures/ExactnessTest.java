package dev.tokenledger.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.ledger.LedgerException;
import dev.tokenledger.ledger.internal.Statuses;
import org.junit.jupiter.api.Test;

class ExactnessTest {
  @Test
  void aSumIsExactOnlyWhenEveryPartIs() {
    assertThat(Exactness.EXACT.and(Exactness.EXACT)).isEqualTo(Exactness.EXACT);
    assertThat(Exactness.EXACT.and(Exactness.APPORTIONED)).isEqualTo(Exactness.APPORTIONED);
    assertThat(Exactness.APPORTIONED.and(Exactness.EXACT)).isEqualTo(Exactness.APPORTIONED);
    assertThat(Exactness.of(true)).isEqualTo(Exactness.APPORTIONED);
    assertThat(Exactness.of(false)).isEqualTo(Exactness.EXACT);
  }

  @Test
  void itIsShownAsTheBasisOfTheSameNameAndStoredAsItsLabel() {
    for (Exactness e : Exactness.values()) {
      assertThat(e.basis().label()).isEqualTo(e.label());
      assertThat(Statuses.exactness(e.label())).isEqualTo(e);
    }
    assertThat(Exactness.APPORTIONED.label()).isEqualTo("apportioned");
  }

  @Test
  void aStoredWordNothingKnowsIsALedgerError() {
    assertThatThrownBy(() -> Statuses.exactness("metered"))
        .isInstanceOf(LedgerException.class)
        .hasMessage(
            "the ledger holds an unknown exactness 'metered': expected exact or apportioned");
  }
}
