package io.circuitstream.serve;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the service knows of one stored model version.
 *
 * @param version the version name, unique in the store
 * @param lambda λ it was trained with
 * @param createdAt ISO-8601 creation time
 * @param sha256 hex checksum of the model file
 * @param metrics its provenance metrics, such as validationAccuracy
 * @param active whether it is the version being served
 * @param problem why the stored file cannot be served (damaged, unreadable), or {@code null} if it can
 * @param parentVersion the version it was fine-tuned from, or {@code null} if trained from scratch
 */
public record ModelInfo(String version, double lambda, String createdAt, String sha256, Map<String, Double> metrics,
    boolean active, @Nullable String problem, @Nullable String parentVersion) {
  /** Copies the map. */
  public ModelInfo {
    metrics = Map.copyOf(metrics);
  }
}
