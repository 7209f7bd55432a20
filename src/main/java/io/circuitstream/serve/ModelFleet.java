package io.circuitstream.serve;

import io.circuitstream.model.Model;
import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.stream.message.ModelAnnouncement.Action;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The models of one instance as part of a fleet: activations and promotions are announced, and
 * announcements from other instances are applied, so that every instance serves the same version.
 *
 * <p>An announcement ({@link ModelAnnouncement}) names a version, its file's checksum and location,
 * never the weights. {@link #apply} copies the file into this instance's store when it is not there
 * yet (checking the checksum), then swaps it in between batches; a failed copy or load leaves the
 * current model serving. Thread-safe.
 */
public final class ModelFleet implements ModelRegistry {
  private final ModelService models;
  private final Consumer<ModelAnnouncement> announcer;
  private final Consumer<SwapResult> failures;
  private final Consumer<ModelAnnouncement> served;

  /**
   * Creates the fleet view of an instance's models.
   *
   * @param models the instance's models
   * @param announcer publishes an announcement to the fleet, throwing an unchecked exception if it cannot
   * @param failures told of announcements that could not be applied because their file could not be
   *     copied in (swaps themselves report through the model service's listener)
   * @param served told of each announcement that this instance made or applied and now serves
   */
  public ModelFleet(ModelService models, Consumer<ModelAnnouncement> announcer, Consumer<SwapResult> failures,
      Consumer<ModelAnnouncement> served) {
    this.models = models;
    this.announcer = announcer;
    this.failures = failures;
    this.served = served;
  }

  /** Returns the instance's model service. */
  public ModelService models() {
    return models;
  }

  @Override
  public List<ModelInfo> list() {
    return models.list();
  }

  @Override
  public Optional<ModelInfo> active() {
    return models.active();
  }

  /** Returns the active version with its structure, if any; its parameters are read from the store. */
  public Optional<ServedModel> served() {
    return models.served();
  }

  /**
   * Activates a stored version here, then announces it so that the whole fleet serves it (a rollback).
   *
   * <p>Announced when the version serves afterwards ({@code SWAPPED} or {@code ALREADY_ACTIVE}); if the
   * announcement fails, the version still serves here and the message says so.
   */
  @Override
  public SwapResult activate(String version) {
    SwapResult r = models.activate(version);
    if (r.outcome() == SwapResult.Outcome.SWAPPED || r.outcome() == SwapResult.Outcome.ALREADY_ACTIVE) {
      return announce(r, Action.ACTIVATE);
    }
    return r;
  }

  /**
   * Stores a model as a new version, serves it, and announces it as promoted.
   *
   * @param model the model, whose provenance names its parent version
   * @return the activation's result; its {@code version} is the new version, and its message says if
   *     the announcement failed
   */
  public SwapResult promote(Model model) {
    String version = models.store().add(model);
    SwapResult r = models.activate(version);
    return r.outcome() == SwapResult.Outcome.SWAPPED ? announce(r, Action.PROMOTE) : r;
  }

  private SwapResult announce(SwapResult r, Action action) {
    ModelStore store = models.store();
    ModelAnnouncement a = new ModelAnnouncement(r.version(), store.sha256(r.version()),
        store.file(r.version()).toAbsolutePath().toString(), models.describe(r.version()).parentVersion(),
        Instant.now().toString(), action);
    try {
      announcer.accept(a);
    } catch (RuntimeException e) {
      return new SwapResult(r.outcome(), r.version(), r.activeVersion(),
          r.message() + "; not announced to the fleet: " + e.getMessage());
    }
    served.accept(a);
    return new SwapResult(r.outcome(), r.version(), r.activeVersion(), r.message() + "; announced as " + action.wireName());
  }

  /**
   * Serves an announced version: copies its file in from the announced location if this store lacks
   * it, then swaps it in. Does nothing when the version already serves.
   *
   * @return what happened; {@code LOAD_FAILED} when the file could not be copied in or loaded
   */
  public SwapResult apply(ModelAnnouncement a) {
    String current = models.activeVersion().orElse("");
    if (current.equals(a.version())) {
      return new SwapResult(SwapResult.Outcome.ALREADY_ACTIVE, a.version(), current, a.version() + " is already active");
    }
    try {
      models.store().importVersion(a.version(), locationPath(a.location()), a.sha256());
    } catch (RuntimeException e) {
      SwapResult failed = new SwapResult(SwapResult.Outcome.LOAD_FAILED, a.version(), current,
          "could not copy the announced " + a.version() + " from " + a.location() + ": " + e.getMessage()
              + (current.isEmpty() ? "" : "; " + current + " keeps serving"));
      failures.accept(failed);
      return failed;
    }
    SwapResult r = models.activate(a.version());
    if (r.outcome() == SwapResult.Outcome.SWAPPED) {
      served.accept(a);
    }
    return r;
  }

  /** Returns the file named by an announced location: a path, or a {@code file:} URI. */
  static Path locationPath(String location) {
    return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
  }
}
