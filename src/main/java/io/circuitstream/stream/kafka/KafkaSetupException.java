package io.circuitstream.stream.kafka;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a broker cannot be started or topics cannot be created.
 *
 * <p>The message names the host, port, folder or topic concerned and, where there is one, the way
 * to fix it, so it can be shown to a user as is.
 */
public final class KafkaSetupException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with the given message.
   *
   * @param message what went wrong and how to fix it
   */
  public KafkaSetupException(String message) {
    super(message);
  }

  /**
   * Creates an exception with the given message and cause.
   *
   * @param message what went wrong and how to fix it
   * @param cause the underlying failure
   */
  public KafkaSetupException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
