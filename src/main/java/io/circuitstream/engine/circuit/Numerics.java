package io.circuitstream.engine.circuit;


/** Log-space numerics shared by the evaluators: max-shifted log-sum-exp, never clamped. */
final class Numerics {
  private Numerics() {}

  /**
   * The smallest column maximum a linear-space layer accepts: 2^53 times the smallest normal double,
   * so that terms lost to underflow are below its last bit; smaller columns are redone in log space.
   */
  static final double TINY = 0x1p-969;

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
   * Writes the softmax of {@code a[off .. off+len)} into {@code out[0 .. len)}, shifted by the maximum,
   * and returns the log-normaliser {@code log Σ exp(a)}.
   */
  static double softmax(double[] a, int off, int len, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < len; i++) {
      max = Math.max(max, a[off + i]);
    }
    double sum = 0;
    for (int i = 0; i < len; i++) {
      double e = Math.exp(a[off + i] - max);
      out[i] = e;
      sum += e;
    }
    double inv = 1.0 / sum;
    for (int i = 0; i < len; i++) {
      out[i] *= inv;
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
