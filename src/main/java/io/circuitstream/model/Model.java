package io.circuitstream.model;

import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A trained model: structure, parameters, class prior, OOD calibration, provenance.
 *
 * <p>Immutable. The constructor copies the arrays and {@link #parameters()} and {@link #logPrior()}
 * return copies, so a serving model cannot be changed under its evaluators; fine-tuning makes a new
 * model. A copy of the parameters can be large (25 million doubles, 200 MB, for
 * {@link CircuitSpec#MNIST}): call {@link #parameters()} once, or {@link #toCircuit()}.
 * {@link #equals} and {@link #hashCode} compare the contents of the arrays.
 *
 * <p>The parameter count is checked against the spec by {@link #toCircuit()}, {@link ModelFiles#write}
 * and {@link ModelFiles#read}, not here, because that needs the circuit's structure.
 *
 * @param spec the circuit structure
 * @param parameters the circuit's parameter vector, in the layout of {@code spec}, all finite
 * @param logPrior {@code log p(y)} per class, {@code spec.numClasses()} of them, none NaN
 * @param ood the out-of-distribution calibration
 * @param provenance where the model came from
 */
public record Model(
    CircuitSpec spec, double[] parameters, double[] logPrior, OodCalibration ood, Provenance provenance) {

  /**
   * Checks the fields and copies the arrays.
   *
   * @throws IllegalArgumentException if {@code logPrior} does not have one entry per class or holds
   *     NaN or +∞, or a parameter is not finite; the message names the field
   * @throws NullPointerException if a field is {@code null}
   */
  public Model {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(logPrior, "logPrior");
    Objects.requireNonNull(ood, "ood");
    Objects.requireNonNull(provenance, "provenance");
    if (logPrior.length != spec.numClasses()) {
      throw new IllegalArgumentException(
          "logPrior has " + logPrior.length + " entries, but spec.numClasses is " + spec.numClasses());
    }
    for (int y = 0; y < logPrior.length; y++) {
      if (Double.isNaN(logPrior[y]) || logPrior[y] == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("logPrior[" + y + "] must be a log-probability, got " + logPrior[y]);
      }
    }
    parameters = parameters.clone();
    for (int i = 0; i < parameters.length; i++) {
      if (!Double.isFinite(parameters[i])) {
        throw new IllegalArgumentException("parameters[" + i + "] must be finite, got " + parameters[i]);
      }
    }
    logPrior = logPrior.clone();
  }

  /** Returns a copy of the parameter vector. */
  @Override
  public double[] parameters() {
    return parameters.clone();
  }

  /** Returns a copy of the log class prior. */
  @Override
  public double[] logPrior() {
    return logPrior.clone();
  }

  /** Returns the parameter vector itself, for {@link ModelFiles}; callers must not change it. */
  double[] sharedParameters() {
    return parameters;
  }

  /**
   * Returns a new circuit with this model's structure and (a copy of its) parameters.
   *
   * @throws IllegalArgumentException if the parameter count does not match the spec's layout
   */
  public Circuit toCircuit() {
    return Circuit.withParameters(spec, parameters);
  }

  /**
   * Returns a read-only circuit that shares this model's parameter array instead of copying it:
   * what serving needs, with the parameters held once.
   *
   * @throws IllegalArgumentException if the parameter count does not match the spec's layout
   */
  public Circuit readOnlyCircuit() {
    return Circuit.readOnlyView(spec, parameters);
  }

  /** Returns whether the other object is a model with equal fields and equal array contents. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Model that
        && spec.equals(that.spec)
        && Arrays.equals(parameters, that.parameters)
        && Arrays.equals(logPrior, that.logPrior)
        && ood.equals(that.ood)
        && provenance.equals(that.provenance);
  }

  @Override
  public int hashCode() {
    return Objects.hash(spec, Arrays.hashCode(parameters), Arrays.hashCode(logPrior), ood, provenance);
  }

  /** Returns the fields with the parameter count instead of the parameters. */
  @Override
  public String toString() {
    return "Model[spec=" + spec + ", parameters=" + parameters.length + " values, logPrior="
        + Arrays.toString(logPrior) + ", ood=" + ood + ", provenance=" + provenance + "]";
  }
}
