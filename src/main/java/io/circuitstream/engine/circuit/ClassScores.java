package io.circuitstream.engine.circuit;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A [batch, classes] matrix of log-probabilities, such as {@code log p(x_obs | y)}.
 *
 * <p>Row-major: {@code values[i * numClasses + y]}. The array is not copied.
 *
 * @param size number of examples
 * @param numClasses number of classes
 * @param values the log-probabilities
 */
public record ClassScores(int size, int numClasses, double[] values) {

  /** Checks the length. */
  public ClassScores {
    Objects.requireNonNull(values, "values");
    if (values.length != (long) size * numClasses) {
      throw new IllegalArgumentException("values has " + values.length + " entries, expected " + size * numClasses);
    }
  }

  /** Returns the entry of example {@code i} and class {@code y}. */
  public double get(int i, int y) {
    return values[i * numClasses + y];
  }

  /** Returns the row of example {@code i} (a copy). */
  public double[] row(int i) {
    return Arrays.copyOfRange(values, i * numClasses, (i + 1) * numClasses);
  }

  /** Returns the class with the largest entry for example {@code i}. */
  public int argmax(int i) {
    int best = 0;
    for (int y = 1; y < numClasses; y++) {
      if (values[i * numClasses + y] > values[i * numClasses + best]) {
        best = y;
      }
    }
    return best;
  }

  /**
   * Returns {@code log p(y | x) = log p(x | y) + log p(y) - log p(x)} for every class.
   *
   * @param logPrior {@code log p(y)} per class, or {@code null} for the uniform prior
   */
  public ClassScores posterior(double @Nullable [] logPrior) {
    double[] lp = prior(logPrior);
    double[] out = new double[values.length];
    for (int i = 0; i < size; i++) {
      double z = logSumExpRow(i, lp);
      for (int y = 0; y < numClasses; y++) {
        out[i * numClasses + y] = values[i * numClasses + y] + lp[y] - z;
      }
    }
    return new ClassScores(size, numClasses, out);
  }

  /**
   * Returns {@code log p(x) = logsumexp_y (log p(x | y) + log p(y))} per example.
   *
   * @param logPrior {@code log p(y)} per class, or {@code null} for the uniform prior
   */
  public double[] logMarginal(double @Nullable [] logPrior) {
    double[] lp = prior(logPrior);
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      out[i] = logSumExpRow(i, lp);
    }
    return out;
  }

  private double[] prior(double @Nullable [] logPrior) {
    if (logPrior == null) {
      double[] u = new double[numClasses];
      Arrays.fill(u, -Math.log(numClasses));
      return u;
    }
    if (logPrior.length != numClasses) {
      throw new IllegalArgumentException("prior has " + logPrior.length + " classes, expected " + numClasses);
    }
    return logPrior;
  }

  private double logSumExpRow(int i, double[] lp) {
    double max = Double.NEGATIVE_INFINITY;
    for (int y = 0; y < numClasses; y++) {
      max = Math.max(max, values[i * numClasses + y] + lp[y]);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double s = 0;
    for (int y = 0; y < numClasses; y++) {
      s += Math.exp(values[i * numClasses + y] + lp[y] - max);
    }
    return max + Math.log(s);
  }
}
