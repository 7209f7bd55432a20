package io.circuitstream.finetune;

import java.util.Locale;

/** What started a fine-tuning job. */
public enum Trigger {
  /** {@code finetune.trigger.every-images} new labelled images arrived. */
  COUNT,
  /** The {@code finetune.trigger.interval-seconds} schedule, with new feedback since the last job. */
  SCHEDULE,
  /** {@code POST /retrain} on the admin server. */
  ADMIN;

  /** Returns the lower-case name, as in JSON: {@code count}, {@code schedule} or {@code admin}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
