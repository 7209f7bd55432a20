package io.circuitstream.engine.circuit;

/**
 * Evaluates a circuit on batches: class-conditional log-likelihoods and their gradients.
 *
 * <p>An evaluator owns its working memory and is not thread-safe: use one per thread. It reads the
 * circuit's current parameters at each call; an inference evaluator of a {@link Circuit#readOnlyView}
 * reads them once, when it is created, and does not keep the parameter array.
 */
public interface Evaluator extends AutoCloseable {

  /** Returns the largest batch this evaluator accepts. */
  int capacity();

  /**
   * Returns {@code log p(x_obs | y)} for every example and class; missing pixels are marginalised.
   *
   * @param evidence at most {@link #capacity()} examples
   */
  ClassScores logLikelihoods(Evidence evidence);

  /**
   * Adds the gradient of a loss to {@code gradient}, given the loss's derivative by the outputs of the
   * last {@link #logLikelihoods} call.
   *
   * @param outputGradient d loss / d log p(x | y), laid out as the last {@link ClassScores}
   * @param gradient accumulates d loss / d parameter, in the circuit's parameter layout
   * @throws IllegalStateException if this evaluator was not created for training
   */
  void backward(double[] outputGradient, double[] gradient);

  /**
   * Returns the time spent per fold since the last {@link #resetTimings()}, in evaluation order, then
   * the bookkeeping phases.
   */
  java.util.List<FoldTiming> timings();

  /** Sets the timings to zero. */
  void resetTimings();

  /** Releases the working memory. */
  @Override
  void close();
}
