package io.circuitstream.testing;

import io.circuitstream.data.Datasets;
import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.learn.HybridLoss;
import io.circuitstream.eval.Metrics;
import io.circuitstream.model.Model;
import io.circuitstream.model.OodCalibration;
import io.circuitstream.model.Provenance;
import io.circuitstream.train.Scoring;
import io.circuitstream.train.Trainer;
import io.circuitstream.train.TrainerConfig;
import io.circuitstream.train.TrainingListener;
import java.util.Arrays;
import java.util.Map;

/** Models for service tests: an untrained one (fast) and a small one trained on real MNIST (cached). */
public final class TestModels {
  private static Model trained;

  private TestModels() {}

  /** Returns a 28×28 model with random parameters and the given OOD threshold. */
  public static Model untrained(long seed, double threshold) {
    CircuitSpec spec = CircuitSpec.builder().regionGraph("quad-tree-2").units(2).build();
    return model(spec, Circuit.create(spec, seed).parameters(), threshold, "untrained seed " + seed);
  }

  /**
   * Returns a small model trained on 10 000 MNIST images (150 steps), calibrated for a 1 % false-alarm
   * rate on 2 000 held-out images; trained once per test JVM.
   */
  public static synchronized Model trained() {
    if (trained == null) {
      CircuitSpec spec = CircuitSpec.builder().regionGraph("quad-tree-2").units(8).build();
      Circuit circuit = Circuit.create(spec, 1);
      TrainerConfig config = TrainerConfig.builder().lambda(0.5).batchSize(100).evalEvery(50).maxSteps(150).build();
      new Trainer(config).train(circuit, Datasets.mnistTrain().slice(0, 10000),
          Datasets.mnistTrain().slice(58000, 60000), TrainingListener.NONE);
      double threshold;
      try (Evaluator ev = circuit.evaluator(250)) {
        double[] scores = Scoring.score(ev, Datasets.mnistTrain().slice(58000, 60000), HybridLoss.of(0.5, 784), 0, 0,
            d -> { }).nllPerPixel();
        threshold = Metrics.quantileThreshold(scores, 0.01);
      }
      trained = model(spec, circuit.parameters(), threshold, "trained for tests");
    }
    return trained;
  }

  private static Model model(CircuitSpec spec, double[] params, double threshold, String data) {
    double[] prior = new double[spec.numClasses()];
    Arrays.fill(prior, -Math.log(spec.numClasses()));
    return new Model(spec, params, prior, new OodCalibration(threshold, 0.01, 2000),
        new Provenance(0.5, 1, data, "test", "2026-11-28T00:00:00Z", null, Map.of(), Map.of()));
  }
}
