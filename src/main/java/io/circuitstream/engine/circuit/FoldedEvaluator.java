package io.circuitstream.engine.circuit;

import io.circuitstream.engine.circuit.Structure.Fold;
import io.circuitstream.engine.circuit.Structure.FoldType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The folded evaluator: one pass per fold, members split across threads, products on BLAS.
 *
 * <p>Layout: every region's values are a {@code [units, n]} row-major block for a batch of {@code n}
 * (in buffers sized for the capacity, so a small batch stays dense in memory), and a column is one
 * example, or in inference on a cp circuit one group of examples with the same pixels under the
 * region (see {@code compact}). Sum layers work in log space with the max-shift trick once per input vector: a
 * region's log-values {@code L} become {@code E = exp(L - m)} with {@code m} the column maximum
 * (for a two-pixel region in inference, the pixels' scales, which keep E at most 1: see
 * {@code leafyProducts}), a dense layer computes {@code log(W · E) + m} with one BLAS product, and
 * nothing is clamped.
 */
final class FoldedEvaluator implements Evaluator {
  // Null once an inference evaluator of a read-only circuit has read its parameters (see detach()).
  private @Nullable Circuit circuit;
  private final Structure s;
  private final int cap;
  private final boolean training;
  private final Workers workers;
  private final NativeMemory mem;
  private final boolean usesE;

  private final NativeVector[] lv; // region log-values [units x cap], where needed
  private final NativeVector @Nullable [] ev; // exp-normalised region values (CP, Tucker)
  private final double[][] mv; // column log-scales m of E per region (CP, Tucker)
  private final NativeVector[] pv; // partition log-values; aliases lv for single-partition regions
  private final NativeVector[] w; // dense weights [out x in]
  private final NativeVector @Nullable [] dv; // dense outputs, kept for training
  private final NativeVector @Nullable [] zv; // product inputs of PRODUCT_DENSE, kept for training
  private final double[][] zs; // log-scale of product inputs, per partition (PRODUCT_DENSE)
  private final double[] inputLogZ;
  /**
   * Inference on CP circuits: a partition whose children are all pixels ("leafy") needs no product:
   * its dense outputs for a pixel value u are a row of {@code q[d] = diag(1/max) · P_pixel · Wᵀ}
   * ([categories x out]), looked up per example. Null when not used.
   */
  private final NativeVector @Nullable [] q;
  /**
   * Per leafy dense layer, per pixel value: the smallest entry of that value's row of {@link #q}. A
   * product of rows whose minima multiply to a normal value has no underflowing entry.
   */
  private final double @Nullable [][] qMin;
  private final boolean[] leafy; // per partition
  /**
   * Per region: a leafy single-partition region read by one dense layer only. It has no buffer of its
   * own; the partition that reads it computes it into scratch memory just before its product, so its
   * values are read back while still in the cache and take no memory between the folds.
   */
  private final boolean[] fused;
  /** Per fold: the members it evaluates, which leaves out the partitions of fused regions. */
  private final int[][] liveMembers;
  private final boolean[] pixelNeedsE; // per pixel: consumed by a partition that is not leafy
  /**
   * CP circuits: per region, the batch's distinct groups of examples, those that agree on every pixel
   * in the region's scope (a missing pixel counts as one more value). {@code slot[r][b]} is example
   * b's group, {@code rep[r][j]} an example of group j and {@code distinct[r]} their number. A region's
   * E column depends only on those pixels, so a dense layer over it multiplies one column per group
   * (an MNIST batch of 256 has ~29 per pixel and ~49 per pair of pixels) and spreads the results to
   * the examples. Null for other layer kinds.
   */
  private final int @Nullable [][] slot;
  private final int @Nullable [][] rep;
  private final int[] distinct;
  /**
   * Inference on a grouped circuit: every region's values (E, m, log-values, partition values) are
   * kept for its groups only, column j holding group j, so products, scalings and mixtures run once
   * per group; a parent reads a child's column {@code slot[child][rep[r][j]]}. Training keeps one
   * column per example, which its backward pass needs.
   */
  private final boolean compact;
  /** Per fold: the partitions whose regions are grouped when that fold starts (their first partition there). */
  private final int[][] groupParts;
  private final int[][] pixelDense; // per pixel: the leafy dense layers that read it
  private final double[] logMax; // [pixel][category]: log max_k p_k(u), for the lookup path
  private final boolean[] lowMax; // [pixel][category]: some p_k(u) underflows; such columns take logs
  private final double @Nullable [][] lowLog; // [pixel][category] where lowMax: log p_k(u) per unit k
  /** Input probabilities, transposed for the input fold: [pixel][category][unit]. */
  private final double @Nullable [] inputProb;
  private final double[] mixLog;
  private final double[] mixLin; // exp(mixLog): mixing weights in linear space
  private final double[][] ps; // log-scale of each partition of a linear mixing region, per column
  private final boolean[][] mixFlag; // per linear mixing region: columns computed in log space
  private double mixFloor; // column maxima below this are mixed in log space
  private final double normal; // the smallest normal stored value: a smaller one is redone in log space
  private final int mixBase;
  private final Scratch[] scratch;
  private final Object[] locks;

  // Backward state, allocated on first use.
  private double @Nullable [][] gl;
  private NativeVector @Nullable [] ge;
  private double @Nullable [][] gp;

  private long version = -1;
  private final FoldClock clock;
  private long clearNanos;
  private int n;
  /** Leading dimension of this call's {@code [units, ·]} blocks: the batch size, so that a small batch is dense. */
  private int ld;
  private @Nullable Evidence evidence;
  private boolean closed;

  FoldedEvaluator(Circuit circuit, int capacity, int threads, boolean training, Precision precision) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
    }
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    this.circuit = circuit;
    this.mem = new NativeMemory(precision);
    this.normal = precision.smallestNormal();
    this.mixFloor = precision.linearFloor();
    this.s = circuit.structure();
    this.cap = capacity;
    this.training = training;
    this.workers = new Workers(threads);
    this.usesE = s.kind != LayerKind.CP_T;
    boolean lookup = !training && s.kind == LayerKind.CP;
    leafy = new boolean[s.numParts];
    pixelNeedsE = new boolean[s.numVars];
    int[] perPixel = new int[s.numVars];
    for (int p = 0; p < s.numParts; p++) {
      boolean all = lookup;
      for (int c : s.partChildren[p]) {
        all &= c < s.numVars;
      }
      leafy[p] = all;
      for (int c : s.partChildren[p]) {
        if (c < s.numVars) {
          if (all) {
            perPixel[c]++;
          } else {
            pixelNeedsE[c] = true;
          }
        }
      }
    }
    if (!lookup) {
      java.util.Arrays.fill(pixelNeedsE, true);
    }
    boolean grouping = s.kind == LayerKind.CP;
    slot = grouping ? new int[s.numRegions][cap] : null;
    rep = grouping ? new int[s.numRegions][cap] : null;
    distinct = new int[grouping ? s.numRegions : 0];
    compact = grouping && !training;
    groupParts = new int[s.folds.size()][];
    boolean[] grouped = new boolean[s.numRegions];
    for (int fi = 0; fi < s.folds.size(); fi++) {
      Fold f = s.folds.get(fi);
      List<Integer> parts = new ArrayList<>();
      if (grouping && f.type() == FoldType.CP_BLOCK) {
        for (int p : f.members()) {
          if (!grouped[s.partRegion[p]]) {
            grouped[s.partRegion[p]] = true;
            parts.add(p);
          }
        }
      }
      groupParts[fi] = parts.stream().mapToInt(Integer::intValue).toArray();
    }
    pixelDense = new int[s.numVars][];
    for (int v = 0; v < s.numVars; v++) {
      pixelDense[v] = new int[perPixel[v]];
      perPixel[v] = 0;
    }
    for (int p = 0; p < s.numParts; p++) {
      if (leafy[p]) {
        int[] ch = s.partChildren[p];
        for (int i = 0; i < ch.length; i++) {
          pixelDense[ch[i]][perPixel[ch[i]]++] = s.partFirstDense[p] + i;
        }
      }
    }

    fused = new boolean[s.numRegions];
    if (lookup) {
      int[] readers = new int[s.numRegions];
      for (int[] ch : s.partChildren) {
        for (int c : ch) {
          readers[c]++;
        }
      }
      for (int r = s.numVars; r < s.numRegions; r++) {
        fused[r] = s.regionNumParts[r] == 1 && leafy[s.regionFirstPart[r]] && keepsE(r) && readers[r] == 1;
      }
    }
    boolean anyFused = false;
    for (boolean f : fused) {
      anyFused |= f;
    }
    liveMembers = new int[s.folds.size()][];
    for (int fi = 0; fi < s.folds.size(); fi++) {
      Fold f = s.folds.get(fi);
      liveMembers[fi] = f.type() != FoldType.CP_BLOCK ? f.members()
          : Arrays.stream(f.members()).filter(p -> !fused[s.partRegion[p]]).toArray();
    }
    lv = new NativeVector[s.numRegions];
    ev = usesE ? new NativeVector[s.numRegions] : null;
    mv = new double[usesE ? s.numRegions : 0][];
    for (int r = 0; r < s.numRegions; r++) {
      // With E-consumers, single-partition regions below the root keep only E and m.
      if (s.regionNumParts[r] <= 1 && !keepsE(r)) {
        lv[r] = mem.allocate((long) s.units[r] * cap);
      }
      if (keepsE(r)) {
        if (r >= s.numVars ? !fused[r] : pixelNeedsE[r]) {
          ev[r] = mem.allocate((long) s.units[r] * cap);
        }
        mv[r] = new double[cap];
      }
    }
    pv = new NativeVector[s.numParts];
    for (int p = 0; p < s.numParts; p++) {
      int r = s.partRegion[p];
      pv[p] = s.regionNumParts[r] == 1 ? lv[r] : mem.allocate((long) s.units[r] * cap);
    }
    ps = new double[s.numParts][];
    mixFlag = new boolean[s.numRegions][];
    for (int r = 0; r < s.numRegions; r++) {
      if (linearMixing(r)) {
        mixFlag[r] = new boolean[cap];
        for (int q = 0; q < s.regionNumParts[r]; q++) {
          ps[s.regionFirstPart[r] + q] = new double[cap];
        }
      } else if (s.regionNumParts[r] > 1) {
        lv[r] = mem.allocate((long) s.units[r] * cap);
      }
    }
    w = new NativeVector[s.numDense];
    int maxOut = 1;
    int maxIn = 1;
    for (int d = 0; d < s.numDense; d++) {
      w[d] = mem.allocate((long) s.denseOut[d] * s.denseIn[d]);
      maxOut = Math.max(maxOut, s.denseOut[d]);
      maxIn = Math.max(maxIn, s.denseIn[d]);
    }
    boolean productDense = s.kind != LayerKind.CP;
    dv = training ? new NativeVector[s.numDense] : null;
    zv = training && productDense ? new NativeVector[s.numParts] : null;
    zs = new double[productDense ? s.numParts : 0][];
    if (productDense) {
      for (int p = 0; p < s.numParts; p++) {
        zs[p] = new double[cap];
      }
    }
    if (training) {
      for (int d = 0; d < s.numDense; d++) {
        dv[d] = mem.allocate((long) s.denseOut[d] * cap);
      }
      if (zv != null) {
        for (int p = 0; p < s.numParts; p++) {
          zv[p] = mem.allocate((long) s.denseIn[s.partFirstDense[p]] * cap);
        }
      }
    }
    scratch = new Scratch[threads];
    int maxUnits = Arrays.stream(s.units).max().orElse(1);
    int maxArity = Arrays.stream(s.partChildren).mapToInt(c -> c.length).max().orElse(2);
    int maxParts = Arrays.stream(s.regionNumParts).max().orElse(1);
    for (int t = 0; t < threads; t++) {
      scratch[t] = new Scratch(mem, maxOut, maxIn, maxUnits, maxArity, maxParts, Math.max(maxIn, s.numCategories),
          s.numCategories * s.spec.inputUnits(), cap, training, anyFused ? maxArity : 0, s.numCategories);
    }
    locks = new Object[s.numRegions];
    for (int r = 0; r < s.numRegions; r++) {
      locks[r] = new Object();
    }
    inputLogZ = new double[s.numVars * s.spec.inputUnits()];
    boolean anyE = false;
    for (boolean b : pixelNeedsE) {
      anyE |= b;
    }
    inputProb = anyE ? new double[s.numVars * s.numCategories * s.spec.inputUnits()] : null;
    q = lookup ? new NativeVector[s.numDense] : null;
    qMin = lookup ? new double[s.numDense][] : null;
    if (q != null) {
      for (int p = 0; p < s.numParts; p++) {
        if (leafy[p]) {
          for (int i = 0; i < s.partChildren[p].length; i++) {
            int d = s.partFirstDense[p] + i;
            q[d] = mem.allocate((long) s.numCategories * s.denseOut[d]);
            qMin[d] = new double[s.numCategories];
          }
        }
      }
    }
    logMax = new double[lookup ? s.numVars * s.numCategories : 0];
    lowMax = new boolean[logMax.length];
    lowLog = new double[logMax.length][];
    int base = s.numParams;
    for (int r = 0; r < s.numRegions; r++) {
      if (s.mixOffset[r] >= 0) {
        base = Math.min(base, s.mixOffset[r]);
      }
    }
    mixBase = base;
    mixLog = new double[s.numParams - mixBase];
    mixLin = new double[s.numParams - mixBase];
    clock = new FoldClock(s);
    if (circuit.readOnly() && usesE && inputProb == null) {
      detach();
    }
  }

  /**
   * Reads the parameters of a read-only circuit now and lets go of the circuit. An inference
   * evaluator that looks every pixel up in its tables needs the logits afterwards only for pixel
   * values whose unit probabilities underflow, and it keeps their log-probabilities ({@code lowLog}):
   * so a served model's parameter array can be collected once its evaluator exists.
   */
  private void detach() {
    refresh();
    circuit = null;
  }

  @Override
  public int capacity() {
    return cap;
  }

  /** Makes every linear mixing column take the log-space path, so that tests can compare both paths. */
  void forceLogSpaceMixing() {
    mixFloor = Double.POSITIVE_INFINITY;
  }

  /** Returns the off-heap bytes this evaluator holds. */
  long nativeBytes() {
    return mem.bytes();
  }

  // ---------------------------------------------------------------- parameters

  private void refresh() {
    Circuit c = circuit;
    if (c == null) {
      return; // detached: the parameters were read once and never change
    }
    long v = c.version();
    if (v == version) {
      return;
    }
    long t0 = System.nanoTime();
    double[] theta = c.params();
    int kin = s.spec.inputUnits();
    int cats = s.numCategories;
    parallel(s.numDense, (t, d) -> {
      int out = s.denseOut[d];
      int in = s.denseIn[d];
      int off = s.denseOffset[d];
      NativeVector wd = w[d];
      double[] tmp = scratch[t].row;
      for (int j = 0; j < out; j++) {
        Numerics.softmax(theta, off + j * in, in, tmp, 0);
        wd.put(j * in, tmp, in);
      }
    });
    // Pixels after the dense layers: the lookup tables need the dense weights.
    parallel(s.numVars, (t, var) -> {
      Scratch sc = scratch[t];
      // [category][unit], written where the input fold reads it, else in scratch for the tables only.
      double[] prob = inputProb != null ? inputProb : sc.pixel;
      int at = inputProb != null ? var * cats * kin : 0;
      // Softmaxes of TILE_T units at a time, stored transposed one cache line per category.
      double[] rows = sc.rows;
      for (int k0 = 0; k0 < kin; k0 += TILE_T) {
        int width = Math.min(TILE_T, kin - k0);
        for (int j = 0; j < width; j++) {
          int k = k0 + j;
          inputLogZ[var * kin + k] = Numerics.softmax(theta, s.inputOffset(var, k), cats, rows, j * cats);
        }
        for (int u = 0; u < cats; u++) {
          int to = at + u * kin + k0;
          for (int j = 0; j < width; j++) {
            prob[to + j] = rows[j * cats + u];
          }
        }
      }
      if (q != null && pixelDense[var].length > 0) {
        NativeVector a = sc.pixelA;
        for (int u = 0; u < cats; u++) {
          double max = 0;
          double min = Double.POSITIVE_INFINITY;
          for (int k = 0; k < kin; k++) {
            max = Math.max(max, prob[at + u * kin + k]);
            min = Math.min(min, prob[at + u * kin + k]);
          }
          logMax[var * cats + u] = Math.log(max);
          // A unit whose probability underflows would make its ratio to the max wrong: take logs.
          lowMax[var * cats + u] = underflows(min, max);
          lowLog[var * cats + u] = lowMax[var * cats + u] ? inputLogs(theta, var, u) : null;
          double inv = max > 0 ? 1.0 / max : 0.0;
          for (int k = 0; k < kin; k++) {
            a.put(u * kin + k, prob[at + u * kin + k] * inv);
          }
        }
        for (int d : pixelDense[var]) {
          NativeMemory.gemm(false, true, cats, s.denseOut[d], kin, a, kin, w[d], kin, 0.0, q[d], s.denseOut[d]);
          NativeVector.rowMinima(q[d], cats, s.denseOut[d], qMin[d]);
        }
      }
    });
    for (int r = 0; r < s.numRegions; r++) {
      int off = s.mixOffset[r];
      if (off < 0) {
        continue;
      }
      int np = s.regionNumParts[r];
      for (int k = 0; k < s.units[r]; k++) {
        int row = off + k * np;
        double z = Numerics.logSumExp(theta, row, np);
        for (int q = 0; q < np; q++) {
          mixLog[row - mixBase + q] = theta[row + q] - z;
          mixLin[row - mixBase + q] = Math.exp(theta[row + q] - z);
        }
      }
    }
    version = v;
    clock.refresh(System.nanoTime() - t0);
  }

  // ---------------------------------------------------------------- forward

  @Override
  public ClassScores logLikelihoods(Evidence e) {
    checkOpen();
    if (e.numVariables() != s.numVars) {
      throw new IllegalArgumentException(
          "evidence has " + e.numVariables() + " pixels per example, the circuit expects " + s.numVars);
    }
    if (e.size() > cap) {
      throw new IllegalArgumentException("batch of " + e.size() + " exceeds this evaluator's capacity " + cap);
    }
    refresh();
    this.evidence = e;
    this.n = e.size();
    this.ld = n;
    int[] values = e.values();
    for (int i = 0; i < values.length; i++) {
      if ((values[i] < 0 || values[i] >= s.numCategories) && !e.isMissing(i / s.numVars, i % s.numVars)) {
        throw new IllegalArgumentException("pixel " + (i % s.numVars) + " of example " + (i / s.numVars)
            + " has value " + values[i] + ", outside 0.." + (s.numCategories - 1));
      }
    }
    for (int fi = 0; fi < s.folds.size(); fi++) {
      long t0 = System.nanoTime();
      forwardFold(fi);
      clock.forward(fi, System.nanoTime() - t0, n);
    }
    int c = s.units[s.root];
    double[] out = new double[n * c];
    NativeVector root = lv[s.root];
    int[] col = compact ? java.util.Objects.requireNonNull(slot)[s.root] : null;
    for (int y = 0; y < c; y++) {
      for (int b = 0; b < n; b++) {
        out[b * c + y] = root.get(y * ld + (col != null ? col[b] : b));
      }
    }
    return new ClassScores(n, c, out);
  }

  /**
   * Runs the forward pass of one fold on the evidence of the last {@link #logLikelihoods} call; the
   * folds below it must hold that evidence's values (benchmarks time one fold this way).
   */
  void forwardFold(int fi) {
    Fold f = s.folds.get(fi);
    if (slot != null) {
      group(f, groupParts[fi]);
    }
    switch (f.type()) {
      case INPUT -> parallel(f.members().length, (t, i) -> input(f.members()[i], scratch[t]));
      case CP_BLOCK -> {
        int[] live = liveMembers[fi];
        parallel(live.length, (t, i) -> cpBlock(live[i], scratch[t]));
      }
      case PRODUCT_DENSE -> parallel(f.members().length, (t, i) -> productDense(f.members()[i], scratch[t]));
      case MIXING -> parallel(f.members().length, (t, i) -> mixing(f.members()[i], scratch[t]));
    }
  }

  /**
   * Groups the examples at the regions that fold {@code f} computes first: its pixels, or the regions of
   * {@code parts}, by the pair of groups at the children of that partition (whose folds came before).
   * Any partition will do: two examples agree on a region's pixels if and only if they agree on
   * those of each child of any one of its partitions.
   */
  private void group(Fold f, int[] parts) {
    if (f.type() == FoldType.INPUT) {
      parallel(f.members().length, (t, i) -> groupValues(f.members()[i], scratch[t]));
    } else if (parts.length > 0) {
      parallel(parts.length, (t, i) -> groupPairs(s.partRegion[parts[i]], parts[i], scratch[t]));
    }
  }

  /** Returns the number of value columns region {@code r} has in this batch (see {@link #compact}). */
  private int columns(int r) {
    return compact ? distinct[r] : n;
  }

  /** Returns the index of the first fold of the given type at the given height, or -1. */
  int foldIndex(FoldType type, int height) {
    for (int fi = 0; fi < s.folds.size(); fi++) {
      if (s.folds.get(fi).type() == type && s.folds.get(fi).height() == height) {
        return fi;
      }
    }
    return -1;
  }

  private void input(int var, Scratch sc) {
    Evidence e = evidence;
    int[] values = e.values();
    boolean[] missing = e.missing();
    int kin = s.spec.inputUnits();
    // Grouped, the j-th column computed is group j's, on its representative example; it is stored as
    // column j (compact) or as that example's column (training). Else column j is example j.
    int[] examples = slot != null ? java.util.Objects.requireNonNull(rep)[var] : null;
    int count = slot != null ? distinct[var] : n;
    int[] stored = slot != null && !compact ? examples : null;
    if (!pixelNeedsE[var]) {
      // Only leafy partitions read this pixel, through their lookup tables: just the column scale.
      double[] m = mv[var];
      int cats = s.numCategories;
      for (int b = 0; b < columns(var); b++) {
        int idx = (compact ? examples[b] : b) * s.numVars + var;
        if (missing != null && missing[idx]) {
          m[b] = 0.0;
        } else if (lowMax[var * cats + values[idx]]) {
          m[b] = maxInputLog(var, values[idx]);
        } else {
          m[b] = logMax[var * cats + values[idx]];
        }
      }
      return;
    }
    if (!usesE) {
      double[] theta = logits();
      NativeVector out = lv[var];
      for (int k = 0; k < kin; k++) {
        int base = s.inputOffset(var, k);
        double z = inputLogZ[var * kin + k];
        int row = k * ld;
        for (int b = 0; b < n; b++) {
          int idx = b * s.numVars + var;
          out.put(row + b, missing != null && missing[idx] ? 0.0 : theta[base + values[idx]] - z);
        }
      }
      return;
    }
    // E = θ[x] / max_k θ_k[x] and m = log max_k θ_k[x]: no exp per unit. In training, only each
    // distinct value's representative example gets its E column: the only ones read (see
    // cpBlockBackward); every example gets m.
    NativeVector out = ev[var];
    double[] m = mv[var];
    int[] base = sc.index;
    double[] inv = sc.colA;
    boolean[] redo = sc.flags;
    boolean fallback = false;
    for (int j = 0; j < count; j++) {
      int b = stored != null ? stored[j] : j;
      int idx = (examples != null ? examples[j] : j) * s.numVars + var;
      if (missing != null && missing[idx]) {
        base[b] = -1;
        m[b] = 0.0;
        continue;
      }
      int at = (var * s.numCategories + values[idx]) * kin;
      double max = 0;
      double min = Double.POSITIVE_INFINITY;
      for (int k = 0; k < kin; k++) {
        max = Math.max(max, inputProb[at + k]);
        min = Math.min(min, inputProb[at + k]);
      }
      base[b] = at;
      inv[b] = 1.0 / max;
      m[b] = Math.log(max);
      redo[b] = underflows(min, max); // an underflowed unit's ratio to the max would be wrong
      fallback |= redo[b];
    }
    for (int k = 0; k < kin; k++) {
      int row = k * ld;
      for (int j = 0; j < count; j++) {
        int b = stored != null ? stored[j] : j;
        out.put(row + b, base[b] < 0 ? 1.0 : inputProb[base[b] + k] * inv[b]);
      }
    }
    if (fallback) {
      for (int j = 0; j < count; j++) {
        int b = stored != null ? stored[j] : j;
        if (base[b] >= 0 && redo[b]) {
          inputColumnInLogSpace(var, values[(examples != null ? examples[j] : j) * s.numVars + var], b, out, m);
        }
      }
    }
    if (stored != null) {
      int[] sl = java.util.Objects.requireNonNull(slot)[var];
      for (int b = 0; b < n; b++) {
        m[b] = m[stored[sl[b]]];
      }
    }
  }

  /** Fills {@link #slot}, {@link #rep} and {@link #distinct} for pixel {@code var} of this batch. */
  private void groupValues(int var, Scratch sc) {
    Evidence e = java.util.Objects.requireNonNull(evidence);
    int[] values = e.values();
    boolean[] missing = e.missing();
    int[] first = sc.seen; // -1 for every value between calls
    int[] sl = java.util.Objects.requireNonNull(slot)[var];
    int[] rp = java.util.Objects.requireNonNull(rep)[var];
    int count = 0;
    for (int b = 0; b < n; b++) {
      int idx = b * s.numVars + var;
      int key = missing != null && missing[idx] ? s.numCategories : values[idx];
      int j = first[key];
      if (j < 0) {
        j = count++;
        first[key] = j;
        rp[j] = b;
      }
      sl[b] = j;
    }
    for (int j = 0; j < count; j++) {
      int idx = rp[j] * s.numVars + var;
      first[missing != null && missing[idx] ? s.numCategories : values[idx]] = -1;
    }
    distinct[var] = count;
  }

  /**
   * Groups the examples by the pair of groups they fall in at the children of partition {@code p}, the
   * first partition of region {@code r}: the children's scopes make up the region's. A partition with
   * other than two children leaves every example in its own group.
   */
  private void groupPairs(int r, int p, Scratch sc) {
    int[] sl = java.util.Objects.requireNonNull(slot)[r];
    int[] rp = java.util.Objects.requireNonNull(rep)[r];
    int[] ch = s.partChildren[p];
    if (ch.length != 2 || (long) distinct[ch[0]] * distinct[ch[1]] > Integer.MAX_VALUE) {
      for (int b = 0; b < n; b++) {
        sl[b] = b;
        rp[b] = b;
      }
      distinct[r] = n;
      return;
    }
    int[] a = slot[ch[0]];
    int[] c = slot[ch[1]];
    int countC = distinct[ch[1]];
    int[] keys = sc.keys;
    int[] groups = sc.groups; // -1 where free
    int[] cells = sc.cells; // per group, its cell of the table, to free it afterwards
    int mask = keys.length - 1;
    int shift = Integer.numberOfLeadingZeros(mask); // the hash's top bits index the table
    int count = 0;
    for (int b = 0; b < n; b++) {
      int key = a[b] * countC + c[b];
      int h = (key * 0x9E3779B1) >>> shift;
      while (groups[h] >= 0 && keys[h] != key) {
        h = (h + 1) & mask;
      }
      if (groups[h] < 0) {
        keys[h] = key;
        groups[h] = count;
        cells[count] = h;
        rp[count++] = b;
      }
      sl[b] = groups[h];
    }
    for (int j = 0; j < count; j++) {
      groups[cells[j]] = -1;
    }
    distinct[r] = count;
  }

  /** Returns the example that each of region {@code r}'s columns is computed on (see {@link #compact}). */
  private int[] examples(int r, Scratch sc) {
    return compact ? java.util.Objects.requireNonNull(rep)[r] : sc.same;
  }

  /** Returns whether the dense layers over region {@code c} multiply one column per group (see {@link #slot}). */
  private boolean onDistinct(int c) {
    return slot != null && distinct[c] < n;
  }

  /** Returns whether {@code r} is a pixel whose examples are grouped by value. */
  private boolean groupedPixel(int r) {
    return r < s.numVars && onDistinct(r);
  }

  /**
   * Writes dense layer {@code d}'s outputs for region {@code c}, whose E is {@code input}, into
   * {@code target}: the weights times one E column per group, spread to the examples.
   */
  private void denseOnDistinct(int d, int c, NativeVector input, NativeVector target, int out, Scratch sc) {
    int in = s.denseIn[d];
    int count = distinct[c];
    NativeVector.gatherColumns(input, ld, in, java.util.Objects.requireNonNull(rep)[c], count, sc.inDistinct, count);
    NativeMemory.gemm(false, false, out, count, in, w[d], in, sc.inDistinct, count, 0.0, sc.outDistinct, count);
    NativeVector.gatherColumns(sc.outDistinct, count, out, java.util.Objects.requireNonNull(slot)[c], n, target, ld);
  }

  /**
   * Returns whether unit probabilities between {@code min} and {@code max} lose precision as stored
   * ratios to the max: the smallest probability is not a normal double, or its ratio is not a normal
   * stored value (float32 has the narrower range).
   */
  private boolean underflows(double min, double max) {
    return min < Double.MIN_NORMAL || min / max < normal;
  }

  /** Returns the circuit's logits, for the paths of an evaluator that did not {@link #detach()}. */
  private double[] logits() {
    Circuit c = circuit;
    if (c == null) {
      throw new IllegalStateException("a detached evaluator holds no logits");
    }
    return c.params();
  }

  /** Returns {@code log p_k(u)} of every unit k of pixel {@code var}, from the logits. */
  private double[] inputLogs(double[] theta, int var, int u) {
    int kin = s.spec.inputUnits();
    double[] logs = new double[kin];
    for (int k = 0; k < kin; k++) {
      logs[k] = theta[s.inputOffset(var, k) + u] - inputLogZ[var * kin + k];
    }
    return logs;
  }

  /** Returns {@code max_k log p_k(u)} of a pixel value whose unit probabilities underflow. */
  private double maxInputLog(int var, int u) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : lowLog[var * s.numCategories + u]) {
      max = Math.max(max, x);
    }
    return max;
  }

  /**
   * Writes the dense layer {@code d}'s outputs for pixel {@code var} by table lookup: row {@code u} of
   * {@code q[d]} for an observed value u, 1 (the rows of W sum to 1) for a missing pixel, and for a
   * value whose unit probabilities all underflow, {@code W · exp(log p(u) - max)} from the logits.
   */
  private void lookupDense(int d, int var, NativeVector target, int out, Scratch sc) {
    int[] values = evidence.values();
    int kin = s.spec.inputUnits();
    NativeVector table = q[d];
    int[] base = sc.index;
    int cols = columns(var);
    int[] examples = examples(var, sc);
    boolean low = tableRows(var, out, base, examples, cols);
    // Unit-major so that the writes run along a row; the table (categories x out) stays in cache.
    for (int j = 0; j < out; j++) {
      int row = j * ld;
      for (int b = 0; b < cols; b++) {
        target.put(row + b, base[b] >= 0 ? table.get(base[b] + j) : 1.0);
      }
    }
    if (!low) {
      return;
    }
    double[] ek = new double[kin];
    for (int b = 0; b < cols; b++) {
      if (base[b] != -2) {
        continue;
      }
      double[] logs = lowLog[var * s.numCategories + values[examples[b] * s.numVars + var]];
      double mx = mv[var][b];
      for (int k = 0; k < kin; k++) {
        ek[k] = Math.exp(logs[k] - mx);
      }
      for (int j = 0; j < out; j++) {
        double sum = 0;
        for (int k = 0; k < kin; k++) {
          sum += w[d].get(j * kin + k) * ek[k];
        }
        target.put(j * ld + b, sum);
      }
    }
  }

  /** Computes one input column from the logits when every unit's probability underflows. */
  private void inputColumnInLogSpace(int var, int value, int b, NativeVector out, double[] m) {
    double[] theta = logits();
    int kin = s.spec.inputUnits();
    double[] logs = new double[kin];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < kin; k++) {
      logs[k] = theta[s.inputOffset(var, k) + value] - inputLogZ[var * kin + k];
      max = Math.max(max, logs[k]);
    }
    m[b] = max;
    for (int k = 0; k < kin; k++) {
      out.put(k * ld + b, Math.exp(logs[k] - max));
    }
  }

  /** Computes E = exp(L - m) with m the column maximum, for regions consumed through E. */
  private void normalise(int r) {
    if (!keepsE(r)) {
      return;
    }
    Numerics.expNormalise(lv[r], ev[r], mv[r], s.units[r], columns(r), ld);
  }

  private void cpBlock(int p, Scratch sc) {
    int r = s.partRegion[p];
    int out = s.units[r];
    int[] ch = s.partChildren[p];
    for (int i = 0; i < ch.length; i++) {
      if (fused[ch[i]]) {
        sc.leafOut = sc.fusedE[i]; // where the child's partition stores its E (see valueTarget)
        cpBlock(s.regionFirstPart[ch[i]], sc);
      }
    }
    int cols = columns(r);
    int[][] at = childColumns(r, ch, sc);
    double[] msum = sc.msum; // the column scale of the product: the sum of the children's
    Arrays.fill(msum, 0, cols, 0.0);
    for (int i = 0; i < ch.length; i++) {
      double[] m = mv[ch[i]];
      int[] a = at[i];
      for (int b = 0; b < cols; b++) {
        msum[b] += m[a[b]];
      }
    }
    if (q != null && leafy[p] && leafyLookup(p, r, out, ch, msum, cols, sc)) {
      return;
    }
    // Otherwise (not leafy, or a value or product underflowed) with the dense outputs kept as factors:
    // compact, one column per group of the child, else per example.
    NativeVector[] ds = sc.dk;
    for (int i = 0; i < ch.length; i++) {
      int d = s.partFirstDense[p] + i;
      ds[i] = dv != null ? dv[d] : sc.dkOwned[i];
      if (q != null && leafy[p]) {
        lookupDense(d, ch[i], ds[i], out, sc);
      } else {
        NativeVector input = fused[ch[i]] ? sc.fusedE[i] : ev[ch[i]];
        if (!compact && onDistinct(ch[i])) {
          denseOnDistinct(d, ch[i], input, ds[i], out, sc);
        } else {
          NativeMemory.gemm(false, false, out, columns(ch[i]), s.denseIn[d], w[d], s.denseIn[d], input, ld, 0.0,
              ds[i], ld);
        }
      }
    }
    // The product of the dense outputs, in linear space with the column scale msum.
    NativeVector prod = sc.prod;
    if (ch.length == 2) {
      resetExtremes(sc);
      NativeVector.product(ds[0], at[0], ds[1], at[1], prod, sc.colA, sc.colB, out, cols, ld);
      store(p, r, out, prod, msum, ds, at, cols, sc);
      return;
    }
    for (int k = 0; k < out; k++) {
      int row = k * ld;
      for (int b = 0; b < cols; b++) {
        double v = ds[0].get(row + at[0][b]);
        for (int i = 1; i < ch.length; i++) {
          v *= ds[i].get(row + at[i][b]);
        }
        prod.put(row + b, v);
      }
    }
    emit(p, r, out, prod, msum, ds, at, cols, sc);
  }

  /**
   * Returns, per child of a partition of region {@code r}, the child's column that goes with each of
   * r's columns: compact, the group of r's representative at the child; else the same column.
   */
  private int[][] childColumns(int r, int[] ch, Scratch sc) {
    int[][] at = sc.at;
    for (int i = 0; i < ch.length; i++) {
      if (!compact) {
        at[i] = sc.same;
        continue;
      }
      at[i] = sc.atOwned[i];
      int[] sl = java.util.Objects.requireNonNull(slot)[ch[i]];
      int[] rp = java.util.Objects.requireNonNull(rep)[r];
      for (int b = 0; b < distinct[r]; b++) {
        at[i][b] = sl[rp[b]];
      }
    }
    return at;
  }

  /**
   * Fills {@code base} with, for each column j, the row offset of pixel {@code var}'s value in
   * example {@code examples[j]} in a lookup table of {@code out} columns: -1 for a missing pixel, -2
   * for a value with underflowing unit probabilities. Returns whether any value underflows.
   */
  private boolean tableRows(int var, int out, int[] base, int[] examples, int cols) {
    int[] values = evidence.values();
    boolean[] missing = evidence.missing();
    int at = var * s.numCategories;
    boolean low = false;
    for (int b = 0; b < cols; b++) {
      int idx = examples[b] * s.numVars + var;
      if (missing != null && missing[idx]) {
        base[b] = -1;
      } else if (lowMax[at + values[idx]]) {
        base[b] = -2;
        low = true;
      } else {
        base[b] = values[idx] * out;
      }
    }
    return low;
  }

  /**
   * Stores a leafy partition's value straight from the lookup tables, in one pass per image: the
   * product of the children's table rows (a missing pixel contributes 1), its largest value, and the
   * row scaled by it (E and m) or its logs (the root and partitions of mixing regions without E).
   * Values go to the target through tiles of {@value #TILE} images, so each unit row is written whole.
   *
   * <p>Returns false, leaving the partition to the general path (which overwrites everything this
   * wrote), when a pixel value has underflowing unit probabilities or a product underflows.
   */
  private boolean leafyLookup(int p, int r, int out, int[] ch, double[] scale, int cols, Scratch sc) {
    int arity = ch.length;
    int[][] rows = sc.bases; // per child: row offset in its table, -1 for a missing pixel
    for (int i = 0; i < arity; i++) {
      if (tableRows(ch[i], out, rows[i], examples(r, sc), cols)) {
        return false;
      }
    }
    NativeVector target = valueTarget(p, r, sc);
    double @Nullable [] m = valueScale(p, r);
    int d0 = s.partFirstDense[p];
    if (arity == 2 && m != null && s.regionNumParts[r] == 1 && leafyProducts(d0, rows, target, m, scale, out, cols)) {
      return true;
    }
    double[] v = sc.tile; // [unit][image of the tile]
    double[] inv = sc.colB;
    for (int first = 0; first < cols; first += TILE) {
      int width = Math.min(TILE, cols - first);
      for (int t = 0; t < width; t++) {
        int b = first + t;
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        if (arity == 2 && rows[0][b] >= 0 && rows[1][b] >= 0) {
          // The common case, in one loop: it is most of the height-1 time.
          double[] extremes = sc.extremes;
          NativeVector.rowProduct(q[d0], rows[0][b], q[d0 + 1], rows[1][b], out, v, t, TILE, extremes);
          max = extremes[0];
          min = extremes[1];
        } else {
          double[] u = sc.unit; // this image's product, contiguous; a missing pixel's factor is 1
          Arrays.fill(u, 0, out, 1.0);
          for (int i = 0; i < arity; i++) {
            int at = rows[i][b];
            if (at >= 0) {
              NativeVector table = q[d0 + i];
              for (int j = 0; j < out; j++) {
                u[j] *= table.get(at + j);
              }
            }
          }
          for (int j = 0; j < out; j++) {
            double x = u[j];
            v[j * TILE + t] = x;
            max = x > max ? x : max;
            min = x < min ? x : min;
          }
        }
        if (min < normal) {
          return false; // redone in log space by the general path
        }
        if (m != null) {
          m[b] = Math.log(max) + scale[b];
          inv[t] = 1.0 / max;
        }
      }
      for (int j = 0; j < out; j++) {
        int row = j * ld + first;
        int at = j * TILE;
        if (m != null) {
          target.putScaled(row, v, at, inv, width);
        } else {
          for (int t = 0; t < width; t++) {
            target.put(row + t, Math.log(v[at + t]) + scale[first + t]);
          }
        }
      }
    }
    return true;
  }

  /**
   * The common case of {@link #leafyLookup}: a region with one partition of two pixels, whose E only
   * parents' products read. E is the plain product of the two table rows (a missing pixel's factor is
   * 1) and m the children's summed scale: no per-image maximum, no rescaling, no log. E need not peak
   * at 1 for the products above, which are linear in it, and stays at most 1 because every table
   * entry does (a row of {@code q} averages probability ratios of at most 1 under a softmax row).
   *
   * <p>Returns false, having written nothing, unless every image's row minima multiply to a normal
   * value, which bounds every entry of its product from below: then nothing underflows.
   */
  private boolean leafyProducts(int d0, int[][] rows, NativeVector target, double[] m, double[] scale, int out,
      int cols) {
    double[] minA = qMin[d0];
    double[] minB = qMin[d0 + 1];
    for (int b = 0; b < cols; b++) {
      double lowA = rows[0][b] >= 0 ? minA[rows[0][b] / out] : 1.0;
      double lowB = rows[1][b] >= 0 ? minB[rows[1][b] / out] : 1.0;
      if (!(lowA * lowB >= normal)) {
        return false;
      }
    }
    NativeVector.rowProducts(q[d0], rows[0], q[d0 + 1], rows[1], target, out, cols, ld);
    System.arraycopy(scale, 0, m, 0, cols);
    return true;
  }

  /**
   * Returns where partition {@code p} of region {@code r} stores its value. Below the root with
   * E-consumers a partition keeps E and m: the region's own when it is the only partition, else its
   * own pair that the linear mixing layer combines; the root and log-space regions keep log-values.
   */
  private NativeVector valueTarget(int p, int r, Scratch sc) {
    if (fused[r]) {
      return java.util.Objects.requireNonNull(sc.leafOut, "a fused region is computed by its reader");
    }
    return keepsE(r) && s.regionNumParts[r] == 1 ? ev[r] : pv[p];
  }

  /** Returns the column log-scale m that goes with {@link #valueTarget}'s E, or null for log-values. */
  private double @Nullable [] valueScale(int p, int r) {
    return !keepsE(r) ? null : s.regionNumParts[r] == 1 ? mv[r] : ps[p];
  }

  private boolean keepsE(int r) {
    return usesE && r != s.root;
  }

  /**
   * Stores a partition's value given in linear space ({@code value = prod · exp(scale)}).
   *
   * <p>A single-partition inner region gets its E and m directly, with no exp or log per unit; the
   * root and the partitions of mixing regions get log-values. A column where a product underflows is
   * recomputed from the logs of its factors, so nothing is clamped.
   *
   * <p>It has {@code cols} columns; the factors' columns for column b are {@code at[i][b]} (CP: one
   * factor per child), or b when {@code at} is null (one factor, already scaled).
   */
  private void emit(int p, int r, int out, NativeVector prod, double[] scale, NativeVector[] factors,
      int @Nullable [][] at, int cols, Scratch sc) {
    double[] colMax = sc.colA;
    double[] colMin = sc.colB;
    resetExtremes(sc);
    for (int k = 0; k < out; k++) {
      int row = k * ld;
      for (int b = 0; b < cols; b++) {
        double v = prod.get(row + b);
        colMax[b] = Math.max(colMax[b], v);
        colMin[b] = Math.min(colMin[b], v);
      }
    }
    store(p, r, out, prod, scale, factors, at, cols, sc);
  }

  /** Starts the column extremes of a product ({@code sc.colA} the maxima, {@code sc.colB} the minima). */
  private void resetExtremes(Scratch sc) {
    Arrays.fill(sc.colA, 0, n, 0.0);
    Arrays.fill(sc.colB, 0, n, Double.POSITIVE_INFINITY);
  }

  /** The second half of {@link #emit}, given the product's column extremes in {@code sc.colA} and {@code sc.colB}. */
  private void store(int p, int r, int out, NativeVector prod, double[] scale, NativeVector[] factors,
      int @Nullable [][] at, int cols, Scratch sc) {
    NativeVector target = valueTarget(p, r, sc);
    double @Nullable [] m = valueScale(p, r);
    double[] colMax = sc.colA;
    double[] colMin = sc.colB;
    if (m != null) {
      for (int b = 0; b < cols; b++) {
        double max = colMax[b];
        m[b] = max == 0 ? Double.NEGATIVE_INFINITY : Math.log(max) + scale[b];
        colMin[b] = colMin[b] < normal ? -1 : 0; // -1: redo in log space (also when all of it underflowed)
        colMax[b] = max == 0 ? 0 : 1.0 / max;
      }
      NativeVector.scaleColumns(prod, target, colMax, out, cols, ld);
    } else {
      for (int b = 0; b < cols; b++) {
        colMin[b] = colMin[b] < normal ? -1 : 0;
      }
      for (int k = 0; k < out; k++) {
        int row = k * ld;
        for (int b = 0; b < cols; b++) {
          target.put(row + b, Math.log(prod.get(row + b)) + scale[b]);
        }
      }
    }
    for (int b = 0; b < cols; b++) {
      if (colMin[b] < 0) {
        logColumn(b, out, target, m, factors, at, s.partChildren[p].length, scale[b]);
      }
    }
  }

  /**
   * Recomputes one column in log space from the factors: {@code arity} of them, the child columns of
   * {@code at} (CP), or one, already scaled, when {@code at} is null.
   */
  private void logColumn(int b, int out, NativeVector target, double @Nullable [] m, NativeVector[] factors,
      int @Nullable [][] at, int arity, double scale) {
    int count = at != null ? arity : 1;
    double max = Double.NEGATIVE_INFINITY;
    double[] logs = new double[out];
    for (int k = 0; k < out; k++) {
      double v = scale;
      for (int i = 0; i < count; i++) {
        v += Math.log(factors[i].get(k * ld + (at != null ? at[i][b] : b)));
      }
      logs[k] = v;
      max = Math.max(max, v);
    }
    for (int k = 0; k < out; k++) {
      if (m == null) {
        target.put(k * ld + b, logs[k]);
      } else {
        target.put(k * ld + b, max == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(logs[k] - max));
      }
    }
    if (m != null) {
      m[b] = max;
    }
  }

  private void productDense(int p, Scratch sc) {
    int r = s.partRegion[p];
    int out = s.units[r];
    int d = s.partFirstDense[p];
    int in = s.denseIn[d];
    NativeVector z = zv != null ? zv[p] : sc.z;
    double[] scale = zs[p];
    int[] ch = s.partChildren[p];
    if (s.kind == LayerKind.CP_T) {
      for (int k = 0; k < in; k++) {
        int row = k * ld;
        for (int b = 0; b < n; b++) {
          double h = 0;
          for (int c : ch) {
            h += lv[c].get(row + b);
          }
          z.put(row + b, h);
        }
      }
      Numerics.expNormalise(z, z, scale, in, n, ld);
    } else {
      kronecker(ch, z, scale);
    }
    NativeVector dd = dv != null ? dv[d] : sc.d;
    NativeMemory.gemm(false, false, out, n, in, w[d], in, z, ld, 0.0, dd, ld);
    if (usesE) {
      sc.dk[0] = dd;
      emit(p, r, out, dd, scale, sc.dk, null, n, sc);
      return;
    }
    NativeVector target = pv[p];
    for (int k = 0; k < out; k++) {
      int row = k * ld;
      for (int b = 0; b < n; b++) {
        target.put(row + b, Math.log(dd.get(row + b)) + scale[b]);
      }
    }
  }

  /** Writes the Kronecker product of the children's E into z (rows in mixed radix, first child slowest). */
  private void kronecker(int[] ch, NativeVector z, double[] scale) {
    int rows = s.units[ch[0]];
    NativeVector e0 = ev[ch[0]];
    for (int k = 0; k < rows; k++) {
      for (int b = 0; b < n; b++) {
        z.put(k * ld + b, e0.get(k * ld + b));
      }
    }
    for (int b = 0; b < n; b++) {
      scale[b] = mv[ch[0]][b];
    }
    double[] tmp = new double[n];
    for (int i = 1; i < ch.length; i++) {
      int kc = s.units[ch[i]];
      NativeVector ec = ev[ch[i]];
      for (int old = rows - 1; old >= 0; old--) {
        for (int b = 0; b < n; b++) {
          tmp[b] = z.get(old * ld + b);
        }
        for (int k = kc - 1; k >= 0; k--) {
          int row = (old * kc + k) * ld;
          for (int b = 0; b < n; b++) {
            z.put(row + b, tmp[b] * ec.get(k * ld + b));
          }
        }
      }
      rows *= kc;
      for (int b = 0; b < n; b++) {
        scale[b] += mv[ch[i]][b];
      }
    }
  }

  /** Whether region r mixes its partitions in linear space (E and m per partition) rather than in logs. */
  private boolean linearMixing(int r) {
    return keepsE(r) && s.regionNumParts[r] > 1;
  }

  /**
   * Mixes the partitions of r in linear space: with M the largest partition scale of a column,
   * {@code V = Σ_q w_q · exp(m_q - M) · E_q}, then {@code E = V / max V} and {@code m = log max V + M}:
   * one exp per partition and column instead of per value. A column whose largest value is so small
   * that underflowed terms could matter is recomputed in log space.
   */
  private void mixingLinear(int r, Scratch sc) {
    int cols = columns(r);
    int np = s.regionNumParts[r];
    int units = s.units[r];
    int first = s.regionFirstPart[r];
    int off = s.mixOffset[r] - mixBase;
    NativeVector e = ev[r];
    double[] m = mv[r];
    boolean[] flag = mixFlag[r];
    double[] big = sc.colA;
    double[] colMax = sc.colB;
    double[] v = sc.msum;
    double[][] c = sc.coef;
    Arrays.fill(big, 0, cols, Double.NEGATIVE_INFINITY);
    for (int q = 0; q < np; q++) {
      double[] mq = ps[first + q];
      for (int b = 0; b < cols; b++) {
        big[b] = Math.max(big[b], mq[b]);
      }
    }
    for (int q = 0; q < np; q++) {
      double[] mq = ps[first + q];
      double[] cq = c[q];
      for (int b = 0; b < cols; b++) {
        cq[b] = big[b] == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(mq[b] - big[b]);
      }
    }
    Arrays.fill(colMax, 0, cols, 0.0);
    for (int k = 0; k < units; k++) {
      int row = k * ld;
      for (int q = 0; q < np; q++) {
        pv[first + q].accumulateScaled(mixLin[off + k * np + q], c[q], row, v, cols, q == 0);
      }
      e.putTrackingMax(row, v, colMax, cols);
    }
    boolean fallback = false;
    for (int b = 0; b < cols; b++) {
      if (big[b] == Double.NEGATIVE_INFINITY) {
        flag[b] = false;
        m[b] = Double.NEGATIVE_INFINITY;
        colMax[b] = 0.0;
        continue;
      }
      flag[b] = colMax[b] < mixFloor;
      fallback |= flag[b];
      m[b] = Math.log(colMax[b]) + big[b];
      colMax[b] = 1.0 / colMax[b];
    }
    NativeVector.scaleColumns(e, e, colMax, units, cols, ld);
    if (fallback) {
      for (int b = 0; b < cols; b++) {
        if (flag[b]) {
          mixColumnInLogSpace(r, b);
        }
      }
    }
  }

  /** Recomputes one column of a linear mixing region in log space from its partitions' E and m. */
  private void mixColumnInLogSpace(int r, int b) {
    int np = s.regionNumParts[r];
    int units = s.units[r];
    int first = s.regionFirstPart[r];
    int off = s.mixOffset[r] - mixBase;
    double[] terms = new double[np];
    double[] logs = new double[units];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < units; k++) {
      for (int q = 0; q < np; q++) {
        terms[q] = mixLog[off + k * np + q] + Math.log(pv[first + q].get(k * ld + b)) + ps[first + q][b];
      }
      logs[k] = Numerics.logSumExp(terms, 0, np);
      max = Math.max(max, logs[k]);
    }
    mv[r][b] = max;
    for (int k = 0; k < units; k++) {
      ev[r].put(k * ld + b, max == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(logs[k] - max));
    }
  }

  private void mixing(int r, Scratch sc) {
    if (linearMixing(r)) {
      mixingLinear(r, sc);
      return;
    }
    int np = s.regionNumParts[r];
    int units = s.units[r];
    int first = s.regionFirstPart[r];
    int off = s.mixOffset[r] - mixBase;
    int cols = columns(r);
    NativeVector target = lv[r];
    for (int k = 0; k < units; k++) {
      int row = k * ld;
      if (np == 2) {
        double a0 = mixLog[off + k * 2];
        double a1 = mixLog[off + k * 2 + 1];
        NativeVector p0 = pv[first];
        NativeVector p1 = pv[first + 1];
        for (int b = 0; b < cols; b++) {
          double x0 = a0 + p0.get(row + b);
          double x1 = a1 + p1.get(row + b);
          double hi = Math.max(x0, x1);
          double lo = Math.min(x0, x1);
          target.put(row + b, lo == Double.NEGATIVE_INFINITY ? hi : hi + Math.log(1.0 + Math.exp(lo - hi)));
        }
        continue;
      }
      for (int b = 0; b < cols; b++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int q = 0; q < np; q++) {
          max = Math.max(max, mixLog[off + k * np + q] + pv[first + q].get(row + b));
        }
        double value;
        if (max == Double.NEGATIVE_INFINITY) {
          value = max;
        } else {
          double sum = 0;
          for (int q = 0; q < np; q++) {
            sum += Math.exp(mixLog[off + k * np + q] + pv[first + q].get(row + b) - max);
          }
          value = max + Math.log(sum);
        }
        target.put(row + b, value);
      }
    }
    normalise(r);
  }

  // ---------------------------------------------------------------- backward

  @Override
  public void backward(double[] outputGradient, double[] gradient) {
    checkOpen();
    if (!training) {
      throw new IllegalStateException("this evaluator was created for inference; use Circuit.trainingEvaluator");
    }
    if (evidence == null) {
      throw new IllegalStateException("backward needs a logLikelihoods call first");
    }
    int c = s.units[s.root];
    if (outputGradient.length != n * c) {
      throw new IllegalArgumentException("output gradient has " + outputGradient.length + " entries, expected " + n * c);
    }
    if (gradient.length != s.numParams) {
      throw new IllegalArgumentException("gradient has " + gradient.length + " entries, expected " + s.numParams);
    }
    allocateGradients();
    long clear0 = System.nanoTime();
    double[][] gL = gl;
    parallel(s.numRegions, (t, r) -> {
      if (groupedPixel(r)) {
        // A pixel grouped by value: only its representatives' columns of the gradient by E are used.
        int[] rp = java.util.Objects.requireNonNull(rep)[r];
        NativeVector g = java.util.Objects.requireNonNull(ge)[r];
        for (int k = 0; k < s.units[r]; k++) {
          for (int j = 0; j < distinct[r]; j++) {
            g.put(k * ld + rp[j], 0.0);
          }
        }
        return;
      }
      Arrays.fill(gL[r], 0, s.units[r] * ld, 0.0);
      if (ge != null && ge[r] != null) {
        Numerics.zero(ge[r], s.units[r] * ld);
      }
    });
    clearNanos += System.nanoTime() - clear0;
    for (int y = 0; y < c; y++) {
      for (int b = 0; b < n; b++) {
        gL[s.root][y * ld + b] = outputGradient[b * c + y];
      }
    }
    for (int i = s.folds.size() - 1; i >= 0; i--) {
      Fold f = s.folds.get(i);
      long t0 = System.nanoTime();
      switch (f.type()) {
        case INPUT -> parallel(f.members().length, (t, j) -> inputBackward(f.members()[j], gradient));
        case CP_BLOCK -> parallel(f.members().length, (t, j) -> cpBlockBackward(f.members()[j], scratch[t], gradient));
        case PRODUCT_DENSE -> parallel(f.members().length,
            (t, j) -> productDenseBackward(f.members()[j], scratch[t], gradient));
        case MIXING -> parallel(f.members().length, (t, j) -> mixingBackward(f.members()[j], scratch[t], gradient));
      }
      clock.backward(i, System.nanoTime() - t0, n);
    }
  }

  @Override
  public List<FoldTiming> timings() {
    List<FoldTiming> out = new ArrayList<>(clock.timings());
    out.add(new FoldTiming("clearing gradients", 0, clearNanos / 1e9, 0, 0));
    return out;
  }

  @Override
  public void resetTimings() {
    clock.reset();
    clearNanos = 0;
  }

  private void allocateGradients() {
    if (gl != null) {
      return;
    }
    gl = new double[s.numRegions][];
    ge = usesE ? new NativeVector[s.numRegions] : null;
    gp = new double[s.numParts][];
    for (int r = 0; r < s.numRegions; r++) {
      gl[r] = new double[s.units[r] * cap];
      if (ge != null && r != s.root) {
        ge[r] = mem.allocate((long) s.units[r] * cap);
      }
    }
    for (int p = 0; p < s.numParts; p++) {
      int r = s.partRegion[p];
      gp[p] = s.regionNumParts[r] == 1 ? gl[r] : new double[s.units[r] * cap];
    }
  }

  /** Adds the gradient that reached r through E (CP, Tucker consumers) to d loss / d L_r. */
  private void finishRegionGradient(int r) {
    if (!keepsE(r)) {
      return;
    }
    NativeVector.addProduct(ev[r], ge[r], gl[r], s.units[r], n, ld);
  }

  /**
   * Backward of a linear mixing region: the responsibility of partition q for unit k is
   * {@code w_q · E_q · exp(m_q - m) / E}, in logs for the columns the forward pass computed in logs.
   */
  private void mixingLinearBackward(int r, Scratch sc, double[] gradient) {
    finishRegionGradient(r);
    int np = s.regionNumParts[r];
    int units = s.units[r];
    int first = s.regionFirstPart[r];
    int off = s.mixOffset[r] - mixBase;
    double[] g = gl[r];
    NativeVector er = ev[r];
    double[] mr = mv[r];
    boolean[] flag = mixFlag[r];
    double[][] c = sc.coef;
    for (int q = 0; q < np; q++) {
      double[] mq = ps[first + q];
      double[] cq = c[q];
      for (int b = 0; b < n; b++) {
        cq[b] = flag[b] || mr[b] == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(mq[b] - mr[b]);
      }
    }
    double[] ga = new double[np];
    for (int k = 0; k < units; k++) {
      int row = k * ld;
      for (int q = 0; q < np; q++) {
        double w = mixLin[off + k * np + q];
        double a = mixLog[off + k * np + q];
        double[] gq = gp[first + q];
        NativeVector eq = pv[first + q];
        double[] cq = c[q];
        double[] mq = ps[first + q];
        double acc = 0;
        for (int b = 0; b < n; b++) {
          double erv = er.get(row + b);
          double resp;
          if (erv == 0) {
            resp = 0.0;
          } else if (flag[b]) {
            resp = Math.exp(a + Math.log(eq.get(row + b)) + mq[b] - Math.log(erv) - mr[b]);
          } else {
            resp = w * eq.get(row + b) * cq[b] / erv;
          }
          double gv = g[row + b] * resp;
          gq[row + b] = gv;
          acc += gv;
        }
        ga[q] = acc;
      }
      Numerics.logSoftmaxBackward(mixLog, off + k * np, ga, gradient, off + mixBase + k * np, np);
    }
  }

  private void mixingBackward(int r, Scratch sc, double[] gradient) {
    if (linearMixing(r)) {
      mixingLinearBackward(r, sc, gradient);
      return;
    }
    finishRegionGradient(r);
    int np = s.regionNumParts[r];
    int units = s.units[r];
    int first = s.regionFirstPart[r];
    int off = s.mixOffset[r];
    double[] g = gl[r];
    NativeVector l = lv[r];
    double[] ga = new double[np];
    for (int k = 0; k < units; k++) {
      int row = k * ld;
      Arrays.fill(ga, 0);
      for (int q = 0; q < np; q++) {
        double a = mixLog[off - mixBase + k * np + q];
        double[] gq = gp[first + q];
        NativeVector pq = pv[first + q];
        double acc = 0;
        for (int b = 0; b < n; b++) {
          double lb = l.get(row + b);
          double resp = lb == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(a + pq.get(row + b) - lb);
          double v = g[row + b] * resp;
          gq[row + b] = v;
          acc += v;
        }
        ga[q] = acc;
      }
      Numerics.logSoftmaxBackward(mixLog, off - mixBase + k * np, ga, gradient, off + k * np, np);
    }
  }

  private double[] partitionGradient(int p) {
    int r = s.partRegion[p];
    if (s.regionNumParts[r] == 1) {
      finishRegionGradient(r);
    }
    return gp[p];
  }

  private void cpBlockBackward(int p, Scratch sc, double[] gradient) {
    double[] g = partitionGradient(p);
    int out = s.units[s.partRegion[p]];
    int[] ch = s.partChildren[p];
    for (int i = 0; i < ch.length; i++) {
      int c = ch[i];
      int d = s.partFirstDense[p] + i;
      int in = s.denseIn[d];
      boolean grouped = onDistinct(c);
      if (grouped) {
        // The dense output is the same in all the examples of a group of c, so the weight gradient
        // needs GD = g / D summed per group only: (Σ g) / D.
        int count = distinct[c];
        int[] rp = java.util.Objects.requireNonNull(rep)[c];
        NativeVector.groupedQuotient(g, ld, out, java.util.Objects.requireNonNull(slot)[c], n, dv[d], rp,
            sc.outDistinct, count, sc.groupSum);
        NativeVector.gatherColumns(ev[c], ld, in, rp, count, sc.inDistinct, count);
        denseWeightGradient(d, sc, sc.outDistinct, sc.inDistinct, count, count, gradient);
      }
      if (grouped && c < s.numVars) {
        // A pixel's gradient is only ever summed over the examples with one value: it all goes to the
        // value's representative.
        int count = distinct[c];
        NativeMemory.gemm(true, false, in, count, out, w[d], in, sc.outDistinct, count, 0.0, sc.gradDistinct, count);
        synchronized (locks[c]) {
          NativeVector.addToColumns(sc.gradDistinct, count, in, java.util.Objects.requireNonNull(rep)[c], ge[c], ld);
        }
        continue;
      }
      NativeVector.quotient(g, dv[d], sc.gd, out, n, ld);
      if (!grouped) {
        denseWeightGradient(d, sc, sc.gd, ev[c], n, ld, gradient);
      }
      synchronized (locks[c]) {
        NativeMemory.gemm(true, false, in, n, out, w[d], in, sc.gd, ld, 1.0, ge[c], ld);
      }
    }
  }

  /**
   * Computes d loss / d W = GD · input^T over {@code cols} columns (leading dimension {@code ldc} in
   * both) and adds it, through the row softmax, to the logits' gradient.
   */
  private void denseWeightGradient(int d, Scratch sc, NativeVector gd, NativeVector input, int cols, int ldc,
      double[] gradient) {
    int out = s.denseOut[d];
    int in = s.denseIn[d];
    NativeMemory.gemm(false, true, out, in, cols, gd, ldc, input, ldc, 0.0, sc.gw, in);
    NativeVector wd = w[d];
    int off = s.denseOffset[d];
    for (int j = 0; j < out; j++) {
      double dot = 0;
      for (int k = 0; k < in; k++) {
        dot += wd.get(j * in + k) * sc.gw.get(j * in + k);
      }
      for (int k = 0; k < in; k++) {
        gradient[off + j * in + k] += wd.get(j * in + k) * (sc.gw.get(j * in + k) - dot);
      }
    }
  }

  private void productDenseBackward(int p, Scratch sc, double[] gradient) {
    double[] g = partitionGradient(p);
    int out = s.units[s.partRegion[p]];
    int d = s.partFirstDense[p];
    int in = s.denseIn[d];
    NativeVector z = zv[p];
    NativeVector.quotient(g, dv[d], sc.gd, out, n, ld);
    denseWeightGradient(d, sc, sc.gd, z, n, ld, gradient);
    NativeMemory.gemm(true, false, in, n, out, w[d], in, sc.gd, ld, 0.0, sc.gz, ld);
    int[] ch = s.partChildren[p];
    if (s.kind == LayerKind.CP_T) {
      // d/dH = Z ⊙ GZ, and H = Σ L_c.
      double[] gh = sc.heap;
      for (int k = 0; k < in; k++) {
        int row = k * ld;
        for (int b = 0; b < n; b++) {
          gh[row + b] = z.get(row + b) * sc.gz.get(row + b);
        }
      }
      for (int c : ch) {
        synchronized (locks[c]) {
          double[] gc = gl[c];
          for (int idx = 0; idx < in * ld; idx++) {
            gc[idx] += gh[idx];
          }
        }
      }
    } else {
      kroneckerBackward(ch, sc);
    }
  }

  /** Distributes GZ over the children of a Kronecker product: d/dE_i = Σ GZ · Π_{j≠i} E_j. */
  private void kroneckerBackward(int[] ch, Scratch sc) {
    int arity = ch.length;
    int rows = 1;
    for (int c : ch) {
      rows *= s.units[c];
    }
    double[][] acc = new double[arity][];
    for (int i = 0; i < arity; i++) {
      acc[i] = new double[s.units[ch[i]] * n];
    }
    int[] digit = new int[arity];
    for (int row = 0; row < rows; row++) {
      int rem = row;
      for (int i = arity - 1; i >= 0; i--) {
        int kc = s.units[ch[i]];
        digit[i] = rem % kc;
        rem /= kc;
      }
      for (int b = 0; b < n; b++) {
        double gz = sc.gz.get(row * ld + b);
        for (int i = 0; i < arity; i++) {
          double prod = gz;
          for (int j = 0; j < arity; j++) {
            if (j != i) {
              prod *= ev[ch[j]].get(digit[j] * ld + b);
            }
          }
          acc[i][digit[i] * n + b] += prod;
        }
      }
    }
    for (int i = 0; i < arity; i++) {
      int c = ch[i];
      synchronized (locks[c]) {
        NativeVector target = ge[c];
        for (int k = 0; k < s.units[c]; k++) {
          for (int b = 0; b < n; b++) {
            target.put(k * ld + b, target.get(k * ld + b) + acc[i][k * n + b]);
          }
        }
      }
    }
  }

  private void inputBackward(int var, double[] gradient) {
    Evidence e = evidence;
    int kin = s.spec.inputUnits();
    int cats = s.numCategories;
    int[] values = e.values();
    boolean[] missing = e.missing();
    boolean grouped = groupedPixel(var);
    // Grouped, the gradient by E is in the columns of the values' representatives only (see cpBlockBackward).
    int[] columns = grouped ? java.util.Objects.requireNonNull(rep)[var] : null;
    int count = grouped ? distinct[var] : n;
    if (!grouped) {
      finishRegionGradient(var);
    }
    double[] g = gl[var];
    NativeVector gE = grouped ? java.util.Objects.requireNonNull(ge)[var] : null;
    NativeVector eV = grouped ? java.util.Objects.requireNonNull(ev)[var] : null;
    for (int k = 0; k < kin; k++) {
      int base = s.inputOffset(var, k);
      int row = k * ld;
      double total = 0;
      for (int j = 0; j < count; j++) {
        int b = columns != null ? columns[j] : j;
        int idx = b * s.numVars + var;
        if (missing != null && missing[idx]) {
          continue;
        }
        // d/dlog p = E · d/dE, as finishRegionGradient gives it.
        double gv = gE != null && eV != null ? eV.get(row + b) * gE.get(row + b) : g[row + b];
        gradient[base + values[idx]] += gv;
        total += gv;
      }
      if (total != 0) {
        // Along the gradient's row; the probabilities ([category][unit]) go by a constant stride.
        for (int u = 0; u < cats; u++) {
          gradient[base + u] -= inputProb[(var * cats + u) * kin + k] * total;
        }
      }
    }
  }

  // ---------------------------------------------------------------- plumbing

  private void parallel(int count, Workers.MemberTask task) {
    workers.run(count, task);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("evaluator is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      workers.close();
      mem.close();
    }
  }

  /** Images per tile where a pass writes unit rows: one cache line of float32 values per row. */
  private static final int TILE = 16;
  /** Rows per block of a transposing copy: eight doubles fill a cache line. */
  private static final int TILE_T = 8;

  /** Per-thread working memory. */
  private static final class Scratch {
    final NativeVector d;
    final NativeVector z;
    final NativeVector gd;
    final NativeVector gz;
    final NativeVector gw;
    final double[] heap;
    final double[] msum;
    final double[] colA;
    final double[] colB;
    final int[] index;
    final int[][] bases;
    final boolean[] flags;
    final NativeVector prod;
    final NativeVector[] dk;
    final NativeVector[] dkOwned;
    final double[][] coef;
    final double[] row;
    final double[] rows; // TILE_T rows of categories, for transposing copies
    final double[] tile;
    final double[] extremes = new double[2]; // a row product's largest and smallest value
    final double[] unit;
    final double[] pixel;
    final NativeVector pixelA;
    /** Per child of a partition: the E of a fused child, computed just before the product. */
    final NativeVector[] fusedE;
    /** Where the partition of a fused region being computed stores its E. */
    @Nullable NativeVector leafOut;
    /** Per pixel value, its column among the batch's distinct values while they are grouped; else -1. */
    final int[] seen;
    /** A region's E on one example per group ([in x distinct]). */
    final NativeVector inDistinct;
    /** A dense layer's outputs, or their gradient summed per group, on one example per group ([out x distinct]). */
    final NativeVector outDistinct;
    /** The gradient by a pixel's E on its distinct values ([in x distinct]). */
    final NativeVector gradDistinct;
    /** Open-addressing table from a pair of child groups to a region's group ({@code groups} -1 where free). */
    final int[] keys;
    final int[] groups;
    final int[] cells;
    /** Partial sums of a row of a dense layer's output gradient per group (see groupedQuotient). */
    final double[] groupSum;
    /** 0, 1, 2, ...: every column its own (see childColumns). */
    final int[] same;
    /** Per child of a partition, its columns for the region's (see childColumns); rows of {@code atOwned} or {@code same}. */
    final int[][] at;
    final int[][] atOwned;

    Scratch(NativeMemory mem, int maxOut, int maxIn, int maxUnits, int maxArity, int maxParts, int rowLength,
        int pixelLength, int cap, boolean training, int fusedChildren, int categories) {
      seen = new int[categories + 1];
      Arrays.fill(seen, -1);
      same = new int[cap];
      Arrays.setAll(same, i -> i);
      at = new int[maxArity][];
      atOwned = new int[training ? 0 : maxArity][cap];
      inDistinct = mem.allocate((long) maxIn * cap);
      outDistinct = mem.allocate((long) maxOut * cap);
      gradDistinct = mem.allocate(training ? (long) maxIn * cap : 1);
      groupSum = new double[training ? 4 * cap : 0];
      int table = Integer.highestOneBit(Math.max(2, 2 * cap - 1)) << 1; // a power of two of at least 2 cap
      keys = new int[table];
      groups = new int[table];
      Arrays.fill(groups, -1);
      cells = new int[cap];
      coef = new double[maxParts][cap];
      row = new double[rowLength];
      rows = new double[TILE_T * rowLength];
      tile = new double[maxUnits * TILE];
      unit = new double[maxUnits];
      pixel = new double[pixelLength];
      pixelA = mem.allocate(pixelLength);
      fusedE = new NativeVector[fusedChildren];
      for (int i = 0; i < fusedChildren; i++) {
        fusedE[i] = mem.allocate((long) maxUnits * cap);
      }
      msum = new double[cap];
      colA = new double[cap];
      colB = new double[cap];
      index = new int[cap];
      bases = new int[training ? 0 : maxArity][cap];
      flags = new boolean[cap];
      prod = mem.allocate((long) maxOut * cap);
      dk = new NativeVector[maxArity];
      dkOwned = new NativeVector[training ? 0 : maxArity];
      for (int i = 0; i < dkOwned.length; i++) {
        dkOwned[i] = mem.allocate((long) maxOut * cap);
      }
      d = mem.allocate((long) maxOut * cap);
      z = mem.allocate((long) maxIn * cap);
      gd = training ? mem.allocate((long) maxOut * cap) : d;
      gz = training ? mem.allocate((long) maxIn * cap) : z;
      gw = training ? mem.allocate((long) maxOut * maxIn) : d;
      heap = new double[training ? Math.max(maxIn, maxUnits) * cap : 0];
    }
  }
}
