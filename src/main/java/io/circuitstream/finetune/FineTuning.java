package io.circuitstream.finetune;

import java.util.List;
import java.util.Optional;

/**
 * Starts fine-tuning jobs on request and reports on them; what the admin server's {@code /retrain}
 * and {@code /jobs} routes use.
 *
 * <p>Thread-safe. Jobs are kept in memory, the most recent ones first.
 */
public interface FineTuning {
  /**
   * Starts a job now, with the given overrides of the configured settings.
   *
   * @return the new job's id, or why none was started (one is running, no feedback is buffered,
   *     fine-tuning is disabled)
   */
  Submission retrain(RetrainRequest request);

  /** Returns a job's status, if this instance knows the job. */
  Optional<JobStatus> job(String id);

  /** Returns the status of every known job, the most recent first. */
  List<JobStatus> jobs();

  /**
   * Returns a fine-tuning that refuses every request, for instances where it is switched off.
   *
   * @param why the reason given with each refusal
   */
  static FineTuning disabled(String why) {
    return new FineTuning() {
      @Override
      public Submission retrain(RetrainRequest request) {
        return new Submission.Refused(why, null);
      }

      @Override
      public Optional<JobStatus> job(String id) {
        return Optional.empty();
      }

      @Override
      public List<JobStatus> jobs() {
        return List.of();
      }
    };
  }
}
