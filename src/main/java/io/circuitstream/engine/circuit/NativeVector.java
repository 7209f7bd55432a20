package io.circuitstream.engine.circuit;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import sun.misc.Unsafe;

/**
 * A run of float32 or float64 values in native memory, read and written as doubles without the
 * per-access checks of an NIO buffer; BLAS gets the buffer view of the same memory.
 *
 * <p>Index checks are Java assertions: on in tests, off in production runs.
 */
final class NativeVector {
  private static final Unsafe UNSAFE = unsafe();
  private static final long ADDRESS_OFFSET = addressOffset();

  final Buffer buffer;
  final boolean single;
  private final long address;
  private final int length;

  NativeVector(Buffer buffer) {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("buffer must be direct");
    }
    if (!(buffer instanceof DoubleBuffer) && !(buffer instanceof FloatBuffer)) {
      throw new IllegalArgumentException("buffer must hold floats or doubles");
    }
    this.buffer = buffer;
    this.single = buffer instanceof FloatBuffer;
    this.address = UNSAFE.getLong(buffer, ADDRESS_OFFSET) + (long) bytes() * buffer.position();
    this.length = buffer.remaining();
  }

  private int bytes() {
    return single ? 4 : 8;
  }

  double get(int i) {
    assert i >= 0 && i < length : i;
    return single ? UNSAFE.getFloat(address + 4L * i) : UNSAFE.getDouble(address + 8L * i);
  }

  void put(int i, double v) {
    assert i >= 0 && i < length : i;
    if (single) {
      UNSAFE.putFloat(address + 4L * i, (float) v);
    } else {
      UNSAFE.putDouble(address + 8L * i, v);
    }
  }

  /** Sets entries {@code [0, n)} to zero. */
  void clear(int n) {
    assert n >= 0 && n <= length : n;
    UNSAFE.setMemory(address, (long) bytes() * n, (byte) 0);
  }

  /**
   * Writes the element-wise product of columns of two [rows x cap] blocks into the first {@code n}
   * columns of {@code prod}, column j being {@code a}'s column {@code ca[j]} times {@code b}'s column
   * {@code cb[j]}, and widens {@code colMax} and {@code colMin} to the products' column extremes.
   *
   * <p>The products are exactly what a loop over {@link #get} and {@link #put} gives (a float32
   * product of two float32 values is the rounded double product), in one pass with no per-element
   * precision test. The extremes skip NaN, which stays in {@code prod} and so in the values.
   */
  static void product(NativeVector a, int[] ca, NativeVector b, int[] cb, NativeVector prod, double[] colMax,
      double[] colMin, int rows, int n, int cap) {
    assert a.single == b.single && a.single == prod.single;
    assert (long) (rows - 1) * cap + n <= prod.length;
    if (prod.single) {
      for (int k = 0; k < rows; k++) {
        long row = 4L * k * cap;
        for (int j = 0; j < n; j++) {
          assert (long) k * cap + Math.max(ca[j], cb[j]) < Math.min(a.length, b.length);
          float v = UNSAFE.getFloat(a.address + row + 4L * ca[j]) * UNSAFE.getFloat(b.address + row + 4L * cb[j]);
          UNSAFE.putFloat(prod.address + row + 4L * j, v);
          double c = colMax[j];
          colMax[j] = v > c ? v : c;
          double d = colMin[j];
          colMin[j] = v < d ? v : d;
        }
      }
    } else {
      for (int k = 0; k < rows; k++) {
        long row = 8L * k * cap;
        for (int j = 0; j < n; j++) {
          assert (long) k * cap + Math.max(ca[j], cb[j]) < Math.min(a.length, b.length);
          double v = UNSAFE.getDouble(a.address + row + 8L * ca[j]) * UNSAFE.getDouble(b.address + row + 8L * cb[j]);
          UNSAFE.putDouble(prod.address + row + 8L * j, v);
          double c = colMax[j];
          colMax[j] = v > c ? v : c;
          double d = colMin[j];
          colMin[j] = v < d ? v : d;
        }
      }
    }
  }

  /**
   * Writes {@code src[k][j] * factor[j]} into {@code dst} for the first {@code n} columns of
   * [rows x cap] blocks; {@code src} and {@code dst} may be the same vector.
   */
  static void scaleColumns(NativeVector src, NativeVector dst, double[] factor, int rows, int n, int cap) {
    assert src.single == dst.single;
    assert (long) (rows - 1) * cap + n <= Math.min(src.length, dst.length);
    if (dst.single) {
      for (int k = 0; k < rows; k++) {
        long row = 4L * k * cap;
        for (int j = 0; j < n; j++) {
          long o = row + 4L * j;
          UNSAFE.putFloat(dst.address + o, (float) (UNSAFE.getFloat(src.address + o) * factor[j]));
        }
      }
    } else {
      for (int k = 0; k < rows; k++) {
        long row = 8L * k * cap;
        for (int j = 0; j < n; j++) {
          long o = row + 8L * j;
          UNSAFE.putDouble(dst.address + o, UNSAFE.getDouble(src.address + o) * factor[j]);
        }
      }
    }
  }

  /**
   * Adds {@code w * coef[j] * this[offset + j]} to {@code acc[j]} for {@code j < n}, or sets it when
   * {@code first}.
   */
  void accumulateScaled(double w, double[] coef, int offset, double[] acc, int n, boolean first) {
    assert offset >= 0 && offset + n <= length;
    if (single) {
      long base = address + 4L * offset;
      if (first) {
        for (int j = 0; j < n; j++) {
          acc[j] = w * coef[j] * UNSAFE.getFloat(base + 4L * j);
        }
      } else {
        for (int j = 0; j < n; j++) {
          acc[j] += w * coef[j] * UNSAFE.getFloat(base + 4L * j);
        }
      }
    } else {
      long base = address + 8L * offset;
      if (first) {
        for (int j = 0; j < n; j++) {
          acc[j] = w * coef[j] * UNSAFE.getDouble(base + 8L * j);
        }
      } else {
        for (int j = 0; j < n; j++) {
          acc[j] += w * coef[j] * UNSAFE.getDouble(base + 8L * j);
        }
      }
    }
  }

  /** Writes {@code values[0 .. n)} at {@code offset} and widens {@code colMax} to them. */
  void putTrackingMax(int offset, double[] values, double[] colMax, int n) {
    assert offset >= 0 && offset + n <= length;
    if (single) {
      long base = address + 4L * offset;
      for (int j = 0; j < n; j++) {
        float v = (float) values[j];
        UNSAFE.putFloat(base + 4L * j, v);
        double c = colMax[j];
        colMax[j] = values[j] > c ? values[j] : c;
      }
    } else {
      long base = address + 8L * offset;
      for (int j = 0; j < n; j++) {
        UNSAFE.putDouble(base + 8L * j, values[j]);
        double c = colMax[j];
        colMax[j] = values[j] > c ? values[j] : c;
      }
    }
  }

  /**
   * Writes {@code num[k*cap + j] / den[k][j]} into {@code out} for the first {@code n} columns of
   * [rows x cap] blocks (the gradient by a product's factor, given the gradient by the product).
   */
  static void quotient(double[] num, NativeVector den, NativeVector out, int rows, int n, int cap) {
    assert den.single == out.single;
    assert (long) (rows - 1) * cap + n <= Math.min(Math.min(den.length, out.length), num.length);
    if (out.single) {
      for (int k = 0; k < rows; k++) {
        int row = k * cap;
        for (int j = 0; j < n; j++) {
          long o = 4L * (row + j);
          UNSAFE.putFloat(out.address + o, (float) (num[row + j] / UNSAFE.getFloat(den.address + o)));
        }
      }
    } else {
      for (int k = 0; k < rows; k++) {
        int row = k * cap;
        for (int j = 0; j < n; j++) {
          long o = 8L * (row + j);
          UNSAFE.putDouble(out.address + o, num[row + j] / UNSAFE.getDouble(den.address + o));
        }
      }
    }
  }

  /** Adds {@code a[k][j] * b[k][j]} to {@code acc[k*cap + j]} for the first {@code n} columns of [rows x cap] blocks. */
  static void addProduct(NativeVector a, NativeVector b, double[] acc, int rows, int n, int cap) {
    assert a.single == b.single;
    assert (long) (rows - 1) * cap + n <= Math.min(Math.min(a.length, b.length), acc.length);
    if (a.single) {
      for (int k = 0; k < rows; k++) {
        int row = k * cap;
        for (int j = 0; j < n; j++) {
          long o = 4L * (row + j);
          acc[row + j] += (double) UNSAFE.getFloat(a.address + o) * UNSAFE.getFloat(b.address + o);
        }
      }
    } else {
      for (int k = 0; k < rows; k++) {
        int row = k * cap;
        for (int j = 0; j < n; j++) {
          long o = 8L * (row + j);
          acc[row + j] += UNSAFE.getDouble(a.address + o) * UNSAFE.getDouble(b.address + o);
        }
      }
    }
  }

  /**
   * Writes {@code src[k][cols[j]]} of the [rows x srcLd] block {@code src} into {@code dst[k][j]} of the
   * [rows x dstLd] block {@code dst}, for {@code j < count}: one example per group when {@code cols}
   * holds the groups' examples, or every example its group's value when it holds each example's group.
   */
  static void gatherColumns(NativeVector src, int srcLd, int rows, int[] cols, int count, NativeVector dst,
      int dstLd) {
    assert src.single == dst.single;
    assert (long) (rows - 1) * dstLd + count <= dst.length;
    int size = src.bytes();
    for (int k = 0; k < rows; k++) {
      long from = src.address + (long) size * k * srcLd;
      long to = dst.address + (long) size * k * dstLd;
      if (src.single) {
        for (int j = 0; j < count; j++) {
          UNSAFE.putFloat(to + 4L * j, UNSAFE.getFloat(from + 4L * cols[j]));
        }
      } else {
        for (int j = 0; j < count; j++) {
          UNSAFE.putDouble(to + 8L * j, UNSAFE.getDouble(from + 8L * cols[j]));
        }
      }
    }
  }

  /**
   * Adds column {@code j} of the [rows x count] block {@code src} to column {@code cols[j]} of the
   * [rows x dstLd] block {@code dst}, for {@code j < count}: the transpose of {@link #gatherColumns}.
   */
  static void addToColumns(NativeVector src, int count, int rows, int[] cols, NativeVector dst, int dstLd) {
    assert src.single == dst.single;
    assert (long) rows * count <= src.length;
    int size = src.bytes();
    for (int k = 0; k < rows; k++) {
      long from = src.address + (long) size * k * count;
      long to = dst.address + (long) size * k * dstLd;
      if (src.single) {
        for (int j = 0; j < count; j++) {
          long o = to + 4L * cols[j];
          UNSAFE.putFloat(o, UNSAFE.getFloat(o) + UNSAFE.getFloat(from + 4L * j));
        }
      } else {
        for (int j = 0; j < count; j++) {
          long o = to + 8L * cols[j];
          UNSAFE.putDouble(o, UNSAFE.getDouble(o) + UNSAFE.getDouble(from + 8L * j));
        }
      }
    }
  }

  /**
   * Writes into {@code out[k][c]} ([rows x count]) the sum of {@code num[k*ld + j]} over the columns
   * {@code j < n} with {@code slot[j] == c}, divided by {@code den[k][cols[c]]} ([rows x ld]): the
   * gradient by a factor that is the same in all the columns of a group, given the gradient by the
   * product. {@code acc} holds partial sums ({@code 4 * count} entries).
   */
  static void groupedQuotient(double[] num, int ld, int rows, int[] slot, int n, NativeVector den, int[] cols,
      NativeVector out, int count, double[] acc) {
    assert den.single == out.single;
    assert (long) rows * count <= out.length && acc.length >= 4 * count;
    for (int k = 0; k < rows; k++) {
      // Four partial sums per group, so that successive columns of one group do not wait on each other.
      java.util.Arrays.fill(acc, 0, 4 * count, 0.0);
      int row = k * ld;
      int j = 0;
      for (; j + 3 < n; j += 4) {
        acc[slot[j]] += num[row + j];
        acc[count + slot[j + 1]] += num[row + j + 1];
        acc[2 * count + slot[j + 2]] += num[row + j + 2];
        acc[3 * count + slot[j + 3]] += num[row + j + 3];
      }
      for (; j < n; j++) {
        acc[slot[j]] += num[row + j];
      }
      for (int c = 0; c < count; c++) {
        double sum = (acc[c] + acc[count + c]) + (acc[2 * count + c] + acc[3 * count + c]);
        out.put(k * count + c, sum / den.get(row + cols[c]));
      }
    }
  }



  /** Writes {@code values[0 .. n)} at {@code offset}. */
  void put(int offset, double[] values, int n) {
    assert offset >= 0 && offset + n <= length && n <= values.length;
    if (single) {
      long base = address + 4L * offset;
      for (int j = 0; j < n; j++) {
        UNSAFE.putFloat(base + 4L * j, (float) values[j]);
      }
    } else {
      long base = address + 8L * offset;
      for (int j = 0; j < n; j++) {
        UNSAFE.putDouble(base + 8L * j, values[j]);
      }
    }
  }

  /**
   * Writes {@code a[ra + j] * b[rb + j]} for {@code j < len} to {@code out[at + j * stride]} and their
   * largest and smallest value to {@code extremes[0]} and {@code extremes[1]} (0 and +∞ to start).
   */
  static void rowProduct(NativeVector a, int ra, NativeVector b, int rb, int len, double[] out, int at, int stride,
      double[] extremes) {
    assert a.single == b.single;
    assert ra >= 0 && ra + len <= a.length && rb >= 0 && rb + len <= b.length;
    double max = 0;
    double min = Double.POSITIVE_INFINITY;
    if (a.single) {
      long pa = a.address + 4L * ra;
      long pb = b.address + 4L * rb;
      // Two running extremes each, for even and odd j: half the loop's dependency chain.
      double max1 = 0;
      double min1 = Double.POSITIVE_INFINITY;
      int j = 0;
      for (; j + 1 < len; j += 2) {
        double x = (double) UNSAFE.getFloat(pa + 4L * j) * UNSAFE.getFloat(pb + 4L * j);
        double y = (double) UNSAFE.getFloat(pa + 4L * j + 4) * UNSAFE.getFloat(pb + 4L * j + 4);
        out[at + j * stride] = x;
        out[at + (j + 1) * stride] = y;
        max = x > max ? x : max;
        min = x < min ? x : min;
        max1 = y > max1 ? y : max1;
        min1 = y < min1 ? y : min1;
      }
      if (j < len) {
        double x = (double) UNSAFE.getFloat(pa + 4L * j) * UNSAFE.getFloat(pb + 4L * j);
        out[at + j * stride] = x;
        max = x > max ? x : max;
        min = x < min ? x : min;
      }
      max = max1 > max ? max1 : max;
      min = min1 < min ? min1 : min;
    } else {
      long pa = a.address + 8L * ra;
      long pb = b.address + 8L * rb;
      for (int j = 0; j < len; j++) {
        double x = UNSAFE.getDouble(pa + 8L * j) * UNSAFE.getDouble(pb + 8L * j);
        out[at + j * stride] = x;
        max = x > max ? x : max;
        min = x < min ? x : min;
      }
    }
    extremes[0] = max;
    extremes[1] = min;
  }

  /**
   * Writes, for each image {@code j < n}, the product of row {@code ra[j]} of {@code a} and row
   * {@code rb[j]} of {@code b} ({@code len} values each, starting at those offsets; a negative offset
   * stands for a row of ones) into column {@code j} of the [len x ld] block {@code out}.
   */
  static void rowProducts(NativeVector a, int[] ra, NativeVector b, int[] rb, NativeVector out, int len, int n,
      int ld) {
    assert a.single == b.single && a.single == out.single;
    assert (long) (len - 1) * ld + n <= out.length;
    int size = a.bytes();
    long stride = (long) size * ld;
    for (int j = 0; j < n; j++) {
      int x = ra[j];
      int y = rb[j];
      assert x + len <= a.length && y + len <= b.length;
      long to = out.address + (long) size * j;
      if (x >= 0 && y >= 0) {
        long pa = a.address + (long) size * x;
        long pb = b.address + (long) size * y;
        if (a.single) {
          for (int k = 0; k < len; k++) {
            UNSAFE.putFloat(to + k * stride, UNSAFE.getFloat(pa + 4L * k) * UNSAFE.getFloat(pb + 4L * k));
          }
        } else {
          for (int k = 0; k < len; k++) {
            UNSAFE.putDouble(to + k * stride, UNSAFE.getDouble(pa + 8L * k) * UNSAFE.getDouble(pb + 8L * k));
          }
        }
      } else if (x >= 0 || y >= 0) {
        long from = x >= 0 ? a.address + (long) size * x : b.address + (long) size * y;
        copyColumn(a.single, from, to, stride, len);
      } else {
        fillColumn(a.single, to, stride, len);
      }
    }
  }

  /** Copies a contiguous row of {@code len} values to a column of stride {@code stride} bytes. */
  private static void copyColumn(boolean single, long from, long to, long stride, int len) {
    if (single) {
      for (int k = 0; k < len; k++) {
        UNSAFE.putFloat(to + k * stride, UNSAFE.getFloat(from + 4L * k));
      }
    } else {
      for (int k = 0; k < len; k++) {
        UNSAFE.putDouble(to + k * stride, UNSAFE.getDouble(from + 8L * k));
      }
    }
  }

  /** Sets a column of {@code len} values, {@code stride} bytes apart, to 1. */
  private static void fillColumn(boolean single, long to, long stride, int len) {
    if (single) {
      for (int k = 0; k < len; k++) {
        UNSAFE.putFloat(to + k * stride, 1f);
      }
    } else {
      for (int k = 0; k < len; k++) {
        UNSAFE.putDouble(to + k * stride, 1.0);
      }
    }
  }

  /** Writes the smallest of each of the {@code rows} rows of a [rows x len] block into {@code min}. */
  static void rowMinima(NativeVector v, int rows, int len, double[] min) {
    assert (long) rows * len <= v.length && rows <= min.length;
    for (int r = 0; r < rows; r++) {
      double low = Double.POSITIVE_INFINITY;
      for (int k = 0; k < len; k++) {
        double x = v.get(r * len + k);
        low = x < low ? x : low;
      }
      min[r] = low;
    }
  }

  /** Writes {@code values[from + j] * factor[j]} at {@code offset + j} for {@code j < n}. */
  void putScaled(int offset, double[] values, int from, double[] factor, int n) {
    assert offset >= 0 && offset + n <= length;
    if (single) {
      long base = address + 4L * offset;
      for (int j = 0; j < n; j++) {
        UNSAFE.putFloat(base + 4L * j, (float) (values[from + j] * factor[j]));
      }
    } else {
      long base = address + 8L * offset;
      for (int j = 0; j < n; j++) {
        UNSAFE.putDouble(base + 8L * j, values[from + j] * factor[j]);
      }
    }
  }

  private static Unsafe unsafe() {
    try {
      Field f = Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return (Unsafe) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("sun.misc.Unsafe is not available", e);
    }
  }

  private static long addressOffset() {
    try {
      return UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("java.nio.Buffer has no address field", e);
    }
  }
}
