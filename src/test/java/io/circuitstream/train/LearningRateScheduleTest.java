package io.circuitstream.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.circuitstream.engine.learn.Adam;
import io.circuitstream.train.TrainerConfig.Schedule;
import org.junit.jupiter.api.Test;

/** The learning-rate schedules and the optimiser's per-step rate. */
class LearningRateScheduleTest {

  @Test
  void constantScheduleKeepsTheRate() {
    for (int step = 1; step <= 100; step++) {
      assertThat(Schedule.CONSTANT.factor(step, 100)).isEqualTo(1.0);
    }
  }

  @Test
  void cosineStartsAtTheRateHalvesMidwayAndDecaysMonotonicallyTowardsZero() {
    int planned = 1000;
    assertThat(Schedule.COSINE.factor(1, planned)).isEqualTo(1.0);
    assertThat(Schedule.COSINE.factor(501, planned)).isCloseTo(0.5, within(1e-12));
    assertThat(Schedule.COSINE.factor(planned, planned)).isCloseTo(0.0, within(1e-4)).isPositive();
    assertThat(Schedule.COSINE.factor(planned + 50, planned)).isEqualTo(0.0);
    for (int step = 2; step <= planned; step++) {
      assertThat(Schedule.COSINE.factor(step, planned)).isLessThan(Schedule.COSINE.factor(step - 1, planned));
    }
  }

  @Test
  void schedulesParseTheirLabelsAndRejectOthersByName() {
    for (Schedule s : Schedule.values()) {
      assertThat(Schedule.parse(s.label())).isEqualTo(s);
    }
    assertThatThrownBy(() -> Schedule.parse("linear")).hasMessageContaining("constant or cosine")
        .hasMessageContaining("linear");
  }

  @Test
  void scheduleIsPartOfTheProvenanceText() {
    assertThat(TrainerConfig.builder().build().asText()).containsEntry("schedule", "constant");
    assertThat(TrainerConfig.builder().schedule(Schedule.COSINE).build().asText()).containsEntry("schedule", "cosine");
  }

  @Test
  void adamStepWithAGivenRateEqualsAnOptimiserBuiltWithThatRate() {
    double[] grad1 = {0.3, -1.2, 2.0};
    double[] grad2 = {-0.1, 0.4, 0.9};
    double[] a = {1.0, 2.0, -3.0};
    double[] b = a.clone();
    Adam fixed = new Adam(3, 0.005);
    fixed.step(a, grad1);
    fixed.step(a, grad2);
    Adam scheduled = new Adam(3, 0.02);
    scheduled.step(b, grad1, 0.005);
    scheduled.step(b, grad2, 0.005);
    assertThat(b).containsExactly(a, within(1e-15));
    Adam halved = new Adam(3, 0.02);
    double[] c = {1.0, 2.0, -3.0};
    halved.step(c, grad1, 0.01);
    assertThat(c[0]).isCloseTo(1.0 - 0.01, within(1e-9));
  }
}
