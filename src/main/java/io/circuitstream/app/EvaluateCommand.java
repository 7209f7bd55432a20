package io.circuitstream.app;

import io.circuitstream.model.Model;
import io.circuitstream.model.ModelFileException;
import io.circuitstream.model.ModelFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Evaluates a model file on MNIST test, under missing pixels, and against Fashion-MNIST. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a model: MNIST test accuracy and losses, accuracy with 0-90%% of pixels missing, "
        + "OOD detection of Fashion-MNIST (AUROC, true-positive rate at the model's threshold).")
public final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "model file written by train")
  Path model;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Option(names = "--plots", description = "folder for PNG plots (missing-pixel curve, log-likelihood histograms)")
  Path plots;

  @Option(names = "--test-limit", defaultValue = "0", description = "use only the first N MNIST test images, 0 = all (default: ${DEFAULT-VALUE})")
  int testLimit;

  @Option(names = "--ood-limit", defaultValue = "10000", description = "images per set for the OOD histograms and AUROC (default: ${DEFAULT-VALUE})")
  int oodLimit = 10000;

  @Option(names = "--batch", defaultValue = "256", description = "images per batch (default: ${DEFAULT-VALUE})")
  int batch = 256;

  @Option(names = "--threads", description = "threads per fold (default: available processors)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() {
    if (batch <= 0 || threads <= 0 || testLimit < 0 || oodLimit < 0) {
      System.err.println("evaluate: --batch and --threads must be positive, limits >= 0");
      return 2;
    }
    Model m;
    try {
      m = ModelFiles.read(model);
    } catch (ModelFileException e) {
      System.err.println("evaluate: " + e.getMessage());
      return 1;
    }
    EvaluationRun.Report r = new EvaluationRun(testLimit, oodLimit, batch, threads, System.err).run(m, model.getFileName().toString());
    if (plots != null) {
      EvaluationRun.plots(r, "λ=" + m.provenance().lambda(), plots);
      System.err.println("evaluate: plots in " + plots);
    }
    Map<String, Object> fields = r.asJsonFields();
    if (json) {
      System.out.println(Json.object(fields));
    } else {
      System.out.printf(Locale.ROOT, "test accuracy      %.2f%% (%d images)%n", 100 * r.test().accuracy(), r.test().size());
      System.out.printf(Locale.ROOT, "L / L_gen / L_dis  %.4f / %.2f / %.4f%n", r.test().loss(), r.test().genLoss(), r.test().disLoss());
      for (double[] row : r.missing()) {
        System.out.printf(Locale.ROOT, "missing %3.0f%%       %.2f%%%n", 100 * row[0], 100 * row[1]);
      }
      System.out.printf(Locale.ROOT, "OOD AUROC          %.4f (Fashion-MNIST test vs MNIST test)%n", r.oodAuroc());
      System.out.printf(Locale.ROOT, "OOD TPR            %.2f%% at threshold %.4f nats/pixel; false alarms %.2f%% of MNIST test%n",
          100 * r.oodTprAtThreshold(), r.threshold(), 100 * r.falseAlarmRate());
    }
    return 0;
  }
}
