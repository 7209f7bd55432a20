package io.circuitstream.stream.codec;

/**
 * Thrown inside the codec package when an input record is invalid; {@link ImageCodecs#decode}
 * turns it into a {@link Decoded.Invalid} and never lets it escape.
 *
 * <p>Carries no stack trace: it is an expected outcome on the stream path, not a bug.
 */
final class Rejection extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String reason;
  private final String detail;

  Rejection(String reason, String detail) {
    super(reason + ": " + detail, null, false, false);
    this.reason = reason;
    this.detail = detail;
  }

  Decoded.Invalid toInvalid() {
    return new Decoded.Invalid(reason, detail);
  }
}
