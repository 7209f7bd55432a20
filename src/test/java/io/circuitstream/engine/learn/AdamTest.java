package io.circuitstream.engine.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Adam optimiser's two ways of taking a step. */
class AdamTest {
  @Test
  void stepAndClearMovesTheParametersAsStepDoesAndLeavesTheGradientZero() {
    Circuit a = Circuit.create(CircuitSpec.builder().units(4).build(), 7);
    Circuit b = Circuit.create(CircuitSpec.builder().units(4).build(), 7);
    int size = a.numParameters();
    Adam plain = new Adam(size, 0.02);
    Adam clearing = new Adam(size, 0.02);
    Random rnd = new Random(2);
    for (int round = 0; round < 3; round++) {
      double[] g = new double[size];
      for (int i = 0; i < size; i++) {
        g[i] = rnd.nextGaussian();
      }
      double[] copy = g.clone();
      plain.step(a, g, 0.01);
      clearing.stepAndClear(b, copy, 0.01);
      // isEqualTo compares arrays in one pass (containsExactly is quadratic on a million entries).
      assertThat(copy).isEqualTo(new double[size]);
      assertThat(b.parameters()).isEqualTo(a.parameters());
    }
    assertThat(b.parameters()).isNotEqualTo(Circuit.create(CircuitSpec.builder().units(4).build(), 7).parameters());
  }
}
