package io.circuitstream.finetune;

import io.circuitstream.serve.ServedModel;
import io.circuitstream.train.Trainer;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One fine-tuning job: its fixed settings and data, and its progress and outcome as they change. */
final class Job {
  final String id;
  final int number;
  final Trigger trigger;
  final FineTuneConfig settings;
  final ServedModel parent;
  final FeedbackSnapshot feedback;
  final String startedAt = Instant.now().toString();
  private volatile int step;
  private volatile int replayImages;
  private volatile @Nullable Trainer trainer;
  private volatile boolean stopRequested;
  private volatile JobState state = JobState.RUNNING;
  private volatile String reason = "";
  private volatile Map<String, Double> metrics = Map.of();
  private volatile @Nullable String candidateVersion;
  private volatile @Nullable String candidateLocation;
  private volatile @Nullable String finishedAt;

  Job(String id, int number, Trigger trigger, FineTuneConfig settings, ServedModel parent, FeedbackSnapshot feedback) {
    this.id = id;
    this.number = number;
    this.trigger = trigger;
    this.settings = settings;
    this.parent = parent;
    this.feedback = feedback;
  }

  void step(int done) {
    step = done;
  }

  void replayImages(int n) {
    replayImages = n;
  }

  void metrics(Map<String, Double> m) {
    metrics = m;
  }

  /** Registers the trainer, so that {@link #requestStop()} reaches it; returns whether the job should go on. */
  boolean training(Trainer t) {
    trainer = t;
    return !stopRequested;
  }

  /** Asks the job to stop after its current training step. */
  void requestStop() {
    stopRequested = true;
    Trainer t = trainer;
    if (t != null) {
      t.requestStop();
    }
  }

  boolean stopRequested() {
    return stopRequested;
  }

  /** Ends the job; the first call wins. */
  synchronized void finish(JobState end, String why, @Nullable String version, @Nullable String location) {
    if (state != JobState.RUNNING) {
      return;
    }
    reason = why;
    candidateVersion = version;
    candidateLocation = location;
    finishedAt = Instant.now().toString();
    state = end;
  }

  JobState state() {
    return state;
  }

  synchronized JobStatus status() {
    return new JobStatus(id, state, trigger, reason, parent.version(), candidateVersion, candidateLocation, step,
        settings.steps(), settings.lambda(), settings.learningRate(), settings.batchSize(), feedback.train().size(),
        feedback.heldOut().size(), replayImages, feedback.offsets(), metrics, startedAt, finishedAt);
  }
}
