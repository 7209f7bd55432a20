package io.circuitstream.engine.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CircuitStructureTest {

  @Test
  void tutorialCircuitHasTheExpectedLayersAndParameters() {
    Circuit c = Circuit.create(CircuitSpec.builder().units(4).build(), 1);
    // 784 input layers, 2 dense layers per partition (3120), 1560 Hadamard products, 259 mixing layers.
    assertThat(c.layersUnfolded()).isEqualTo(784 + 3120 + 1560 + 259);
    assertThat(c.layersFolded()).isLessThan(40);
    int rootDense = 2 * 2 * 10 * 4; // the root has two partitions of two children, each dense 10x4
    int mixing = 258 * 4 * 2 + 10 * 2;
    int expected = 784 * 4 * 256 + (3120 * 16 - rootDense / 10 * 4) + rootDense + mixing;
    assertThat(c.numParameters()).isEqualTo(expected);
  }

  @Test
  void foldedEvaluationOfTheFullSizeCircuitMatchesTheUnfoldedReference() {
    Circuit c = Circuit.create(CircuitSpec.builder().units(3).build(), 2);
    Evidence e = CircuitExactnessTest.randomEvidence(784, 256, 3, 0.4, 9);
    ClassScores reference = c.evaluateUnfolded(e);
    try (Evaluator single = c.evaluator(4, 1, false); Evaluator pair = c.evaluator(3, 2, true)) {
      assertThat(single.logLikelihoods(e).values()).containsExactly(reference.values(), within(1e-8));
      assertThat(pair.logLikelihoods(e).values()).containsExactly(reference.values(), within(1e-8));
    }
  }

  @Test
  void evaluatorRejectsBatchesItCannotHold() {
    Circuit c = Circuit.create(CircuitSpec.builder().imageShape(2, 2).units(2).numCategories(4).build(), 3);
    try (Evaluator ev = c.evaluator(1)) {
      assertThatThrownBy(() -> ev.logLikelihoods(Evidence.of(4, new int[8])))
          .hasMessageContaining("exceeds this evaluator's capacity 1");
      assertThatThrownBy(() -> ev.logLikelihoods(Evidence.of(4, new int[] {0, 1, 2, 4})))
          .hasMessageContaining("has value 4, outside 0..3");
      assertThatThrownBy(() -> ev.backward(new double[10], new double[c.numParameters()]))
          .hasMessageContaining("created for inference");
    }
  }

  @Test
  void specRejectsInconsistentSettingsWithTheFieldName() {
    assertThatThrownBy(() -> CircuitSpec.builder().units(0).build()).hasMessageContaining("inputUnits must be positive");
    assertThatThrownBy(() -> CircuitSpec.builder().regionGraph("hexagons").build())
        .hasMessageContaining("unknown region graph 'hexagons'");
    assertThatThrownBy(() -> CircuitSpec.builder().layerKind(LayerKind.CP_T).inputUnits(8).sumUnits(4).build())
        .hasMessageContaining("inputUnits (8) must equal sumUnits (4)");
    assertThatThrownBy(() -> LayerKind.byId("dense")).hasMessageContaining("valid kinds: cp, cp-t, tucker");
  }
}
