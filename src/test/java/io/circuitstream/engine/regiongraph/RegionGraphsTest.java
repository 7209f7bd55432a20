package io.circuitstream.engine.regiongraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Exact shapes and counts of the graphs built by {@link RegionGraphs}. */
class RegionGraphsTest {

  @Test
  void quadGraph28x28HasTheTutorialCounts() {
    RegionGraph graph = RegionGraphs.quadGraph(28, 28);

    assertThat(graph.name()).isEqualTo("quad-graph 28x28");
    assertThat(graph.numVariables()).isEqualTo(784);
    assertThat(graph.numInnerRegions()).isEqualTo(1301);
    assertThat(graph.numRegions()).isEqualTo(784 + 1301);
    assertThat(graph.numPartitions()).isEqualTo(1560);
    assertThat(regionsWithPartitions(graph, 2)).isEqualTo(259);
    assertThat(regionsWithPartitions(graph, 1)).isEqualTo(1301 - 259);
  }

  @Test
  void quadGraph2x2SplitsTheBlockByRowsAndByColumns() {
    RegionGraph graph = RegionGraphs.quadGraph(2, 2);

    assertThat(graph.numInnerRegions()).isEqualTo(5);
    int root = graph.root();
    assertThat(graph.numPartitions(root)).isEqualTo(2);
    assertThat(childScopes(graph, root, 0)).containsExactly(List.of(0, 1), List.of(2, 3));
    assertThat(childScopes(graph, root, 1)).containsExactly(List.of(0, 2), List.of(1, 3));
  }

  @Test
  void quadTree4On4x4HasFiveInnerRegions() {
    RegionGraph graph = RegionGraphs.quadTree4(4, 4);

    assertThat(graph.numInnerRegions()).isEqualTo(5);
    assertThat(graph.numPartitions()).isEqualTo(5);
    assertThat(childScopes(graph, graph.root(), 0)).containsExactly(
        List.of(0, 1, 4, 5), List.of(2, 3, 6, 7), List.of(8, 9, 12, 13), List.of(10, 11, 14, 15));
  }

  @Test
  void quadTree2On2x2MergesRowsThenTheRowPair() {
    RegionGraph graph = RegionGraphs.quadTree2(2, 2);

    assertThat(graph.numInnerRegions()).isEqualTo(3);
    assertThat(graph.children(4, 0)).containsExactly(0, 1);
    assertThat(graph.children(5, 0)).containsExactly(2, 3);
    assertThat(graph.children(6, 0)).containsExactly(4, 5);
    assertThat(graph.root()).isEqualTo(6);
  }

  @Test
  void quadTree4On3x3PassesTheCornerPixelThrough() {
    RegionGraph graph = RegionGraphs.quadTree4(3, 3);

    assertThat(graph.numInnerRegions()).isEqualTo(4);
    assertThat(childScopes(graph, graph.root(), 0))
        .containsExactly(List.of(0, 1, 3, 4), List.of(2, 5), List.of(6, 7), List.of(8));
    assertThat(graph.children(graph.root(), 0)[3]).isEqualTo(8);
  }

  @Test
  void quadTree4On1x5MergesPairsAlongTheRow() {
    RegionGraph graph = RegionGraphs.quadTree4(1, 5);

    // 5 -> 3 (pairs (0,1), (2,3), pass 4) -> 2 (pair, pass) -> 1.
    assertThat(graph.numInnerRegions()).isEqualTo(4);
    assertThat(childScopes(graph, graph.root(), 0)).containsExactly(List.of(0, 1, 2, 3), List.of(4));
  }

  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({"1,1", "2,2", "3,3", "4,4", "5,7", "1,5", "5,1", "28,28"})
  void quadTree2IsABinaryTree(int height, int width) {
    RegionGraph graph = RegionGraphs.quadTree2(height, width);

    assertThat(graph.numInnerRegions()).isEqualTo(height * width - 1);
    assertThat(graph.numPartitions()).isEqualTo(height * width - 1);
  }

  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({"1,1", "2,2", "3,3", "5,7", "1,5", "28,28"})
  void quadGraphRowAndColumnSplitsAgreeWithQuadTreeCounts(int height, int width) {
    RegionGraph graph = RegionGraphs.quadGraph(height, width);
    RegionGraph tree4 = RegionGraphs.quadTree4(height, width);

    // Every full 2x2 block is one region in quad-tree-4 and five regions (one with two partitions) in quad-graph.
    int fullBlocks = regionsWithPartitions(graph, 2);
    assertThat(graph.numInnerRegions()).isEqualTo(tree4.numInnerRegions() + 4 * fullBlocks);
    assertThat(graph.numPartitions()).isEqualTo(tree4.numPartitions() + 5 * fullBlocks);
  }

  @Test
  void onePixelImageIsASingleLeaf() {
    for (String name : RegionGraphs.names()) {
      RegionGraph graph = RegionGraphs.byName(name, 1, 1, 1L);

      assertThat(graph.numRegions()).as(name).isEqualTo(1);
      assertThat(graph.root()).isZero();
      assertThat(graph.isLeaf(0)).isTrue();
      assertThat(graph.numPartitions()).isZero();
      assertThat(graph.numInnerRegions()).isZero();
    }
  }

  @Test
  void randomBinaryTreeIsDeterministicPerSeed() {
    RegionGraph first = RegionGraphs.randomBinaryTree(784, 3, 123L);
    RegionGraph again = RegionGraphs.randomBinaryTree(784, 3, 123L);
    RegionGraph other = RegionGraphs.randomBinaryTree(784, 3, 124L);

    assertThat(structure(again)).isEqualTo(structure(first));
    assertThat(structure(other)).isNotEqualTo(structure(first));
  }

  @Test
  void randomBinaryTreeRootHasOnePartitionPerRepetition() {
    RegionGraph graph = RegionGraphs.randomBinaryTree(784, 3, 5L);

    assertThat(graph.numPartitions(graph.root())).isEqualTo(3);
    // Each repetition is a binary tree with 783 inner regions; the root is shared.
    assertThat(graph.numInnerRegions()).isEqualTo(3 * 782 + 1);
    for (int p = 0; p < 3; p++) {
      assertThat(graph.children(graph.root(), p)).hasSize(2);
    }
    assertThat(regionsWithPartitions(graph, 1)).isEqualTo(graph.numInnerRegions() - 1);
  }

  @Test
  void randomBinaryTreeRepetitionsSplitDifferently() {
    RegionGraph graph = RegionGraphs.randomBinaryTree(784, 3, 5L);

    List<List<List<Integer>>> rootSplits = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      rootSplits.add(childScopes(graph, graph.root(), p));
    }
    assertThat(rootSplits).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0} variables")
  @ValueSource(ints = {2, 3, 5, 7, 35, 784})
  void randomBinaryTreeBisectionsAreBalanced(int numVariables) {
    RegionGraph graph = RegionGraphs.randomBinaryTree(numVariables, 2, 9L);

    for (int region = graph.numVariables(); region < graph.numRegions(); region++) {
      int size = graph.scope(region).length;
      for (int p = 0; p < graph.numPartitions(region); p++) {
        int[] children = graph.children(region, p);
        assertThat(children).hasSize(2);
        assertThat(graph.scope(children[0])).hasSize((size + 1) / 2);
        assertThat(graph.scope(children[1])).hasSize(size / 2);
      }
    }
  }

  @Test
  void byNameUsesOneRepetitionAndTheSeedOnlyForTheRandomGraph() {
    RegionGraph random = RegionGraphs.byName("random-binary-tree", 5, 7, 11L);
    assertThat(random.numVariables()).isEqualTo(35);
    assertThat(random.numPartitions(random.root())).isEqualTo(1);
    assertThat(structure(random)).isEqualTo(structure(RegionGraphs.randomBinaryTree(35, 1, 11L)));

    assertThat(structure(RegionGraphs.byName("quad-graph", 5, 7, 1L)))
        .isEqualTo(structure(RegionGraphs.byName("quad-graph", 5, 7, 2L)))
        .isEqualTo(structure(RegionGraphs.quadGraph(5, 7)));
    assertThat(structure(RegionGraphs.byName("quad-tree-2", 5, 7, 1L)))
        .isEqualTo(structure(RegionGraphs.quadTree2(5, 7)));
    assertThat(structure(RegionGraphs.byName("quad-tree-4", 5, 7, 1L)))
        .isEqualTo(structure(RegionGraphs.quadTree4(5, 7)));
  }

  @Test
  void namesListsTheFourGraphs() {
    assertThat(RegionGraphs.names())
        .containsExactly("quad-tree-2", "quad-tree-4", "quad-graph", "random-binary-tree");
  }

  @Test
  void byNameRejectsAnUnknownName() {
    assertThatThrownBy(() -> RegionGraphs.byName("poon-domingos", 28, 28, 0L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown region graph name 'poon-domingos'");
  }

  @Test
  void factoriesRejectNonPositiveSizes() {
    assertThatThrownBy(() -> RegionGraphs.quadGraph(0, 28))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("height must be positive");
    assertThatThrownBy(() -> RegionGraphs.quadTree2(28, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width must be positive");
    assertThatThrownBy(() -> RegionGraphs.byName("random-binary-tree", 0, 3, 0L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("height must be positive");
    assertThatThrownBy(() -> RegionGraphs.randomBinaryTree(0, 1, 0L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numVariables must be positive");
    assertThatThrownBy(() -> RegionGraphs.randomBinaryTree(10, 0, 0L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repetitions must be positive");
  }

  private static int regionsWithPartitions(RegionGraph graph, int count) {
    return (int) IntStream.range(0, graph.numRegions()).filter(r -> graph.numPartitions(r) == count).count();
  }

  private static List<List<Integer>> childScopes(RegionGraph graph, int region, int partition) {
    List<List<Integer>> scopes = new ArrayList<>();
    for (int child : graph.children(region, partition)) {
      scopes.add(Arrays.stream(graph.scope(child)).boxed().toList());
    }
    return scopes;
  }

  /** The whole structure as nested lists: region -> partition -> child ids. */
  private static List<List<List<Integer>>> structure(RegionGraph graph) {
    List<List<List<Integer>>> regions = new ArrayList<>();
    for (int region = 0; region < graph.numRegions(); region++) {
      List<List<Integer>> partitions = new ArrayList<>();
      for (int p = 0; p < graph.numPartitions(region); p++) {
        partitions.add(Arrays.stream(graph.children(region, p)).boxed().toList());
      }
      regions.add(partitions);
    }
    return regions;
  }
}
