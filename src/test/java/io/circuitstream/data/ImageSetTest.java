package io.circuitstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageSetTest {

  // Three 1×2 images: {0, 255}, {10, 11}, {20, 21}, labelled 3, 4, 5.
  private final ImageSet set =
      new ImageSet(1, 2, new byte[] {0, (byte) 255, 10, 11, 20, 21}, new byte[] {3, 4, 5});

  @Test
  void pixelsAndLabelsReadAsUnsignedExampleMajorValues() {
    assertThat(set.size()).isEqualTo(3);
    assertThat(set.pixelsPerImage()).isEqualTo(2);
    assertThat(set.pixel(0, 1)).isEqualTo(255);
    assertThat(set.pixel(2, 0)).isEqualTo(20);
    assertThat(set.label(1)).isEqualTo(4);
    assertThatThrownBy(() -> set.pixel(0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> set.label(3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void sliceCopiesAContiguousRange() {
    ImageSet slice = set.slice(1, 3);

    assertThat(slice).isEqualTo(new ImageSet(1, 2, new byte[] {10, 11, 20, 21}, new byte[] {4, 5}));
    assertThat(slice.pixels()).isNotSameAs(set.pixels());
  }

  @Test
  void subsetCopiesTheChosenExamplesInOrder() {
    ImageSet subset = set.subset(new int[] {2, 0, 2});

    assertThat(subset.pixels()).containsExactly(20, 21, 0, -1, 20, 21);
    assertThat(subset.labels()).containsExactly(5, 3, 5);
    assertThatThrownBy(() -> set.subset(new int[] {3}))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void concatCopiesTheExamplesOfEverySetInOrderAndRefusesMixedShapes() {
    ImageSet joined = ImageSet.concat(set.slice(2, 3), set.slice(0, 1));

    assertThat(joined).isEqualTo(new ImageSet(1, 2, new byte[] {20, 21, 0, (byte) 255}, new byte[] {5, 3}));
    assertThatThrownBy(() -> ImageSet.concat(set, new ImageSet(2, 1, new byte[2], new byte[1])))
        .hasMessageContaining("cannot concatenate 1×2 images with 2×1 images");
    assertThatThrownBy(ImageSet::concat).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void copyPixelsAndLabelsFillTheFrontOfABatchBuffer() {
    float[] pixels = new float[6];
    int[] labels = new int[3];
    pixels[4] = -1f;

    set.copyPixels(0, 2, pixels);
    set.copyLabels(1, 3, labels);

    assertThat(pixels).containsExactly(0f, 255f, 10f, 11f, -1f, 0f);
    assertThat(labels).containsExactly(4, 5, 0);
    assertThatThrownBy(() -> set.copyPixels(0, 3, new float[5]))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void constructorRejectsArraysThatDisagreeWithTheShape() {
    assertThatThrownBy(() -> new ImageSet(1, 2, new byte[5], new byte[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pixels.length must be labels.length × rows × cols = 3×1×2 = 6, got 5");
    assertThatThrownBy(() -> new ImageSet(0, 2, new byte[0], new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rows and cols must be positive, got 0×2");
  }

  @Test
  void equalityComparesContentsAndToStringShowsOnlyTheShape() {
    ImageSet copy = set.subset(new int[] {0, 1, 2});

    assertThat(copy).isEqualTo(set).hasSameHashCodeAs(set);
    assertThat(copy).isNotEqualTo(set.slice(0, 2));
    assertThat(set).hasToString("ImageSet[size=3, rows=1, cols=2]");
  }
}
