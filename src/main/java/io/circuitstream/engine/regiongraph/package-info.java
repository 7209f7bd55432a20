/**
 * Region graphs: immutable DAGs over sets of variables (pixels) that fix the structure of a probabilistic circuit.
 *
 * <p>A {@link io.circuitstream.engine.regiongraph.RegionGraph} has leaf regions (one per variable) and inner regions,
 * each split by one or more partitions into disjoint child regions whose scopes cover the region's scope; regions are
 * numbered in topological order, leaves first and root last. {@link io.circuitstream.engine.regiongraph.RegionGraphs}
 * builds the supported structures (quad trees, the quad graph and RAT-SPN random binary trees), and
 * {@link io.circuitstream.engine.regiongraph.RegionGraph.Builder} builds and validates custom ones. The package is
 * pure: no I/O and no global state.
 */
@NullMarked
package io.circuitstream.engine.regiongraph;

import org.jspecify.annotations.NullMarked;
