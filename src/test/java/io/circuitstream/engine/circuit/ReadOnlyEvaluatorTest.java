package io.circuitstream.engine.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;

/** What a served model's evaluator holds: the parameters are read once, not kept. */
class ReadOnlyEvaluatorTest {
  private static final CircuitSpec SPEC = CircuitSpec.builder().regionGraph("quad-graph").imageShape(4, 4)
      .inputUnits(4).sumUnits(4).numClasses(3).numCategories(8).build();

  @Test
  void inferenceEvaluatorOfAReadOnlyViewLetsTheParameterArrayBeCollected() throws InterruptedException {
    double[] params = Circuit.create(SPEC, 5).parameters();
    Evidence e = new Evidence(2, 16, new int[32], null);
    double[] expected;
    try (Evaluator writable = Circuit.withParameters(SPEC, params).evaluator(2, 1, false)) {
      expected = writable.logLikelihoods(e).values();
    }
    WeakReference<double[]> held = new WeakReference<>(params);
    try (Evaluator ev = Circuit.readOnlyView(SPEC, params).evaluator(2, 1, false)) {
      params = null;
      for (int i = 0; i < 100 && held.get() != null; i++) {
        System.gc();
        Thread.sleep(10);
      }
      assertThat(held.get()).as("the parameter array, with only the evaluator left to hold it").isNull();
      assertThat(ev.logLikelihoods(e).values()).containsExactly(expected);
    }
  }
}
