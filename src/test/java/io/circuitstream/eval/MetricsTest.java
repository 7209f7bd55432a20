package io.circuitstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

  private static double[] oneToHundred() {
    double[] v = new double[100];
    for (int i = 0; i < 100; i++) {
      v[i] = i + 1;
    }
    return v;
  }

  // --- auroc ---

  @Test
  void aurocOfPerfectlySeparatedScoresIsOne() {
    assertThat(Metrics.auroc(new double[] {5, 6, 7}, new double[] {1, 2, 3, 4.9})).isEqualTo(1.0);
  }

  @Test
  void aurocOfReversedScoresIsZero() {
    assertThat(Metrics.auroc(new double[] {1, 2, 3}, new double[] {5, 6, 7, 8})).isEqualTo(0.0);
  }

  @Test
  void aurocOfIdenticalDistributionsWithTiesIsOneHalf() {
    double[] same = {1, 1, 2, 2, 2, 3};
    assertThat(Metrics.auroc(same, same.clone())).isEqualTo(0.5);
    assertThat(Metrics.auroc(new double[] {4, 4}, new double[] {4, 4, 4})).isEqualTo(0.5);
  }

  @Test
  void aurocOfHandComputedCaseWithTies() {
    // pos {1, 2, 3}, neg {2, 0}. Pairs (pos, neg): (1,2) 0, (1,0) 1, (2,2) ½, (2,0) 1, (3,2) 1, (3,0) 1 → U = 4.5.
    // Mid-ranks of the pooled scores 0 1 2 2 3 are 1 2 3.5 3.5 5; R_pos = 2 + 3.5 + 5 = 10.5 and
    // U = R_pos − n(n+1)/2 = 10.5 − 6 = 4.5. AUROC = U / (n·m) = 4.5 / 6 = 0.75.
    assertThat(Metrics.auroc(new double[] {1, 2, 3}, new double[] {2, 0})).isEqualTo(0.75);
  }

  @Test
  void aurocAgreesWithPairCountingOnRandomScoresWithManyTies() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      double[] pos = new double[1 + rnd.nextInt(40)];
      double[] neg = new double[1 + rnd.nextInt(40)];
      for (int i = 0; i < pos.length; i++) {
        pos[i] = rnd.nextInt(6);
      }
      for (int i = 0; i < neg.length; i++) {
        neg[i] = rnd.nextInt(6) - 1;
      }
      double pairs = 0;
      for (double p : pos) {
        for (double n : neg) {
          pairs += p > n ? 1 : p == n ? 0.5 : 0;
        }
      }
      assertThat(Metrics.auroc(pos, neg)).isCloseTo(pairs / (pos.length * neg.length), within(1e-12));
    }
  }

  @Test
  void aurocRanksInfiniteScoresLikeOtherValues() {
    double inf = Double.POSITIVE_INFINITY;
    assertThat(Metrics.auroc(new double[] {-10, -20}, new double[] {-inf, -30})).isEqualTo(1.0);
    assertThat(Metrics.auroc(new double[] {-inf}, new double[] {-inf})).isEqualTo(0.5);
  }

  @Test
  void aurocRejectsEmptyAndNaNScores() {
    assertThatThrownBy(() -> Metrics.auroc(new double[0], new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("positives must not be empty");
    assertThatThrownBy(() -> Metrics.auroc(new double[] {1}, new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("negatives must not be empty");
    assertThatThrownBy(() -> Metrics.auroc(new double[] {1}, new double[] {0, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("negatives[1] is NaN");
  }

  // --- quantileThreshold and fractionAbove ---

  @Test
  void quantileThresholdOfOneToHundredAtFivePercentIsNinetyFive() {
    double[] scores = oneToHundred();
    double t = Metrics.quantileThreshold(scores, 0.05);
    assertThat(t).isEqualTo(95.0);
    assertThat(Metrics.fractionAbove(scores, t)).isEqualTo(0.05).isLessThanOrEqualTo(0.05);
  }

  @Test
  void quantileThresholdAtRateZeroIsTheMaximum() {
    double[] scores = {3, -1, 7.5, 2};
    assertThat(Metrics.quantileThreshold(scores, 0)).isEqualTo(7.5);
    assertThat(Metrics.fractionAbove(scores, 7.5)).isZero();
  }

  @Test
  void quantileThresholdCorrectsTheRoundingOfRateTimesN() {
    // 0.29 * 100 is 28.999999999999996 in double; 29 of 100 scores above the threshold is still allowed.
    double[] scores = oneToHundred();
    double t = Metrics.quantileThreshold(scores, 0.29);
    assertThat(t).isEqualTo(71.0);
    assertThat(Metrics.fractionAbove(scores, t)).isEqualTo(0.29);
  }

  @Test
  void quantileThresholdWithTiesStaysBelowTheRate() {
    double[] scores = {1, 2, 2, 2, 3};
    assertThat(Metrics.quantileThreshold(scores, 0.2)).isEqualTo(2.0);
    // k = 2 allows two alarms, but the only thresholds with at most two scores above are ≥ 2, which give one.
    assertThat(Metrics.quantileThreshold(scores, 0.4)).isEqualTo(2.0);
    assertThat(Metrics.fractionAbove(scores, 2.0)).isEqualTo(0.2);
    assertThat(Metrics.fractionAbove(scores, Math.nextDown(2.0))).isEqualTo(0.8);
  }

  @Test
  void quantileThresholdIsTheSmallestThresholdMeetingTheRate() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 50; trial++) {
      double[] scores = new double[1 + rnd.nextInt(300)];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = trial % 2 == 0 ? rnd.nextGaussian() * 100 : rnd.nextInt(10);
      }
      double rate = rnd.nextDouble() * 0.5;
      double t = Metrics.quantileThreshold(scores, rate);
      assertThat(Metrics.fractionAbove(scores, t)).isLessThanOrEqualTo(rate);
      assertThat(Metrics.fractionAbove(scores, Math.nextDown(t))).isGreaterThan(rate);
    }
  }

  @Test
  void quantileThresholdRejectsRatesOutsideZeroToOneAndBadScores() {
    double[] scores = {1, 2};
    for (double rate : new double[] {-0.01, 1.0, Double.NaN}) {
      assertThatThrownBy(() -> Metrics.quantileThreshold(scores, rate))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("falseAlarmRate must be in [0, 1)");
    }
    assertThatThrownBy(() -> Metrics.quantileThreshold(new double[0], 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scores must not be empty");
    assertThatThrownBy(() -> Metrics.quantileThreshold(new double[] {Double.NaN}, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scores[0] is NaN");
  }

  @Test
  void fractionAboveCountsStrictlyGreaterScores() {
    double[] scores = {1, 2, 2, 3};
    assertThat(Metrics.fractionAbove(scores, 2)).isEqualTo(0.25);
    assertThat(Metrics.fractionAbove(scores, Double.NEGATIVE_INFINITY)).isEqualTo(1.0);
    assertThatThrownBy(() -> Metrics.fractionAbove(scores, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threshold must not be NaN");
    assertThatThrownBy(() -> Metrics.fractionAbove(new double[0], 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // --- histogram and range ---

  @Test
  void histogramCountsEveryValueInABinOrBelowOrAbove() {
    double[] values = {-5, 0, 0.5, 2.5, 9.99, 10, 11, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
    Histogram h = Metrics.histogram(values, 0, 10, 4);
    // Bins [0, 2.5) [2.5, 5) [5, 7.5) [7.5, 10]; max = 10 belongs to the last bin.
    assertThat(h.counts()).containsExactly(2, 1, 0, 2);
    assertThat(h.below()).isEqualTo(2);
    assertThat(h.above()).isEqualTo(2);
    assertThat(h.total()).isEqualTo(values.length);
    assertThat(h.numBins()).isEqualTo(4);
    assertThat(h.binWidth()).isEqualTo(2.5);
    assertThat(h.binCenter(0)).isEqualTo(1.25);
    assertThat(h.binCenter(3)).isEqualTo(8.75);
    assertThat(h.binLower(4)).isEqualTo(10.0);
  }

  @Test
  void histogramOfRandomValuesSumsToN() {
    Random rnd = new Random(3);
    double[] values = new double[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = rnd.nextGaussian();
    }
    Histogram h = Metrics.histogram(values, -1.5, 1.5, 17);
    int inBins = 0;
    for (int c : h.counts()) {
      inBins += c;
    }
    assertThat(inBins + h.below() + h.above()).isEqualTo(1000);
    assertThat(h.below()).isPositive();
    assertThat(h.above()).isPositive();
  }

  @Test
  void histogramCountsAreCopiedInAndOut() {
    int[] counts = {1, 2};
    Histogram h = new Histogram(0, 1, counts, 0, 0);
    counts[0] = 99;
    h.counts()[1] = 99;
    assertThat(h.counts()).containsExactly(1, 2);
    assertThat(h).isEqualTo(new Histogram(0, 1, new int[] {1, 2}, 0, 0));
  }

  @Test
  void histogramRejectsNaNAndBadRanges() {
    assertThatThrownBy(() -> Metrics.histogram(new double[] {1, Double.NaN}, 0, 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("values[1] is NaN");
    assertThatThrownBy(() -> Metrics.histogram(new double[] {1}, 2, 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("need finite min < max");
    assertThatThrownBy(() -> Metrics.histogram(new double[] {1}, 0, Double.POSITIVE_INFINITY, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Metrics.histogram(new double[] {1}, 0, 2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bins must be positive, got 0");
  }

  @Test
  void rangeSpansTheFiniteValuesOfAllSeriesAndIgnoresInfinities() {
    double[] range = Metrics.range(
        new double[] {-300, Double.NEGATIVE_INFINITY, -120}, new double[] {}, new double[] {-900, -250});
    assertThat(range).containsExactly(-900, -120);
    double[] v = {-5, -300};
    Histogram h = Metrics.histogram(new double[] {Double.NEGATIVE_INFINITY, -5}, -300, -5, 10);
    assertThat(Metrics.range(v)).containsExactly(-300, -5);
    assertThat(h.below()).isEqualTo(1);
  }

  @Test
  void rangeOfOneRepeatedValueIsWidenedAndEmptyOrNaNIsRejected() {
    assertThat(Metrics.range(new double[] {2, 2}, new double[] {Double.POSITIVE_INFINITY}))
        .containsExactly(1.5, 2.5);
    assertThatThrownBy(() -> Metrics.range(new double[] {Double.NEGATIVE_INFINITY}, new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the series hold no finite value");
    assertThatThrownBy(() -> Metrics.range(new double[] {1}, new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("series[1][0] is NaN");
  }
}
