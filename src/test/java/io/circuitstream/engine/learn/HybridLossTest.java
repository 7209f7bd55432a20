package io.circuitstream.engine.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.circuitstream.engine.circuit.ClassScores;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HybridLossTest {
  private static final int PIXELS = 784;

  private static ClassScores randomOutputs(int b, int c, long seed) {
    Random rnd = new Random(seed);
    double[] v = new double[b * c];
    for (int i = 0; i < v.length; i++) {
      v[i] = -700 + 50 * rnd.nextGaussian();
    }
    return new ClassScores(b, c, v);
  }

  @Test
  void lambdaZeroIsTheGenerativeLossPerPixelAndLambdaOneTheDiscriminativeLoss() {
    ClassScores out = randomOutputs(5, 4, 1);
    int[] labels = {0, 3, 2, 1, 1};
    HybridLoss.Value gen = HybridLoss.of(0, PIXELS).evaluate(out, labels, null);
    HybridLoss.Value dis = HybridLoss.of(1, PIXELS).evaluate(out, labels, null);
    double expectedGen = 0;
    double expectedDis = 0;
    for (int i = 0; i < 5; i++) {
      expectedGen -= out.get(i, labels[i]);
      expectedDis -= out.posterior(null).get(i, labels[i]);
    }
    assertThat(gen.loss()).isCloseTo(expectedGen / 5 / PIXELS, within(1e-12));
    assertThat(gen.genLoss()).isCloseTo(expectedGen / 5, within(1e-9));
    assertThat(dis.loss()).isCloseTo(expectedDis / 5, within(1e-12));
    assertThat(dis.disLoss()).isCloseTo(dis.loss(), within(0.0));
  }

  @Test
  void outputGradientMatchesFiniteDifferences() {
    ClassScores out = randomOutputs(3, 4, 2);
    int[] labels = {2, 0, 3};
    HybridLoss loss = HybridLoss.of(0.3, PIXELS);
    double[] grad = new double[12];
    loss.evaluate(out, labels, grad);
    for (int i = 0; i < 12; i++) {
      double[] up = out.values().clone();
      double[] down = out.values().clone();
      up[i] += 1e-5;
      down[i] -= 1e-5;
      double numeric = (loss.evaluate(new ClassScores(3, 4, up), labels, null).loss()
          - loss.evaluate(new ClassScores(3, 4, down), labels, null).loss()) / 2e-5;
      assertThat(grad[i]).isCloseTo(numeric, within(1e-8));
    }
  }
}
