package io.circuitstream.engine.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Nd4jEvaluatorTest {

  @ParameterizedTest(name = "{0} {1}x{2} categories={3} spread={4}")
  @CsvSource({
      "quad-tree-2, 4, 4, 3, 1",
      "quad-tree-4, 4, 4, 2, 1",
      "quad-graph, 3, 4, 3, 1",
      "quad-graph, 4, 4, 2, 40",
      "random-binary-tree, 3, 3, 4, 1"})
  void matchesTheUnfoldedReferenceWithMissingPixels(String graph, int h, int w, int cats, double spread) {
    CircuitSpec spec = CircuitSpec.builder().regionGraph(graph).imageShape(h, w).numCategories(cats)
        .units(3).numClasses(2).build();
    Circuit circuit = Circuit.create(spec, 31);
    double[] theta = circuit.parameters();
    for (int i = 0; i < theta.length; i++) {
      theta[i] *= spread;
    }
    circuit.setParameters(theta);
    Evidence e = CircuitExactnessTest.randomEvidence(circuit.numVariables(), cats, 5, 0.3, 41);
    ClassScores reference = circuit.evaluateUnfolded(e);
    try (Evaluator ev = circuit.nd4jEvaluator(8, Precision.FLOAT64)) {
      double[] values = ev.logLikelihoods(e).values();
      for (int i = 0; i < values.length; i++) {
        assertThat(values[i]).as("entry %d", i)
            .isCloseTo(reference.values()[i], within(1e-9 * Math.max(1, Math.abs(reference.values()[i]))));
      }
      // Parameters changed after the first call are picked up.
      theta[0] += 0.5;
      circuit.setParameters(theta);
      double[] again = ev.logLikelihoods(e).values();
      double[] expected = circuit.evaluateUnfolded(e).values();
      for (int i = 0; i < again.length; i++) {
        assertThat(again[i]).isCloseTo(expected[i], within(1e-9 * Math.max(1, Math.abs(expected[i]))));
      }
    }
  }

  @Test
  void float32AgreesWithTheFoldedEvaluatorOnMnistSizedCircuits() {
    Circuit circuit = Circuit.create(CircuitSpec.builder().regionGraph("quad-graph").units(4).build(), 5);
    Evidence e = CircuitExactnessTest.randomEvidence(784, 256, 6, 0.2, 3);
    try (Evaluator nd = circuit.nd4jEvaluator(6, Precision.FLOAT32);
        Evaluator cpu = circuit.evaluator(6)) {
      double[] a = nd.logLikelihoods(e).values();
      double[] b = cpu.logLikelihoods(e).values();
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i]).isCloseTo(b[i], within(1e-4 * Math.abs(b[i])));
      }
      assertThatThrownBy(() -> nd.backward(new double[a.length], new double[circuit.numParameters()]))
          .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("train with");
    }
  }

  @Test
  void theSuggestedBatchGrowsWithMemoryAndFitsIt() {
    Circuit circuit = Circuit.create(CircuitSpec.MNIST, 1);
    int small = circuit.suggestedNd4jBatch(Precision.FLOAT32, 1L << 30);
    int large = circuit.suggestedNd4jBatch(Precision.FLOAT32, 64L << 30);
    assertThat(small).isBetween(64, 1024);
    assertThat(large).isGreaterThan(32 * small);
    assertThat(circuit.suggestedNd4jBatch(Precision.FLOAT64, 1L << 30)).isLessThan(small);
  }

  @Test
  void onlyCpCircuitsAreSupported() {
    Circuit tucker = Circuit.create(CircuitSpec.builder().regionGraph("quad-tree-2").imageShape(4, 4)
        .layerKind(LayerKind.TUCKER).units(2).build(), 1);
    assertThatThrownBy(() -> tucker.nd4jEvaluator(4, Precision.FLOAT64))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cp circuits only");
  }
}
