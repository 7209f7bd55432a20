package io.circuitstream.stream.codec;

/**
 * The image size the service accepts and the largest record value it will parse.
 *
 * @param width columns every image must have
 * @param height rows every image must have
 * @param maxBytes the largest record value, in bytes; larger values are rejected before parsing
 */
public record Limits(int width, int height, int maxBytes) {

  /** MNIST-sized images, 28×28, in records of at most 64 KiB. */
  public static final Limits MNIST = new Limits(28, 28, 65536);

  /** Checks that every limit is positive; messages name the field. */
  public Limits {
    if (width <= 0) {
      throw new IllegalArgumentException("width must be positive, got " + width);
    }
    if (height <= 0) {
      throw new IllegalArgumentException("height must be positive, got " + height);
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    if ((long) width * height > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("width * height must fit in an int, got " + width + "x" + height);
    }
  }

  /** Returns the number of pixels of an accepted image, {@code width * height}. */
  public int pixelCount() {
    return width * height;
  }
}
