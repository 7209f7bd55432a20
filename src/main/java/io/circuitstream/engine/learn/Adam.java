package io.circuitstream.engine.learn;

import io.circuitstream.engine.circuit.Circuit;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The Adam optimiser (Kingma and Ba), with PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8.
 *
 * <p>Mutable: it holds the moment estimates of one circuit's parameters.
 */
public final class Adam {
  private static final int CHUNK = 1 << 16;
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double[] m;
  private final double[] v;
  private int step;

  /**
   * Creates an optimiser for {@code size} parameters.
   *
   * @param learningRate step size, positive
   */
  public Adam(int size, double learningRate) {
    this(size, learningRate, 0.9, 0.999, 1e-8);
  }

  /** Creates an optimiser with explicit moment decay rates and ε. */
  public Adam(int size, double learningRate, double beta1, double beta2, double epsilon) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.m = new double[size];
    this.v = new double[size];
  }

  /** Returns the number of steps taken. */
  public int steps() {
    return step;
  }

  /** Applies one step to the circuit's parameters, given their gradient. */
  public void step(Circuit circuit, double[] gradient) {
    step(circuit, gradient, learningRate);
  }

  /** Applies one step with step size {@code rate} (a schedule's) instead of the constructor's. */
  public void step(Circuit circuit, double[] gradient, double rate) {
    circuit.updateParameters(params -> step(params, gradient, rate));
  }

  /**
   * Applies one step with step size {@code rate} and sets {@code gradient} to zero, ready for the next
   * accumulation: one pass over the gradient instead of a step and a separate clearing pass.
   */
  public void stepAndClear(Circuit circuit, double[] gradient, double rate) {
    circuit.updateParameters(params -> update(params, gradient, rate, true));
  }

  /** Applies one step to {@code params} in place, given their gradient. */
  public void step(double[] params, double[] gradient) {
    step(params, gradient, learningRate);
  }

  /** Applies one step to {@code params} in place with step size {@code learningRate}. */
  public void step(double[] params, double[] gradient, double learningRate) {
    update(params, gradient, learningRate, false);
  }

  private void update(double[] params, double[] gradient, double learningRate, boolean clear) {
    if (params.length != m.length || gradient.length != m.length) {
      throw new IllegalArgumentException("expected " + m.length + " parameters and gradients");
    }
    step++;
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    int chunks = (m.length + CHUNK - 1) / CHUNK;
    IntStream.range(0, chunks).parallel().forEach(ch -> {
      int end = Math.min(m.length, (ch + 1) * CHUNK);
      for (int i = ch * CHUNK; i < end; i++) {
        double g = gradient[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        params[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
      }
      if (clear) {
        Arrays.fill(gradient, ch * CHUNK, end, 0.0);
      }
    });
  }
}
