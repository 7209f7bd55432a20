package io.circuitstream.engine.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The log-space helpers, and the float32-accurate exp the float32 softmaxes use. */
class NumericsTest {
  @Test
  void float32ExpIsWithinOneHundredMillionthOfMathExpAcrossTheDoubleRange() {
    Random rnd = new Random(3);
    double worst = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double x = i < 500_000 ? -745 * rnd.nextDouble() : 40 * (rnd.nextDouble() - 0.5);
      double exact = Math.exp(x);
      double fast = Numerics.expForFloat32(x);
      if (exact >= Double.MIN_NORMAL) {
        worst = Math.max(worst, Math.abs(fast - exact) / exact);
      } else {
        assertThat(fast).as("exp(%s) in the subnormal range", x).isEqualTo(exact);
      }
    }
    assertThat(worst).isLessThan(1e-8);
  }

  @Test
  void float32ExpKeepsMathExpAtTheEdges() {
    double[] edges = {0.0, -0.0, -708.0, -708.5, -745.2, -800, 709.0, 709.9, 1000,
        Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN};
    for (double x : edges) {
      double exact = Math.exp(x);
      if (Double.isNaN(exact) || Double.isInfinite(exact) || exact == 0 || exact == 1) {
        assertThat(Double.valueOf(Numerics.expForFloat32(x))).as("exp(%s)", x).isEqualTo(Double.valueOf(exact));
      } else {
        assertThat(Numerics.expForFloat32(x)).as("exp(%s)", x).isCloseTo(exact, within(1e-8 * exact));
      }
    }
  }

  @Test
  void float32SoftmaxAgreesWithTheExactOneAndSumsToOne() {
    Random rnd = new Random(4);
    double[] logits = new double[256];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = 30 * rnd.nextGaussian();
    }
    double[] exact = new double[logits.length];
    double[] fast = new double[logits.length];
    double zExact = Numerics.softmax(logits, 0, logits.length, exact);
    double zFast = Numerics.softmax(logits, 0, logits.length, fast, 0, true);
    assertThat(zFast).isCloseTo(zExact, within(1e-8 * Math.abs(zExact)));
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      assertThat(fast[i]).as("entry %d", i).isCloseTo(exact[i], within(1e-8 * exact[i] + Double.MIN_VALUE));
      sum += fast[i];
    }
    assertThat(sum).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void maxAgreesWithMathMaxForEveryLengthAndOffsetAndKeepsNaN() {
    Random rnd = new Random(5);
    double[] a = new double[40];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextGaussian() * 100;
    }
    for (int off = 0; off < 3; off++) {
      for (int len = 0; len + off <= a.length; len++) {
        double expected = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
          expected = Math.max(expected, a[off + i]);
        }
        assertThat(Numerics.max(a, off, len)).as("offset %d, length %d", off, len).isEqualTo(expected);
      }
    }
    for (int at : new int[] {0, 7, 39}) {
      double[] b = a.clone();
      b[at] = Double.NaN;
      assertThat(Numerics.max(b, 0, b.length)).as("NaN at %d", at).isNaN();
    }
  }
}
