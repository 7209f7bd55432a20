package io.circuitstream.stream.message;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A model version announced on the compacted {@code models} topic, which every instance then serves.
 *
 * <p>The record names the model file, never its weights: instances load the file from {@code location}
 * and check it against {@code sha256}. Its key on the topic is the version.
 *
 * @param version the version name, such as {@code v0007}
 * @param sha256 the SHA-256 of the model file, 64 lower-case hex digits
 * @param location where the model file is: a path or a {@code file:} URI
 * @param parent the version it was fine-tuned from, or {@code null} when trained from scratch
 * @param activatedAt when it was activated, ISO-8601 with an offset, such as {@code 2026-11-28T12:00:00Z}
 * @param action {@link Action#PROMOTE} for a newly fine-tuned version, {@link Action#ACTIVATE} for a
 *     version activated by hand (a rollback)
 */
public record ModelAnnouncement(String version, String sha256, String location, @Nullable String parent,
    String activatedAt, Action action) {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** Why a version is announced. */
  public enum Action {
    /** A fine-tuned candidate passed the validation gate and became the new version. */
    PROMOTE,
    /** An operator activated a stored version, for example to roll back. */
    ACTIVATE;

    /** Returns the lower-case name used on the wire, {@code promote} or {@code activate}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the action with the given wire name.
     *
     * @throws IllegalArgumentException if the name is neither {@code promote} nor {@code activate}
     */
    public static Action ofWireName(String name) {
      for (Action a : values()) {
        if (a.wireName().equals(name)) {
          return a;
        }
      }
      throw new IllegalArgumentException("action must be \"promote\" or \"activate\", got \"" + name + "\"");
    }
  }

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if a field is blank or malformed; the message names it
   */
  public ModelAnnouncement {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(activatedAt, "activatedAt");
    Objects.requireNonNull(action, "action");
    if (version.isBlank()) {
      throw new IllegalArgumentException("version must not be blank");
    }
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got \"" + sha256 + "\"");
    }
    if (location.isBlank()) {
      throw new IllegalArgumentException("location must not be blank");
    }
    try {
      OffsetDateTime.parse(activatedAt);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("activatedAt must be an ISO-8601 date-time with an offset, got \""
          + activatedAt + "\"", e);
    }
  }
}
