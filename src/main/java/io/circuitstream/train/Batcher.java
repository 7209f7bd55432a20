package io.circuitstream.train;

import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Evidence;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Fills reusable batch buffers from an image set, with optional random missing-pixel masks.
 *
 * <p>Mutable: one per thread. Each example gets its own mask; a mask with rate {@code r} marks each
 * pixel missing independently with probability {@code r}, or exactly {@code round(r·|X|)} pixels
 * when {@link MaskMode#EXACT_COUNT} is chosen (the tutorial's protocol for the missing-pixel curve).
 */
final class Batcher {
  /** How random masks are drawn. */
  enum MaskMode {
    /** Each pixel independently. */
    BERNOULLI,
    /** A uniformly random subset of exactly round(rate · pixels) pixels. */
    EXACT_COUNT
  }

  private final ImageSet data;
  private final int pixels;
  private final int[] values;
  private final boolean[] missing;
  private final int[] labels;
  private final int[] scratch;

  Batcher(ImageSet data, int capacity) {
    this.data = data;
    this.pixels = data.pixelsPerImage();
    this.values = new int[capacity * pixels];
    this.missing = new boolean[capacity * pixels];
    this.labels = new int[capacity];
    this.scratch = new int[pixels];
  }

  /** Returns the labels of the last batch (the first {@code size} entries are valid). */
  int[] labels() {
    return labels;
  }

  /**
   * Loads examples {@code order[from .. to)} and returns them as evidence.
   *
   * @param order example indices; {@code null} means the identity
   * @param rate missing rate in [0, 1); 0 gives complete evidence
   */
  Evidence load(int @Nullable [] order, int from, int to, double rate, MaskMode mode, SplittableRandom rnd) {
    return load(order, from, to, 0, rate, mode, rnd);
  }

  /**
   * Loads examples {@code order[from .. to)}, each translated by its own random offset of at most
   * {@code shift} pixels along each axis, and returns them as evidence.
   *
   * <p>Pixels moved in from outside the image are background (0) and observed; masks are drawn
   * after the translation.
   *
   * @param order example indices; {@code null} means the identity
   * @param shift largest translation in pixels; 0 copies the images unchanged and draws no offsets
   * @param rate missing rate in [0, 1); 0 gives complete evidence
   */
  Evidence load(int @Nullable [] order, int from, int to, int shift, double rate, MaskMode mode, SplittableRandom rnd) {
    int n = to - from;
    byte[] src = data.pixels();
    int rows = data.rows();
    int cols = data.cols();
    for (int i = 0; i < n; i++) {
      int ex = order == null ? from + i : order[from + i];
      int off = ex * pixels;
      int dy = shift == 0 ? 0 : rnd.nextInt(2 * shift + 1) - shift;
      int dx = shift == 0 ? 0 : rnd.nextInt(2 * shift + 1) - shift;
      for (int r = 0; r < rows; r++) {
        int sr = r - dy;
        for (int c = 0; c < cols; c++) {
          int sc = c - dx;
          boolean inside = sr >= 0 && sr < rows && sc >= 0 && sc < cols;
          values[i * pixels + r * cols + c] = inside ? src[off + sr * cols + sc] & 0xff : 0;
        }
      }
      labels[i] = data.label(ex);
    }
    int[] v = n * pixels == values.length ? values : java.util.Arrays.copyOf(values, n * pixels);
    if (rate <= 0) {
      return new Evidence(n, pixels, v, null);
    }
    boolean[] m = n * pixels == missing.length ? missing : new boolean[n * pixels];
    java.util.Arrays.fill(m, 0, n * pixels, false);
    for (int i = 0; i < n; i++) {
      if (mode == MaskMode.BERNOULLI) {
        for (int j = 0; j < pixels; j++) {
          m[i * pixels + j] = rnd.nextDouble() < rate;
        }
      } else {
        int count = (int) Math.round(rate * pixels);
        for (int j = 0; j < pixels; j++) {
          scratch[j] = j;
        }
        for (int j = 0; j < count; j++) { // partial Fisher–Yates
          int k = j + rnd.nextInt(pixels - j);
          int t = scratch[j];
          scratch[j] = scratch[k];
          scratch[k] = t;
          m[i * pixels + scratch[j]] = true;
        }
      }
    }
    return new Evidence(n, pixels, v, m);
  }
}
