package io.circuitstream.serve;

import java.util.List;

/**
 * A batch scored by exactly one model version.
 *
 * @param version the model version that scored every image
 * @param threshold that model's OOD threshold
 * @param images the results, in input order
 * @param scoringSeconds time the engine took
 */
public record ScoredBatch(String version, double threshold, List<ScoredImage> images, double scoringSeconds) {
  /** Copies the list. */
  public ScoredBatch {
    images = List.copyOf(images);
  }
}
