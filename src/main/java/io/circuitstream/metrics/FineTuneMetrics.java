package io.circuitstream.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Prometheus metrics of the fine-tuning side pipeline, registered beside the {@link ServiceMetrics}.
 *
 * <p><b>Metrics</b>
 * <ul>
 *   <li>{@code circuitstream_finetune_runs_total{outcome}}: finished fine-tuning jobs, outcome
 *       {@code promoted}, {@code rejected} or {@code failed}, each exported from zero;</li>
 *   <li>{@code circuitstream_finetune_validation_accuracy{model, set}}: accuracy of the last compared
 *       {@code candidate} and {@code active} model on the {@code original} validation images and on
 *       the held-out {@code feedback};</li>
 *   <li>{@code circuitstream_finetune_running}: 1 while a job runs, else 0;</li>
 *   <li>{@code circuitstream_feedback_buffer_images}: labelled images in the replay buffer;</li>
 *   <li>{@code circuitstream_feedback_records_total{outcome}}: labelled-images records read, outcome
 *       {@code buffered}, {@code invalid}, {@code unlabelled} or {@code incomplete} (missing pixels);</li>
 *   <li>{@code circuitstream_finetune_time_since_last_promotion_seconds}: seconds since the newest
 *       promotion this instance made or applied; absent until there is one.</li>
 * </ul>
 */
public final class FineTuneMetrics {
  /** The outcomes of {@code circuitstream_finetune_runs_total}. */
  public static final List<String> OUTCOMES = List.of("promoted", "rejected", "failed");

  /** The outcomes of {@code circuitstream_feedback_records_total}. */
  public static final List<String> FEEDBACK_OUTCOMES = List.of("buffered", "invalid", "unlabelled", "incomplete");

  private final Counter runs;
  private final Gauge accuracy;
  private final Gauge running;
  private final Gauge bufferImages;
  private final Counter feedbackRecords;
  private final AtomicReference<Instant> lastPromotion = new AtomicReference<>();

  /** Registers the metrics in the service's registry. */
  public FineTuneMetrics(ServiceMetrics service) {
    var registry = service.registry();
    runs = Counter.builder()
        .name("circuitstream_finetune_runs_total")
        .help("Finished fine-tuning jobs, by outcome: promoted, rejected by the validation gate, or failed.")
        .labelNames("outcome")
        .register(registry);
    OUTCOMES.forEach(runs::initLabelValues);
    accuracy = Gauge.builder()
        .name("circuitstream_finetune_validation_accuracy")
        .help("Accuracy of the last compared candidate and active model on the original validation images "
            + "and on the held-out feedback.")
        .labelNames("model", "set")
        .register(registry);
    running = Gauge.builder()
        .name("circuitstream_finetune_running")
        .help("1 while a fine-tuning job runs on this instance, else 0.")
        .register(registry);
    bufferImages = Gauge.builder()
        .name("circuitstream_feedback_buffer_images")
        .unit(new Unit("images"))
        .help("Labelled feedback images in the replay buffer.")
        .register(registry);
    feedbackRecords = Counter.builder()
        .name("circuitstream_feedback_records_total")
        .help("Records read from the labelled-images topic, by outcome: buffered, invalid, unlabelled, "
            + "incomplete (with missing pixels).")
        .labelNames("outcome")
        .register(registry);
    FEEDBACK_OUTCOMES.forEach(feedbackRecords::initLabelValues);
    GaugeWithCallback.builder()
        .name("circuitstream_finetune_time_since_last_promotion_seconds")
        .unit(Unit.SECONDS)
        .help("Seconds since the newest promotion this instance made or applied; absent until there is one.")
        .callback(callback -> {
          Instant at = lastPromotion.get();
          if (at != null) {
            callback.call(Math.max(0, (System.currentTimeMillis() - at.toEpochMilli()) / 1e3));
          }
        })
        .register(registry);
  }

  /**
   * Counts one finished job.
   *
   * @param outcome one of {@link #OUTCOMES}
   */
  public void run(String outcome) {
    if (!OUTCOMES.contains(outcome)) {
      throw new IllegalArgumentException("outcome must be one of " + OUTCOMES + ", got " + outcome);
    }
    runs.labelValues(outcome).inc();
  }

  /**
   * Sets the accuracies of the last comparison.
   *
   * @param candidateOriginal the candidate's accuracy on the original validation images
   * @param activeOriginal the active model's accuracy on them
   * @param candidateFeedback the candidate's accuracy on the held-out feedback, NaN when there was none
   * @param activeFeedback the active model's accuracy on it, NaN when there was none
   */
  public void compared(double candidateOriginal, double activeOriginal, double candidateFeedback,
      double activeFeedback) {
    accuracy.labelValues("candidate", "original").set(candidateOriginal);
    accuracy.labelValues("active", "original").set(activeOriginal);
    accuracy.labelValues("candidate", "feedback").set(candidateFeedback);
    accuracy.labelValues("active", "feedback").set(activeFeedback);
  }

  /** Sets whether a job runs. */
  public void running(boolean isRunning) {
    running.set(isRunning ? 1 : 0);
  }

  /** Sets the number of feedback images in the replay buffer. */
  public void bufferImages(int images) {
    bufferImages.set(images);
  }

  /**
   * Counts one record of the labelled-images topic.
   *
   * @param outcome one of {@link #FEEDBACK_OUTCOMES}
   */
  public void feedbackRecord(String outcome) {
    if (!FEEDBACK_OUTCOMES.contains(outcome)) {
      throw new IllegalArgumentException("outcome must be one of " + FEEDBACK_OUTCOMES + ", got " + outcome);
    }
    feedbackRecords.labelValues(outcome).inc();
  }

  /** Records a promotion at the given time; an older one than the newest known is ignored. */
  public void promoted(Instant at) {
    Objects.requireNonNull(at, "at");
    lastPromotion.accumulateAndGet(at, (old, now) -> old == null || now.isAfter(old) ? now : old);
  }
}
