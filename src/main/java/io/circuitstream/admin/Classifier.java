package io.circuitstream.admin;

import io.circuitstream.stream.message.Prediction;
import org.jspecify.annotations.Nullable;

/**
 * Classifies one image posted to the admin server's {@code /classify} route with the active model.
 *
 * <p>Called on a worker thread, never on the event loop, and possibly from several at once.
 */
@FunctionalInterface
public interface Classifier {
  /**
   * Decodes an image in one of the service's image formats and classifies it.
   *
   * @param body the request body as sent
   * @param contentType the request's {@code Content-Type} header, such as {@code application/json}
   *     or {@code image/png}, or {@code null} when the client sent none
   * @return the prediction of the active model
   * @throws IllegalArgumentException if the body is not a valid image (the client gets 400 with the
   *     message)
   * @throws IllegalStateException if no model is active or the service cannot classify now (500)
   */
  Prediction classify(byte[] body, @Nullable String contentType);
}
