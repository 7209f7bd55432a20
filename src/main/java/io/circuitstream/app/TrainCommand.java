package io.circuitstream.app;

import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.Precision;
import io.circuitstream.model.Model;
import io.circuitstream.model.ModelFiles;
import io.circuitstream.train.TrainerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains a circuit on MNIST with the λ-weighted loss and writes a model file.
 *
 * <p>Ctrl-C stops after the current step and still writes the best parameters so far.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a circuit on MNIST (80/20 train/validation split) and write a model file.")
public final class TrainCommand implements Callable<Integer> {
  @Mixin CircuitOptions circuit = new CircuitOptions();

  @Option(names = "--lambda", required = true, description = "weight of the discriminative loss, 0..1")
  double lambda;

  @Option(names = "--out", required = true, description = "model file to write")
  Path out;

  @Option(names = "--epochs", defaultValue = "10", description = "maximum epochs (default: ${DEFAULT-VALUE})")
  int epochs = 10;

  @Option(names = "--max-steps", defaultValue = "0", description = "maximum steps, 0 = no limit (default: ${DEFAULT-VALUE})")
  int maxSteps;

  @Option(names = "--input-dropout", defaultValue = "0", description = "fraction of pixels marginalised per training image (default: ${DEFAULT-VALUE})")
  double inputDropout;

  @Option(names = "--seed", defaultValue = "42", description = "seed of initialisation, shuffling and dropout (default: ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(names = "--batch", defaultValue = "256", description = "images per step (default: ${DEFAULT-VALUE})")
  int batch = 256;

  @Option(names = "--learning-rate", defaultValue = "0.02", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
  double learningRate = 0.02;

  @Option(names = "--eval-every", defaultValue = "200", description = "steps between validations (default: ${DEFAULT-VALUE})")
  int evalEvery = 200;

  @Option(names = "--patience", defaultValue = "3", description = "validations without improvement before stopping (default: ${DEFAULT-VALUE})")
  int patience = 3;

  @Option(names = "--train-limit", defaultValue = "0", description = "use only the first N training images, 0 = all (default: ${DEFAULT-VALUE})")
  int trainLimit;

  @Option(names = "--false-alarm-rate", defaultValue = "0.01", description = "OOD false-alarm rate to calibrate for (default: ${DEFAULT-VALUE})")
  double falseAlarmRate = 0.01;

  @Option(names = "--threads", description = "threads per fold (default: available processors)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--precision", defaultValue = "float64",
      description = "float32 (faster, ~7 digits) or float64 storage and products while training (default: ${DEFAULT-VALUE})")
  String precision = "float64";

  @Option(names = "--schedule", defaultValue = "constant",
      description = "learning rate over the run: constant (the notebook's) or cosine (decays to 0 at the last planned step) (default: ${DEFAULT-VALUE})")
  String schedule = "constant";

  @Option(names = "--shift", defaultValue = "0",
      description = "augment: translate each training image by a random offset of up to this many pixels per axis (default: ${DEFAULT-VALUE}, off)")
  int shift;

  @Override
  public Integer call() {
    CircuitSpec spec;
    TrainerConfig config;
    try {
      spec = circuit.spec();
      config = TrainerConfig.builder().lambda(lambda).learningRate(learningRate).batchSize(batch).evalEvery(evalEvery)
          .patience(patience).maxEpochs(epochs).maxSteps(maxSteps).inputDropout(inputDropout).seed(seed)
          .threads(threads).precision(Precision.parse(precision)).schedule(TrainerConfig.Schedule.parse(schedule)).shift(shift).build();
      if (!(falseAlarmRate >= 0 && falseAlarmRate < 1)) {
        throw new IllegalArgumentException("--false-alarm-rate must be in [0, 1), got " + falseAlarmRate);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("train: " + e.getMessage());
      return 2;
    }
    TrainingRun run = new TrainingRun(spec, config, seed, trainLimit, falseAlarmRate, System.err);
    CountDownLatch saved = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      run.requestStop();
      try {
        saved.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "train-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Model model = run.run("λ=" + lambda);
      ModelFiles.write(model, out);
      System.err.println("train: wrote " + out);
      return 0;
    } finally {
      saved.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C arrived: the hook is running and now returns.
      }
    }
  }
}
