package io.circuitstream.finetune;

import java.util.Locale;

/** Where a fine-tuning job is; every state but {@link #RUNNING} is final. */
public enum JobState {
  /** Training or validating. */
  RUNNING,
  /** The candidate passed the gate, is stored as a new version, serves and was announced. */
  PROMOTED,
  /** The candidate failed the gate; it is kept aside and serving did not change. */
  REJECTED,
  /** The job could not finish (an error, or the service stopped); serving did not change. */
  FAILED;

  /** Returns the lower-case name, as in JSON: {@code running}, {@code promoted}, …. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
