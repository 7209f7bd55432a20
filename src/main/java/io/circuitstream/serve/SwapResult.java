package io.circuitstream.serve;

/**
 * The outcome of asking the service to serve a model version.
 *
 * @param outcome what happened
 * @param version the version asked for
 * @param activeVersion the version serving afterwards
 * @param message why, in words
 */
public record SwapResult(Outcome outcome, String version, String activeVersion, String message) {
  /** What a swap request led to. */
  public enum Outcome {
    /** The version now serves. */
    SWAPPED,
    /** The version was already serving. */
    ALREADY_ACTIVE,
    /** No such version in the store. */
    UNKNOWN_VERSION,
    /** The file failed to load or check; the previous model keeps serving. */
    LOAD_FAILED
  }
}
