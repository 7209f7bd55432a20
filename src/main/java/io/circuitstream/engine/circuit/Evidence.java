package io.circuitstream.engine.circuit;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A batch of images, each with its own set of missing pixels.
 *
 * <p>Values are example-major: pixel {@code j} of example {@code i} is {@code values[i * numVariables
 * + j]}. A missing pixel's value is ignored. The arrays are not copied, for speed; do not change
 * them while a query runs.
 *
 * @param size number of examples
 * @param numVariables pixels per example
 * @param values pixel values, {@code size * numVariables} of them
 * @param missing {@code true} where a pixel is missing, same layout as values; {@code null} if none
 */
public record Evidence(int size, int numVariables, int[] values, boolean @Nullable [] missing) {

  /** Checks the lengths. */
  public Evidence {
    Objects.requireNonNull(values, "values");
    if (size < 0 || numVariables <= 0) {
      throw new IllegalArgumentException("size must be >= 0 and numVariables > 0, got " + size + ", " + numVariables);
    }
    if (values.length != (long) size * numVariables) {
      throw new IllegalArgumentException(
          "values has " + values.length + " entries, expected size*numVariables = " + (long) size * numVariables);
    }
    if (missing != null && missing.length != values.length) {
      throw new IllegalArgumentException(
          "missing has " + missing.length + " entries, expected " + values.length);
    }
  }

  /** Returns complete evidence (no pixel missing). */
  public static Evidence of(int numVariables, int[] values) {
    return new Evidence(values.length / numVariables, numVariables, values, null);
  }

  /** Returns this evidence with the given missing-pixel mask. */
  public Evidence withMissing(boolean @Nullable [] mask) {
    return new Evidence(size, numVariables, values, mask);
  }

  /** Returns whether pixel {@code j} of example {@code i} is missing. */
  public boolean isMissing(int i, int j) {
    return missing != null && missing[i * numVariables + j];
  }

  /** Returns the value of pixel {@code j} of example {@code i}. */
  public int value(int i, int j) {
    return values[i * numVariables + j];
  }

  /** Returns the number of observed pixels of example {@code i}. */
  public int observed(int i) {
    if (missing == null) {
      return numVariables;
    }
    int n = 0;
    for (int j = 0; j < numVariables; j++) {
      n += missing[i * numVariables + j] ? 0 : 1;
    }
    return n;
  }

  /** Returns examples {@code [from, to)} as new evidence (copies). */
  public Evidence slice(int from, int to) {
    Objects.checkFromToIndex(from, to, size);
    int a = from * numVariables;
    int b = to * numVariables;
    return new Evidence(to - from, numVariables, Arrays.copyOfRange(values, a, b),
        missing == null ? null : Arrays.copyOfRange(missing, a, b));
  }
}
