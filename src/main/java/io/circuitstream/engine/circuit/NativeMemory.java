package io.circuitstream.engine.circuit;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Off-heap double buffers allocated through ND4J, and the BLAS product that works on them.
 *
 * <p>Buffers live as long as this object; the products go straight to the OpenBLAS that ND4J
 * bundles, one call per folded member, which avoids ND4J's per-operation overhead on the many small
 * products of a circuit.
 */
final class NativeMemory {
  private static final int ROW_MAJOR = openblas_nolapack.CblasRowMajor;
  private static final int NO_TRANS = openblas_nolapack.CblasNoTrans;
  private static final int TRANS = openblas_nolapack.CblasTrans;

  static {
    // The engine splits folds across Java threads; each product then runs on one BLAS thread.
    Nd4j.factory().blas().setMaxThreads(1);
  }

  private final List<INDArray> owned = new ArrayList<>();
  private final Precision precision;
  private long bytes;

  /** Creates an allocator of buffers of the given precision. */
  NativeMemory(Precision precision) {
    this.precision = precision;
  }

  /** Allocates a zeroed buffer of {@code length} values. */
  NativeVector allocate(long length) {
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("buffer of " + length + " values is too large; use a smaller batch");
    }
    boolean single = precision == Precision.FLOAT32;
    INDArray array = Nd4j.create(single ? DataType.FLOAT : DataType.DOUBLE, Math.max(1, length));
    owned.add(array);
    bytes += (single ? 4 : 8) * Math.max(1, length);
    java.nio.Buffer b = single ? array.data().asNioFloat() : array.data().asNioDouble();
    if (!b.isDirect() || b.capacity() < length) {
      throw new IllegalStateException("ND4J returned a buffer that is not direct memory");
    }
    return new NativeVector(b);
  }

  /** Returns the bytes allocated so far. */
  long bytes() {
    return bytes;
  }

  /** Releases every buffer. */
  void close() {
    for (INDArray a : owned) {
      a.close();
    }
    owned.clear();
    bytes = 0;
  }

  /**
   * Computes {@code C = op(A) · op(B) + beta · C} for row-major matrices.
   *
   * @param m rows of op(A) and C
   * @param n columns of op(B) and C
   * @param k columns of op(A), rows of op(B)
   */
  static void gemm(boolean transA, boolean transB, int m, int n, int k,
      NativeVector a, int lda, NativeVector b, int ldb, double beta, NativeVector c, int ldc) {
    int ta = transA ? TRANS : NO_TRANS;
    int tb = transB ? TRANS : NO_TRANS;
    if (a.single) {
      openblas_nolapack.cblas_sgemm(ROW_MAJOR, ta, tb, m, n, k, 1f, (FloatBuffer) a.buffer, lda,
          (FloatBuffer) b.buffer, ldb, (float) beta, (FloatBuffer) c.buffer, ldc);
    } else {
      openblas_nolapack.cblas_dgemm(ROW_MAJOR, ta, tb, m, n, k, 1.0, (DoubleBuffer) a.buffer, lda,
          (DoubleBuffer) b.buffer, ldb, beta, (DoubleBuffer) c.buffer, ldc);
    }
  }
}
