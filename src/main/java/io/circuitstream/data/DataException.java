package io.circuitstream.data;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a data file is missing, malformed or cannot be fetched.
 *
 * <p>The message names the file (or the tool) and the exact problem, so it can be shown to a user
 * as is.
 */
public final class DataException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with the given message.
   *
   * @param message what went wrong, naming the file or tool
   */
  public DataException(String message) {
    super(message);
  }

  /**
   * Creates an exception with the given message and cause.
   *
   * @param message what went wrong, naming the file or tool
   * @param cause the underlying failure
   */
  public DataException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
