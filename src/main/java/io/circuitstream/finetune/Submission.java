package io.circuitstream.finetune;

import org.jspecify.annotations.Nullable;

/** The answer to a request to start a fine-tuning job: started, or refused with the reason. */
public sealed interface Submission {
  /**
   * A job was started.
   *
   * @param job its id, for {@link FineTuning#job}
   */
  record Accepted(String job) implements Submission {}

  /**
   * No job was started.
   *
   * @param reason why, in words
   * @param runningJob the id of the job that is running, when that is the reason, else {@code null}
   */
  record Refused(String reason, @Nullable String runningJob) implements Submission {}
}
