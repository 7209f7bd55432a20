package io.circuitstream.engine.circuit;

/**
 * A direct, layer-by-layer evaluation in log space with no folding and no BLAS.
 *
 * <p>Every dense unit is its own log-sum-exp over {@code log w + input}; it shares no code path
 * with {@link FoldedEvaluator} except the structure, which makes it a reference for tests.
 */
final class UnfoldedEvaluator {
  private final Structure s;
  private final double[] theta;

  UnfoldedEvaluator(Structure s, double[] theta) {
    this.s = s;
    this.theta = theta;
  }

  ClassScores logLikelihoods(Evidence e) {
    int c = s.units[s.root];
    double[] out = new double[e.size() * c];
    for (int i = 0; i < e.size(); i++) {
      double[][] vals = new double[s.numRegions][];
      for (int r = 0; r < s.numRegions; r++) {
        vals[r] = s.graph.isLeaf(r) ? leaf(e, i, r) : region(r, vals);
      }
      System.arraycopy(vals[s.root], 0, out, i * c, c);
    }
    return new ClassScores(e.size(), c, out);
  }

  private double[] leaf(Evidence e, int i, int var) {
    int kin = s.spec.inputUnits();
    double[] v = new double[kin];
    if (e.isMissing(i, var)) {
      return v;
    }
    for (int k = 0; k < kin; k++) {
      int base = s.inputOffset(var, k);
      v[k] = theta[base + e.value(i, var)] - Numerics.logSumExp(theta, base, s.numCategories);
    }
    return v;
  }

  private double[] region(int r, double[][] vals) {
    int np = s.regionNumParts[r];
    int units = s.units[r];
    double[][] parts = new double[np][];
    for (int q = 0; q < np; q++) {
      parts[q] = partition(s.regionFirstPart[r] + q, vals);
    }
    if (np == 1) {
      return parts[0];
    }
    double[] v = new double[units];
    double[] terms = new double[np];
    for (int j = 0; j < units; j++) {
      int row = s.mixOffset[r] + j * np;
      double z = Numerics.logSumExp(theta, row, np);
      for (int q = 0; q < np; q++) {
        terms[q] = theta[row + q] - z + parts[q][j];
      }
      v[j] = Numerics.logSumExp(terms, 0, np);
    }
    return v;
  }

  private double[] partition(int p, double[][] vals) {
    int[] ch = s.partChildren[p];
    int out = s.units[s.partRegion[p]];
    switch (s.kind) {
      case CP -> {
        double[] v = new double[out];
        for (int i = 0; i < ch.length; i++) {
          double[] dense = dense(s.partFirstDense[p] + i, vals[ch[i]]);
          for (int j = 0; j < out; j++) {
            v[j] += dense[j];
          }
        }
        return v;
      }
      case CP_T -> {
        double[] h = new double[s.units[ch[0]]];
        for (int c : ch) {
          for (int k = 0; k < h.length; k++) {
            h[k] += vals[c][k];
          }
        }
        return dense(s.partFirstDense[p], h);
      }
      default -> {
        double[] kron = {0.0};
        for (int c : ch) {
          double[] next = new double[kron.length * vals[c].length];
          for (int a = 0; a < kron.length; a++) {
            for (int k = 0; k < vals[c].length; k++) {
              next[a * vals[c].length + k] = kron[a] + vals[c][k];
            }
          }
          kron = next;
        }
        return dense(s.partFirstDense[p], kron);
      }
    }
  }

  private double[] dense(int d, double[] input) {
    int out = s.denseOut[d];
    int in = s.denseIn[d];
    double[] v = new double[out];
    double[] terms = new double[in];
    for (int j = 0; j < out; j++) {
      int row = s.denseOffset[d] + j * in;
      double z = Numerics.logSumExp(theta, row, in);
      for (int k = 0; k < in; k++) {
        terms[k] = theta[row + k] - z + input[k];
      }
      v[j] = Numerics.logSumExp(terms, 0, in);
    }
    return v;
  }
}
