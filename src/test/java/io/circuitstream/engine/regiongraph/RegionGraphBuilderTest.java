package io.circuitstream.engine.regiongraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Building custom graphs with {@link RegionGraph.Builder}, and rejection of each malformed structure. */
class RegionGraphBuilderTest {

  @Test
  void buildsADagWithSharedRegionsAndDerivedScopes() {
    RegionGraph.Builder builder = RegionGraph.builder(4);
    int top = builder.addRegion(new int[] {0, 1});
    int bottom = builder.addRegion(new int[] {2, 3});
    int left = builder.addRegion(new int[] {0, 2});
    int right = builder.addRegion(new int[] {1, 3});
    int root = builder.addRegion(new int[] {top, bottom}, new int[] {right, left});
    RegionGraph graph = builder.build();

    assertThat(new int[] {top, bottom, left, right, root}).containsExactly(4, 5, 6, 7, 8);
    assertThat(graph.root()).isEqualTo(8);
    assertThat(graph.name()).isEqualTo("custom");
    assertThat(graph.numInnerRegions()).isEqualTo(5);
    assertThat(graph.numPartitions()).isEqualTo(6);
    assertThat(graph.scope(left)).containsExactly(0, 2);
    assertThat(graph.scope(root)).containsExactly(0, 1, 2, 3);
    assertThat(graph.children(root, 1)).containsExactly(right, left);
  }

  @Test
  void oneVariableWithoutRegionsIsALeafOnlyGraph() {
    RegionGraph graph = RegionGraph.builder(1).build();

    assertThat(graph.numRegions()).isEqualTo(1);
    assertThat(graph.root()).isZero();
    assertThat(graph.isLeaf(graph.root())).isTrue();
    assertThat(graph.scope(0)).containsExactly(0);
  }

  @Test
  void laterChangesToThePassedArraysDoNotLeakIn() {
    RegionGraph.Builder builder = RegionGraph.builder(2);
    int[] partition = {0, 1};
    builder.addRegion(partition);
    partition[1] = 0;

    assertThat(builder.build().children(2, 0)).containsExactly(0, 1);
  }

  @Test
  void rejectsAPartitionWithFewerThanTwoChildren() {
    RegionGraph.Builder builder = RegionGraph.builder(2);
    int single = builder.addRegion(new int[] {0});
    builder.addRegion(new int[] {single, 1});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 2 partition 0 has 1 children; a partition needs at least 2");
  }

  @Test
  void rejectsARegionWithoutPartitions() {
    RegionGraph.Builder builder = RegionGraph.builder(2);
    builder.addRegion();

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 2 has no partitions");
  }

  @Test
  void rejectsOverlappingChildren() {
    RegionGraph.Builder builder = RegionGraph.builder(3);
    int pair = builder.addRegion(new int[] {0, 1});
    builder.addRegion(new int[] {pair, 1, 2});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 4 partition 0: children scopes overlap on variable 1");
  }

  @Test
  void rejectsTheSameChildTwice() {
    RegionGraph.Builder builder = RegionGraph.builder(2);
    builder.addRegion(new int[] {0, 0});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("children scopes overlap on variable 0");
  }

  @Test
  void rejectsASecondPartitionThatCoversADifferentScope() {
    RegionGraph.Builder builder = RegionGraph.builder(3);
    int pair = builder.addRegion(new int[] {0, 1});
    builder.addRegion(new int[] {pair, 2}, new int[] {0, 1});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("region 4 partition 1: union of children scopes (2 variables) differs from the region"
            + " scope given by partition 0 (3 variables)");
  }

  @Test
  void rejectsAChildIdThatIsNotSmallerThanItsParent() {
    RegionGraph.Builder builder = RegionGraph.builder(2);
    builder.addRegion(new int[] {0, 2});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 2 partition 0: child id 2 is not smaller than its parent id 2");
  }

  @Test
  void rejectsAChildIdThatDoesNotExistYet() {
    RegionGraph.Builder builder = RegionGraph.builder(2);
    builder.addRegion(new int[] {0, 5});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 2 partition 0: child id 5 is not smaller than its parent id 2");
  }

  @Test
  void rejectsANegativeChildId() {
    RegionGraph.Builder builder = RegionGraph.builder(2);
    builder.addRegion(new int[] {-1, 1});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 2 partition 0: child id -1 is negative");
  }

  @Test
  void rejectsARegionUnreachableFromTheRoot() {
    RegionGraph.Builder builder = RegionGraph.builder(3);
    builder.addRegion(new int[] {0, 1});
    int left = builder.addRegion(new int[] {1, 2});
    builder.addRegion(new int[] {0, left});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region 3 is unreachable from the root 5");
  }

  @Test
  void rejectsARootThatDoesNotCoverAllVariables() {
    RegionGraph.Builder builder = RegionGraph.builder(3);
    builder.addRegion(new int[] {0, 1});

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("root scope is not all variables: root 3 covers 2 of 3");
  }

  @Test
  void rejectsSeveralVariablesWithoutRegions() {
    assertThatThrownBy(RegionGraph.builder(2)::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("root scope is not all variables: root 1 covers 1 of 2");
  }

  @Test
  void rejectsANonPositiveNumberOfVariables() {
    assertThatThrownBy(() -> RegionGraph.builder(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("numVariables must be positive, was 0");
  }

  @Test
  void rejectsNullPartitions() {
    RegionGraph.Builder builder = RegionGraph.builder(2);

    assertThatThrownBy(() -> builder.addRegion(new int[] {0, 1}, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("partitions[1]");
  }
}
