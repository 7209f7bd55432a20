package io.circuitstream.train;

import io.circuitstream.engine.learn.HybridLoss;

/** Receives a training run's progress; callbacks throw unchecked exceptions only. */
public interface TrainingListener {
  /** Ignores everything. */
  TrainingListener NONE = new TrainingListener() {};

  /**
   * Called after every step.
   *
   * @param step steps done so far
   * @param epoch current epoch, from 0
   * @param running mean loss and accuracy of the steps since the last validation
   * @param imagesPerSecond training throughput since the last validation
   */
  default void onStep(int step, int epoch, HybridLoss.Value running, double imagesPerSecond) {}

  /** Called after every validation. */
  default void onValidation(ValidationPoint point) {}

  /**
   * One validation of a training run.
   *
   * @param step steps done
   * @param epoch epoch, from 0
   * @param train mean loss and accuracy of the training steps since the previous validation
   * @param validation loss and accuracy on the validation set
   * @param improved whether validation accuracy improved on the best so far
   * @param patienceLeft validations left without improvement before stopping
   */
  record ValidationPoint(int step, int epoch, HybridLoss.Value train, HybridLoss.Value validation, boolean improved,
      int patienceLeft) {}
}
