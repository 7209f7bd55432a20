package io.circuitstream.finetune;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one fine-tuning job did or is doing, as {@code GET /jobs/{id}} reports it.
 *
 * @param job the job id
 * @param state where it is
 * @param trigger what started it
 * @param reason why it ended as it did (the gate's comparison, or the error); empty while running
 * @param parentVersion the active version it started from
 * @param candidateVersion the version the candidate got when promoted, else {@code null}
 * @param candidateLocation the candidate's file: in the model store when promoted, in its
 *     {@code rejected/} folder when rejected; {@code null} otherwise
 * @param step training steps done
 * @param steps training steps planned
 * @param lambda λ of the hybrid loss
 * @param learningRate Adam's step size
 * @param batchSize images per step
 * @param feedbackImages buffered feedback images it trained on
 * @param heldOutFeedbackImages buffered feedback images held out for the gate
 * @param replayImages images of the original training data mixed in
 * @param feedbackOffsets the labelled-images records used, such as {@code labelled-images[0]:120-619}
 * @param metrics the compared accuracies and losses, such as {@code candidateOriginalAccuracy}
 * @param startedAt ISO-8601
 * @param finishedAt ISO-8601, or {@code null} while running
 */
public record JobStatus(String job, JobState state, Trigger trigger, String reason, String parentVersion,
    @Nullable String candidateVersion, @Nullable String candidateLocation, int step, int steps, double lambda,
    double learningRate, int batchSize, int feedbackImages, int heldOutFeedbackImages, int replayImages,
    String feedbackOffsets, Map<String, Double> metrics, String startedAt, @Nullable String finishedAt) {
  /** Copies the map, keeping its order. */
  public JobStatus {
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }
}
