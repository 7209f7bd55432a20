package io.circuitstream.engine.circuit;

import io.circuitstream.engine.regiongraph.RegionGraph;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The symbolic circuit: layers, their parameter layout and the folded evaluation schedule.
 *
 * <p>Built once from a {@link CircuitSpec}; immutable. Region {@code r} has {@code units[r]} units
 * (input units for pixels, the class count for the root, sum units otherwise). Parameters are one
 * flat vector: input logits {@code [pixel][unit][category]}, then each dense layer's logits
 * {@code [out][in]} (a softmax over {@code in} per row), then each mixing layer's logits
 * {@code [unit][partition]} (a softmax over partitions per unit).
 */
final class Structure {

  /** What a fold does for each of its members. */
  enum FoldType {
    /** All pixels' categorical input layers; members are leaf regions. */
    INPUT,
    /** Dense layers, then their product (CP); members are partitions. */
    CP_BLOCK,
    /** Product of the children, then one dense layer (CP-T, Tucker); members are partitions. */
    PRODUCT_DENSE,
    /** Sum over a region's partitions; members are regions. */
    MIXING
  }

  /** A group of layers of equal kind and shape at the same depth, evaluated together. */
  record Fold(FoldType type, int height, int[] members, int symbolicLayers, String description) {}

  final CircuitSpec spec;
  final RegionGraph graph;
  final LayerKind kind;
  final int numVars;
  final int numRegions;
  final int root;
  final int numCategories;
  final int[] units;
  final int[] height;
  final int maxHeight;

  final int numParts;
  final int[] partRegion;
  final int[][] partChildren;
  final int[] regionFirstPart;
  final int[] regionNumParts;

  /** Dense layers: one per (partition, child) for CP, one per partition otherwise. */
  final int numDense;
  final int[] denseOut;
  final int[] denseIn;
  final int[] denseOffset;
  /** For CP: the dense layers of partition p are {@code partFirstDense[p] + i} for child i. */
  final int[] partFirstDense;

  /** Mixing parameters of region r, or -1 when it has one partition. */
  final int[] mixOffset;
  final int numMixing;

  final int numParams;
  final int inputLayers;
  final List<Fold> folds;

  Structure(CircuitSpec spec) {
    this(spec, spec.buildRegionGraph());
  }

  Structure(CircuitSpec spec, RegionGraph graph) {
    if (graph.numVariables() != spec.numVariables()) {
      throw new IllegalArgumentException(
          "region graph has " + graph.numVariables() + " variables, spec has " + spec.numVariables());
    }
    this.spec = spec;
    this.graph = graph;
    this.kind = spec.layerKind();
    this.numVars = graph.numVariables();
    this.numRegions = graph.numRegions();
    this.root = graph.root();
    this.numCategories = spec.numCategories();
    if (graph.isLeaf(root)) {
      throw new IllegalArgumentException("the region graph's root is a single pixel; a circuit needs 2 or more");
    }

    units = new int[numRegions];
    height = new int[numRegions];
    regionFirstPart = new int[numRegions];
    regionNumParts = new int[numRegions];
    List<int[]> children = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    int maxH = 0;
    for (int r = 0; r < numRegions; r++) {
      regionFirstPart[r] = children.size();
      if (graph.isLeaf(r)) {
        units[r] = spec.inputUnits();
        continue;
      }
      units[r] = r == root ? spec.numClasses() : spec.sumUnits();
      int np = graph.numPartitions(r);
      regionNumParts[r] = np;
      int h = 0;
      for (int p = 0; p < np; p++) {
        int[] ch = graph.children(r, p);
        children.add(ch);
        owner.add(r);
        for (int c : ch) {
          h = Math.max(h, height[c]);
        }
      }
      height[r] = h + 1;
      maxH = Math.max(maxH, h + 1);
    }
    maxHeight = maxH;
    numParts = children.size();
    partChildren = children.toArray(new int[0][]);
    partRegion = owner.stream().mapToInt(Integer::intValue).toArray();

    long offset = (long) numVars * spec.inputUnits() * numCategories;
    partFirstDense = new int[numParts];
    List<int[]> dense = new ArrayList<>(); // {out, in}
    for (int p = 0; p < numParts; p++) {
      int out = units[partRegion[p]];
      partFirstDense[p] = dense.size();
      int[] ch = partChildren[p];
      switch (kind) {
        case CP -> {
          for (int c : ch) {
            dense.add(new int[] {out, units[c]});
          }
        }
        case CP_T -> {
          int k = units[ch[0]];
          for (int c : ch) {
            if (units[c] != k) {
              throw new IllegalArgumentException("cp-t needs children with equal units");
            }
          }
          dense.add(new int[] {out, k});
        }
        case TUCKER -> {
          long in = 1;
          for (int c : ch) {
            in *= units[c];
          }
          if (in > (1 << 16)) {
            throw new IllegalArgumentException(
                "tucker: a " + ch.length + "-way partition of " + units[ch[0]] + " units needs " + in
                    + " inputs per dense unit (limit 65536); use fewer units or the cp layer kind");
          }
          dense.add(new int[] {out, (int) in});
        }
      }
    }
    numDense = dense.size();
    denseOut = new int[numDense];
    denseIn = new int[numDense];
    denseOffset = new int[numDense];
    for (int d = 0; d < numDense; d++) {
      denseOut[d] = dense.get(d)[0];
      denseIn[d] = dense.get(d)[1];
      denseOffset[d] = checkedOffset(offset);
      offset += (long) denseOut[d] * denseIn[d];
    }
    mixOffset = new int[numRegions];
    int mixing = 0;
    for (int r = 0; r < numRegions; r++) {
      mixOffset[r] = -1;
      if (regionNumParts[r] > 1) {
        mixOffset[r] = checkedOffset(offset);
        offset += (long) units[r] * regionNumParts[r];
        mixing++;
      }
    }
    numMixing = mixing;
    numParams = checkedOffset(offset);
    inputLayers = numVars;
    folds = Collections.unmodifiableList(schedule());
  }

  private static int checkedOffset(long offset) {
    if (offset > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("circuit has more than 2^31 parameters; use fewer units");
    }
    return (int) offset;
  }

  /** Groups layers by depth, kind and shape, in evaluation order. */
  private List<Fold> schedule() {
    List<Fold> out = new ArrayList<>();
    int[] leaves = new int[numVars];
    for (int v = 0; v < numVars; v++) {
      leaves[v] = v;
    }
    out.add(new Fold(FoldType.INPUT, 0, leaves, numVars,
        "input categorical x" + numVars + " [" + spec.inputUnits() + "x" + numCategories + "]"));
    for (int h = 1; h <= maxHeight; h++) {
      Map<String, List<Integer>> blocks = new LinkedHashMap<>();
      for (int p = 0; p < numParts; p++) {
        if (height[partRegion[p]] != h) {
          continue;
        }
        int[] ch = partChildren[p];
        StringBuilder key = new StringBuilder().append(units[partRegion[p]]).append('<');
        for (int c : ch) {
          key.append(units[c]).append(',');
        }
        blocks.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(p);
      }
      FoldType blockType = kind == LayerKind.CP ? FoldType.CP_BLOCK : FoldType.PRODUCT_DENSE;
      for (Map.Entry<String, List<Integer>> e : blocks.entrySet()) {
        int[] members = e.getValue().stream().mapToInt(Integer::intValue).toArray();
        int arity = partChildren[members[0]].length;
        int layers = kind == LayerKind.CP ? members.length * (arity + 1) : members.length * 2;
        out.add(new Fold(blockType, h, members, layers,
            kind.id() + " block x" + members.length + " [out<in: " + e.getKey() + "]"));
      }
      Map<String, List<Integer>> mixes = new LinkedHashMap<>();
      for (int r = 0; r < numRegions; r++) {
        if (height[r] == h && regionNumParts[r] > 1) {
          mixes.computeIfAbsent(units[r] + "x" + regionNumParts[r], k -> new ArrayList<>()).add(r);
        }
      }
      for (Map.Entry<String, List<Integer>> e : mixes.entrySet()) {
        int[] members = e.getValue().stream().mapToInt(Integer::intValue).toArray();
        out.add(new Fold(FoldType.MIXING, h, members, members.length, "mixing x" + members.length + " [" + e.getKey() + "]"));
      }
    }
    return out;
  }

  /** Returns the number of layers before folding: inputs, dense, products and mixing layers. */
  int layersUnfolded() {
    return folds.stream().mapToInt(Fold::symbolicLayers).sum();
  }

  /** Returns the number of folded layers: a CP block fold counts as a dense fold plus a product fold. */
  int layersFolded() {
    int n = 0;
    for (Fold f : folds) {
      n += f.type() == FoldType.CP_BLOCK || f.type() == FoldType.PRODUCT_DENSE ? 2 : 1;
    }
    return n;
  }

  /** Returns the input-logit offset of pixel {@code v}, unit {@code k}. */
  int inputOffset(int v, int k) {
    return (v * spec.inputUnits() + k) * numCategories;
  }

  /** Returns the dense-layer flops per example of a fold's forward pass (2 per multiply-add). */
  double denseFlopsPerExample(Fold f) {
    if (f.type() != FoldType.CP_BLOCK && f.type() != FoldType.PRODUCT_DENSE) {
      return 0;
    }
    double flops = 0;
    for (int p : f.members()) {
      int dense = kind == LayerKind.CP ? partChildren[p].length : 1;
      for (int i = 0; i < dense; i++) {
        int d = partFirstDense[p] + i;
        flops += 2.0 * denseOut[d] * denseIn[d];
      }
    }
    return flops;
  }
}
