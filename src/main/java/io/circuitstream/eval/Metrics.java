package io.circuitstream.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * Pure functions that score detectors and summarise distributions: AUROC, false-alarm thresholds and histograms.
 *
 * <p>Every function takes plain arrays, never modifies them, and rejects NaN with an
 * {@link IllegalArgumentException}. Infinite values are allowed where they have an order (a log-likelihood of
 * {@code -Infinity} is a legitimate, very unlikely image); each method says what it does with them.
 */
public final class Metrics {

  private Metrics() {}

  /**
   * Returns the area under the ROC curve of a score where a higher value means "more likely positive".
   *
   * <p>This is the probability that a random positive scores higher than a random negative, with ties counted as
   * one half: {@code AUC = U / (n·m)}, where {@code U} is the Mann–Whitney statistic (equal to the mid-rank formula
   * {@code R_pos − n(n+1)/2}), computed by sorting both arrays and merging them. It is exact and takes
   * {@code O((n + m) log(n + m))} time. Infinite scores rank like any other value. For log-likelihood OOD
   * detection, where a low value means "out of distribution", pass the in-distribution scores as {@code positives}
   * and the OOD scores as {@code negatives}.
   *
   * @param positives scores of the positive examples; not empty, no NaN
   * @param negatives scores of the negative examples; not empty, no NaN
   * @return the AUROC in [0, 1]: 1 when every positive outscores every negative, 0 when the reverse holds
   */
  public static double auroc(double[] positives, double[] negatives) {
    requireScores(positives, "positives");
    requireScores(negatives, "negatives");
    double[] pos = positives.clone();
    double[] neg = negatives.clone();
    Arrays.sort(pos);
    Arrays.sort(neg);
    // Walk the distinct values in increasing order. U counts, over all (positive, negative) pairs, 1 when the
    // positive is higher and 1/2 when they tie; this equals the mid-rank formula U = R_pos − n(n+1)/2.
    double u = 0;
    int i = 0;
    int j = 0;
    while (i < pos.length) {
      double v = pos[i];
      while (j < neg.length && neg[j] < v) {
        j++;
      }
      int lower = j;
      while (j < neg.length && neg[j] == v) {
        j++;
      }
      int tied = j - lower;
      int positivesAtV = 0;
      while (i < pos.length && pos[i] == v) {
        i++;
        positivesAtV++;
      }
      u += positivesAtV * (lower + tied / 2.0);
    }
    return u / ((double) pos.length * neg.length);
  }

  /**
   * Returns the smallest threshold {@code t} such that at most a fraction {@code falseAlarmRate} of {@code scores}
   * lies strictly above it, for a detector that alarms when {@code score > t}.
   *
   * <p>Precisely: with {@code n = scores.length}, let {@code k} be the largest integer with {@code k / n ≤
   * falseAlarmRate} (computed in double, as {@link #fractionAbove} computes fractions). The result is the
   * {@code (n − k)}-th smallest score, so that {@code fractionAbove(scores, t) ≤ falseAlarmRate}; it equals
   * {@code k / n} exactly when no other score ties with {@code t}, and ties can only make it smaller. No smaller
   * threshold satisfies the bound, because every threshold below the {@code (n − k)}-th smallest score has at least
   * {@code k + 1} scores above it. Rate 0 gives the maximum score. Infinite scores are ordinary order statistics,
   * so the result may be infinite. To alarm on a low log-likelihood, pass the negated log-likelihoods and negate
   * the threshold back.
   *
   * @param scores calibration scores, e.g. of in-distribution validation images; not empty, no NaN
   * @param falseAlarmRate the largest tolerated fraction of scores above the threshold, in [0, 1)
   */
  public static double quantileThreshold(double[] scores, double falseAlarmRate) {
    requireScores(scores, "scores");
    if (!(falseAlarmRate >= 0 && falseAlarmRate < 1)) {
      throw new IllegalArgumentException("falseAlarmRate must be in [0, 1), got " + falseAlarmRate);
    }
    int n = scores.length;
    int k = (int) Math.floor(falseAlarmRate * n);
    // Correct the rounding of rate·n so that k/n, as fractionAbove computes it, never exceeds the rate.
    while (k > 0 && (double) k / n > falseAlarmRate) {
      k--;
    }
    while (k + 1 < n && (double) (k + 1) / n <= falseAlarmRate) {
      k++;
    }
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    return sorted[n - 1 - k];
  }

  /**
   * Returns the fraction of {@code scores} strictly greater than {@code threshold}.
   *
   * <p>With the scores of positives this is the true-positive rate of the detector "alarm when score >
   * threshold", with the scores of negatives its false-positive rate. An infinite threshold is allowed.
   *
   * @param scores not empty, no NaN
   * @param threshold not NaN
   */
  public static double fractionAbove(double[] scores, double threshold) {
    requireScores(scores, "scores");
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must not be NaN");
    }
    int above = 0;
    for (double s : scores) {
      if (s > threshold) {
        above++;
      }
    }
    return (double) above / scores.length;
  }

  /**
   * Counts {@code values} in {@code bins} equal-width bins over [min, max], and those outside it separately.
   *
   * <p>Bin {@code i} is {@code [min + i·w, min + (i+1)·w)} with {@code w = (max − min) / bins}; the last bin also
   * holds {@code max} (as numpy does). Values below {@code min} (including {@code -Infinity}) are counted in
   * {@link Histogram#below()}, values above {@code max} (including {@code +Infinity}) in
   * {@link Histogram#above()}; nothing is moved into an edge bin.
   *
   * @param values no NaN; may be empty
   * @param min lower edge, finite
   * @param max upper edge, finite and greater than {@code min}
   * @param bins number of bins, positive
   */
  public static Histogram histogram(double[] values, double min, double max, int bins) {
    Objects.requireNonNull(values, "values");
    if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
      throw new IllegalArgumentException("need finite min < max, got [" + min + ", " + max + "]");
    }
    if (bins <= 0) {
      throw new IllegalArgumentException("bins must be positive, got " + bins);
    }
    int[] counts = new int[bins];
    int below = 0;
    int above = 0;
    double span = max - min;
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("values[" + i + "] is NaN");
      }
      if (v < min) {
        below++;
      } else if (v > max) {
        above++;
      } else {
        counts[Math.min(bins - 1, (int) ((v - min) / span * bins))]++;
      }
    }
    return new Histogram(min, max, counts, below, above);
  }

  /**
   * Returns {@code {min, max}} over the finite values of all {@code series}, a shared range for histograms.
   *
   * <p>Infinite values are ignored, so that a histogram over the result counts them in {@code below} or
   * {@code above}; NaN is rejected. When every finite value is the same {@code v}, the range is widened to
   * {@code [v − 0.5, v + 0.5]} so that it has a positive width.
   *
   * @param series arrays of values; together they must hold at least one finite value
   * @throws IllegalArgumentException if a value is NaN or no value is finite
   */
  public static double[] range(double[]... series) {
    Objects.requireNonNull(series, "series");
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < series.length; s++) {
      double[] values = Objects.requireNonNull(series[s], "series[" + s + "]");
      for (int i = 0; i < values.length; i++) {
        double v = values[i];
        if (Double.isNaN(v)) {
          throw new IllegalArgumentException("series[" + s + "][" + i + "] is NaN");
        }
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (min > max) {
      throw new IllegalArgumentException("the series hold no finite value");
    }
    if (min == max) {
      return new double[] {min - 0.5, max + 0.5};
    }
    return new double[] {min, max};
  }

  private static void requireScores(double[] scores, String name) {
    Objects.requireNonNull(scores, name);
    if (scores.length == 0) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    for (int i = 0; i < scores.length; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] is NaN");
      }
    }
  }
}
