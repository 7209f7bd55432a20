package io.circuitstream.engine.circuit;

import java.util.stream.IntStream;

/**
 * Measures the BLAS rate the engine can reach on this machine: dense products of the circuit's
 * shape, [64×64]·[64×N] with a large N, one per thread, in the given precision.
 */
public final class NativeBlasPeak {
  private NativeBlasPeak() {}

  /** Returns the best of a few timed runs, in GFLOP/s over all threads. */
  public static double gflopsPerSecond(int threads, Precision precision) {
    NativeMemory mem = new NativeMemory(precision);
    try {
      int k = 64;
      int n = 16384;
      NativeVector[] a = new NativeVector[threads];
      NativeVector[] b = new NativeVector[threads];
      NativeVector[] c = new NativeVector[threads];
      for (int t = 0; t < threads; t++) {
        a[t] = mem.allocate((long) k * k);
        b[t] = mem.allocate((long) k * n);
        c[t] = mem.allocate((long) k * n);
        for (int i = 0; i < k * n; i++) {
          b[t].put(i, 1.0 / (1 + i % 7));
        }
        for (int i = 0; i < k * k; i++) {
          a[t].put(i, 1.0 / (1 + i % 5));
        }
      }
      double best = 0;
      for (int rep = 0; rep < 5; rep++) {
        long start = System.nanoTime();
        IntStream.range(0, threads).parallel().forEach(t -> {
          for (int r = 0; r < 4; r++) {
            NativeMemory.gemm(false, false, k, n, k, a[t], k, b[t], n, 0.0, c[t], n);
          }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        best = Math.max(best, threads * 4 * 2.0 * k * k * n / seconds / 1e9);
      }
      return best;
    } finally {
      mem.close();
    }
  }
}
