package io.circuitstream.stream.message;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One image to classify: id, size, 8-bit grayscale pixels and the pixels that are missing.
 *
 * <p>Pixels are row-major, values 0..255; the value stored at a missing pixel is ignored. Arrays are
 * not copied.
 *
 * @param id the image id (the Kafka record key)
 * @param width columns
 * @param height rows
 * @param pixels {@code width * height} values 0..255
 * @param missing {@code true} where a pixel is missing, or {@code null} when none is
 * @param label the true class when the producer knows it (feedback and tests), else {@code null}
 */
public record ImageMessage(String id, int width, int height, int[] pixels, boolean @Nullable [] missing,
    @Nullable Integer label) {

  /** Checks sizes and ranges; messages say which field is wrong. */
  public ImageMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pixels, "pixels");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("width and height must be positive, got " + width + "x" + height);
    }
    if (pixels.length != width * height) {
      throw new IllegalArgumentException("pixels has " + pixels.length + " values, expected " + width * height);
    }
    if (missing != null && missing.length != pixels.length) {
      throw new IllegalArgumentException("missing has " + missing.length + " entries, expected " + pixels.length);
    }
    for (int i = 0; i < pixels.length; i++) {
      if ((pixels[i] < 0 || pixels[i] > 255) && (missing == null || !missing[i])) {
        throw new IllegalArgumentException("pixel " + i + " is " + pixels[i] + ", outside 0..255");
      }
    }
  }

  /** Returns the number of missing pixels. */
  public int missingCount() {
    if (missing == null) {
      return 0;
    }
    int n = 0;
    for (boolean m : missing) {
      n += m ? 1 : 0;
    }
    return n;
  }
}
