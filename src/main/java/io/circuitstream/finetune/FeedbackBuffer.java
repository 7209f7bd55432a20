package io.circuitstream.finetune;

import io.circuitstream.data.ImageSet;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The bounded replay buffer of labelled feedback images: a ring that drops the oldest image when full.
 *
 * <p>Each image is assigned once, by a hash of its id, to training or to the held-out share that
 * the validation gate compares on, so an image sent twice never lands on both sides. Thread-safe.
 */
final class FeedbackBuffer {
  private final int capacity;
  private final int rows;
  private final int cols;
  private final double heldOutFraction;
  private final byte[] pixels;
  private final byte[] labels;
  private final boolean[] heldOut;
  private final String[] topics;
  private final int[] partitions;
  private final long[] offsets;
  private final Map<String, Map<Integer, Long>> consumed = new HashMap<>();
  private int next;
  private int size;
  private long pending;

  FeedbackBuffer(int capacity, int rows, int cols, double heldOutFraction) {
    this.capacity = capacity;
    this.rows = rows;
    this.cols = cols;
    this.heldOutFraction = heldOutFraction;
    this.pixels = new byte[capacity * rows * cols];
    this.labels = new byte[capacity];
    this.heldOut = new boolean[capacity];
    this.topics = new String[capacity];
    this.partitions = new int[capacity];
    this.offsets = new long[capacity];
  }

  /** Returns whether an image id belongs to the held-out share (the same answer every time). */
  static boolean isHeldOut(String id, double fraction) {
    return fraction > 0 && new SplittableRandom(id.hashCode() * 0x9E3779B97F4A7C15L).nextDouble() < fraction;
  }

  /**
   * Adds one labelled image, dropping the oldest when the buffer is full.
   *
   * @param pixels {@code rows * cols} values 0..255
   * @param label its class, 0..255
   */
  synchronized void add(String id, int[] pixels, int label, String topic, int partition, long offset) {
    int n = rows * cols;
    if (pixels.length != n) {
      throw new IllegalArgumentException("expected " + n + " pixels, got " + pixels.length);
    }
    for (int j = 0; j < n; j++) {
      this.pixels[next * n + j] = (byte) pixels[j];
    }
    labels[next] = (byte) label;
    heldOut[next] = isHeldOut(id, heldOutFraction);
    topics[next] = topic;
    partitions[next] = partition;
    offsets[next] = offset;
    next = (next + 1) % capacity;
    size = Math.min(capacity, size + 1);
    pending++;
    consumed(topic, partition, offset);
  }

  /** Notes a record that was read but not buffered (invalid, unlabelled), so that its offset is committed too. */
  synchronized void consumed(String topic, int partition, long offset) {
    consumed.computeIfAbsent(topic, t -> new HashMap<>()).merge(partition, offset + 1, Math::max);
  }

  /** Returns the number of images buffered. */
  synchronized int size() {
    return size;
  }

  /** Returns the number of images added since the last {@link #snapshot()}. */
  synchronized long pending() {
    return pending;
  }

  /** Returns the number of buffered images on the training side. */
  synchronized int trainingImages() {
    int t = 0;
    for (int k = 0; k < size; k++) {
      t += heldOut[slot(k)] ? 0 : 1;
    }
    return t;
  }

  private int slot(int k) {
    return (next - size + k + capacity) % capacity; // k-th oldest
  }

  /** Copies the buffer out, oldest first, split into training and held-out images, and resets {@link #pending()}. */
  synchronized FeedbackSnapshot snapshot() {
    int n = rows * cols;
    int held = size - trainingImages();
    byte[] trainPx = new byte[(size - held) * n];
    byte[] trainLb = new byte[size - held];
    byte[] heldPx = new byte[held * n];
    byte[] heldLb = new byte[held];
    Map<String, long[]> ranges = new TreeMap<>();
    int t = 0;
    int h = 0;
    for (int k = 0; k < size; k++) {
      int s = slot(k);
      if (heldOut[s]) {
        System.arraycopy(pixels, s * n, heldPx, h * n, n);
        heldLb[h++] = labels[s];
      } else {
        System.arraycopy(pixels, s * n, trainPx, t * n, n);
        trainLb[t++] = labels[s];
      }
      long[] range = ranges.computeIfAbsent(topics[s] + "[" + partitions[s] + "]",
          key -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      range[0] = Math.min(range[0], offsets[s]);
      range[1] = Math.max(range[1], offsets[s]);
    }
    StringBuilder described = new StringBuilder();
    ranges.forEach((part, r) -> described.append(described.length() == 0 ? "" : ", ").append(part).append(':')
        .append(r[0]).append('-').append(r[1]));
    Map<String, Map<Integer, Long>> commit = new HashMap<>();
    consumed.forEach((topic, parts) -> commit.put(topic, Map.copyOf(parts)));
    pending = 0;
    return new FeedbackSnapshot(new ImageSet(rows, cols, trainPx, trainLb), new ImageSet(rows, cols, heldPx, heldLb),
        described.toString(), commit);
  }
}
