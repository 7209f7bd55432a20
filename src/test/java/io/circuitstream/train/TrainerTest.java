package io.circuitstream.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.learn.HybridLoss;
import org.junit.jupiter.api.Test;

/** Training on real MNIST: a small circuit must learn. */
class TrainerTest {

  static final CircuitSpec SMALL = CircuitSpec.builder().regionGraph("quad-tree-2").units(16).build();

  @Test
  void smallCircuitLearnsMnistDigitsFromASlice() {
    ImageSet train = Datasets.mnistTrain().slice(0, 20000);
    ImageSet validation = Datasets.mnistTrain().slice(50000, 51000);
    ImageSet test = Datasets.mnistTest().slice(0, 1000);
    Circuit circuit = Circuit.create(SMALL, 1);
    TrainerConfig config = TrainerConfig.builder().lambda(0.5).batchSize(100).evalEvery(50).maxEpochs(1).seed(3).build();
    Trainer.Result result = new Trainer(config).train(circuit, train, validation, TrainingListener.NONE);

    assertThat(result.history()).isNotEmpty();
    assertThat(result.bestValidationAccuracy()).isEqualTo(
        result.history().stream().mapToDouble(p -> p.validation().accuracy()).max().orElseThrow());
    try (Evaluator ev = circuit.evaluator(250)) {
      Scoring.Result scored = Scoring.score(ev, test, HybridLoss.of(0.5, 784), 0, 0, done -> { });
      System.out.printf("slice test accuracy %.4f after %d steps in %.1f s%n",
          scored.metrics().accuracy(), result.steps(), result.seconds());
      assertThat(scored.metrics().accuracy()).isGreaterThan(0.85);
      // The kept parameters are the best validated ones: re-scoring validation reproduces that accuracy.
      assertThat(Scoring.score(ev, validation, HybridLoss.of(0.5, 784), 0, 0, d -> { }).metrics().accuracy())
          .isEqualTo(result.bestValidationAccuracy());
    }
  }
}
