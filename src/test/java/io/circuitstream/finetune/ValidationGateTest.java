package io.circuitstream.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.learn.HybridLoss;
import io.circuitstream.model.OodCalibration;
import io.circuitstream.train.Scoring;
import org.junit.jupiter.api.Test;

class ValidationGateTest {
  private static final ImageSet HUNDRED = new ImageSet(1, 1, new byte[100], new byte[100]);
  private final ValidationGate gate = new ValidationGate(HUNDRED, HUNDRED, 0.02, HybridLoss.of(0.5, 1), 10, 1);

  /** Scores with the given accuracy out of 100 images, and OOD scores 1..100 nats per pixel. */
  private static Scoring.Result result(int correct) {
    double[] ll = new double[100];
    int[] observed = new int[100];
    for (int i = 0; i < 100; i++) {
      ll[i] = -(i + 1);
      observed[i] = 1;
    }
    return new Scoring.Result(new HybridLoss.Value(0.3, 1.0, 0.2, correct, 100), new int[100], ll, observed);
  }

  @Test
  void aCandidateWithinTheMarginOnBothSetsPassesAndTheMetricsNameBothModels() {
    ValidationGate.Decision d = gate.decide(new ValidationGate.Scores(result(90), result(40)),
        new ValidationGate.Scores(result(89), result(70)));

    assertThat(d.promote()).isTrue();
    assertThat(d.reason()).startsWith("passed the gate")
        .contains("90.00% -> 89.00%", "40.00% -> 70.00%", "largest drop allowed 2.00 points");
    assertThat(d.metrics()).containsEntry("activeOriginalAccuracy", 0.90).containsEntry("candidateOriginalAccuracy", 0.89)
        .containsEntry("activeFeedbackAccuracy", 0.40).containsEntry("candidateFeedbackAccuracy", 0.70)
        .containsEntry("margin", 0.02).containsKeys("candidateOriginalGenLoss", "activeFeedbackDisLoss");
  }

  @Test
  void aDropBeyondTheMarginOnEitherSetRejectsTheCandidate() {
    ValidationGate.Decision forgot = gate.decide(new ValidationGate.Scores(result(90), result(40)),
        new ValidationGate.Scores(result(87), result(99)));
    ValidationGate.Decision worseOnFeedback = gate.decide(new ValidationGate.Scores(result(90), result(40)),
        new ValidationGate.Scores(result(95), result(37)));

    assertThat(forgot.promote()).isFalse();
    assertThat(forgot.reason()).startsWith("accuracy dropped by more than the margin");
    assertThat(worseOnFeedback.promote()).isFalse();
  }

  @Test
  void withoutHeldOutFeedbackOnlyTheOriginalImagesDecide() {
    ValidationGate.Decision d = gate.decide(new ValidationGate.Scores(result(90), null),
        new ValidationGate.Scores(result(88), null));

    assertThat(d.promote()).isTrue();
    assertThat(d.reason()).contains("no held-out feedback");
    assertThat(d.metrics()).doesNotContainKey("candidateFeedbackAccuracy");
  }

  @Test
  void theCandidatesOodThresholdIsRecalibratedOnAllHeldOutImagesAtTheParentsFalseAlarmRate() {
    OodCalibration ood = gate.calibrate(new ValidationGate.Scores(result(90), result(40)), 0.05);

    assertThat(ood.falseAlarmRate()).isEqualTo(0.05);
    assertThat(ood.calibrationImages()).isEqualTo(200);
    // Scores 1..100 twice: 5 % of 200 images (10) lie above the threshold.
    assertThat(ood.threshold()).isBetween(95.0, 96.0);
  }
}
