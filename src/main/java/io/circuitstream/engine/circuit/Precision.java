package io.circuitstream.engine.circuit;

/**
 * How an evaluator stores its working values and runs its dense products.
 *
 * <p>Parameters, gradients and all element-wise arithmetic stay in float64 either way; float32
 * halves the memory traffic and runs the products with {@code sgemm}, at the cost of about seven
 * significant digits in the stored values (log-likelihoods of MNIST images are then good to ~1e-3
 * nats).
 *
 * <p>Values that fall below a precision's normal range are redone in log space in either precision,
 * so float32 stays exact to its digits when probabilities, ratios or products go below 1e-38. The
 * weights themselves are stored in the evaluator's precision, though: a float32 evaluator loses a
 * sum weight below ~1e-38 (a log-weight under about -87), which float64 keeps down to ~1e-308.
 */
public enum Precision {
  /** Values and products in float32. */
  FLOAT32,
  /** Values and products in float64: the exactness tests' reference. */
  FLOAT64;

  /** Returns the smallest normal stored value: below it a stored value has lost precision or is zero. */
  double smallestNormal() {
    return this == FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
  }

  /**
   * Returns the smallest column maximum a linear-space sum accepts: the smallest normal value times
   * 2^(significand bits), so that terms lost to underflow are below the last bit of the sum.
   */
  double linearFloor() {
    return this == FLOAT32 ? 0x1p-102 : 0x1p-969;
  }

  /** Returns the name used on command lines and in files: {@code float32} or {@code float64}. */
  public String label() {
    return this == FLOAT32 ? "float32" : "float64";
  }

  /**
   * Parses {@code float32} or {@code float64}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Precision parse(String text) {
    return switch (text) {
      case "float32" -> FLOAT32;
      case "float64" -> FLOAT64;
      default -> throw new IllegalArgumentException("precision must be float32 or float64, got '" + text + "'");
    };
  }
}
