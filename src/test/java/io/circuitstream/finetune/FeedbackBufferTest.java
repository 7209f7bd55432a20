package io.circuitstream.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FeedbackBufferTest {

  private static int[] image(int value) {
    int[] px = new int[4];
    java.util.Arrays.fill(px, value);
    return px;
  }

  @Test
  void aFullBufferDropsTheOldestImagesAndSnapshotsTheRestOldestFirst() {
    FeedbackBuffer buffer = new FeedbackBuffer(3, 2, 2, 0);
    for (int i = 0; i < 5; i++) {
      buffer.add("img-" + i, image(10 * i), i, "labelled", 0, 100 + i);
    }

    FeedbackSnapshot s = buffer.snapshot();

    assertThat(buffer.size()).isEqualTo(3);
    assertThat(s.train().size()).isEqualTo(3);
    assertThat(s.heldOut().size()).isZero();
    assertThat(s.train().labels()).containsExactly(2, 3, 4);
    assertThat(s.train().pixel(0, 0)).isEqualTo(20);
    assertThat(s.offsets()).isEqualTo("labelled[0]:102-104");
    assertThat(s.nextOffsets()).isEqualTo(Map.of("labelled", Map.of(0, 105L)));
  }

  @Test
  void pendingCountsImagesSinceTheLastSnapshotAndCommitsCoverSkippedRecords() {
    FeedbackBuffer buffer = new FeedbackBuffer(10, 2, 2, 0);
    buffer.add("a", image(1), 1, "labelled", 0, 0);
    buffer.add("b", image(2), 2, "labelled", 1, 7);
    assertThat(buffer.pending()).isEqualTo(2);
    buffer.snapshot();
    assertThat(buffer.pending()).isZero();

    buffer.consumed("labelled", 1, 9); // an invalid record after the last buffered one
    FeedbackSnapshot s = buffer.snapshot();

    assertThat(s.nextOffsets()).isEqualTo(Map.of("labelled", Map.of(0, 1L, 1, 10L)));
    assertThat(s.offsets()).isEqualTo("labelled[0]:0-0, labelled[1]:7-7");
    assertThat(buffer.size()).isEqualTo(2);
  }

  @Test
  void theHeldOutShareIsChosenByImageIdSoTheSameImageAlwaysLandsOnTheSameSide() {
    double fraction = 0.2;
    long held = IntStream.range(0, 10_000).filter(i -> FeedbackBuffer.isHeldOut("id-" + i, fraction)).count();
    assertThat(held).isBetween(1800L, 2200L);
    assertThat(FeedbackBuffer.isHeldOut("any", 0)).isFalse();

    FeedbackBuffer buffer = new FeedbackBuffer(1000, 2, 2, fraction);
    for (int i = 0; i < 500; i++) {
      String id = "id-" + (i % 250); // every image twice
      buffer.add(id, image(i % 256), i % 10, "labelled", 0, i);
    }
    FeedbackSnapshot s = buffer.snapshot();
    long expectedHeld = 2 * IntStream.range(0, 250).filter(i -> FeedbackBuffer.isHeldOut("id-" + i, fraction)).count();
    assertThat(s.heldOut().size()).isEqualTo(expectedHeld);
    assertThat(s.train().size() + s.heldOut().size()).isEqualTo(500);
    assertThat(buffer.trainingImages()).isEqualTo(s.train().size());
  }
}
