package io.circuitstream.engine.regiongraph;

import java.util.List;
import java.util.Objects;

/**
 * Factories for the supported region graphs: quad trees and the quad graph over images, and random binary trees.
 *
 * <p>The image graphs start from the H×W grid of pixel leaves and repeatedly merge 2×2 blocks of the current grid
 * into one region until one region covers the image; at the bottom or right edge of an odd-sized grid a block merges
 * two regions, or passes a single region through unchanged. Variable ids are {@code row * width + column}. All
 * factories are deterministic; the random one is deterministic for a given seed.
 */
public final class RegionGraphs {

  /** The default seed of {@link #randomBinaryTree(int, int, long)} where a caller has no seed of its own. */
  public static final long DEFAULT_SEED = 42L;

  private static final List<String> NAMES = List.of("quad-tree-2", "quad-tree-4", "quad-graph", "random-binary-tree");

  private RegionGraphs() {}

  /**
   * Returns the binary quad tree over an H×W image.
   *
   * <p>A 2×2 block is merged in two steps: each row pair becomes a region (top = (TL, TR), bottom = (BL, BR)), then
   * the block region is (top, bottom). A 1×2 block is (L, R) and a 2×1 block is (T, B).
   *
   * @param height the image height, at least 1
   * @param width the image width, at least 1
   * @return the region graph, named {@code "quad-tree-2 HxW"}
   * @throws IllegalArgumentException if a dimension is not positive
   */
  public static RegionGraph quadTree2(int height, int width) {
    return QuadConstruction.build(QuadConstruction.Kind.TREE_2, height, width);
  }

  /**
   * Returns the 4-ary quad tree over an H×W image.
   *
   * <p>A 2×2 block is one region with a single 4-way partition (TL, TR, BL, BR); an edge block of two regions is one
   * 2-way partition.
   *
   * @param height the image height, at least 1
   * @param width the image width, at least 1
   * @return the region graph, named {@code "quad-tree-4 HxW"}
   * @throws IllegalArgumentException if a dimension is not positive
   */
  public static RegionGraph quadTree4(int height, int width) {
    return QuadConstruction.build(QuadConstruction.Kind.TREE_4, height, width);
  }

  /**
   * Returns the quad graph over an H×W image, a DAG in which regions are shared by two parents.
   *
   * <p>A 2×2 block gets the regions top = (TL, TR), bottom = (BL, BR), left = (TL, BL) and right = (TR, BR), and the
   * block region gets two partitions, (top, bottom) and (left, right). An edge block of two regions is one region
   * with one 2-way partition. On 28×28 this gives 1301 inner regions and 1560 partitions.
   *
   * @param height the image height, at least 1
   * @param width the image width, at least 1
   * @return the region graph, named {@code "quad-graph HxW"}
   * @throws IllegalArgumentException if a dimension is not positive
   */
  public static RegionGraph quadGraph(int height, int width) {
    return QuadConstruction.build(QuadConstruction.Kind.GRAPH, height, width);
  }

  /**
   * Returns a RAT-SPN style random binary tree: {@code repetitions} random balanced bisections of all variables,
   * each refined recursively down to single variables.
   *
   * <p>The root gets one partition per repetition. Leaves are shared by all repetitions; the inner regions of
   * different repetitions are separate nodes. The same arguments always give the same graph. With one variable the
   * graph is a single leaf and {@code repetitions} only has to be positive.
   *
   * @param numVariables the number of variables, at least 1
   * @param repetitions the number of root partitions, at least 1
   * @param seed the seed of the random bisections
   * @return the region graph
   * @throws IllegalArgumentException if {@code numVariables} or {@code repetitions} is not positive
   */
  public static RegionGraph randomBinaryTree(int numVariables, int repetitions, long seed) {
    return RandomBinaryTree.build(numVariables, repetitions, seed);
  }

  /**
   * Returns the region graph with the given name over an H×W image.
   *
   * <p>The names are those of {@link #names()}. {@code "random-binary-tree"} uses {@code height * width} variables,
   * one repetition and the given seed; the other graphs ignore the seed.
   *
   * @param name the graph name
   * @param height the image height, at least 1
   * @param width the image width, at least 1
   * @param seed the seed, used only by the random graph
   * @return the region graph
   * @throws IllegalArgumentException if the name is unknown or a dimension is not positive
   */
  public static RegionGraph byName(String name, int height, int width, long seed) {
    Objects.requireNonNull(name, "name");
    switch (name) {
      case "quad-tree-2":
        return quadTree2(height, width);
      case "quad-tree-4":
        return quadTree4(height, width);
      case "quad-graph":
        return quadGraph(height, width);
      case "random-binary-tree":
        if (height < 1) {
          throw new IllegalArgumentException("height must be positive, was " + height);
        }
        if (width < 1) {
          throw new IllegalArgumentException("width must be positive, was " + width);
        }
        return randomBinaryTree(Math.multiplyExact(height, width), 1, seed);
      default:
        throw new IllegalArgumentException("unknown region graph name '" + name + "'; known names: " + NAMES);
    }
  }

  /**
   * Returns the names accepted by {@link #byName(String, int, int, long)}.
   *
   * @return an immutable list of names
   */
  public static List<String> names() {
    return NAMES;
  }
}
