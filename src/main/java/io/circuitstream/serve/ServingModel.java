package io.circuitstream.serve;

import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.ClassScores;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.circuit.Evidence;
import io.circuitstream.engine.circuit.Precision;
import io.circuitstream.model.Model;
import io.circuitstream.model.OodCalibration;
import io.circuitstream.model.Provenance;
import io.circuitstream.stream.message.ImageMessage;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One loaded model version with its own evaluator; scores whole batches under a lock.
 *
 * <p>It keeps the model's structure, prior, calibration and provenance but not its parameter vector:
 * the evaluator reads the parameters once, when it is built, so they are not held on the heap while
 * the version serves (fine-tuning reads them from the model store).
 *
 * <p>Closing waits for a batch in progress, and a closed model refuses new batches (the caller then
 * takes the newly active one), so a batch is never scored by two versions.
 */
final class ServingModel implements AutoCloseable {
  final String version;
  final CircuitSpec spec;
  final Provenance provenance;
  private final OodCalibration ood;
  private final Evaluator evaluator;
  private final double[] logPrior;
  private boolean closed;

  ServingModel(String version, Model model, int capacity, int threads, Precision precision) {
    this.version = version;
    this.spec = model.spec();
    this.provenance = model.provenance();
    this.ood = model.ood();
    this.evaluator = model.readOnlyCircuit().evaluator(capacity, threads, false, precision);
    this.logPrior = model.logPrior();
  }

  /** Returns the pixels per image this model expects. */
  int numVariables() {
    return spec.numVariables();
  }

  /** Scores a batch, or returns {@code null} if this model was closed (swapped out) meanwhile. */
  synchronized @Nullable ScoredBatch score(List<ImageMessage> images) {
    if (closed) {
      return null;
    }
    long start = System.nanoTime();
    List<ScoredImage> out = new ArrayList<>(images.size());
    int cap = evaluator.capacity();
    for (int from = 0; from < images.size(); from += cap) {
      List<ImageMessage> part = images.subList(from, Math.min(images.size(), from + cap));
      out.addAll(scoreChunk(part));
    }
    return new ScoredBatch(version, ood.threshold(), out, (System.nanoTime() - start) / 1e9);
  }

  private List<ScoredImage> scoreChunk(List<ImageMessage> images) {
    int v = numVariables();
    int n = images.size();
    int[] values = new int[n * v];
    boolean[] missing = null;
    for (int i = 0; i < n; i++) {
      ImageMessage m = images.get(i);
      if (m.pixels().length != v) {
        throw new IllegalArgumentException("image " + m.id() + " has " + m.pixels().length + " pixels, model "
            + version + " expects " + v);
      }
      System.arraycopy(m.pixels(), 0, values, i * v, v);
      if (m.missing() != null) {
        if (missing == null) {
          missing = new boolean[n * v];
        }
        System.arraycopy(m.missing(), 0, missing, i * v, v);
      }
    }
    Evidence e = new Evidence(n, v, values, missing);
    ClassScores ll = evaluator.logLikelihoods(e);
    ClassScores post = ll.posterior(logPrior);
    double[] marginal = ll.logMarginal(logPrior);
    double threshold = ood.threshold();
    List<ScoredImage> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] p = post.row(i);
      for (int y = 0; y < p.length; y++) {
        p[y] = Math.exp(p[y]);
      }
      double score = -marginal[i] / e.observed(i);
      out.add(new ScoredImage(images.get(i), post.argmax(i), p, marginal[i], score, score > threshold));
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      evaluator.close();
    }
  }
}
