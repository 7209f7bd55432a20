package io.circuitstream.train;

import io.circuitstream.engine.circuit.Precision;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a training run; defaults follow the reference notebook.
 *
 * @param lambda weight of the discriminative loss in [0, 1]
 * @param learningRate Adam's step size
 * @param batchSize images per step
 * @param evalEvery steps between validations
 * @param patience validations without improvement before stopping
 * @param maxEpochs upper bound on passes over the training set
 * @param maxSteps upper bound on steps (0 = none)
 * @param inputDropout probability that a pixel is marginalised during training (0 = off)
 * @param seed seed of the shuffling and the dropout masks
 * @param threads threads per fold
 * @param precision storage and products of the training evaluator (parameters stay float64)
 * @param schedule how the learning rate changes over the run
 * @param shift largest random translation, in pixels along each axis, applied to each training image
 *     (0 = off); pixels moved in from outside the image are background (0)
 */
public record TrainerConfig(
    double lambda,
    double learningRate,
    int batchSize,
    int evalEvery,
    int patience,
    int maxEpochs,
    int maxSteps,
    double inputDropout,
    long seed,
    int threads,
    Precision precision,
    Schedule schedule,
    int shift) {

  /** How the learning rate changes over a run. */
  public enum Schedule {
    /** The same learning rate at every step, as the notebook. */
    CONSTANT,
    /**
     * Cosine decay from the learning rate at the first step to zero after the last planned step
     * ({@code maxEpochs} epochs, or {@code maxSteps} when that comes first).
     */
    COSINE;

    /** Parses {@code constant} or {@code cosine}. */
    public static Schedule parse(String s) {
      for (Schedule v : values()) {
        if (v.label().equals(s)) {
          return v;
        }
      }
      throw new IllegalArgumentException("schedule must be constant or cosine, got \"" + s + "\"");
    }

    /** Returns the lower-case name used on the command line and in provenance. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Returns the factor applied to the learning rate at {@code step} (1-based) of {@code planned}.
     */
    public double factor(int step, int planned) {
      if (this == CONSTANT || planned <= 1) {
        return 1;
      }
      double t = Math.min(1.0, (step - 1) / (double) planned);
      return 0.5 * (1 + Math.cos(Math.PI * t));
    }
  }

  /** Validates the settings; messages name the field. */
  public TrainerConfig {
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learningRate must be positive, got " + learningRate);
    }
    if (batchSize <= 0 || evalEvery <= 0 || patience <= 0 || maxEpochs <= 0 || threads <= 0) {
      throw new IllegalArgumentException("batchSize, evalEvery, patience, maxEpochs and threads must be positive");
    }
    if (maxSteps < 0) {
      throw new IllegalArgumentException("maxSteps must be >= 0 (0 = no limit), got " + maxSteps);
    }
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(schedule, "schedule");
    if (shift < 0) {
      throw new IllegalArgumentException("shift must be >= 0 pixels (0 = off), got " + shift);
    }
    if (!(inputDropout >= 0 && inputDropout < 1)) {
      throw new IllegalArgumentException("inputDropout must be in [0, 1), got " + inputDropout);
    }
  }

  /** Returns a builder with the notebook's defaults: λ 0.5, Adam 0.02 (constant), batch 256, validate every 200 steps, patience 3, 10 epochs. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the settings as text, for a model's provenance. */
  public Map<String, String> asText() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("lambda", Double.toString(lambda));
    m.put("learningRate", Double.toString(learningRate));
    m.put("batchSize", Integer.toString(batchSize));
    m.put("evalEvery", Integer.toString(evalEvery));
    m.put("patience", Integer.toString(patience));
    m.put("maxEpochs", Integer.toString(maxEpochs));
    m.put("maxSteps", Integer.toString(maxSteps));
    m.put("inputDropout", Double.toString(inputDropout));
    m.put("seed", Long.toString(seed));
    m.put("precision", precision.label());
    m.put("schedule", schedule.label());
    m.put("shift", Integer.toString(shift));
    return m;
  }

  /** A mutable builder of {@link TrainerConfig}. */
  public static final class Builder {
    private double lambda = 0.5;
    private double learningRate = 0.02;
    private int batchSize = 256;
    private int evalEvery = 200;
    private int patience = 3;
    private int maxEpochs = 10;
    private int maxSteps;
    private double inputDropout;
    private long seed = 42;
    private int threads = Runtime.getRuntime().availableProcessors();
    private Precision precision = Precision.FLOAT64;
    private Schedule schedule = Schedule.CONSTANT;
    private int shift;

    private Builder() {}

    /** Sets λ. */
    public Builder lambda(double v) {
      lambda = v;
      return this;
    }

    /** Sets the learning rate. */
    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    /** Sets the batch size. */
    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    /** Sets the steps between validations. */
    public Builder evalEvery(int v) {
      evalEvery = v;
      return this;
    }

    /** Sets the patience in validations. */
    public Builder patience(int v) {
      patience = v;
      return this;
    }

    /** Sets the maximum number of epochs. */
    public Builder maxEpochs(int v) {
      maxEpochs = v;
      return this;
    }

    /** Sets the maximum number of steps (0 = no limit). */
    public Builder maxSteps(int v) {
      maxSteps = v;
      return this;
    }

    /** Sets the input dropout rate. */
    public Builder inputDropout(double v) {
      inputDropout = v;
      return this;
    }

    /** Sets the seed. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Sets the precision of the training evaluator (default float64). */
    public Builder precision(Precision v) {
      precision = v;
      return this;
    }

    /** Sets the learning-rate schedule (default constant). */
    public Builder schedule(Schedule v) {
      schedule = v;
      return this;
    }

    /** Sets the largest random translation of training images in pixels (default 0, off). */
    public Builder shift(int v) {
      shift = v;
      return this;
    }

    /** Sets the threads per fold. */
    public Builder threads(int v) {
      threads = v;
      return this;
    }

    /** Returns the validated settings. */
    public TrainerConfig build() {
      return new TrainerConfig(lambda, learningRate, batchSize, evalEvery, patience, maxEpochs, maxSteps,
          inputDropout, seed, threads, precision, schedule, shift);
    }
  }
}
