package io.circuitstream.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.circuitstream.data.ImageSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FineTuneSettingsTest {
  private static final FineTuneConfig CONFIG =
      new FineTuneConfig(0.5, 0.005, 200, 64, 0.5, 10_000, 0.2, 2000, 0.01, 1000, 0, 1, 42);

  @Test
  void aRequestOverridesOnlyTheSettingsItNames() {
    FineTuneConfig c = CONFIG.with(new RetrainRequest(0.25, null, 0.02));

    assertThat(c.lambda()).isEqualTo(0.25);
    assertThat(c.learningRate()).isEqualTo(0.02);
    assertThat(c.steps()).isEqualTo(200);
    assertThat(CONFIG.with(RetrainRequest.NONE)).isEqualTo(CONFIG);
  }

  @Test
  void outOfRangeRequestsAndSettingsAreRefusedWithTheFieldName() {
    assertThatThrownBy(() -> new RetrainRequest(1.5, null, null)).hasMessageContaining("lambda must be in [0, 1]");
    assertThatThrownBy(() -> new RetrainRequest(null, 0, null)).hasMessageContaining("steps must be in 1..");
    assertThatThrownBy(() -> new RetrainRequest(null, null, Double.POSITIVE_INFINITY))
        .hasMessageContaining("learningRate must be positive and finite");
    assertThatThrownBy(() -> new FineTuneConfig(0.5, 0.005, 200, 64, 0, 10_000, 0.2, 2000, 0.01, 1000, 0, 1, 42))
        .hasMessageContaining("feedbackFraction must be in (0, 1]");
    assertThatThrownBy(() -> new FineTuneConfig(0.5, 0.005, 200, 64, 0.5, 10_000, 1, 2000, 0.01, 1000, 0, 1, 42))
        .hasMessageContaining("heldOutFraction must be in [0, 1)");
  }

  @Test
  void theReplayedShareMakesFeedbackTheConfiguredFractionOfTheTrainingImagesWithoutRepeats() {
    // 1000 distinct 1×2 images: pixels (i / 256, i % 256).
    byte[] pixels = new byte[2000];
    for (int i = 0; i < 1000; i++) {
      pixels[2 * i] = (byte) (i / 256);
      pixels[2 * i + 1] = (byte) (i % 256);
    }
    ImageSet original = new ImageSet(1, 2, pixels, new byte[1000]);

    ImageSet quarter = FineTuneService.replaySample(original, 100, 0.25, 7);

    assertThat(quarter.size()).isEqualTo(300);
    assertThat(IntStream.range(0, 300).map(i -> quarter.pixel(i, 0) * 256 + quarter.pixel(i, 1)).distinct().count())
        .isEqualTo(300);
    assertThat(FineTuneService.replaySample(original, 100, 0.25, 7)).isEqualTo(quarter);
    assertThat(FineTuneService.replaySample(original, 100, 1.0, 7).size()).isZero();
    assertThat(FineTuneService.replaySample(original, 900, 0.1, 7).size()).isEqualTo(1000);
  }
}
