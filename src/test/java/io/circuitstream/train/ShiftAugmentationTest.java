package io.circuitstream.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Evidence;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Shift augmentation translates each training image by its own small random offset. */
class ShiftAugmentationTest {

  @Test
  void eachImageIsATranslationOfItsSourceByAtMostTheShift() {
    ImageSet data = Datasets.mnistTest().slice(0, 100);
    Evidence e = new Batcher(data, 100).load(null, 0, 100, 2, 0, Batcher.MaskMode.BERNOULLI, new SplittableRandom(4));
    Set<String> offsets = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      int[] found = offsetOf(data, i, e, 2);
      assertThat(found).as("image %d is a translation by at most 2 pixels", i).isNotNull();
      offsets.add(found[0] + "," + found[1]);
    }
    assertThat(offsets).as("offsets drawn per image").hasSizeGreaterThan(15); // 25 possible
  }

  @Test
  void zeroShiftCopiesTheImagesUnchanged() {
    ImageSet data = Datasets.mnistTest().slice(0, 10);
    Evidence e = new Batcher(data, 10).load(null, 0, 10, 0, 0, Batcher.MaskMode.BERNOULLI, new SplittableRandom(5));
    for (int i = 0; i < 10; i++) {
      for (int j = 0; j < 784; j++) {
        assertThat(e.values()[i * 784 + j]).isEqualTo(data.pixel(i, j));
      }
    }
  }

  @Test
  void configRejectsANegativeShift() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainerConfig.builder().shift(-1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shift must be >= 0");
  }

  /** Returns the (dy, dx) that maps source image {@code i} onto row {@code i} of {@code e}, or null. */
  private static int @Nullable [] offsetOf(ImageSet data, int i, Evidence e, int shift) {
    for (int dy = -shift; dy <= shift; dy++) {
      for (int dx = -shift; dx <= shift; dx++) {
        boolean same = true;
        for (int r = 0; r < 28 && same; r++) {
          for (int c = 0; c < 28 && same; c++) {
            int sr = r - dy;
            int sc = c - dx;
            int want = sr >= 0 && sr < 28 && sc >= 0 && sc < 28 ? data.pixel(i, sr * 28 + sc) : 0;
            same = e.values()[i * 784 + r * 28 + c] == want;
          }
        }
        if (same) {
          return new int[] {dy, dx};
        }
      }
    }
    return null;
  }
}
