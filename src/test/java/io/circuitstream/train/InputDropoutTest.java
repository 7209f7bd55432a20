package io.circuitstream.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.circuit.Evidence;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Input dropout hides a random subset of each image's pixels, and the circuit marginalises them. */
class InputDropoutTest {

  @Test
  void eachImageGetsItsOwnMaskAtTheConfiguredRate() {
    ImageSet data = Datasets.mnistTest().slice(0, 200);
    Evidence e = new Batcher(data, 200).load(null, 0, 200, 0.3, Batcher.MaskMode.BERNOULLI, new SplittableRandom(1));
    int missing = 0;
    for (boolean m : e.missing()) {
      missing += m ? 1 : 0;
    }
    assertThat((double) missing / e.missing().length).isCloseTo(0.3, within(0.01));
    int differing = 0;
    for (int j = 0; j < 784; j++) {
      differing += e.isMissing(0, j) != e.isMissing(1, j) ? 1 : 0;
    }
    assertThat(differing).isGreaterThan(200); // two independent masks at 30 % differ on ~42 % of pixels
  }

  @Test
  void droppedPixelsAreMarginalisedNotObserved() {
    ImageSet data = Datasets.mnistTest().slice(0, 8);
    Evidence dropped = new Batcher(data, 8).load(null, 0, 8, 0.5, Batcher.MaskMode.BERNOULLI, new SplittableRandom(2));
    int[] scrambled = dropped.values().clone();
    for (int i = 0; i < scrambled.length; i++) {
      if (dropped.missing()[i]) {
        scrambled[i] = 255 - scrambled[i]; // change every hidden value
      }
    }
    Circuit circuit = Circuit.create(CircuitSpec.builder().regionGraph("quad-tree-2").units(4).build(), 5);
    try (Evaluator ev = circuit.evaluator(8)) {
      double[] a = ev.logLikelihoods(dropped).values();
      double[] b = ev.logLikelihoods(new Evidence(8, 784, scrambled, dropped.missing())).values();
      double[] complete = ev.logLikelihoods(Evidence.of(784, dropped.values())).values();
      assertThat(b).containsExactly(a, within(1e-9));
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i]).isGreaterThan(complete[i]); // a marginal over more pixels is more likely
      }
    }
  }

  @Test
  void exactCountMasksHideExactlyTheFraction() {
    ImageSet data = Datasets.mnistTest().slice(0, 5);
    Evidence e = new Batcher(data, 5).load(null, 0, 5, 0.25, Batcher.MaskMode.EXACT_COUNT, new SplittableRandom(3));
    for (int i = 0; i < 5; i++) {
      assertThat(e.observed(i)).isEqualTo(784 - 196);
    }
  }
}
