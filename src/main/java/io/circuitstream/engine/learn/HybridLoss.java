package io.circuitstream.engine.learn;

import io.circuitstream.engine.circuit.ClassScores;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The λ-weighted loss {@code L = λ·L_dis + (1 − λ)·L_gen / |X|} over class-conditional outputs.
 *
 * <p>{@code L_gen = −(1/B) Σ log p(x_i | y_i)} and {@code L_dis = −(1/B) Σ log p(y_i | x_i)}, the
 * posterior taken with the given class prior (uniform when {@code null}). λ = 0 is generative
 * training, λ = 1 discriminative.
 *
 * @param lambda weight of the discriminative loss, in [0, 1]
 * @param numVariables |X|, the pixels per image
 * @param logPrior log p(y) per class, or {@code null} for the uniform prior
 */
public record HybridLoss(double lambda, int numVariables, double @Nullable [] logPrior) {

  /** Checks λ and |X|. */
  public HybridLoss {
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
    }
    if (numVariables <= 0) {
      throw new IllegalArgumentException("numVariables must be positive, got " + numVariables);
    }
    logPrior = logPrior == null ? null : logPrior.clone();
  }

  /** Returns the loss with a uniform class prior. */
  public static HybridLoss of(double lambda, int numVariables) {
    return new HybridLoss(lambda, numVariables, null);
  }

  /**
   * Returns the loss of a batch and, if asked, its derivative by the circuit outputs.
   *
   * @param outputs {@code log p(x_i | y)} for the batch
   * @param labels the true class of each example
   * @param outputGradient if not {@code null}, receives d L / d outputs (same layout as outputs)
   */
  public Value evaluate(ClassScores outputs, int[] labels, double @Nullable [] outputGradient) {
    int b = outputs.size();
    int c = outputs.numClasses();
    if (labels.length < b) {
      throw new IllegalArgumentException("need " + b + " labels, got " + labels.length);
    }
    ClassScores posterior = outputs.posterior(logPrior);
    double gen = 0;
    double dis = 0;
    int correct = 0;
    if (outputGradient != null) {
      Arrays.fill(outputGradient, 0, b * c, 0.0);
    }
    for (int i = 0; i < b; i++) {
      int y = labels[i];
      if (y < 0 || y >= c) {
        throw new IllegalArgumentException("label " + y + " of example " + i + " is outside 0.." + (c - 1));
      }
      gen -= outputs.get(i, y);
      dis -= posterior.get(i, y);
      correct += posterior.argmax(i) == y ? 1 : 0;
      if (outputGradient != null) {
        for (int k = 0; k < c; k++) {
          double p = Math.exp(posterior.get(i, k));
          double indicator = k == y ? 1.0 : 0.0;
          outputGradient[i * c + k] =
              -(lambda * (indicator - p) + (1 - lambda) * indicator / numVariables) / b;
        }
      }
    }
    gen /= b;
    dis /= b;
    return new Value(lambda * dis + (1 - lambda) * gen / numVariables, gen, dis, correct, b);
  }

  /**
   * The loss of one batch.
   *
   * @param loss the hybrid loss L
   * @param genLoss L_gen, in nats per image
   * @param disLoss L_dis, in nats per image
   * @param correct examples whose most probable class is the label
   * @param size examples in the batch
   */
  public record Value(double loss, double genLoss, double disLoss, int correct, int size) {
    /** Returns the fraction of examples classified correctly. */
    public double accuracy() {
      return size == 0 ? 0 : (double) correct / size;
    }
  }
}
