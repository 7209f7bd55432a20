package io.circuitstream.stream.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.stream.message.ImageMessage;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/** Seeded sample images and an image comparison that ignores the values stored at missing pixels. */
final class SampleImages {

  static final long SEED = 20250114L;

  private SampleImages() {}

  /**
   * Returns a 28×28 image with random pixels; every seventh pixel missing when asked, and garbage
   * (300) stored at missing pixels, which encoders must not write.
   */
  static ImageMessage mnist(String id, boolean withMissing, @Nullable Integer label) {
    Random random = new Random(SEED);
    int[] pixels = new int[28 * 28];
    boolean @Nullable [] missing = withMissing ? new boolean[pixels.length] : null;
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextInt(256);
      if (missing != null && i % 7 == 3) {
        missing[i] = true;
        pixels[i] = 300;
      }
    }
    return new ImageMessage(id, 28, 28, pixels, missing, label);
  }

  /** Asserts that two images have the same id, size, label, missing pixels and observed values. */
  static void assertSameImage(ImageMessage actual, ImageMessage expected) {
    assertThat(actual.id()).as("id").isEqualTo(expected.id());
    assertThat(actual.width()).as("width").isEqualTo(expected.width());
    assertThat(actual.height()).as("height").isEqualTo(expected.height());
    assertThat(actual.label()).as("label").isEqualTo(expected.label());
    assertThat(missingMask(actual)).as("missing").isEqualTo(missingMask(expected));
    for (int i = 0; i < expected.pixels().length; i++) {
      if (!missingMask(expected)[i]) {
        assertThat(actual.pixels()[i]).as("pixel %d", i).isEqualTo(expected.pixels()[i]);
      }
    }
  }

  /** Returns the missing mask with {@code null} read as "none missing". */
  static boolean[] missingMask(ImageMessage image) {
    boolean[] missing = image.missing();
    return missing != null ? missing : new boolean[image.pixels().length];
  }

  /** Returns the image a decoder produces from a format that carries neither id nor label. */
  static ImageMessage withIdAndNoLabel(ImageMessage image, String id) {
    return new ImageMessage(id, image.width(), image.height(), image.pixels(), image.missing(), null);
  }
}
