package io.circuitstream.engine.circuit;

import io.circuitstream.engine.regiongraph.RegionGraph;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A class-conditional probabilistic circuit over images: structure plus parameters.
 *
 * <p>The circuit's root has one unit per class, {@code log p(x | y)}; it is smooth and decomposable
 * with normalised leaves and weights, so each output is a normalised density over images and
 * marginals over missing pixels are exact. Parameters are unconstrained logits (softmax for sum
 * weights, log-softmax for the categorical inputs) in one flat vector. Evaluate with an
 * {@link Evaluator} from {@link #evaluator(int)}.
 *
 * <p>Changing parameters through {@link #setParameters} or {@link #updateParameters} is seen by
 * every evaluator at its next call; do not change them while an evaluator runs.
 */
public final class Circuit {
  private final Structure structure;
  private final double[] params;
  private final boolean readOnly;
  private volatile long version;

  private Circuit(Structure structure, double[] params) {
    this(structure, params, false);
  }

  private Circuit(Structure structure, double[] params, boolean readOnly) {
    this.structure = structure;
    this.params = params;
    this.readOnly = readOnly;
  }

  /**
   * Creates a circuit with standard-normal logits.
   *
   * @param spec the structure
   * @param seed seed of the initial parameters
   */
  public static Circuit create(CircuitSpec spec, long seed) {
    Structure s = new Structure(spec);
    return new Circuit(s, gaussian(s.numParams, seed));
  }

  /** Creates a circuit over a given region graph (for custom graphs); the spec's graph name is ignored. */
  public static Circuit create(CircuitSpec spec, RegionGraph graph, long seed) {
    Structure s = new Structure(spec, graph);
    return new Circuit(s, gaussian(s.numParams, seed));
  }

  /**
   * Creates a circuit with the given parameters (copied).
   *
   * @throws IllegalArgumentException if the length does not match the spec's layout
   */
  public static Circuit withParameters(CircuitSpec spec, double[] parameters) {
    Structure s = new Structure(spec);
    if (parameters.length != s.numParams) {
      throw new IllegalArgumentException(
          "spec needs " + s.numParams + " parameters, got " + parameters.length);
    }
    return new Circuit(s, parameters.clone());
  }

  /**
   * Creates a read-only circuit over the given parameter array, without copying it: for serving a
   * model whose parameters never change, so that they are held in memory once. The caller must not
   * change the array; {@link #setParameters} and {@link #updateParameters} throw.
   *
   * @throws IllegalArgumentException if the length does not match the spec's layout
   */
  public static Circuit readOnlyView(CircuitSpec spec, double[] parameters) {
    Structure s = new Structure(spec);
    if (parameters.length != s.numParams) {
      throw new IllegalArgumentException(
          "spec needs " + s.numParams + " parameters, got " + parameters.length);
    }
    return new Circuit(s, parameters, true);
  }

  private static double[] gaussian(int count, long seed) {
    Random rnd = new Random(seed);
    double[] p = new double[count];
    for (int i = 0; i < count; i++) {
      p[i] = rnd.nextGaussian();
    }
    return p;
  }

  /** Returns the structure spec. */
  public CircuitSpec spec() {
    return structure.spec;
  }

  /** Returns the region graph the circuit follows. */
  public RegionGraph regionGraph() {
    return structure.graph;
  }

  /** Returns the number of parameters (logits). */
  public int numParameters() {
    return structure.numParams;
  }

  /** Returns the number of classes, the root's units. */
  public int numClasses() {
    return structure.units[structure.root];
  }

  /** Returns the number of pixels. */
  public int numVariables() {
    return structure.numVars;
  }

  /** Returns a copy of the parameters. */
  public double[] parameters() {
    return params.clone();
  }

  /** Replaces the parameters with a copy of the given ones. */
  public void setParameters(double[] parameters) {
    checkWritable();
    if (parameters.length != params.length) {
      throw new IllegalArgumentException("expected " + params.length + " parameters, got " + parameters.length);
    }
    System.arraycopy(parameters, 0, params, 0, params.length);
    version++;
  }

  /** Changes the parameters in place, as an optimiser step does, and marks them changed. */
  public void updateParameters(ParameterUpdate update) {
    checkWritable();
    Objects.requireNonNull(update, "update").apply(params);
    version++;
  }

  private void checkWritable() {
    if (readOnly) {
      throw new IllegalStateException("this circuit is a read-only view of a model's parameters; use copy()");
    }
  }

  /** Returns an independent, writable copy of this circuit. */
  public Circuit copy() {
    return new Circuit(structure, params.clone());
  }

  /** Returns an inference evaluator for batches of up to {@code capacity}, on all processors. */
  public Evaluator evaluator(int capacity) {
    return evaluator(capacity, Runtime.getRuntime().availableProcessors(), false);
  }

  /** Returns an evaluator that also computes gradients, for batches of up to {@code capacity}. */
  public Evaluator trainingEvaluator(int capacity) {
    return evaluator(capacity, Runtime.getRuntime().availableProcessors(), true);
  }

  /**
   * Returns a folded evaluator.
   *
   * @param capacity largest batch
   * @param threads threads that share each fold's members
   * @param training whether to keep what {@link Evaluator#backward} needs
   */
  public Evaluator evaluator(int capacity, int threads, boolean training) {
    return evaluator(capacity, threads, training, Precision.FLOAT64);
  }

  /**
   * Returns a folded evaluator with the given storage precision.
   *
   * @param capacity largest batch
   * @param threads threads that share each fold's members
   * @param training whether to keep what {@link Evaluator#backward} needs
   * @param precision float32 for speed, float64 for exactness
   */
  public Evaluator evaluator(int capacity, int threads, boolean training, Precision precision) {
    return new FoldedEvaluator(this, capacity, threads, training, precision);
  }

  /**
   * Returns an inference evaluator built from whole-fold ND4J operations, which runs on ND4J's
   * backend: the CPU, or a GPU when the jar is built with {@code -Pcuda}. CP circuits only; its
   * {@link Evaluator#backward} throws.
   *
   * @param capacity largest batch; see {@link #suggestedNd4jBatch}
   * @param precision float32 (what GPUs are fast at) or float64
   */
  public Evaluator nd4jEvaluator(int capacity, Precision precision) {
    return new Nd4jEvaluator(this, capacity, precision);
  }

  /**
   * Returns the largest batch whose {@link #nd4jEvaluator} working memory fits in half of
   * {@code bytes} (the other half is left for one fold's temporaries and the backend).
   */
  public int suggestedNd4jBatch(Precision precision, long bytes) {
    return Nd4jEvaluator.batchFor(this, precision, bytes);
  }

  /**
   * Evaluates layer by layer without folding, one example at a time; slow, a reference for tests.
   */
  public ClassScores evaluateUnfolded(Evidence evidence) {
    return new UnfoldedEvaluator(structure, params).logLikelihoods(evidence);
  }

  /** Returns the number of layers before folding (inputs, dense, product and mixing layers). */
  public int layersUnfolded() {
    return structure.layersUnfolded();
  }

  /** Returns the number of folded layers the evaluator runs. */
  public int layersFolded() {
    return structure.layersFolded();
  }

  /** Returns one line per fold, in evaluation order, such as {@code "h3 cp block x196 [...]"}. */
  public List<String> foldSummary() {
    return structure.folds.stream().map(f -> "h" + f.height() + " " + f.description()).toList();
  }

  Structure structure() {
    return structure;
  }

  double[] params() {
    return params;
  }

  /** Returns whether this circuit is a {@link #readOnlyView}, whose parameters never change. */
  boolean readOnly() {
    return readOnly;
  }

  long version() {
    return version;
  }

  /** Changes a parameter vector in place; callbacks throw unchecked exceptions only. */
  @FunctionalInterface
  public interface ParameterUpdate {
    /** Applies the change to {@code parameters}. */
    void apply(double[] parameters);
  }
}
