package io.circuitstream.stream;

import io.circuitstream.stream.codec.ImageCodecs;
import io.circuitstream.stream.codec.Limits;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the classification pipeline.
 *
 * @param inputTopic topic of the images
 * @param predictionsTopic topic of the predictions
 * @param alertsTopic topic of the OOD alerts
 * @param deadLetterTopic topic of invalid records
 * @param maxBatch a micro-batch closes at this many images
 * @param maxWait or when its first image has waited this long
 * @param exactlyOnce whether outputs and offsets go in one Kafka transaction
 * @param limits accepted image size and record size
 */
public record PipelineConfig(String inputTopic, String predictionsTopic, String alertsTopic, String deadLetterTopic,
    int maxBatch, Duration maxWait, boolean exactlyOnce, Limits limits) {
  /** Checks the values. */
  public PipelineConfig {
    Objects.requireNonNull(inputTopic, "inputTopic");
    Objects.requireNonNull(predictionsTopic, "predictionsTopic");
    Objects.requireNonNull(alertsTopic, "alertsTopic");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    Objects.requireNonNull(limits, "limits");
    if (maxBatch <= 0) {
      throw new IllegalArgumentException("maxBatch must be positive, got " + maxBatch);
    }
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("maxWait must be positive, got " + maxWait);
    }
  }
}
