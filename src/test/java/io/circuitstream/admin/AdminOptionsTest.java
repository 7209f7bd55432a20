package io.circuitstream.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdminOptionsTest {

  @Test
  void defaultsAreLoopbackPort8080AndOneMebibyte() {
    AdminOptions o = AdminOptions.of("t");

    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.port()).isEqualTo(8080);
    assertThat(o.maxBodyBytes()).isEqualTo(1_048_576);
    assertThat(o.token()).isEqualTo("t");
  }

  @Test
  void toBuilderDerivesAVariant() {
    AdminOptions o = AdminOptions.of("t").toBuilder().port(0).build();

    assertThat(o).isEqualTo(new AdminOptions("127.0.0.1", 0, "t", 1_048_576));
  }

  @Test
  void invalidFieldsAreRejectedWithTheirName() {
    assertThatThrownBy(() -> AdminOptions.builder().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("token must not be blank");
    assertThatThrownBy(() -> AdminOptions.builder().token("t").port(70_000).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("port must be in 0..65535, got 70000");
    assertThatThrownBy(() -> AdminOptions.builder().token("t").maxBodyBytes(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBodyBytes must be positive, got 0");
    assertThatThrownBy(() -> AdminOptions.builder().token("t").host(" ").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("host must not be blank");
  }
}
