package io.circuitstream.app;

import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.learn.HybridLoss;
import io.circuitstream.eval.Metrics;
import io.circuitstream.eval.Plots;
import io.circuitstream.model.Model;
import io.circuitstream.train.Scoring;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluates a model the notebook's way on MNIST test: accuracy and losses, the missing-pixel curve,
 * and out-of-distribution detection against Fashion-MNIST.
 */
final class EvaluationRun {
  /** Missing fractions of the curve: 0, 10, …, 90 %. */
  static final double[] MISSING = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
  /** Seed of the missing-pixel masks. */
  static final long MASK_SEED = 2024;

  /**
   * What an evaluation measured.
   *
   * @param test accuracy and losses on MNIST test (complete images)
   * @param missing accuracy per missing fraction, rows {fraction, accuracy}
   * @param logLikelihoods log p(x) per image of each OOD set, by name
   * @param oodAuroc AUROC of NLL per pixel, Fashion-MNIST test (positive) vs MNIST test
   * @param oodTprAtThreshold fraction of Fashion-MNIST test above the model's threshold
   * @param falseAlarmRate fraction of MNIST test above the model's threshold
   * @param threshold the model's threshold, nats per pixel
   */
  record Report(HybridLoss.Value test, double[][] missing, Map<String, double[]> logLikelihoods, double oodAuroc,
      double oodTprAtThreshold, double falseAlarmRate, double threshold) {

    Map<String, Object> asJsonFields() {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("testAccuracy", test.accuracy());
      r.put("loss", test.loss());
      r.put("genLoss", test.genLoss());
      r.put("disLoss", test.disLoss());
      r.put("testImages", test.size());
      List<String> rows = new ArrayList<>();
      for (double[] m : missing) {
        rows.add(String.format(Locale.ROOT, "{\"fraction\":%.2f,\"accuracy\":%s}", m[0], m[1]));
      }
      r.put("missing", new Json.Raw("[" + String.join(",", rows) + "]"));
      r.put("oodAuroc", oodAuroc);
      r.put("oodTprAtThreshold", oodTprAtThreshold);
      r.put("falseAlarmRate", falseAlarmRate);
      r.put("oodThreshold", threshold);
      return r;
    }
  }

  private final int testLimit;
  private final int oodLimit;
  private final int batch;
  private final int threads;
  private final PrintStream log;

  EvaluationRun(int testLimit, int oodLimit, int batch, int threads, PrintStream log) {
    this.testLimit = testLimit;
    this.oodLimit = oodLimit;
    this.batch = batch;
    this.threads = threads;
    this.log = log;
  }

  private static ImageSet limit(ImageSet s, int n) {
    return n > 0 && n < s.size() ? s.slice(0, n) : s;
  }

  Report run(Model model, String label) {
    Circuit circuit = model.toCircuit();
    HybridLoss loss = new HybridLoss(model.provenance().lambda(), circuit.numVariables(), model.logPrior());
    ImageSet test = limit(Datasets.mnistTest(), testLimit);
    try (Evaluator ev = circuit.evaluator(batch, threads, false)) {
      long total = (long) test.size() * MISSING.length + 3L * limit(Datasets.mnistTest(), oodLimit).size();
      ProgressBar bar = new ProgressBar(log, label + " evaluate", total);
      long[] done = {0};
      double[][] curve = new double[MISSING.length][];
      Scoring.Result complete = null;
      for (int i = 0; i < MISSING.length; i++) {
        long base = done[0];
        double f = MISSING[i];
        Scoring.Result r = Scoring.score(ev, test, loss, f, MASK_SEED + i,
            n -> bar.update(base + n, String.format(Locale.ROOT, "missing %.0f%%", 100 * f)));
        done[0] += test.size();
        curve[i] = new double[] {f, r.metrics().accuracy()};
        if (f == 0) {
          complete = r;
        }
      }
      Map<String, double[]> ll = new LinkedHashMap<>();
      Map<String, double[]> nll = new LinkedHashMap<>();
      String[] names = {"MNIST train", "MNIST test", "Fashion-MNIST test"};
      ImageSet[] sets = {limit(Datasets.mnistTrain(), oodLimit), limit(Datasets.mnistTest(), oodLimit),
          limit(Datasets.fashionTest(), oodLimit)};
      for (int i = 0; i < names.length; i++) {
        long base = done[0];
        String name = names[i];
        Scoring.Result r = Scoring.score(ev, sets[i], loss, 0, 0, n -> bar.update(base + n, name));
        done[0] += sets[i].size();
        ll.put(name, r.logLikelihood());
        nll.put(name, r.nllPerPixel());
      }
      bar.update(total, "done");
      bar.finish();
      double threshold = model.ood().threshold();
      double auroc = Metrics.auroc(nll.get("Fashion-MNIST test"), nll.get("MNIST test"));
      return new Report(complete.metrics(), curve, ll, auroc,
          Metrics.fractionAbove(nll.get("Fashion-MNIST test"), threshold),
          Metrics.fractionAbove(nll.get("MNIST test"), threshold), threshold);
    }
  }

  /** Writes the missing-pixel curve and the log-likelihood histograms of one model. */
  static void plots(Report report, String name, Path dir) {
    Plots.accuracyVsMissing(dir.resolve("missing-pixels.png"), "Accuracy vs missing pixels: " + name,
        Map.of(name, report.missing()));
    Plots.logLikelihoodHistograms(dir.resolve("log-likelihoods.png"), "Log-likelihood of images: " + name,
        report.logLikelihoods(), 50);
  }
}
