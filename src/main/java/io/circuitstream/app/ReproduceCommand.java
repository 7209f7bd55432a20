package io.circuitstream.app;

import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.Precision;
import io.circuitstream.eval.Plots;
import io.circuitstream.model.Model;
import io.circuitstream.model.ModelFileException;
import io.circuitstream.model.ModelFiles;
import io.circuitstream.train.TrainerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Reproduces the reference notebook: trains λ ∈ {0, 0.25, 0.5, 0.75, 1}, evaluates each, and writes
 * the tables and plots to a results folder beside the notebook's own numbers.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = "Train and evaluate lambda = 0, 0.25, 0.5, 0.75, 1 as the reference notebook does; write tables and plots.")
public final class ReproduceCommand implements Callable<Integer> {
  static final double[] LAMBDAS = {0, 0.25, 0.5, 0.75, 1};
  static final long CIRCUIT_SEED = 42;
  /** Values of configuration keys added later, for model files written before they existed. */
  private static final Map<String, String> BEFORE_THE_KEY = Map.of("precision", "float64", "schedule", "constant", "shift", "0");
  // The notebook's test results (cirkit on a GPU): accuracy, L, L_gen, L_dis per λ.
  static final double[][] NOTEBOOK = {
      {0.8962, 0.856072, 671.160388, 0.317449},
      {0.9673, 0.736987, 742.395496, 0.107149},
      {0.9622, 0.562760, 785.035678, 0.124199},
      {0.9653, 0.346380, 821.468174, 0.112576},
      {0.9446, 0.196180, 3989.731081, 0.196180}};

  @Option(names = "--quick", description = "a small circuit and 200 steps per λ on slices of the data: minutes, not hours")
  boolean quick;

  @Option(names = "--out", description = "results folder (default: docs/results, or docs/results/quick with --quick)")
  Path out;

  @Option(names = "--models", defaultValue = "data/models", description = "folder for the trained model files (default: ${DEFAULT-VALUE})")
  Path models = Path.of("data/models");

  @Option(names = "--threads", description = "threads per fold (default: available processors)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--precision", defaultValue = "float64",
      description = "float32 (faster) or float64 storage and products while training (default: ${DEFAULT-VALUE})")
  String precision = "float64";

  @Option(names = "--resume", description = "reuse a finished model in --models trained with exactly this "
      + "configuration (not interrupted) instead of training it again; evaluation is always rerun")
  boolean resume;

  @Override
  public Integer call() throws IOException {
    Precision prec;
    try {
      prec = Precision.parse(precision);
    } catch (IllegalArgumentException e) {
      System.err.println("reproduce: --" + e.getMessage());
      return 2;
    }
    Path dir = out != null ? out : Path.of(quick ? "docs/results/quick" : "docs/results");
    CircuitSpec spec = quick ? CircuitSpec.builder().regionGraph("quad-tree-2").units(16).build() : CircuitSpec.MNIST;
    int trainLimit = quick ? 20000 : 0;
    int testLimit = quick ? 2000 : 0;
    int oodLimit = quick ? 2000 : 10000;
    Files.createDirectories(dir);
    Files.createDirectories(models);
    long start = System.nanoTime();
    List<EvaluationRun.Report> reports = new ArrayList<>();
    List<Model> trained = new ArrayList<>();
    TrainerConfig last = null;
    List<Boolean> reused = new ArrayList<>();
    for (double lambda : LAMBDAS) {
      TrainerConfig.Builder b = TrainerConfig.builder().lambda(lambda).threads(threads)
          .precision(prec);
      TrainerConfig config = quick ? b.batchSize(100).evalEvery(50).maxSteps(200).build() : b.build();
      last = config;
      String label = String.format(Locale.ROOT, "λ=%.2f", lambda);
      Path file = models.resolve(String.format(Locale.ROOT, "%s-lambda-%.2f.cstrm", quick ? "quick" : "full", lambda));
      Model model = resume ? reusable(file, spec, config) : null;
      reused.add(model != null);
      if (model == null) {
        model = new TrainingRun(spec, config, CIRCUIT_SEED, trainLimit, 0.01, System.err).run(label);
        ModelFiles.write(model, file);
      } else {
        System.err.printf(Locale.ROOT, "%s: reusing %s (trained in %.0f s by an earlier run with this configuration)%n",
            label, file, model.provenance().metrics().getOrDefault("trainSeconds", 0.0));
      }
      trained.add(model);
      reports.add(new EvaluationRun(testLimit, oodLimit, 256, threads, System.err).run(model, label));
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    writeResults(dir, spec, last, trainLimit, testLimit, oodLimit, trained, reused, reports, minutes);
    System.err.printf(Locale.ROOT, "reproduce: wrote %s in %.1f minutes%n", dir, minutes);
    return 0;
  }

  /**
   * Returns the model in {@code file} when it was trained to the end with exactly this circuit and
   * configuration, else null (with the reason on stderr).
   */
  static @Nullable Model reusable(Path file, CircuitSpec spec, TrainerConfig config) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Model model;
    try {
      model = ModelFiles.read(file);
    } catch (ModelFileException e) {
      System.err.println("reproduce: not reusing " + file + ": " + e.getMessage());
      return null;
    }
    Map<String, String> cfg = model.provenance().config();
    String why = null;
    if (!model.spec().equals(spec)) {
      why = "it holds a different circuit (" + model.spec() + ")";
    } else if (!"false".equals(cfg.get("interrupted"))) {
      why = "its training was interrupted";
    } else if (!Long.toString(CIRCUIT_SEED).equals(cfg.get("circuitSeed"))) {
      why = "its circuit seed differs";
    } else {
      for (Map.Entry<String, String> e : config.asText().entrySet()) {
        String was = cfg.getOrDefault(e.getKey(), BEFORE_THE_KEY.get(e.getKey()));
        if (!e.getValue().equals(was)) {
          why = "its " + e.getKey() + " was " + was + ", this run uses " + e.getValue();
          break;
        }
      }
    }
    if (why != null) {
      System.err.println("reproduce: training again instead of reusing " + file + ": " + why);
      return null;
    }
    return model;
  }

  private void writeResults(Path dir, CircuitSpec spec, TrainerConfig config, int trainLimit, int testLimit,
      int oodLimit, List<Model> models, List<Boolean> reused, List<EvaluationRun.Report> reports, double minutes) {
    Map<String, double[][]> curves = new LinkedHashMap<>();
    for (int i = 0; i < LAMBDAS.length; i++) {
      curves.put(String.format(Locale.ROOT, "λ=%.2f", LAMBDAS[i]), reports.get(i).missing());
      Plots.logLikelihoodHistograms(dir.resolve(String.format(Locale.ROOT, "ood-lambda-%.2f.png", LAMBDAS[i])),
          String.format(Locale.ROOT, "Log-likelihood of images, λ=%.2f", LAMBDAS[i]), reports.get(i).logLikelihoods(), 50);
    }
    Plots.accuracyVsMissing(dir.resolve("missing-pixels.png"), "Effect of missing pixels on MNIST test accuracy", curves);

    StringBuilder md = new StringBuilder();
    md.append("# Reproduction of the cirkit MNIST tutorial").append(quick ? " (quick)" : "").append("\n\n");
    double reusedMinutes = 0;
    for (int i = 0; i < LAMBDAS.length; i++) {
      if (reused.get(i)) {
        reusedMinutes += models.get(i).provenance().metrics().getOrDefault("trainSeconds", 0.0) / 60;
      }
    }
    md.append("Produced by `java -jar target/circuitstream.jar reproduce").append(quick ? " --quick" : "")
        .append(config.precision() == Precision.FLOAT64 ? "" : " --precision " + config.precision().label())
        .append(resume ? " --resume" : "").append("` on ").append(Instant.now()).append(String.format(Locale.ROOT,
            ", %d threads, circuitstream %s; wall time **%.1f minutes** for this invocation (training and evaluation)",
            threads, BuildInfo.version(), minutes));
    if (reusedMinutes > 0) {
      md.append(String.format(Locale.ROOT, ", plus %.1f minutes of training by earlier invocations whose finished "
          + "models it reused (marked ↻ below; evaluated again here)", reusedMinutes));
    }
    md.append(".\n\n");
    md.append("Configuration: ").append(spec.regionGraph()).append(", ").append(spec.layerKind()).append(" blocks, ")
        .append(spec.inputUnits()).append(" input units, ").append(spec.sumUnits()).append(" sum units, ")
        .append(spec.numClasses()).append(" classes, ").append(spec.numCategories()).append(" categories; ")
        .append(String.format(Locale.ROOT, "Adam lr %s, batch %d, validation every %d steps, patience %d, at most %d epochs%s; ",
            config.learningRate(), config.batchSize(), config.evalEvery(), config.patience(), config.maxEpochs(),
            config.maxSteps() > 0 ? " and " + config.maxSteps() + " steps" : ""))
        .append("MNIST train split 80/20 with seed 13").append(trainLimit > 0 ? ", first " + trainLimit + " training images" : "")
        .append("; test on ").append(testLimit > 0 ? "the first " + testLimit : "all 10000").append(" MNIST test images; ")
        .append("OOD sets of ").append(oodLimit).append(" images; ").append(config.precision().label()).append(".\n\n");
    md.append("## Test results beside the notebook's\n\n");
    md.append("| λ | accuracy | L | L_gen | L_dis | steps (kept) | training time | notebook accuracy | notebook L | notebook L_gen | notebook L_dis |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < LAMBDAS.length; i++) {
      EvaluationRun.Report r = reports.get(i);
      Map<String, Double> prov = models.get(i).provenance().metrics();
      md.append(String.format(Locale.ROOT, "| %.2f | %.2f %% | %.4f | %.1f | %.4f | %.0f (%.0f) | %.1f min%s | %.2f %% | %.4f | %.1f | %.4f |%n",
          LAMBDAS[i], 100 * r.test().accuracy(), r.test().loss(), r.test().genLoss(), r.test().disLoss(),
          prov.getOrDefault("steps", 0.0), prov.getOrDefault("bestStep", 0.0),
          prov.getOrDefault("trainSeconds", 0.0) / 60, reused.get(i) ? " ↻" : "",
          100 * NOTEBOOK[i][0], NOTEBOOK[i][1], NOTEBOOK[i][2], NOTEBOOK[i][3]));
    }
    md.append("\n## Accuracy with missing pixels\n\nEach test image gets its own random set of missing pixels "
        + "(exactly the stated fraction), marginalised exactly.\n\n![accuracy vs missing pixels](missing-pixels.png)\n\n");
    md.append("| λ |");
    for (double f : EvaluationRun.MISSING) {
      md.append(String.format(Locale.ROOT, " %.0f %% |", 100 * f));
    }
    md.append("\n|---|").append("---|".repeat(EvaluationRun.MISSING.length)).append('\n');
    for (int i = 0; i < LAMBDAS.length; i++) {
      md.append(String.format(Locale.ROOT, "| %.2f |", LAMBDAS[i]));
      for (double[] row : reports.get(i).missing()) {
        md.append(String.format(Locale.ROOT, " %.2f |", 100 * row[1]));
      }
      md.append('\n');
    }
    md.append("\n## Out-of-distribution detection (Fashion-MNIST)\n\nScore: negative log-likelihood per observed "
        + "pixel; threshold calibrated on the validation split for a 1 % false-alarm rate.\n\n");
    md.append("| λ | AUROC (Fashion test vs MNIST test) | Fashion flagged at threshold | MNIST test flagged | threshold (nats/pixel) |\n");
    md.append("|---|---|---|---|---|\n");
    for (int i = 0; i < LAMBDAS.length; i++) {
      EvaluationRun.Report r = reports.get(i);
      md.append(String.format(Locale.ROOT, "| %.2f | %.4f | %.2f %% | %.2f %% | %.4f |%n", LAMBDAS[i], r.oodAuroc(),
          100 * r.oodTprAtThreshold(), 100 * r.falseAlarmRate(), r.threshold()));
    }
    md.append('\n');
    for (double lambda : LAMBDAS) {
      md.append(String.format(Locale.ROOT, "![log-likelihoods λ=%.2f](ood-lambda-%.2f.png)%n", lambda, lambda));
    }
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < LAMBDAS.length; i++) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("lambda", LAMBDAS[i]);
      f.putAll(reports.get(i).asJsonFields());
      Map<String, Double> prov = models.get(i).provenance().metrics();
      f.put("trainSeconds", prov.getOrDefault("trainSeconds", 0.0));
      f.put("steps", prov.getOrDefault("steps", 0.0));
      f.put("bestStep", prov.getOrDefault("bestStep", 0.0));
      f.put("reusedModel", reused.get(i));
      json.append(i == 0 ? "" : ",\n").append(Json.object(f));
    }
    json.append("]\n");
    try {
      Files.writeString(dir.resolve("README.md"), md.toString());
      Files.writeString(dir.resolve("results.json"), json.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
