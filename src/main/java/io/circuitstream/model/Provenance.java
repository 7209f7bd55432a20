package io.circuitstream.model;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a model came from.
 *
 * <p>Enough to reproduce or audit a model: the loss weight and seed it was trained with, the data it
 * saw, the code that trained it, when, and the model it was fine-tuned from. The maps keep the
 * iteration order they were given in (and that order is what a model file stores); they are
 * unmodifiable copies.
 *
 * @param lambda weight of the discriminative loss the model was trained with, in [0, 1]
 * @param seed seed of the training run
 * @param data the training data, e.g. {@code mnist-train[0:55000]} or a topic and offset range
 * @param codeVersion version of the code that trained it, e.g. {@code 0.1.0 (2b9a54e)}
 * @param createdAt when it was trained, ISO-8601 with an offset, e.g. {@code 2025-06-01T12:00:00Z}
 * @param parentVersion version of the model it was fine-tuned from, or {@code null} if trained from
 *     scratch
 * @param metrics named results, e.g. {@code validationAccuracy}
 * @param config the trainer settings as text, e.g. {@code epochs=10}
 */
public record Provenance(
    double lambda,
    long seed,
    String data,
    String codeVersion,
    String createdAt,
    @Nullable String parentVersion,
    Map<String, Double> metrics,
    Map<String, String> config) {

  /**
   * Checks the fields and copies the maps.
   *
   * @throws IllegalArgumentException if {@code lambda} is outside [0, 1] or {@code createdAt} is not
   *     an ISO-8601 date-time with an offset
   * @throws NullPointerException if a required field, a key or a value is {@code null}; the message
   *     names it
   */
  public Provenance {
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
    }
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(codeVersion, "codeVersion");
    Objects.requireNonNull(createdAt, "createdAt");
    try {
      OffsetDateTime.parse(createdAt);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "createdAt must be an ISO-8601 date-time with an offset, such as 2025-06-01T12:00:00Z, got '"
              + createdAt + "'", e);
    }
    metrics = orderedCopy(metrics, "metrics");
    config = orderedCopy(config, "config");
  }

  private static <V> Map<String, V> orderedCopy(Map<String, V> map, String name) {
    Objects.requireNonNull(map, name);
    Map<String, V> copy = new LinkedHashMap<>();
    for (Map.Entry<String, V> e : map.entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), () -> name + " has a null key");
      copy.put(key, Objects.requireNonNull(e.getValue(), () -> name + "['" + key + "'] is null"));
    }
    return Collections.unmodifiableMap(copy);
  }
}
