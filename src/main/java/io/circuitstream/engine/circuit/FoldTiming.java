package io.circuitstream.engine.circuit;

/**
 * Where an evaluator's time went for one fold (or one bookkeeping phase), summed since the last reset.
 *
 * @param name the fold, such as {@code "h3 cp block x196 [64<64,64,]"}, or a phase such as {@code "parameters"}
 * @param forwardSeconds wall time in forward passes
 * @param backwardSeconds wall time in backward passes
 * @param forwardFlops dense-layer floating-point operations in forward passes (2 per multiply-add)
 * @param backwardFlops dense-layer floating-point operations in backward passes
 */
public record FoldTiming(String name, double forwardSeconds, double backwardSeconds, double forwardFlops,
    double backwardFlops) {

  /** Returns the achieved dense-layer GFLOP/s over forward and backward, or 0 with no time. */
  public double gflopsPerSecond() {
    double t = forwardSeconds + backwardSeconds;
    return t == 0 ? 0 : (forwardFlops + backwardFlops) / t / 1e9;
  }
}
