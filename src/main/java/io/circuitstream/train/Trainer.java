package io.circuitstream.train;

import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.ClassScores;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.circuit.Evidence;
import io.circuitstream.engine.learn.Adam;
import io.circuitstream.engine.learn.HybridLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a circuit with the hybrid loss and Adam, keeping the parameters with the best validation
 * accuracy, as the reference notebook does.
 *
 * <p>Validates every {@code evalEvery} steps and after the last step, stops after {@code patience}
 * validations without improvement, after {@code maxEpochs} epochs or {@code maxSteps} steps, or when
 * {@link #requestStop()} is called (from any thread; the current step finishes first). At the end
 * the circuit holds the best parameters. Seeded: the same config, circuit and data give the same
 * result.
 */
public final class Trainer {
  private final TrainerConfig config;
  private volatile boolean stopRequested;

  /** Creates a trainer with the given settings. */
  public Trainer(TrainerConfig config) {
    this.config = config;
  }

  /** Asks a running {@link #train} to stop after its current step and keep the best parameters. */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * The outcome of a run.
   *
   * @param history every validation, in order
   * @param steps steps taken
   * @param bestStep step of the kept parameters
   * @param bestValidationAccuracy validation accuracy of the kept parameters
   * @param interrupted whether {@link #requestStop()} ended the run
   * @param seconds wall time
   */
  public record Result(List<TrainingListener.ValidationPoint> history, int steps, int bestStep,
      double bestValidationAccuracy, boolean interrupted, double seconds) {
    /** Returns the validation of the kept parameters. */
    public TrainingListener.ValidationPoint best() {
      return history.stream().filter(p -> p.step() == bestStep).reduce((a, b) -> b).orElseThrow();
    }
  }

  /**
   * Trains {@code circuit} in place on {@code train}, validating on {@code validation}.
   *
   * @param listener told of each step and validation
   */
  public Result train(Circuit circuit, ImageSet train, ImageSet validation, TrainingListener listener) {
    long start = System.nanoTime();
    int pixels = train.pixelsPerImage();
    if (pixels != circuit.numVariables()) {
      throw new IllegalArgumentException("images have " + pixels + " pixels, the circuit " + circuit.numVariables());
    }
    HybridLoss loss = HybridLoss.of(config.lambda(), pixels);
    Adam adam = new Adam(circuit.numParameters(), config.learningRate());
    double[] gradient = new double[circuit.numParameters()];
    double[] outputGradient = new double[config.batchSize() * circuit.numClasses()];
    double[] best = null;
    double bestAccuracy = Double.NEGATIVE_INFINITY;
    int bestStep = 0;
    int patience = config.patience();
    List<TrainingListener.ValidationPoint> history = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(config.seed());
    Batcher batcher = new Batcher(train, config.batchSize());
    int[] order = new int[train.size()];
    int step = 0;
    int perEpoch = (order.length + config.batchSize() - 1) / config.batchSize();
    int planned = config.maxEpochs() * perEpoch;
    if (config.maxSteps() > 0) {
      planned = Math.min(planned, config.maxSteps());
    }
    Running running = new Running();
    boolean done = false;
    // Validation runs on an inference evaluator: the same values, by the faster lookup-table path.
    try (Evaluator ev = circuit.evaluator(config.batchSize(), config.threads(), true, config.precision());
        Evaluator scorer = circuit.evaluator(config.batchSize(), config.threads(), false, config.precision())) {
      for (int epoch = 0; epoch < config.maxEpochs() && !done; epoch++) {
        shuffle(order, rnd);
        for (int from = 0; from < order.length && !done; from += config.batchSize()) {
          int to = Math.min(order.length, from + config.batchSize());
          Evidence e = batcher.load(order, from, to, config.shift(), config.inputDropout(), Batcher.MaskMode.BERNOULLI, rnd);
          ClassScores out = ev.logLikelihoods(e);
          HybridLoss.Value v = loss.evaluate(out, batcher.labels(), outputGradient);
          ev.backward(Arrays.copyOf(outputGradient, e.size() * circuit.numClasses()), gradient);
          // The step leaves the gradient zero for the next backward pass.
          adam.stepAndClear(circuit, gradient, config.learningRate() * config.schedule().factor(step + 1, planned));
          step++;
          running.add(v);
          listener.onStep(step, epoch, running.mean(), running.imagesPerSecond());
          boolean last = stopRequested || (config.maxSteps() > 0 && step >= config.maxSteps())
              || (epoch == config.maxEpochs() - 1 && to == order.length);
          if (step % config.evalEvery() == 0 || last) {
            HybridLoss.Value val = Scoring.score(scorer, validation, loss, 0, 0, done0 -> { }).metrics();
            boolean improved = val.accuracy() > bestAccuracy;
            if (improved) {
              bestAccuracy = val.accuracy();
              bestStep = step;
              best = circuit.parameters();
              patience = config.patience();
            } else {
              patience--;
            }
            TrainingListener.ValidationPoint point =
                new TrainingListener.ValidationPoint(step, epoch, running.mean(), val, improved, patience);
            history.add(point);
            listener.onValidation(point);
            running = new Running();
            done = patience == 0 || last;
          }
        }
      }
    }
    if (best != null) {
      circuit.setParameters(best);
    }
    return new Result(List.copyOf(history), step, bestStep, bestAccuracy, stopRequested,
        (System.nanoTime() - start) / 1e9);
  }

  private static void shuffle(int[] order, SplittableRandom rnd) {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /** Running means of the steps since the last validation. */
  private static final class Running {
    private final long start = System.nanoTime();
    private double loss;
    private double gen;
    private double dis;
    private int correct;
    private int size;

    void add(HybridLoss.Value v) {
      loss += v.loss() * v.size();
      gen += v.genLoss() * v.size();
      dis += v.disLoss() * v.size();
      correct += v.correct();
      size += v.size();
    }

    HybridLoss.Value mean() {
      return size == 0 ? new HybridLoss.Value(0, 0, 0, 0, 0)
          : new HybridLoss.Value(loss / size, gen / size, dis / size, correct, size);
    }

    double imagesPerSecond() {
      return size / ((System.nanoTime() - start) / 1e9);
    }
  }
}
