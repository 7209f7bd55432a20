package io.circuitstream.engine.regiongraph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Structural invariants that every supported region graph satisfies, over all graphs × image sizes. */
class RegionGraphInvariantsTest {

  private static final int[][] SIZES = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 7}, {1, 5}, {5, 1}, {28, 28}};

  static Stream<Arguments> graphs() {
    List<Arguments> cases = new ArrayList<>();
    for (String name : RegionGraphs.names()) {
      for (int[] size : SIZES) {
        cases.add(Arguments.of(name, size[0], size[1],
            RegionGraphs.byName(name, size[0], size[1], RegionGraphs.DEFAULT_SEED)));
      }
    }
    for (int[] size : SIZES) {
      cases.add(Arguments.of("random-binary-tree x3", size[0], size[1],
          RegionGraphs.randomBinaryTree(size[0] * size[1], 3, 7L)));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @MethodSource("graphs")
  void everyPartitionSplitsItsScopeIntoDisjointChildren(String name, int height, int width, RegionGraph graph) {
    for (int region = graph.numVariables(); region < graph.numRegions(); region++) {
      int[] scope = graph.scope(region);
      assertThat(graph.numPartitions(region)).as("partitions of region %d", region).isPositive();
      for (int p = 0; p < graph.numPartitions(region); p++) {
        int[] children = graph.children(region, p);
        assertThat(children).as("children of region %d partition %d", region, p).hasSizeGreaterThanOrEqualTo(2);
        int[] union = Arrays.stream(children).flatMap(c -> Arrays.stream(graph.scope(c))).sorted().toArray();
        assertThat(union).as("union of region %d partition %d", region, p).doesNotHaveDuplicates().isEqualTo(scope);
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @MethodSource("graphs")
  void leavesAreSinglePixelsAndComeFirst(String name, int height, int width, RegionGraph graph) {
    assertThat(graph.numVariables()).isEqualTo(height * width);
    assertThat(graph.numRegions()).isEqualTo(graph.numVariables() + graph.numInnerRegions());
    for (int v = 0; v < graph.numVariables(); v++) {
      assertThat(graph.isLeaf(v)).isTrue();
      assertThat(graph.scope(v)).containsExactly(v);
      assertThat(graph.numPartitions(v)).isZero();
    }
    for (int region = graph.numVariables(); region < graph.numRegions(); region++) {
      assertThat(graph.isLeaf(region)).isFalse();
    }
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @MethodSource("graphs")
  void rootIsLastAndCoversAllPixels(String name, int height, int width, RegionGraph graph) {
    assertThat(graph.root()).isEqualTo(graph.numRegions() - 1);
    assertThat(graph.scope(graph.root())).containsExactly(IntStream.range(0, height * width).toArray());
    assertThat(graph.isLeaf(graph.root())).isEqualTo(height * width == 1);
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @MethodSource("graphs")
  void childIdsAreSmallerThanParentIds(String name, int height, int width, RegionGraph graph) {
    for (int region = 0; region < graph.numRegions(); region++) {
      for (int p = 0; p < graph.numPartitions(region); p++) {
        for (int child : graph.children(region, p)) {
          assertThat(child).as("child of region %d", region).isNotNegative().isLessThan(region);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @MethodSource("graphs")
  void everyRegionIsReachableFromTheRoot(String name, int height, int width, RegionGraph graph) {
    boolean[] reached = new boolean[graph.numRegions()];
    reached[graph.root()] = true;
    for (int region = graph.root(); region >= 0; region--) {
      if (!reached[region]) {
        continue;
      }
      for (int p = 0; p < graph.numPartitions(region); p++) {
        for (int child : graph.children(region, p)) {
          reached[child] = true;
        }
      }
    }
    for (int region = 0; region < graph.numRegions(); region++) {
      assertThat(reached[region]).as("region %d reached", region).isTrue();
    }
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @MethodSource("graphs")
  void partitionCountsAddUp(String name, int height, int width, RegionGraph graph) {
    int total = IntStream.range(0, graph.numRegions()).map(graph::numPartitions).sum();
    assertThat(graph.numPartitions()).isEqualTo(total);
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @MethodSource("graphs")
  void accessorsReturnCopies(String name, int height, int width, RegionGraph graph) {
    int root = graph.root();
    int[] scope = graph.scope(root);
    scope[0] = -1;
    assertThat(graph.scope(root)[0]).isZero();
    if (graph.numPartitions(root) > 0) {
      int[] children = graph.children(root, 0);
      int first = children[0];
      children[0] = -1;
      assertThat(graph.children(root, 0)[0]).isEqualTo(first);
    }
  }
}
