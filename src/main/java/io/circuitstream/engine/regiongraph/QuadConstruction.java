package io.circuitstream.engine.regiongraph;

/**
 * Builds the quad-tree and quad-graph region graphs by repeatedly merging 2×2 blocks of a grid of regions.
 *
 * <p>The grid starts as the H×W grid of leaves. Each level groups the grid into blocks of 2×2 cells, row-major,
 * and replaces each block by one region; when a dimension is odd the blocks at the bottom or right edge are 2×1 or
 * 1×2 (two regions merged by one 2-way partition) or 1×1 (the region passes through unchanged). Levels repeat until a
 * single region covers the image. Regions are added block by block, so ids are topological and deterministic.
 */
final class QuadConstruction {

  /** How a full 2×2 block is merged. */
  enum Kind {
    /** A horizontal merge of each row pair, then a vertical merge of the two row regions. */
    TREE_2("quad-tree-2"),
    /** One 4-way partition (top-left, top-right, bottom-left, bottom-right). */
    TREE_4("quad-tree-4"),
    /** Row regions and column regions, and a block region with the two partitions (top, bottom), (left, right). */
    GRAPH("quad-graph");

    final String graphName;

    Kind(String graphName) {
      this.graphName = graphName;
    }
  }

  private QuadConstruction() {}

  /** Builds the region graph of the given kind over an H×W image. */
  static RegionGraph build(Kind kind, int height, int width) {
    if (height < 1) {
      throw new IllegalArgumentException("height must be positive, was " + height);
    }
    if (width < 1) {
      throw new IllegalArgumentException("width must be positive, was " + width);
    }
    int numVariables = Math.multiplyExact(height, width);
    RegionGraph.Builder builder =
        RegionGraph.builder(numVariables).name(kind.graphName + " " + height + "x" + width);
    int[][] grid = new int[height][width];
    for (int r = 0; r < height; r++) {
      for (int c = 0; c < width; c++) {
        grid[r][c] = r * width + c;
      }
    }
    int h = height;
    int w = width;
    while (h > 1 || w > 1) {
      int nh = (h + 1) / 2;
      int nw = (w + 1) / 2;
      int[][] next = new int[nh][nw];
      for (int br = 0; br < nh; br++) {
        for (int bc = 0; bc < nw; bc++) {
          int r0 = 2 * br;
          int c0 = 2 * bc;
          boolean twoRows = r0 + 1 < h;
          boolean twoCols = c0 + 1 < w;
          int merged;
          if (twoRows && twoCols) {
            merged = mergeBlock(kind, builder,
                grid[r0][c0], grid[r0][c0 + 1], grid[r0 + 1][c0], grid[r0 + 1][c0 + 1]);
          } else if (twoCols) {
            merged = builder.addRegion(new int[] {grid[r0][c0], grid[r0][c0 + 1]});
          } else if (twoRows) {
            merged = builder.addRegion(new int[] {grid[r0][c0], grid[r0 + 1][c0]});
          } else {
            merged = grid[r0][c0];
          }
          next[br][bc] = merged;
        }
      }
      grid = next;
      h = nh;
      w = nw;
    }
    return builder.build();
  }

  /** Merges a full 2×2 block of regions and returns the block region. */
  private static int mergeBlock(Kind kind, RegionGraph.Builder builder, int tl, int tr, int bl, int br) {
    return switch (kind) {
      case TREE_4 -> builder.addRegion(new int[] {tl, tr, bl, br});
      case TREE_2 -> {
        int top = builder.addRegion(new int[] {tl, tr});
        int bottom = builder.addRegion(new int[] {bl, br});
        yield builder.addRegion(new int[] {top, bottom});
      }
      case GRAPH -> {
        int top = builder.addRegion(new int[] {tl, tr});
        int bottom = builder.addRegion(new int[] {bl, br});
        int left = builder.addRegion(new int[] {tl, bl});
        int right = builder.addRegion(new int[] {tr, br});
        yield builder.addRegion(new int[] {top, bottom}, new int[] {left, right});
      }
    };
  }
}
