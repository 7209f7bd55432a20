package io.circuitstream.engine.regiongraph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable region graph: a DAG of regions over a set of variables, where each inner region is split by one or
 * more partitions into disjoint child regions.
 *
 * <p>Regions are identified by {@code int} ids numbered in topological order: the leaves come first, with leaf
 * {@code i} holding the single variable {@code i}, and every child id is smaller than its parent's id. The root is
 * the last region, {@code numRegions() - 1}, and its scope is the set of all variables. A graph over one variable
 * consists of that single leaf, which is then also the root.
 *
 * <p><b>Scopes</b>: the scope of an inner region is the union of the scopes of its first partition's children;
 * every other partition of the region covers exactly the same scope, and the children of a partition have pairwise
 * disjoint scopes. For image graphs the variable id of pixel (row {@code r}, column {@code c}) of an H×W image is
 * {@code r * W + c}.
 *
 * <p>Instances are built by the factories in {@link RegionGraphs} or, for custom structures, by a {@link Builder}
 * obtained from {@link #builder(int)}. All array-returning accessors return fresh copies.
 */
public final class RegionGraph {

  private final String name;
  private final int numVariables;
  /** Scope of every region, sorted ascending; never exposed without copying. */
  private final int[][] scopes;
  /** {@code partitions[region][partition]} = child ids; empty for leaves. */
  private final int[][][] partitions;
  private final int numPartitions;

  private RegionGraph(String name, int numVariables, int[][] scopes, int[][][] partitions) {
    this.name = name;
    this.numVariables = numVariables;
    this.scopes = scopes;
    this.partitions = partitions;
    int total = 0;
    for (int[][] p : partitions) {
      total += p.length;
    }
    this.numPartitions = total;
  }

  /**
   * Returns a builder for a custom region graph over {@code numVariables} variables.
   *
   * <p>The builder starts with the leaves {@code 0..numVariables-1} already present; inner regions are added with
   * {@link Builder#addRegion(int[]...)}.
   *
   * @param numVariables the number of variables, at least 1
   * @return a new builder
   * @throws IllegalArgumentException if {@code numVariables} is not positive
   */
  public static Builder builder(int numVariables) {
    return new Builder(numVariables);
  }

  /**
   * Returns a short human-readable name of this graph, such as {@code "quad-graph 28x28"}.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the number of variables, which is also the number of leaves.
   *
   * @return the number of variables
   */
  public int numVariables() {
    return numVariables;
  }

  /**
   * Returns the number of regions, leaves and inner regions together.
   *
   * @return the number of regions
   */
  public int numRegions() {
    return scopes.length;
  }

  /**
   * Returns the number of inner (non-leaf) regions.
   *
   * @return {@code numRegions() - numVariables()}
   */
  public int numInnerRegions() {
    return scopes.length - numVariables;
  }

  /**
   * Returns the id of the root region, which is always the last region.
   *
   * @return {@code numRegions() - 1}
   */
  public int root() {
    return scopes.length - 1;
  }

  /**
   * Tells whether a region is a leaf.
   *
   * <p>Leaves are exactly the ids {@code 0..numVariables()-1}, and leaf {@code i} has scope {@code {i}}.
   *
   * @param region a region id
   * @return {@code true} if the region is a leaf
   * @throws IndexOutOfBoundsException if {@code region} is not a region id
   */
  public boolean isLeaf(int region) {
    Objects.checkIndex(region, scopes.length);
    return region < numVariables;
  }

  /**
   * Returns the variables of a region, sorted ascending.
   *
   * @param region a region id
   * @return a fresh copy of the region's scope
   * @throws IndexOutOfBoundsException if {@code region} is not a region id
   */
  public int[] scope(int region) {
    return scopes[Objects.checkIndex(region, scopes.length)].clone();
  }

  /**
   * Returns the number of partitions of a region.
   *
   * @param region a region id
   * @return the number of partitions, 0 for a leaf and at least 1 for an inner region
   * @throws IndexOutOfBoundsException if {@code region} is not a region id
   */
  public int numPartitions(int region) {
    return partitions[Objects.checkIndex(region, scopes.length)].length;
  }

  /**
   * Returns the child regions of one partition of a region.
   *
   * @param region a region id
   * @param partition a partition index, from 0 to {@code numPartitions(region) - 1}
   * @return a fresh copy of the child ids, at least 2 of them, each smaller than {@code region}
   * @throws IndexOutOfBoundsException if {@code region} or {@code partition} is out of range
   */
  public int[] children(int region, int partition) {
    int[][] p = partitions[Objects.checkIndex(region, scopes.length)];
    return p[Objects.checkIndex(partition, p.length)].clone();
  }

  /**
   * Returns the total number of partitions over all regions.
   *
   * @return the number of partitions
   */
  public int numPartitions() {
    return numPartitions;
  }

  @Override
  public String toString() {
    return "RegionGraph[" + name + ", " + numVariables + " variables, " + numInnerRegions() + " inner regions, "
        + numPartitions + " partitions]";
  }

  /**
   * A mutable builder of a {@link RegionGraph}; the last region added becomes the root.
   *
   * <p>The builder starts with the leaves {@code 0..numVariables-1}. Each {@link #addRegion(int[]...)} call adds one
   * inner region and returns its id, which is the next free id. Nothing is checked until {@link #build()}.
   */
  public static final class Builder {

    private final int numVariables;
    private final List<int[][]> regions = new ArrayList<>();
    private String name = "custom";

    private Builder(int numVariables) {
      if (numVariables < 1) {
        throw new IllegalArgumentException("numVariables must be positive, was " + numVariables);
      }
      this.numVariables = numVariables;
    }

    /** Sets the name of the graph to build; package-private, used by the factories in {@link RegionGraphs}. */
    Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Adds an inner region with the given partitions and returns its id.
     *
     * <p>Each partition lists the ids of its child regions, which must already exist (leaves or regions added
     * before). The scope of the new region is the union of its first partition's children.
     *
     * @param partitions the partitions of the region, each an array of child ids; the arrays are copied
     * @return the id of the new region
     * @throws NullPointerException if {@code partitions} or one of its elements is null
     */
    public int addRegion(int[]... partitions) {
      Objects.requireNonNull(partitions, "partitions");
      int[][] copy = new int[partitions.length][];
      for (int i = 0; i < partitions.length; i++) {
        copy[i] = Objects.requireNonNull(partitions[i], "partitions[" + i + "]").clone();
      }
      regions.add(copy);
      return numVariables + regions.size() - 1;
    }

    /**
     * Validates the structure and returns the immutable graph; the last region added is the root.
     *
     * <p>With no region added, the graph is the single leaf of a one-variable graph.
     *
     * @return the region graph
     * @throws IllegalArgumentException if a region has no partition, a partition has fewer than 2 children, a child
     *     id is negative or not smaller than its parent's id, the children of a partition overlap, a partition does
     *     not cover the region's scope, a region is unreachable from the root, or the root scope is not all
     *     variables
     */
    public RegionGraph build() {
      int numRegions = numVariables + regions.size();
      int[][] scopes = new int[numRegions][];
      int[][][] parts = new int[numRegions][][];
      for (int v = 0; v < numVariables; v++) {
        scopes[v] = new int[] {v};
        parts[v] = new int[0][];
      }
      // mark[v] == stamp means variable v was already seen in the current partition.
      int[] mark = new int[numVariables];
      int stamp = 0;
      for (int i = 0; i < regions.size(); i++) {
        int region = numVariables + i;
        int[][] regionParts = regions.get(i);
        if (regionParts.length == 0) {
          throw new IllegalArgumentException("region " + region + " has no partitions");
        }
        for (int p = 0; p < regionParts.length; p++) {
          int[] children = regionParts[p];
          String where = "region " + region + " partition " + p;
          if (children.length < 2) {
            throw new IllegalArgumentException(
                where + " has " + children.length + " children; a partition needs at least 2");
          }
          stamp++;
          int size = 0;
          for (int child : children) {
            if (child < 0) {
              throw new IllegalArgumentException(where + ": child id " + child + " is negative");
            }
            if (child >= region) {
              throw new IllegalArgumentException(
                  where + ": child id " + child + " is not smaller than its parent id " + region);
            }
            for (int v : scopes[child]) {
              if (mark[v] == stamp) {
                throw new IllegalArgumentException(
                    where + ": children scopes overlap on variable " + v);
              }
              mark[v] = stamp;
            }
            size += scopes[child].length;
          }
          int[] union = new int[size];
          int k = 0;
          for (int child : children) {
            int[] s = scopes[child];
            System.arraycopy(s, 0, union, k, s.length);
            k += s.length;
          }
          Arrays.sort(union);
          if (p == 0) {
            scopes[region] = union;
          } else if (!Arrays.equals(union, scopes[region])) {
            throw new IllegalArgumentException(
                where + ": union of children scopes (" + union.length + " variables) differs from the region"
                    + " scope given by partition 0 (" + scopes[region].length + " variables)");
          }
        }
        parts[region] = regionParts.clone();
        for (int p = 0; p < regionParts.length; p++) {
          parts[region][p] = regionParts[p].clone();
        }
      }
      int root = numRegions - 1;
      if (scopes[root].length != numVariables) {
        throw new IllegalArgumentException(
            "root scope is not all variables: root " + root + " covers " + scopes[root].length + " of "
                + numVariables);
      }
      boolean[] reachable = new boolean[numRegions];
      reachable[root] = true;
      // Children have smaller ids, so one descending sweep propagates reachability from the root.
      for (int region = root; region >= numVariables; region--) {
        if (!reachable[region]) {
          throw new IllegalArgumentException("region " + region + " is unreachable from the root " + root);
        }
        for (int[] children : parts[region]) {
          for (int child : children) {
            reachable[child] = true;
          }
        }
      }
      // Leaves are reachable whenever the root scope covers all variables; kept as a defensive check.
      for (int v = 0; v < numVariables; v++) {
        if (!reachable[v]) {
          throw new IllegalArgumentException("region " + v + " is unreachable from the root " + root);
        }
      }
      return new RegionGraph(name, numVariables, scopes, parts);
    }
  }
}
