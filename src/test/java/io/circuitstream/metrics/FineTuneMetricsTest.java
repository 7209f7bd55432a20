package io.circuitstream.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.circuitstream.testing.PrometheusText;
import io.circuitstream.testing.PrometheusText.Exposition;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FineTuneMetricsTest {
  private final ServiceMetrics service = new ServiceMetrics();
  private final FineTuneMetrics metrics = new FineTuneMetrics(service);

  @Test
  void runsByOutcomeAreExportedFromZeroAndCountWhatHappened() {
    metrics.run("promoted");
    metrics.run("rejected");
    metrics.run("rejected");

    Exposition e = PrometheusText.parse(service.scrape());

    assertThat(e.types()).containsEntry("circuitstream_finetune_runs_total", "counter");
    assertThat(e.value("circuitstream_finetune_runs_total", "outcome", "promoted")).isEqualTo(1);
    assertThat(e.value("circuitstream_finetune_runs_total", "outcome", "rejected")).isEqualTo(2);
    assertThat(e.value("circuitstream_finetune_runs_total", "outcome", "failed")).isEqualTo(0);
    assertThatThrownBy(() -> metrics.run("maybe")).hasMessageContaining("promoted, rejected, failed");
  }

  @Test
  void accuraciesBufferAndRunningStateAreGauges() {
    metrics.compared(0.91, 0.93, 0.80, 0.40);
    metrics.bufferImages(123);
    metrics.running(true);
    metrics.feedbackRecord("buffered");
    metrics.feedbackRecord("unlabelled");

    Exposition e = PrometheusText.parse(service.scrape());

    assertThat(e.value("circuitstream_finetune_validation_accuracy", "model", "candidate", "set", "original"))
        .isEqualTo(0.91);
    assertThat(e.value("circuitstream_finetune_validation_accuracy", "model", "active", "set", "original"))
        .isEqualTo(0.93);
    assertThat(e.value("circuitstream_finetune_validation_accuracy", "model", "candidate", "set", "feedback"))
        .isEqualTo(0.80);
    assertThat(e.value("circuitstream_finetune_validation_accuracy", "model", "active", "set", "feedback"))
        .isEqualTo(0.40);
    assertThat(e.value("circuitstream_feedback_buffer_images")).isEqualTo(123);
    assertThat(e.value("circuitstream_finetune_running")).isEqualTo(1);
    assertThat(e.value("circuitstream_feedback_records_total", "outcome", "buffered")).isEqualTo(1);
    assertThat(e.value("circuitstream_feedback_records_total", "outcome", "incomplete")).isEqualTo(0);
    assertThat(e.help().keySet()).contains("circuitstream_finetune_validation_accuracy",
        "circuitstream_feedback_buffer_images", "circuitstream_finetune_running");
  }

  @Test
  void secondsSinceTheLastPromotionAppearWithTheFirstPromotionAndFollowTheNewest() {
    assertThat(PrometheusText.parse(service.scrape()).named("circuitstream_finetune_time_since_last_promotion_seconds"))
        .isEmpty();

    metrics.promoted(Instant.now().minusSeconds(3600));
    metrics.promoted(Instant.now().minusSeconds(60));
    metrics.promoted(Instant.now().minusSeconds(7200));

    double seconds = PrometheusText.parse(service.scrape()).value("circuitstream_finetune_time_since_last_promotion_seconds");
    assertThat(seconds).isBetween(60.0, 3600.0);
  }
}
