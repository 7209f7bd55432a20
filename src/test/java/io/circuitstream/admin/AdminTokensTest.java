package io.circuitstream.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.admin.AdminTokens.Resolved;
import io.circuitstream.admin.AdminTokens.Source;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdminTokensTest {

  @Test
  void configuredTokenWinsOverTheEnvironment() {
    Resolved r = AdminTokens.resolve(" from-config ", "from-env");

    assertThat(r.token()).isEqualTo("from-config");
    assertThat(r.source()).isEqualTo(Source.CONFIGURED);
    assertThat(r.generated()).isFalse();
  }

  @Test
  void environmentIsUsedWhenNothingIsConfigured() {
    assertThat(AdminTokens.resolve(null, "from-env")).isEqualTo(new Resolved("from-env", Source.ENVIRONMENT));
    assertThat(AdminTokens.resolve("  ", "from-env")).isEqualTo(new Resolved("from-env", Source.ENVIRONMENT));
  }

  @Test
  void tokenIsGeneratedWhenNeitherIsSet() {
    Resolved r = AdminTokens.resolve("", null);

    assertThat(r.generated()).isTrue();
    assertThat(r.token()).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(Base64.getUrlDecoder().decode(r.token())).hasSize(32);
    assertThat(AdminTokens.resolve(null, " ").generated()).isTrue();
  }

  @Test
  void generatedTokensDiffer() {
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      tokens.add(AdminTokens.generate());
    }
    assertThat(tokens).hasSize(100);
  }

  @Test
  void toStringHidesTheToken() {
    assertThat(AdminTokens.resolve("s3cret", null).toString()).doesNotContain("s3cret").contains("CONFIGURED");
    assertThat(AdminOptions.of("s3cret").toString()).doesNotContain("s3cret");
  }
}
