package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MissingScopesTest {
  @Test
  void theScopeIsSeparatedFromTheFullStopAfterIt() {
    assertThat(
            ErrorMapper.missingScopes(
                "You have insufficient permissions for this operation. Missing scopes:"
                    + " api.usage.read. Check that you have the correct role."))
        .containsExactly("api.usage.read");
  }

  @Test
  void severalScopesCommaSeparatedOrJoinedByAnd() {
    assertThat(ErrorMapper.missingScopes("Missing scopes: api.usage.read, api.model.read."))
        .containsExactly("api.usage.read", "api.model.read");
    assertThat(ErrorMapper.missingScopes("Missing scopes: api.usage.read,api.model.read"))
        .containsExactly("api.usage.read", "api.model.read");
    assertThat(ErrorMapper.missingScopes("missing scope: a.b and c.d"))
        .containsExactly("a.b", "c.d");
  }

  @Test
  void wordsAfterTheListAreNotScopes() {
    assertThat(ErrorMapper.missingScopes("Missing scopes: api.usage.read Check your role"))
        .containsExactly("api.usage.read");
  }

  @Test
  void noListMeansNoScopes() {
    assertThat(ErrorMapper.missingScopes("Incorrect API key provided")).isEmpty();
    assertThat(ErrorMapper.missingScopes("Missing scopes: .")).isEmpty();
  }
}
