/**
 * Wire formats of the streaming service: Kafka record bytes in, message records out, and back.
 *
 * <p>{@link io.circuitstream.stream.codec.ImageCodecs} decodes an input record, given its value,
 * its {@code content-type} header and its key, into a {@link io.circuitstream.stream.codec.Decoded}
 * outcome: either an {@link io.circuitstream.stream.message.ImageMessage} or the reason, a short
 * stable code used as the dead-letter header and metric label, why the record was rejected. It
 * never throws for bad input. Three input formats are accepted (JSON, 8-bit grayscale PNG and a
 * compact binary form, see {@link io.circuitstream.stream.codec.Format}), checked against {@link
 * io.circuitstream.stream.codec.Limits}; the same class encodes images for producers and tests.
 * {@link io.circuitstream.stream.codec.OutputCodecs} writes and reads the prediction and
 * out-of-distribution alert records as JSON. Nothing here does I/O; {@code kafka/formats.md}
 * specifies every format byte by byte.
 */
@NullMarked
package io.circuitstream.stream.codec;

import org.jspecify.annotations.NullMarked;
