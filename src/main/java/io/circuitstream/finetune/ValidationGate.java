package io.circuitstream.finetune;

import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.learn.HybridLoss;
import io.circuitstream.eval.Metrics;
import io.circuitstream.model.OodCalibration;
import io.circuitstream.train.Scoring;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Compares a fine-tuned candidate with the active model on held-out data and decides whether to promote it.
 *
 * <p>The held-out data is the original validation images plus the held-out share of the feedback.
 * The candidate passes if its accuracy on neither drops by more than the margin below the active
 * model's: it may learn the new feedback, but not at the price of what it knew.
 */
final class ValidationGate {
  private final ImageSet original;
  private final ImageSet feedback;
  private final double margin;
  private final HybridLoss loss;
  private final int batchSize;
  private final int threads;

  /**
   * Creates a gate.
   *
   * @param original the original validation images
   * @param feedback the held-out feedback, possibly empty
   * @param loss the loss whose components are reported, with the models' class prior
   */
  ValidationGate(ImageSet original, ImageSet feedback, double margin, HybridLoss loss, int batchSize, int threads) {
    this.original = original;
    this.feedback = feedback;
    this.margin = margin;
    this.loss = loss;
    this.batchSize = batchSize;
    this.threads = threads;
  }

  /**
   * A model's results on the held-out data.
   *
   * @param original on the original validation images
   * @param feedback on the held-out feedback, or {@code null} when there is none
   */
  record Scores(Scoring.Result original, Scoring.@Nullable Result feedback) {}

  /**
   * The gate's verdict.
   *
   * @param promote whether the candidate may serve
   * @param reason the comparison in words
   * @param metrics both models' accuracies and losses, such as {@code candidateOriginalAccuracy}
   */
  record Decision(boolean promote, String reason, Map<String, Double> metrics) {}

  /** Scores a circuit's current parameters on the held-out data. */
  Scores score(Circuit circuit) {
    try (Evaluator ev = circuit.evaluator(batchSize, threads, false)) {
      Scoring.Result o = Scoring.score(ev, original, loss, 0, 0, done -> { });
      Scoring.Result f = feedback.size() == 0 ? null : Scoring.score(ev, feedback, loss, 0, 0, done -> { });
      return new Scores(o, f);
    }
  }

  /** Compares the candidate's scores with the active model's. */
  Decision decide(Scores active, Scores candidate) {
    Map<String, Double> m = new LinkedHashMap<>();
    put(m, "active", "Original", active.original());
    put(m, "candidate", "Original", candidate.original());
    double activeO = active.original().metrics().accuracy();
    double candO = candidate.original().metrics().accuracy();
    StringBuilder why = new StringBuilder(String.format("accuracy on %d original validation images %.2f%% -> %.2f%%",
        original.size(), 100 * activeO, 100 * candO));
    boolean pass = candO >= activeO - margin;
    if (active.feedback() != null && candidate.feedback() != null) {
      put(m, "active", "Feedback", active.feedback());
      put(m, "candidate", "Feedback", candidate.feedback());
      double activeF = active.feedback().metrics().accuracy();
      double candF = candidate.feedback().metrics().accuracy();
      why.append(String.format(", on %d held-out feedback images %.2f%% -> %.2f%%", feedback.size(), 100 * activeF,
          100 * candF));
      pass &= candF >= activeF - margin;
    } else {
      why.append(", no held-out feedback");
    }
    m.put("margin", margin);
    why.append(String.format(" (largest drop allowed %.2f points)", 100 * margin));
    return new Decision(pass, (pass ? "passed the gate: " : "accuracy dropped by more than the margin: ") + why, m);
  }

  private static void put(Map<String, Double> m, String model, String set, Scoring.Result r) {
    m.put(model + set + "Accuracy", r.metrics().accuracy());
    m.put(model + set + "Loss", r.metrics().loss());
    m.put(model + set + "GenLoss", r.metrics().genLoss());
    m.put(model + set + "DisLoss", r.metrics().disLoss());
  }

  /**
   * Recomputes the OOD threshold for the candidate from its scores on all held-out images.
   *
   * @param falseAlarmRate the fraction of in-distribution images to flag, as the parent's calibration had
   */
  OodCalibration calibrate(Scores candidate, double falseAlarmRate) {
    double[] o = candidate.original().nllPerPixel();
    double[] f = candidate.feedback() == null ? new double[0] : candidate.feedback().nllPerPixel();
    double[] all = new double[o.length + f.length];
    System.arraycopy(o, 0, all, 0, o.length);
    System.arraycopy(f, 0, all, o.length, f.length);
    return new OodCalibration(Metrics.quantileThreshold(all, falseAlarmRate), falseAlarmRate, all.length);
  }
}
