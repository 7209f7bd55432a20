package io.circuitstream.model;

/**
 * A model file cannot be read or written.
 *
 * <p>The message names the file, says what is wrong with it and how to fix it, so it can be shown to
 * an operator as it is.
 */
public final class ModelFileException extends RuntimeException {

  /** Creates the exception with a message that names the file, the problem and the fix. */
  public ModelFileException(String message) {
    super(message);
  }

  /** Creates the exception with a message that names the file, the problem and the fix, and its cause. */
  public ModelFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
