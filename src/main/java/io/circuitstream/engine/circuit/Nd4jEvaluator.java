package io.circuitstream.engine.circuit;

import io.circuitstream.engine.circuit.Structure.Fold;
import io.circuitstream.engine.circuit.Structure.FoldType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An inference evaluator made of whole-fold ND4J operations, so that it runs on whatever backend
 * ND4J has: the CPU, or a GPU with the CUDA backend ({@code -Pcuda}).
 *
 * <p>Each fold is a handful of tensor operations over all its members at once: a row gather of the
 * children's log-values, the max-shift {@code E = exp(L - m)}, one batched product
 * {@code [M, out, in] · [M, in, B]}, {@code log} and the sum over children (CP), or the
 * log-sum-exp over partitions (mixing). Values of equal width live in one arena matrix
 * {@code [rows, units·B]}, one row per region or partition, rows of a fold contiguous. Nothing is
 * clamped: an all-{@code -∞} column is shifted by 0 instead of its maximum. CP circuits only; no
 * gradients (train with the folded CPU evaluator).
 */
final class Nd4jEvaluator implements Evaluator {
  private final Circuit circuit;
  private final Structure s;
  private final int cap;
  private final DataType type;
  private final Map<Integer, INDArray> arenas = new HashMap<>();
  /** Arena width and row of each region's log-values. */
  private final int[] regionRow;
  /** Arena row of each partition of a mixing region. */
  private final int[] partRow;
  /** First arena row written by each fold. */
  private final int[] foldStart;
  private final List<INDArray[]> foldWeights = new ArrayList<>();
  private final List<int[][]> foldInputs = new ArrayList<>();
  private @Nullable INDArray inputTable;
  private final FoldClock clock;
  private long version = -1;
  private boolean closed;

  Nd4jEvaluator(Circuit circuit, int capacity, Precision precision) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
    }
    this.circuit = circuit;
    this.s = circuit.structure();
    if (s.kind != LayerKind.CP) {
      throw new IllegalArgumentException("the ND4J evaluator supports cp circuits only, not " + s.kind.id());
    }
    this.cap = capacity;
    this.type = precision == Precision.FLOAT32 ? DataType.FLOAT : DataType.DOUBLE;
    regionRow = new int[s.numRegions];
    partRow = new int[s.numParts];
    foldStart = new int[s.folds.size()];
    Map<Integer, Integer> rows = new HashMap<>();
    for (int fi = 0; fi < s.folds.size(); fi++) {
      Fold f = s.folds.get(fi);
      int width = outputUnits(f);
      int start = rows.getOrDefault(width, 0);
      foldStart[fi] = start;
      rows.put(width, start + f.members().length);
      for (int i = 0; i < f.members().length; i++) {
        int m = f.members()[i];
        switch (f.type()) {
          case INPUT, MIXING -> regionRow[m] = start + i;
          case CP_BLOCK -> {
            partRow[m] = start + i;
            if (s.regionNumParts[s.partRegion[m]] == 1) {
              regionRow[s.partRegion[m]] = start + i;
            }
          }
          default -> throw new IllegalStateException("unexpected fold " + f.type());
        }
      }
    }
    for (Map.Entry<Integer, Integer> e : rows.entrySet()) {
      arenas.put(e.getKey(), Nd4j.create(type, e.getValue(), (long) e.getKey() * cap));
    }
    for (Fold f : s.folds) {
      foldInputs.add(inputRows(f));
    }
    clock = new FoldClock(s);
  }

  /**
   * Returns the largest batch whose working memory fits in {@code bytes}, keeping half of it for
   * the temporaries of one fold; at least 1.
   */
  static int batchFor(Circuit circuit, Precision precision, long bytes) {
    Structure s = circuit.structure();
    long perColumn = 0;
    for (Fold f : s.folds) {
      perColumn += (long) f.members().length * outputUnits(s, f);
    }
    long largestFold = 0;
    for (Fold f : s.folds) {
      largestFold = Math.max(largestFold, 4L * f.members().length * Math.max(outputUnits(s, f), s.spec.inputUnits()));
    }
    long valueBytes = precision == Precision.FLOAT32 ? 4 : 8;
    long perExample = (perColumn + largestFold) * valueBytes;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / 2 / perExample));
  }

  private int outputUnits(Fold f) {
    return outputUnits(s, f);
  }

  private static int outputUnits(Structure s, Fold f) {
    return switch (f.type()) {
      case INPUT -> s.spec.inputUnits();
      case CP_BLOCK -> s.units[s.partRegion[f.members()[0]]];
      case MIXING -> s.units[f.members()[0]];
      case PRODUCT_DENSE -> throw new IllegalStateException("product-dense folds are not supported");
    };
  }

  /** For each input slot of a fold (child i of a CP block, partition q of a mixing region), the rows it reads. */
  private int[][] inputRows(Fold f) {
    int[] members = f.members();
    if (f.type() == FoldType.INPUT) {
      return new int[0][];
    }
    int slots = f.type() == FoldType.CP_BLOCK ? s.partChildren[members[0]].length : s.regionNumParts[members[0]];
    int[][] rows = new int[slots][members.length];
    for (int i = 0; i < members.length; i++) {
      for (int slot = 0; slot < slots; slot++) {
        rows[slot][i] = f.type() == FoldType.CP_BLOCK
            ? regionRow[s.partChildren[members[i]][slot]]
            : partRow[s.regionFirstPart[members[i]] + slot];
      }
    }
    return rows;
  }

  @Override
  public int capacity() {
    return cap;
  }

  // ---------------------------------------------------------------- parameters

  private void refresh() {
    long v = circuit.version();
    if (v == version) {
      return;
    }
    long t0 = System.nanoTime();
    double[] theta = circuit.params();
    int kin = s.spec.inputUnits();
    int cats = s.numCategories;
    // Input log-probabilities as rows (pixel, category) x units, and a last row of zeros for "missing".
    double[] table = new double[(s.numVars * cats + 1) * kin];
    for (int var = 0; var < s.numVars; var++) {
      for (int k = 0; k < kin; k++) {
        int base = s.inputOffset(var, k);
        double z = Numerics.logSumExp(theta, base, cats);
        for (int u = 0; u < cats; u++) {
          table[(var * cats + u) * kin + k] = theta[base + u] - z;
        }
      }
    }
    close(inputTable);
    inputTable = Nd4j.create(table, new long[] {s.numVars * cats + 1, kin}, 'c').castTo(type);
    for (INDArray[] ws : foldWeights) {
      for (INDArray w : ws) {
        close(w);
      }
    }
    foldWeights.clear();
    for (Fold f : s.folds) {
      foldWeights.add(switch (f.type()) {
        case INPUT -> new INDArray[0];
        case CP_BLOCK -> denseWeights(f, theta);
        case MIXING -> mixingLogWeights(f, theta);
        case PRODUCT_DENSE -> throw new IllegalStateException("product-dense folds are not supported");
      });
    }
    version = v;
    clock.refresh(System.nanoTime() - t0);
  }

  /** Returns, per child slot, the members' dense weights {@code [M, out, in]} (softmax of each row's logits). */
  private INDArray[] denseWeights(Fold f, double[] theta) {
    int[] members = f.members();
    int arity = s.partChildren[members[0]].length;
    INDArray[] out = new INDArray[arity];
    for (int i = 0; i < arity; i++) {
      int d0 = s.partFirstDense[members[0]] + i;
      int rowsOut = s.denseOut[d0];
      int in = s.denseIn[d0];
      double[] w = new double[members.length * rowsOut * in];
      for (int m = 0; m < members.length; m++) {
        int d = s.partFirstDense[members[m]] + i;
        for (int j = 0; j < rowsOut; j++) {
          int row = s.denseOffset[d] + j * in;
          double z = Numerics.logSumExp(theta, row, in);
          for (int k = 0; k < in; k++) {
            w[(m * rowsOut + j) * in + k] = Math.exp(theta[row + k] - z);
          }
        }
      }
      out[i] = Nd4j.create(w, new long[] {members.length, rowsOut, in}, 'c').castTo(type);
    }
    return out;
  }

  /** Returns, per partition slot, the members' log mixing weights {@code [M, units, 1]}. */
  private INDArray[] mixingLogWeights(Fold f, double[] theta) {
    int[] members = f.members();
    int np = s.regionNumParts[members[0]];
    int units = s.units[members[0]];
    double[][] w = new double[np][members.length * units];
    for (int m = 0; m < members.length; m++) {
      int off = s.mixOffset[members[m]];
      for (int k = 0; k < units; k++) {
        double z = Numerics.logSumExp(theta, off + k * np, np);
        for (int q = 0; q < np; q++) {
          w[q][m * units + k] = theta[off + k * np + q] - z;
        }
      }
    }
    INDArray[] out = new INDArray[np];
    for (int q = 0; q < np; q++) {
      out[q] = Nd4j.create(w[q], new long[] {members.length, units, 1}, 'c').castTo(type);
    }
    return out;
  }

  // ---------------------------------------------------------------- forward

  @Override
  public ClassScores logLikelihoods(Evidence e) {
    if (closed) {
      throw new IllegalStateException("evaluator is closed");
    }
    if (e.numVariables() != s.numVars) {
      throw new IllegalArgumentException(
          "evidence has " + e.numVariables() + " pixels per example, the circuit expects " + s.numVars);
    }
    if (e.size() > cap) {
      throw new IllegalArgumentException("batch of " + e.size() + " exceeds this evaluator's capacity " + cap);
    }
    refresh();
    int n = e.size();
    for (int fi = 0; fi < s.folds.size(); fi++) {
      long t0 = System.nanoTime();
      Fold f = s.folds.get(fi);
      switch (f.type()) {
        case INPUT -> input(fi, e);
        case CP_BLOCK -> cpBlock(fi);
        case MIXING -> mixing(fi);
        default -> throw new IllegalStateException("unexpected fold " + f.type());
      }
      Nd4j.getExecutioner().commit();
      clock.forward(fi, System.nanoTime() - t0, n);
    }
    int c = s.units[s.root];
    INDArray root = arenas.get(c).getRow(regionRow[s.root]).reshape(c, cap);
    double[][] values = root.castTo(DataType.DOUBLE).toDoubleMatrix();
    double[] out = new double[n * c];
    for (int y = 0; y < c; y++) {
      for (int b = 0; b < n; b++) {
        out[b * c + y] = values[y][b];
      }
    }
    return new ClassScores(n, c, out);
  }

  private void input(int fi, Evidence e) {
    int n = e.size();
    int cats = s.numCategories;
    int kin = s.spec.inputUnits();
    int missingRow = s.numVars * cats;
    int[] values = e.values();
    boolean[] missing = e.missing();
    int[] idx = new int[s.numVars * cap];
    for (int v = 0; v < s.numVars; v++) {
      for (int b = 0; b < cap; b++) {
        int at = b * s.numVars + v;
        boolean gone = b >= n || missing != null && missing[at];
        if (!gone && (values[at] < 0 || values[at] >= cats)) {
          throw new IllegalArgumentException("pixel " + v + " of example " + b + " has value " + values[at]
              + ", outside 0.." + (cats - 1));
        }
        idx[v * cap + b] = gone ? missingRow : v * cats + values[at];
      }
    }
    INDArray gathered = Nd4j.pullRows(inputTable, 1, idx); // [V*B, K]
    INDArray perVar = gathered.reshape(s.numVars, cap, kin).permute(0, 2, 1).dup('c');
    write(fi, kin, perVar);
  }

  private void cpBlock(int fi) {
    Fold f = s.folds.get(fi);
    int members = f.members().length;
    INDArray[] weights = foldWeights.get(fi);
    int[][] rows = foldInputs.get(fi);
    INDArray sum = null;
    for (int i = 0; i < rows.length; i++) {
      int in = (int) weights[i].size(2);
      INDArray x = Nd4j.pullRows(arenas.get(in), 1, rows[i]).reshape(members, in, cap);
      INDArray m = shift(x.max(true, 1));
      INDArray ex = Transforms.exp(x.subi(m), false);
      INDArray d = Nd4j.matmul(weights[i], ex);
      INDArray logD = Transforms.log(d, false).addi(m);
      sum = sum == null ? logD : sum.addi(logD);
    }
    write(fi, (int) weights[0].size(1), sum);
  }

  private void mixing(int fi) {
    Fold f = s.folds.get(fi);
    int members = f.members().length;
    int units = s.units[f.members()[0]];
    INDArray[] logW = foldWeights.get(fi);
    int[][] rows = foldInputs.get(fi);
    INDArray[] terms = new INDArray[rows.length];
    INDArray max = null;
    for (int q = 0; q < rows.length; q++) {
      terms[q] = Nd4j.pullRows(arenas.get(units), 1, rows[q]).reshape(members, units, cap).addi(logW[q]);
      max = max == null ? terms[q].dup() : Transforms.max(max, terms[q], false);
    }
    INDArray m = shift(max);
    INDArray sum = null;
    for (INDArray t : terms) {
      INDArray ex = Transforms.exp(t.subi(m), false);
      sum = sum == null ? ex : sum.addi(ex);
    }
    write(fi, units, Transforms.log(sum, false).addi(m));
  }

  /** Returns the shift for a max-shifted exp: the maximum, or 0 where it is -∞ (all terms -∞). */
  private static INDArray shift(INDArray max) {
    BooleanIndexing.replaceWhere(max, 0.0, Conditions.isInfinite());
    return max;
  }

  private void write(int fi, int width, INDArray values) {
    int members = s.folds.get(fi).members().length;
    arenas.get(width).get(NDArrayIndex.interval(foldStart[fi], foldStart[fi] + members), NDArrayIndex.all())
        .assign(values.reshape(members, (long) width * cap));
  }

  // ---------------------------------------------------------------- the rest of Evaluator

  @Override
  public void backward(double[] outputGradient, double[] gradient) {
    throw new UnsupportedOperationException("the ND4J evaluator computes log-likelihoods only; train with "
        + "Circuit.evaluator(capacity, threads, true)");
  }

  @Override
  public List<FoldTiming> timings() {
    return clock.timings();
  }

  @Override
  public void resetTimings() {
    clock.reset();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (INDArray a : arenas.values()) {
      close(a);
    }
    for (INDArray[] ws : foldWeights) {
      for (INDArray w : ws) {
        close(w);
      }
    }
    close(inputTable);
  }

  private static void close(@Nullable INDArray a) {
    if (a != null && a.closeable()) {
      a.close();
    }
  }
}
