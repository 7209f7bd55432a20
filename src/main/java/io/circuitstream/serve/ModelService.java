package io.circuitstream.serve;

import io.circuitstream.engine.circuit.Precision;
import io.circuitstream.model.Model;
import io.circuitstream.model.Provenance;
import io.circuitstream.stream.message.ImageMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The models of one service instance: the store, the active version, hot swaps, and batch scoring.
 *
 * <p>A swap loads and checks the new version completely, then replaces the active one between
 * batches; the old one finishes its batch first. A failed load leaves the old version serving.
 */
public final class ModelService implements ModelRegistry, AutoCloseable {
  private final ModelStore store;
  private final int batchCapacity;
  private final Precision precision;
  private final int threads;
  private final int expectedPixels;
  private final Consumer<SwapResult> swapListener;
  private final AtomicReference<@Nullable ServingModel> active = new AtomicReference<>();
  private final Object swapLock = new Object();
  private final java.util.concurrent.ConcurrentHashMap<String, ModelInfo> infos = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Creates the service over a store; nothing is active until {@link #activate}.
   *
   * @param batchCapacity largest batch an evaluator takes at once
   * @param threads engine threads per batch
   * @param expectedPixels pixels per image the service accepts; a model of another size is refused
   * @param swapListener told of every swap outcome (metrics, logs)
   */
  public ModelService(ModelStore store, int batchCapacity, int threads, int expectedPixels,
      Consumer<SwapResult> swapListener) {
    this(store, batchCapacity, threads, Precision.FLOAT64, expectedPixels, swapListener);
  }

  /**
   * Creates a model service whose evaluators store values and run products in the given precision
   * (float32: faster and half the working memory, outputs good to about 1e-5 relative).
   */
  public ModelService(ModelStore store, int batchCapacity, int threads, Precision precision, int expectedPixels,
      Consumer<SwapResult> swapListener) {
    this.precision = precision;
    this.store = store;
    this.batchCapacity = batchCapacity;
    this.threads = threads;
    this.expectedPixels = expectedPixels;
    this.swapListener = swapListener;
  }

  /** Returns the store. */
  public ModelStore store() {
    return store;
  }

  @Override
  public List<ModelInfo> list() {
    ServingModel current = active.get();
    List<ModelInfo> out = new ArrayList<>();
    for (String v : store.versions()) {
      out.add(info(v, current != null && current.version.equals(v) ? current.provenance : null, current));
    }
    return out;
  }

  @Override
  public Optional<ModelInfo> active() {
    ServingModel current = active.get();
    return current == null ? Optional.empty() : Optional.of(info(current.version, current.provenance, current));
  }

  /** Returns the active version's name, if any. */
  public Optional<String> activeVersion() {
    ServingModel current = active.get();
    return current == null ? Optional.empty() : Optional.of(current.version);
  }

  /**
   * Returns the active version with its structure, if any.
   *
   * <p>Its parameters are not held in memory while it serves: {@link ServedModel#load()} reads the
   * whole model from the store, and fine-tuning trains a circuit of its own on it, never touching the
   * serving evaluator.
   */
  public Optional<ServedModel> served() {
    ServingModel current = active.get();
    return current == null ? Optional.empty() : Optional.of(new ServedModel(current.version, current.spec, store));
  }

  /** Returns the description of a stored version (read once, then cached), whether active or not. */
  public ModelInfo describe(String version) {
    ServingModel current = active.get();
    return info(version, current != null && current.version.equals(version) ? current.provenance : null, current);
  }

  private ModelInfo info(String version, @Nullable Provenance loaded, @Nullable ServingModel current) {
    // Stored versions never change, so each file is read once for its description.
    ModelInfo known = infos.computeIfAbsent(version, v -> {
      try {
        Provenance p = loaded != null ? loaded : store.load(v).provenance();
        return new ModelInfo(v, p.lambda(), p.createdAt(), store.sha256(v), p.metrics(), false, null,
            p.parentVersion());
      } catch (RuntimeException e) {
        return new ModelInfo(v, 0, "", "", Map.of(), false, String.valueOf(e.getMessage()), null);
      }
    });
    boolean isActive = current != null && current.version.equals(version);
    return new ModelInfo(known.version(), known.lambda(), known.createdAt(), known.sha256(), known.metrics(), isActive,
        known.problem(), known.parentVersion());
  }

  @Override
  public SwapResult activate(String version) {
    synchronized (swapLock) {
      ServingModel current = active.get();
      String activeName = current == null ? "" : current.version;
      SwapResult result;
      if (current != null && current.version.equals(version)) {
        result = new SwapResult(SwapResult.Outcome.ALREADY_ACTIVE, version, activeName, version + " is already active");
      } else if (!store.contains(version)) {
        result = new SwapResult(SwapResult.Outcome.UNKNOWN_VERSION, version, activeName,
            "no version " + version + " in the model store " + store.directory() + "; known: " + store.versions());
      } else {
        try {
          Model model = store.load(version);
          if (model.spec().numVariables() != expectedPixels) {
            throw new IllegalArgumentException("model " + version + " takes images of " + model.spec().height() + "x"
                + model.spec().width() + " pixels; this service classifies " + expectedPixels + "-pixel images");
          }
          ServingModel next = new ServingModel(version, model, batchCapacity, threads, precision);
          ServingModel old = active.getAndSet(next);
          if (old != null) {
            old.close(); // waits for its batch in progress
          }
          result = new SwapResult(SwapResult.Outcome.SWAPPED, version, version,
              "serving " + version + (old == null ? "" : " instead of " + old.version));
        } catch (RuntimeException e) {
          result = new SwapResult(SwapResult.Outcome.LOAD_FAILED, version, activeName,
              "could not load " + version + ": " + e.getMessage() + (current == null ? "" : "; " + activeName + " keeps serving"));
        }
      }
      swapListener.accept(result);
      return result;
    }
  }

  /**
   * Scores a batch with the active model; every image of the batch is scored by the same version.
   *
   * @throws IllegalStateException if no model is active
   */
  public ScoredBatch score(List<ImageMessage> images) {
    while (true) {
      ServingModel m = active.get();
      if (m == null) {
        throw new IllegalStateException("no model is active");
      }
      ScoredBatch b = m.score(images);
      if (b != null) {
        return b;
      }
      // Swapped out between reading it and locking it: take the new one.
    }
  }

  /** Returns whether a model is active. */
  public boolean ready() {
    return active.get() != null;
  }

  @Override
  public void close() {
    ServingModel m = active.getAndSet(null);
    if (m != null) {
      m.close();
    }
  }
}
