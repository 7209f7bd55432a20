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

  /** 2^(j/64) for j = 0 .. 63, each the double nearest to it. */
  private static final double[] TWO_TO_J_64 = {
      0x1.0000000000000p+0, 0x1.02c9a3e778061p+0, 0x1.059b0d3158574p+0, 0x1.0874518759bc8p+0,
      0x1.0b5586cf9890fp+0, 0x1.0e3ec32d3d1a2p+0, 0x1.11301d0125b51p+0, 0x1.1429aaea92de0p+0,
      0x1.172b83c7d517bp+0, 0x1.1a35beb6fcb75p+0, 0x1.1d4873168b9aap+0, 0x1.2063b88628cd6p+0,
      0x1.2387a6e756238p+0, 0x1.26b4565e27cddp+0, 0x1.29e9df51fdee1p+0, 0x1.2d285a6e4030bp+0,
      0x1.306fe0a31b715p+0, 0x1.33c08b26416ffp+0, 0x1.371a7373aa9cbp+0, 0x1.3a7db34e59ff7p+0,
      0x1.3dea64c123422p+0, 0x1.4160a21f72e2ap+0, 0x1.44e086061892dp+0, 0x1.486a2b5c13cd0p+0,
      0x1.4bfdad5362a27p+0, 0x1.4f9b2769d2ca7p+0, 0x1.5342b569d4f82p+0, 0x1.56f4736b527dap+0,
      0x1.5ab07dd485429p+0, 0x1.5e76f15ad2148p+0, 0x1.6247eb03a5585p+0, 0x1.6623882552225p+0,
      0x1.6a09e667f3bcdp+0, 0x1.6dfb23c651a2fp+0, 0x1.71f75e8ec5f74p+0, 0x1.75feb564267c9p+0,
      0x1.7a11473eb0187p+0, 0x1.7e2f336cf4e62p+0, 0x1.82589994cce13p+0, 0x1.868d99b4492edp+0,
      0x1.8ace5422aa0dbp+0, 0x1.8f1ae99157736p+0, 0x1.93737b0cdc5e5p+0, 0x1.97d829fde4e50p+0,
      0x1.9c49182a3f090p+0, 0x1.a0c667b5de565p+0, 0x1.a5503b23e255dp+0, 0x1.a9e6b5579fdbfp+0,
      0x1.ae89f995ad3adp+0, 0x1.b33a2b84f15fbp+0, 0x1.b7f76f2fb5e47p+0, 0x1.bcc1e904bc1d2p+0,
      0x1.c199bdd85529cp+0, 0x1.c67f12e57d14bp+0, 0x1.cb720dcef9069p+0, 0x1.d072d4a07897cp+0,
      0x1.d5818dcfba487p+0, 0x1.da9e603db3285p+0, 0x1.dfc97337b9b5fp+0, 0x1.e502ee78b3ff6p+0,
      0x1.ea4afa2a490dap+0, 0x1.efa1bee615a27p+0, 0x1.f50765b6e4540p+0, 0x1.fa7c1819e90d8p+0};
  private static final double SIXTY_FOUR_OVER_LN2 = 92.33248261689366;
  /** ln 2 / 64 in two parts: the first has 36 significant bits, so k times it is exact for |k| < 2^17. */
  private static final double LN2_64_HI = 0x1.62e42fefa0000p-7;
  private static final double LN2_64_LO = 2.572804622327669e-14;

  /**
   * Returns exp(x) within one unit in the last place of {@link StrictMath#exp}, about twice as fast as
   * {@link Math#exp} on this project's machine; the parameters' softmaxes take 25.6 M of them per
   * training step.
   *
   * <p>Tang's table method: x = (64m + j) · ln2/64 + r with |r| ≤ ln2/128, so exp(x) = 2^m · 2^(j/64) ·
   * exp(r), and exp(r) - 1 from its degree-5 Taylor polynomial (truncation below 4e-17 relative).
   * Outside [-708, 709], where the result would be subnormal or overflow, and for NaN, it is
   * {@link Math#exp}.
   */
  static double exp(double x) {
    if (!(x >= -708 && x <= 709)) {
      return Math.exp(x);
    }
    double kd = Math.rint(x * SIXTY_FOUR_OVER_LN2);
    int k = (int) kd;
    double r = (x - kd * LN2_64_HI) - kd * LN2_64_LO;
    double r2 = r * r;
    double q = r + r2 * (0.5 + r * (1.0 / 6)) + (r2 * r2) * (1.0 / 24 + r * (1.0 / 120));
    double t = TWO_TO_J_64[k & 63];
    return (t + t * q) * Double.longBitsToDouble((long) ((k >> 6) + 1023) << 52);
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
    return softmax(a, off, len, out, 0);
  }

  /**
   * Like {@link #softmax(double[], int, int, double[])}, writing {@code out[outOff .. outOff+len)}, with
   * the exponentials from {@link #exp}.
   */
  static double softmax(double[] a, int off, int len, double[] out, int outOff) {
    double max = max(a, off, len);
    double sum = 0;
    for (int i = 0; i < len; i++) {
      double e = exp(a[off + i] - max);
      out[outOff + i] = e;
      sum += e;
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
