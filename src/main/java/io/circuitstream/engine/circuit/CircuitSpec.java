package io.circuitstream.engine.circuit;

import io.circuitstream.engine.regiongraph.RegionGraph;
import io.circuitstream.engine.regiongraph.RegionGraphs;
import java.util.Objects;

/**
 * The structure of a class-conditional circuit over images: everything but the parameters.
 *
 * <p>Two circuits built from equal specs have the same layers and the same parameter layout, so a
 * spec plus a parameter vector fully describes a model.
 *
 * @param regionGraph the region graph name, one of {@link RegionGraphs#names()}
 * @param height image height in pixels
 * @param width image width in pixels
 * @param graphSeed seed of the region graph (used by {@code random-binary-tree} only)
 * @param layerKind the sum-product block
 * @param inputUnits categorical units per pixel
 * @param sumUnits units of every inner region
 * @param numClasses classes, the units of the root region
 * @param numCategories values a pixel can take (256 for 8-bit images)
 */
public record CircuitSpec(
    String regionGraph,
    int height,
    int width,
    long graphSeed,
    LayerKind layerKind,
    int inputUnits,
    int sumUnits,
    int numClasses,
    int numCategories) {

  /** The default: the tutorial's circuit for 28×28 MNIST (quad-graph, CP, 64 units, 10 classes). */
  public static final CircuitSpec MNIST = builder().build();

  /** Validates every field; the messages name the field. */
  public CircuitSpec {
    Objects.requireNonNull(regionGraph, "regionGraph");
    Objects.requireNonNull(layerKind, "layerKind");
    if (!RegionGraphs.names().contains(regionGraph)) {
      throw new IllegalArgumentException(
          "unknown region graph '" + regionGraph + "'; valid: " + String.join(", ", RegionGraphs.names()));
    }
    positive(height, "height");
    positive(width, "width");
    if ((long) height * width < 2) {
      throw new IllegalArgumentException("an image needs at least 2 pixels, got " + height + "x" + width);
    }
    positive(inputUnits, "inputUnits");
    positive(sumUnits, "sumUnits");
    positive(numClasses, "numClasses");
    if (layerKind == LayerKind.CP_T && inputUnits != sumUnits) {
      throw new IllegalArgumentException("cp-t multiplies input and sum regions unit by unit, so inputUnits ("
          + inputUnits + ") must equal sumUnits (" + sumUnits + ")");
    }
    if (numCategories < 2) {
      throw new IllegalArgumentException("numCategories must be at least 2, got " + numCategories);
    }
  }

  private static void positive(int v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
  }

  /** Returns the number of pixels, {@code height * width}. */
  public int numVariables() {
    return height * width;
  }

  /** Builds this spec's region graph. */
  public RegionGraph buildRegionGraph() {
    return RegionGraphs.byName(regionGraph, height, width, graphSeed);
  }

  /** Returns a builder initialised with the defaults of {@link #MNIST}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this spec's values. */
  public Builder toBuilder() {
    return new Builder()
        .regionGraph(regionGraph)
        .imageShape(height, width)
        .graphSeed(graphSeed)
        .layerKind(layerKind)
        .inputUnits(inputUnits)
        .sumUnits(sumUnits)
        .numClasses(numClasses)
        .numCategories(numCategories);
  }

  /** A mutable builder of {@link CircuitSpec}; {@link #build()} validates. */
  public static final class Builder {
    private String regionGraph = "quad-graph";
    private int height = 28;
    private int width = 28;
    private long graphSeed = 42;
    private LayerKind layerKind = LayerKind.CP;
    private int inputUnits = 64;
    private int sumUnits = 64;
    private int numClasses = 10;
    private int numCategories = 256;

    private Builder() {}

    /** Sets the region graph name. */
    public Builder regionGraph(String name) {
      this.regionGraph = name;
      return this;
    }

    /** Sets the image shape. */
    public Builder imageShape(int height, int width) {
      this.height = height;
      this.width = width;
      return this;
    }

    /** Sets the region graph seed. */
    public Builder graphSeed(long seed) {
      this.graphSeed = seed;
      return this;
    }

    /** Sets the sum-product block. */
    public Builder layerKind(LayerKind kind) {
      this.layerKind = kind;
      return this;
    }

    /** Sets the input and the sum units to the same number. */
    public Builder units(int units) {
      this.inputUnits = units;
      this.sumUnits = units;
      return this;
    }

    /** Sets the categorical units per pixel. */
    public Builder inputUnits(int units) {
      this.inputUnits = units;
      return this;
    }

    /** Sets the units per inner region. */
    public Builder sumUnits(int units) {
      this.sumUnits = units;
      return this;
    }

    /** Sets the number of classes. */
    public Builder numClasses(int classes) {
      this.numClasses = classes;
      return this;
    }

    /** Sets the number of values a pixel can take. */
    public Builder numCategories(int categories) {
      this.numCategories = categories;
      return this;
    }

    /** Returns the validated spec. */
    public CircuitSpec build() {
      return new CircuitSpec(
          regionGraph, height, width, graphSeed, layerKind, inputUnits, sumUnits, numClasses, numCategories);
    }
  }
}
