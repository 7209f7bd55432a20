package io.circuitstream.engine.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Inference keeps a region's values once per group of examples that agree on its pixels: an example's
 * scores must not depend on which other examples share its batch, or on how much they share with it.
 */
class GroupedInferenceTest {
  private static final CircuitSpec SPEC = CircuitSpec.builder().regionGraph("quad-graph").imageShape(4, 4)
      .inputUnits(4).sumUnits(4).numClasses(3).numCategories(8).build();
  private static final int PIXELS = 16;

  @Test
  void anExampleScoresAsAloneInABatchOfPartlyEqualImages() {
    Circuit circuit = Circuit.create(SPEC, 11);
    Random rnd = new Random(3);
    int n = 40;
    // Three base images; every example copies one and changes 0-3 of its pixels, some to missing,
    // so examples agree on some regions and not on others, and some are exact repeats.
    int[][] bases = new int[3][PIXELS];
    for (int[] base : bases) {
      for (int j = 0; j < PIXELS; j++) {
        base[j] = rnd.nextInt(8);
      }
    }
    int[] values = new int[n * PIXELS];
    boolean[] missing = new boolean[n * PIXELS];
    for (int b = 0; b < n; b++) {
      System.arraycopy(bases[rnd.nextInt(3)], 0, values, b * PIXELS, PIXELS);
      for (int c = rnd.nextInt(4); c > 0; c--) {
        int j = rnd.nextInt(PIXELS);
        if (rnd.nextBoolean()) {
          missing[b * PIXELS + j] = true;
        } else {
          values[b * PIXELS + j] = rnd.nextInt(8);
        }
      }
    }
    Evidence batch = new Evidence(n, PIXELS, values, missing);
    double[] together;
    try (Evaluator ev = circuit.evaluator(n, 2, false)) {
      together = ev.logLikelihoods(batch).values();
    }
    int classes = SPEC.numClasses();
    try (Evaluator alone = circuit.evaluator(1, 1, false)) {
      for (int b = 0; b < n; b++) {
        double[] own = alone.logLikelihoods(batch.slice(b, b + 1)).values();
        for (int y = 0; y < classes; y++) {
          assertThat(together[b * classes + y]).as("example %d, class %d", b, y).isCloseTo(own[y], within(1e-9));
        }
      }
    }
    // The training evaluator keeps one column per example: the same scores.
    try (Evaluator training = circuit.evaluator(n, 2, true)) {
      assertThat(training.logLikelihoods(batch).values()).containsExactly(together, within(1e-9));
    }
  }
}
