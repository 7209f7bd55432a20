package io.circuitstream.engine.circuit;


/** Log-space numerics shared by the evaluators: max-shifted log-sum-exp, never clamped. */
final class Numerics {
  private Numerics() {}

  /** Returns log Σ exp(a[off .. off+len)), shifted by the maximum; -∞ if every entry is -∞. */
  static double logSumExp(double[] a, int off, int len) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < len; i++) {
      max = Math.max(max, a[off + i]);
    }
    if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (int i = 0; i < len; i++) {
      sum += Math.exp(a[off + i] - max);
    }
    return max + Math.log(sum);
  }

  /**
   * Writes {@code e = exp(l - m)} with {@code m[b]} the maximum of column {@code b}; {@code l} and
   * {@code e} may be the same buffer. A column that is all -∞ gives zeros and {@code m = -∞}.
   */
  static void expNormalise(NativeVector l, NativeVector e, double[] m, int units, int n, int cap) {
    for (int b = 0; b < n; b++) {
      m[b] = Double.NEGATIVE_INFINITY;
    }
    for (int k = 0; k < units; k++) {
      int row = k * cap;
      for (int b = 0; b < n; b++) {
        m[b] = Math.max(m[b], l.get(row + b));
      }
    }
    for (int k = 0; k < units; k++) {
      int row = k * cap;
      for (int b = 0; b < n; b++) {
        double mb = m[b];
        e.put(row + b, mb == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(l.get(row + b) - mb));
      }
    }
  }

  /**
   * Returns exp(x) to a relative error below 1e-8 (float32 keeps 6e-8), several times faster than
   * {@link Math#exp}: {@code 2^n · 2^f} with n = rint(x / ln 2), |f| ≤ 1/2 and 2^f from its degree-7
   * Taylor polynomial. Outside [-708, 709], and for NaN, it is {@link Math#exp}.
   */
  static double expForFloat32(double x) {
    if (!(x >= -708 && x <= 709)) {
      return Math.exp(x);
    }
    double t = x * 1.4426950408889634; // x / ln 2
    double n = Math.rint(t);
    double f = (t - n) * 0.6931471805599453; // in [-ln2/2, ln2/2]
    // Estrin's scheme: three levels of products instead of Horner's chain of seven.
    double f2 = f * f;
    double f4 = f2 * f2;
    double p = ((1.0 + f) + f2 * (0.5 + f * (1.0 / 6)))
        + f4 * ((1.0 / 24 + f * (1.0 / 120)) + f2 * (1.0 / 720 + f * (1.0 / 5040)));
    return p * Double.longBitsToDouble(((long) n + 1023) << 52);
  }

  /**
   * Returns the largest of {@code a[off .. off+len)}, -∞ if empty, NaN if any is NaN; two running
   * maxima halve the loop's dependency chain.
   */
  static double max(double[] a, int off, int len) {
    double m0 = Double.NEGATIVE_INFINITY;
    double m1 = Double.NEGATIVE_INFINITY;
    boolean nan = false;
    int i = 0;
    for (; i + 1 < len; i += 2) {
      double x = a[off + i];
      double y = a[off + i + 1];
      m0 = x > m0 ? x : m0;
      m1 = y > m1 ? y : m1;
      nan |= x != x | y != y;
    }
    if (i < len) {
      double x = a[off + i];
      m0 = x > m0 ? x : m0;
      nan |= x != x;
    }
    return nan ? Double.NaN : m0 > m1 ? m0 : m1;
  }

  /**
   * Writes the softmax of {@code a[off .. off+len)} into {@code out[0 .. len)}, shifted by the maximum,
   * and returns the log-normaliser {@code log Σ exp(a)}.
   */
  static double softmax(double[] a, int off, int len, double[] out) {
    return softmax(a, off, len, out, 0, false);
  }

  /**
   * Like {@link #softmax(double[], int, int, double[])}, writing {@code out[outOff .. outOff+len)}; with
   * {@code forFloat32} the exponentials come from {@link #expForFloat32}, for values that will be
   * stored in float32.
   */
  static double softmax(double[] a, int off, int len, double[] out, int outOff, boolean forFloat32) {
    double max = max(a, off, len);
    double sum = 0;
    if (forFloat32 && max != Double.NEGATIVE_INFINITY) {
      for (int i = 0; i < len; i++) {
        double e = expForFloat32(a[off + i] - max);
        out[outOff + i] = e;
        sum += e;
      }
    } else {
      for (int i = 0; i < len; i++) {
        double e = Math.exp(a[off + i] - max);
        out[outOff + i] = e;
        sum += e;
      }
    }
    double inv = 1.0 / sum;
    for (int i = 0; i < len; i++) {
      out[outOff + i] *= inv;
    }
    return max + Math.log(sum);
  }

  /** Sets the first {@code len} entries of a buffer to zero. */
  static void zero(NativeVector buf, int len) {
    buf.clear(len);
  }

  /**
   * Adds the gradient by the logits of a log-softmax, given the gradient {@code g} by its outputs.
   *
   * <p>With {@code a = logsoftmax(logits)}: {@code d/dlogit_q = g_q - w_q Σ_p g_p}.
   */
  static void logSoftmaxBackward(double[] logW, int off, double[] g, double[] grad, int gradOff, int len) {
    double total = 0;
    for (int q = 0; q < len; q++) {
      total += g[q];
    }
    for (int q = 0; q < len; q++) {
      grad[gradOff + q] += g[q] - Math.exp(logW[off + q]) * total;
    }
  }
}
