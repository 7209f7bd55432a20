package io.circuitstream.app;

import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.LayerKind;
import picocli.CommandLine.Option;

/** The circuit-structure options shared by commands that build a circuit. */
final class CircuitOptions {
  @Option(names = "--region-graph", defaultValue = "quad-graph",
      description = "quad-tree-2, quad-tree-4, quad-graph or random-binary-tree (default: ${DEFAULT-VALUE})")
  String regionGraph = "quad-graph";

  @Option(names = "--layer-kind", defaultValue = "cp", description = "cp, cp-t or tucker (default: ${DEFAULT-VALUE})")
  String layerKind = "cp";

  @Option(names = "--units", defaultValue = "64", description = "input and sum units (default: ${DEFAULT-VALUE})")
  int units = 64;

  /** Returns the MNIST circuit spec these options describe; throws IllegalArgumentException with the reason. */
  CircuitSpec spec() {
    return CircuitSpec.builder().regionGraph(regionGraph).layerKind(LayerKind.byId(layerKind)).units(units).build();
  }
}
