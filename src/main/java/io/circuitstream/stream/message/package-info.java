/**
 * The messages of the streaming service as records: images in, predictions and alerts out, and the
 * model announcements of the {@code models} topic.
 *
 * <p>Pure values; their wire formats live in {@code io.circuitstream.stream.codec}.
 */
@NullMarked
package io.circuitstream.stream.message;

import org.jspecify.annotations.NullMarked;
