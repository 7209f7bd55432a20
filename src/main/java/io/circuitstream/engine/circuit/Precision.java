package io.circuitstream.engine.circuit;

/**
 * How an evaluator stores its working values and runs its dense products.
 *
 * <p>Parameters, gradients and all element-wise arithmetic stay in float64 either way; float32
 * halves the memory traffic and runs the products with {@code sgemm}, at the cost of about seven
 * significant digits in the stored values (log-likelihoods of MNIST images are then good to ~1e-3
 * nats).
 */
public enum Precision {
  /** Values and products in float32. */
  FLOAT32,
  /** Values and products in float64: the exactness tests' reference. */
  FLOAT64;

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
