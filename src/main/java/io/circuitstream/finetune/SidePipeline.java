package io.circuitstream.finetune;

import io.circuitstream.metrics.FineTuneMetrics;
import io.circuitstream.serve.ModelFleet;
import io.circuitstream.stream.codec.Limits;
import io.circuitstream.stream.kafka.KafkaSource;
import java.util.function.Supplier;

/**
 * The running fine-tuning side pipeline of one instance: feedback intake, triggers and jobs.
 *
 * <p>Closing stops reading feedback, asks a running job to stop (it ends as {@code failed}) and waits for it.
 */
public interface SidePipeline extends FineTuning, AutoCloseable {
  /**
   * Starts reading labelled feedback and, when configured, the count and schedule triggers.
   *
   * @param config the settings
   * @param feedback the source of the labelled-images topic, which the pipeline then owns; the
   *     offsets of the records a job used are committed when it starts
   * @param fleet the instance's models: jobs start from its active model and promote through it
   * @param metrics where the fine-tuning metrics go
   * @param limits the accepted image size and record size
   * @param original the original training and validation data, loaded when the first job runs
   * @param codeVersion the code version written into the provenance of candidates
   * @return the running pipeline
   */
  static SidePipeline start(FineTuneConfig config, KafkaSource feedback, ModelFleet fleet, FineTuneMetrics metrics,
      Limits limits, Supplier<OriginalData> original, String codeVersion) {
    FineTuneService s = new FineTuneService(config, feedback, fleet, metrics, limits, original, codeVersion);
    s.start();
    return s;
  }

  /** Returns the number of labelled images in the replay buffer. */
  int bufferedImages();

  /** Stops the pipeline and waits for a running job to end. */
  @Override
  void close();
}
