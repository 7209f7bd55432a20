package io.circuitstream.finetune;

/**
 * Settings of the fine-tuning side pipeline: the {@code finetune.*} keys of the service configuration.
 *
 * @param lambda weight of the discriminative loss, in [0, 1]
 * @param learningRate Adam's step size
 * @param steps training steps per job
 * @param batchSize images per step
 * @param feedbackFraction share of the training images that are feedback, in (0, 1]; the rest are
 *     sampled from the original training data so that the model does not forget it
 * @param bufferCapacity feedback images the replay buffer keeps; the oldest go first
 * @param heldOutFraction share of the feedback held out for the validation gate, in [0, 1)
 * @param validationImages images of the original validation split the gate compares on (0 = all)
 * @param margin the largest accuracy drop the gate accepts, in [0, 1]
 * @param everyImages start a job after this many new labelled images (0 = never)
 * @param intervalSeconds start a job this often when new feedback arrived since the last one (0 = never)
 * @param threads engine threads of a job
 * @param seed seed of the replay sample and the shuffling (each job adds its number)
 */
public record FineTuneConfig(double lambda, double learningRate, int steps, int batchSize, double feedbackFraction,
    int bufferCapacity, double heldOutFraction, int validationImages, double margin, int everyImages,
    int intervalSeconds, int threads, long seed) {

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException naming the first setting out of range
   */
  public FineTuneConfig {
    check(lambda >= 0 && lambda <= 1, "lambda must be in [0, 1]", lambda);
    check(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be positive", learningRate);
    check(steps > 0, "steps must be positive", steps);
    check(batchSize > 0, "batchSize must be positive", batchSize);
    check(feedbackFraction > 0 && feedbackFraction <= 1, "feedbackFraction must be in (0, 1]", feedbackFraction);
    check(bufferCapacity > 0, "bufferCapacity must be positive", bufferCapacity);
    check(heldOutFraction >= 0 && heldOutFraction < 1, "heldOutFraction must be in [0, 1)", heldOutFraction);
    check(validationImages >= 0, "validationImages must be >= 0 (0 = all)", validationImages);
    check(margin >= 0 && margin <= 1, "margin must be in [0, 1]", margin);
    check(everyImages >= 0, "everyImages must be >= 0 (0 = off)", everyImages);
    check(intervalSeconds >= 0, "intervalSeconds must be >= 0 (0 = off)", intervalSeconds);
    check(threads > 0, "threads must be positive", threads);
  }

  private static void check(boolean ok, String message, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(message + ", got " + value);
    }
  }

  /** Returns the settings with a request's overrides applied. */
  FineTuneConfig with(RetrainRequest r) {
    return new FineTuneConfig(r.lambda() != null ? r.lambda() : lambda,
        r.learningRate() != null ? r.learningRate() : learningRate, r.steps() != null ? r.steps() : steps, batchSize,
        feedbackFraction, bufferCapacity, heldOutFraction, validationImages, margin, everyImages, intervalSeconds,
        threads, seed);
  }
}
