package io.circuitstream.engine.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The log-space helpers, and the table-driven exp the parameters' softmaxes use. */
class NumericsTest {
  @Test
  void expIsWithinOneUlpOfStrictMathExpAcrossTheRangeOfNormalResults() {
    Random rnd = new Random(3);
    double worst = 0;
    for (int i = 0; i < 2_000_000; i++) {
      double x = i < 1_000_000 ? -708 + 1417 * rnd.nextDouble() : 40 * (rnd.nextDouble() - 0.8);
      double exact = StrictMath.exp(x);
      worst = Math.max(worst, Math.abs(Numerics.exp(x) - exact) / Math.ulp(exact));
    }
    assertThat(worst).isLessThanOrEqualTo(1.0);
  }

  @Test
  void expIsMathExpAtTheEdgesAndOutsideTheTable() {
    double[] edges = {0.0, -0.0, 1.0, -708.0, -708.5, -745.2, -746, -800, 709.0, 709.9, 710, 1000,
        Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, Double.MIN_VALUE, -Double.MIN_VALUE};
    for (double x : edges) {
      double exact = Math.exp(x);
      if (x >= -708 && x <= 709 && exact != 1) {
        assertThat(Numerics.exp(x)).as("exp(%s)", x).isCloseTo(exact, within(Math.ulp(exact)));
      } else {
        assertThat(Double.valueOf(Numerics.exp(x))).as("exp(%s)", x).isEqualTo(Double.valueOf(exact));
      }
    }
  }

  @Test
  void softmaxAgreesWithStrictMathAndSumsToOne() {
    Random rnd = new Random(4);
    double[] logits = new double[256];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = 30 * rnd.nextGaussian();
    }
    double expectedLogZ = CircuitExactnessTest.logSumExp(logits);
    double[] out = new double[logits.length + 3];
    double logZ = Numerics.softmax(logits, 0, logits.length, out, 3);
    assertThat(logZ).isCloseTo(expectedLogZ, within(1e-14 * Math.abs(logZ)));
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      // exp(l - log Z) loses up to |l - log Z| ulps of its argument: ~1e-13 relative for these logits.
      double expected = StrictMath.exp(logits[i] - expectedLogZ);
      assertThat(out[3 + i]).as("entry %d", i).isCloseTo(expected, within(1e-12 * expected + Double.MIN_VALUE));
      sum += out[3 + i];
    }
    assertThat(sum).isCloseTo(1.0, within(1e-14));
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
