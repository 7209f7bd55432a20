package io.circuitstream.eval;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Counts of values in equal-width bins over [min, max], plus the counts of values outside that range.
 *
 * <p>Bin {@code i} covers {@code [min + i·w, min + (i+1)·w)} with {@code w = binWidth()}; the last bin also holds
 * {@code max}. Values below {@code min} are counted in {@code below} and values above {@code max} in {@code above},
 * never in an edge bin. Built by {@link Metrics#histogram}.
 *
 * @param min lower edge of the first bin, finite
 * @param max upper edge of the last bin, finite and greater than {@code min}
 * @param counts count per bin, at least one bin; copied in and out
 * @param below number of values smaller than {@code min}
 * @param above number of values greater than {@code max}
 */
public record Histogram(double min, double max, int[] counts, int below, int above) {

  /** Checks the range and the counts, and copies the counts. */
  public Histogram {
    if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
      throw new IllegalArgumentException("need finite min < max, got [" + min + ", " + max + "]");
    }
    Objects.requireNonNull(counts, "counts");
    if (counts.length == 0) {
      throw new IllegalArgumentException("counts must have at least one bin");
    }
    counts = counts.clone();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("counts[" + i + "] is negative: " + counts[i]);
      }
    }
    if (below < 0 || above < 0) {
      throw new IllegalArgumentException("below and above must not be negative, got " + below + ", " + above);
    }
  }

  /** Returns a copy of the count per bin. */
  @Override
  public int[] counts() {
    return counts.clone();
  }

  /** Returns the number of bins. */
  public int numBins() {
    return counts.length;
  }

  /** Returns the count of bin {@code i}. */
  public int count(int i) {
    return counts[i];
  }

  /** Returns the width of every bin, {@code (max − min) / numBins()}. */
  public double binWidth() {
    return (max - min) / counts.length;
  }

  /** Returns the lower edge of bin {@code i}; {@code binLower(numBins())} is {@code max}. */
  public double binLower(int i) {
    if (i < 0 || i > counts.length) {
      throw new IndexOutOfBoundsException("bin " + i + " is outside 0.." + counts.length);
    }
    return i == counts.length ? max : min + i * binWidth();
  }

  /** Returns the centre of bin {@code i}. */
  public double binCenter(int i) {
    if (i < 0 || i >= counts.length) {
      throw new IndexOutOfBoundsException("bin " + i + " is outside 0.." + (counts.length - 1));
    }
    return min + (i + 0.5) * binWidth();
  }

  /** Returns the number of values counted, in the bins and outside them. */
  public long total() {
    long sum = (long) below + above;
    for (int c : counts) {
      sum += c;
    }
    return sum;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Histogram h
        && Double.compare(min, h.min) == 0
        && Double.compare(max, h.max) == 0
        && Arrays.equals(counts, h.counts)
        && below == h.below
        && above == h.above;
  }

  @Override
  public int hashCode() {
    return Objects.hash(min, max, Arrays.hashCode(counts), below, above);
  }

  @Override
  public String toString() {
    return "Histogram[min=" + min + ", max=" + max + ", counts=" + Arrays.toString(counts) + ", below=" + below
        + ", above=" + above + "]";
  }
}
