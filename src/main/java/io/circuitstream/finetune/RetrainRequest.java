package io.circuitstream.finetune;

import org.jspecify.annotations.Nullable;

/**
 * Overrides of the configured settings for one fine-tuning job; {@code null} keeps the setting.
 *
 * @param lambda weight of the discriminative loss, in [0, 1]
 * @param steps training steps, 1 to {@value #MAX_STEPS}
 * @param learningRate Adam's step size, positive and finite
 */
public record RetrainRequest(@Nullable Double lambda, @Nullable Integer steps, @Nullable Double learningRate) {
  /** The most steps one request may ask for. */
  public static final int MAX_STEPS = 1_000_000;

  /** A request that keeps every configured setting. */
  public static final RetrainRequest NONE = new RetrainRequest(null, null, null);

  /**
   * Checks the overrides.
   *
   * @throws IllegalArgumentException naming the first field out of range
   */
  public RetrainRequest {
    if (lambda != null && !(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
    }
    if (steps != null && (steps < 1 || steps > MAX_STEPS)) {
      throw new IllegalArgumentException("steps must be in 1.." + MAX_STEPS + ", got " + steps);
    }
    if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
      throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
    }
  }
}
