package io.circuitstream.admin;

import io.circuitstream.serve.ModelInfo;
import io.circuitstream.serve.ModelRegistry;
import io.circuitstream.serve.SwapResult;
import io.circuitstream.serve.SwapResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** An in-memory registry: a list of versions, some of which fail to load. */
final class FakeModelRegistry implements ModelRegistry {
  private final List<String> versions;
  private final Set<String> broken;
  private @Nullable String active;
  /** Names of the threads {@link #activate} ran on. */
  final List<String> activationThreads = new CopyOnWriteArrayList<>();

  FakeModelRegistry(List<String> versions, Set<String> broken, @Nullable String active) {
    this.versions = List.copyOf(versions);
    this.broken = Set.copyOf(broken);
    this.active = active;
  }

  @Override
  public synchronized List<ModelInfo> list() {
    List<ModelInfo> infos = new ArrayList<>();
    for (String v : versions) {
      infos.add(info(v));
    }
    return infos;
  }

  @Override
  public synchronized Optional<ModelInfo> active() {
    return active == null ? Optional.empty() : Optional.of(info(active));
  }

  @Override
  public synchronized SwapResult activate(String version) {
    activationThreads.add(Thread.currentThread().getName());
    String current = active == null ? "" : active;
    if (!versions.contains(version)) {
      return new SwapResult(Outcome.UNKNOWN_VERSION, version, current, "no model version '" + version + "' in the store");
    }
    if (broken.contains(version)) {
      return new SwapResult(Outcome.LOAD_FAILED, version, current,
          "model file " + version + ".csm: SHA-256 mismatch; " + current + " keeps serving");
    }
    if (version.equals(active)) {
      return new SwapResult(Outcome.ALREADY_ACTIVE, version, version, version + " is already serving");
    }
    active = version;
    return new SwapResult(Outcome.SWAPPED, version, version, "swapped from " + current + " to " + version);
  }

  synchronized void deactivate() {
    active = null;
  }

  private ModelInfo info(String v) {
    return new ModelInfo(v, 0.25, "2025-01-0" + (versions.indexOf(v) + 1) + "T00:00:00Z", "ab".repeat(32),
        Map.of("validationAccuracy", 0.96), v.equals(active), null, null);
  }
}
