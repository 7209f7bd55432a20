package io.circuitstream.data;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A set of equally sized grey-scale images with one label each, stored compactly as bytes.
 *
 * <p>Pixels are unsigned 8-bit values (0..255), row-major within an image and example-major
 * overall: pixel {@code j} of example {@code i} is {@code pixels[i * rows * cols + j]}. Labels are
 * unsigned 8-bit values too, one per example.
 *
 * <p><b>Arrays are shared, not copied.</b> The MNIST training images alone take 47 MB, so the
 * constructor takes ownership of the arrays it is given and {@link #pixels()} and {@link #labels()}
 * return them as they are. Callers must treat them as read-only; every method of this type that
 * derives a new set ({@link #slice}, {@link #subset}) copies. {@link #equals} and {@link #hashCode}
 * compare the contents of the arrays.
 *
 * @param rows the height of every image, positive
 * @param cols the width of every image, positive
 * @param pixels {@code size() * rows * cols} unsigned pixel values
 * @param labels {@code size()} unsigned labels
 */
public record ImageSet(int rows, int cols, byte[] pixels, byte[] labels) {

  /**
   * Checks that the arrays agree with the image shape.
   *
   * @throws IllegalArgumentException if {@code rows} or {@code cols} is not positive, or the
   *     arrays do not hold the same number of examples
   */
  public ImageSet {
    Objects.requireNonNull(pixels, "pixels");
    Objects.requireNonNull(labels, "labels");
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          "rows and cols must be positive, got " + rows + "×" + cols);
    }
    long perImage = (long) rows * cols;
    if (pixels.length != perImage * labels.length) {
      throw new IllegalArgumentException(
          "pixels.length must be labels.length × rows × cols = "
              + labels.length + "×" + rows + "×" + cols + " = " + perImage * labels.length
              + ", got " + pixels.length);
    }
  }

  /** Returns the number of examples. */
  public int size() {
    return labels.length;
  }

  /** Returns the number of pixels in one image, {@code rows * cols}. */
  public int pixelsPerImage() {
    return rows * cols;
  }

  /**
   * Returns one pixel of one example as a value in 0..255.
   *
   * @param example the example, in {@code [0, size())}
   * @param index the row-major pixel index, in {@code [0, rows * cols)}
   * @return the unsigned pixel value
   * @throws IndexOutOfBoundsException if either index is out of range
   */
  public int pixel(int example, int index) {
    Objects.checkIndex(example, size());
    Objects.checkIndex(index, pixelsPerImage());
    return pixels[example * pixelsPerImage() + index] & 0xFF;
  }

  /**
   * Returns the label of one example as a value in 0..255.
   *
   * @param example the example, in {@code [0, size())}
   * @return the unsigned label
   * @throws IndexOutOfBoundsException if {@code example} is out of range
   */
  public int label(int example) {
    return labels[Objects.checkIndex(example, size())] & 0xFF;
  }

  /**
   * Returns a copy of the examples {@code [from, to)}.
   *
   * @param from the first example, inclusive
   * @param to the last example, exclusive
   * @return a new set of {@code to - from} examples
   * @throws IndexOutOfBoundsException if the range is not within {@code [0, size()]}
   */
  public ImageSet slice(int from, int to) {
    Objects.checkFromToIndex(from, to, size());
    int n = pixelsPerImage();
    return new ImageSet(
        rows,
        cols,
        Arrays.copyOfRange(pixels, from * n, to * n),
        Arrays.copyOfRange(labels, from, to));
  }

  /**
   * Returns a copy of the given examples, in the given order.
   *
   * @param indices the examples to take; repeats are allowed
   * @return a new set of {@code indices.length} examples
   * @throws IndexOutOfBoundsException if an index is out of range
   */
  public ImageSet subset(int[] indices) {
    int n = pixelsPerImage();
    byte[] newPixels = new byte[indices.length * n];
    byte[] newLabels = new byte[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = Objects.checkIndex(indices[k], size());
      System.arraycopy(pixels, i * n, newPixels, k * n, n);
      newLabels[k] = labels[i];
    }
    return new ImageSet(rows, cols, newPixels, newLabels);
  }

  /**
   * Returns a new set holding the examples of the given sets, in order.
   *
   * @param sets sets of images of one shape, at least one
   * @return a copy of all their examples
   * @throws IllegalArgumentException if no set is given or the shapes differ
   */
  public static ImageSet concat(ImageSet... sets) {
    if (sets.length == 0) {
      throw new IllegalArgumentException("concat needs at least one image set");
    }
    int rows = sets[0].rows();
    int cols = sets[0].cols();
    int total = 0;
    for (ImageSet s : sets) {
      if (s.rows() != rows || s.cols() != cols) {
        throw new IllegalArgumentException("cannot concatenate " + rows + "×" + cols + " images with "
            + s.rows() + "×" + s.cols() + " images");
      }
      total += s.size();
    }
    int n = rows * cols;
    byte[] pixels = new byte[total * n];
    byte[] labels = new byte[total];
    int at = 0;
    for (ImageSet s : sets) {
      System.arraycopy(s.pixels(), 0, pixels, at * n, s.size() * n);
      System.arraycopy(s.labels(), 0, labels, at, s.size());
      at += s.size();
    }
    return new ImageSet(rows, cols, pixels, labels);
  }

  /**
   * Writes the pixels of the examples {@code [from, to)} into a batch buffer as values in 0..255.
   *
   * <p>Example {@code from + b} lands at {@code dest[b * rows * cols + j]}; entries of {@code
   * dest} past the batch are left untouched.
   *
   * @param from the first example, inclusive
   * @param to the last example, exclusive
   * @param dest the buffer, at least {@code (to - from) * rows * cols} long
   * @throws IndexOutOfBoundsException if the range is out of bounds or {@code dest} is too short
   */
  public void copyPixels(int from, int to, float[] dest) {
    Objects.checkFromToIndex(from, to, size());
    int start = from * pixelsPerImage();
    int count = (to - from) * pixelsPerImage();
    Objects.checkFromIndexSize(0, count, dest.length);
    for (int j = 0; j < count; j++) {
      dest[j] = pixels[start + j] & 0xFF;
    }
  }

  /**
   * Writes the labels of the examples {@code [from, to)} into a batch buffer.
   *
   * @param from the first example, inclusive
   * @param to the last example, exclusive
   * @param dest the buffer, at least {@code to - from} long
   * @throws IndexOutOfBoundsException if the range is out of bounds or {@code dest} is too short
   */
  public void copyLabels(int from, int to, int[] dest) {
    Objects.checkFromToIndex(from, to, size());
    Objects.checkFromIndexSize(0, to - from, dest.length);
    for (int b = 0; b < to - from; b++) {
      dest[b] = labels[from + b] & 0xFF;
    }
  }

  /** Returns whether the other object is an image set with the same shape, pixels and labels. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ImageSet that
        && rows == that.rows
        && cols == that.cols
        && Arrays.equals(pixels, that.pixels)
        && Arrays.equals(labels, that.labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rows, cols, Arrays.hashCode(pixels), Arrays.hashCode(labels));
  }

  /** Returns the shape, e.g. {@code ImageSet[size=10000, rows=28, cols=28]}; never the data. */
  @Override
  public String toString() {
    return "ImageSet[size=" + size() + ", rows=" + rows + ", cols=" + cols + "]";
  }
}
