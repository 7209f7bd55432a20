package io.circuitstream.engine.regiongraph;

import java.util.SplittableRandom;

/**
 * Builds the RAT-SPN style random binary tree: repeated random balanced bisections of the variable set.
 *
 * <p>The root region (all variables) gets one partition per repetition. For each repetition the variables are
 * shuffled once with a {@link SplittableRandom} seeded from the seed (one generator for all repetitions, in order),
 * and the shuffled sequence is split recursively into a first half of size ceil(n/2) and a second half of size
 * floor(n/2) until single variables remain. Since the shuffle is uniform, every split is a uniformly random balanced
 * bisection of its region. Leaves are shared by all repetitions; inner regions of different repetitions are separate
 * nodes. Each repetition's regions are added in post-order (first half, second half, region), then the root, so ids
 * are topological and depend only on the arguments.
 */
final class RandomBinaryTree {

  private RandomBinaryTree() {}

  /** Builds a random binary tree over {@code numVariables} variables with {@code repetitions} root partitions. */
  static RegionGraph build(int numVariables, int repetitions, long seed) {
    if (numVariables < 1) {
      throw new IllegalArgumentException("numVariables must be positive, was " + numVariables);
    }
    if (repetitions < 1) {
      throw new IllegalArgumentException("repetitions must be positive, was " + repetitions);
    }
    RegionGraph.Builder builder = RegionGraph.builder(numVariables)
        .name("random-binary-tree " + numVariables + " variables, " + repetitions + " repetitions, seed " + seed);
    if (numVariables == 1) {
      return builder.build();
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[][] rootPartitions = new int[repetitions][];
    for (int rep = 0; rep < repetitions; rep++) {
      int[] order = new int[numVariables];
      for (int v = 0; v < numVariables; v++) {
        order[v] = v;
      }
      shuffle(order, random);
      int half = (numVariables + 1) / 2;
      rootPartitions[rep] = new int[] {
          subtree(builder, order, 0, half), subtree(builder, order, half, numVariables)};
    }
    builder.addRegion(rootPartitions);
    return builder.build();
  }

  /** Adds the bisection tree over {@code order[from..to)} and returns its region id (a leaf for one variable). */
  private static int subtree(RegionGraph.Builder builder, int[] order, int from, int to) {
    if (to - from == 1) {
      return order[from];
    }
    int mid = from + (to - from + 1) / 2;
    int first = subtree(builder, order, from, mid);
    int second = subtree(builder, order, mid, to);
    return builder.addRegion(new int[] {first, second});
  }

  /** Fisher–Yates shuffle. */
  private static void shuffle(int[] values, SplittableRandom random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
  }
}
