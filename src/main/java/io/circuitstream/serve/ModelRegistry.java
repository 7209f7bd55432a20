package io.circuitstream.serve;

import java.util.List;
import java.util.Optional;

/**
 * The model versions a service instance knows and the one it serves.
 *
 * <p>Implementations are thread-safe. Activation loads and checks the new model before it replaces
 * the old one, so a failed load leaves the old one serving.
 */
public interface ModelRegistry {
  /** Returns every stored version, oldest first. */
  List<ModelInfo> list();

  /** Returns the version being served, if any. */
  Optional<ModelInfo> active();

  /** Loads, checks and activates a stored version (swap or roll back). */
  SwapResult activate(String version);
}
