package io.circuitstream.stream.codec;

import io.circuitstream.stream.message.ImageMessage;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of decoding one input record: an image, or the reason it was rejected.
 *
 * <p>Returned by {@link ImageCodecs#decode}, which never throws for bad input; an {@link Invalid}
 * record goes to the dead-letter topic with its {@link Invalid#reason() reason} as a header.
 */
public sealed interface Decoded {

  /**
   * A record that decoded into an image within the limits.
   *
   * @param image the decoded image; pixels at missing positions hold 0
   */
  record Ok(ImageMessage image) implements Decoded {

    /** Checks that the image is present. */
    public Ok {
      Objects.requireNonNull(image, "image");
    }
  }

  /**
   * A record that was rejected, with a stable reason code and a sentence for people.
   *
   * <p>The reason is one of the constants of this record (listed in {@link #REASONS}); it is the
   * value of the dead-letter {@code reason} header and of the {@code reason} metric label, so it
   * never changes once published. The detail is a human sentence such as "pixels has 700 values,
   * expected 784 (28x28)" and may change between releases.
   *
   * @param reason the stable code, e.g. {@code wrong-size}
   * @param detail what exactly was wrong
   */
  record Invalid(String reason, String detail) implements Decoded {

    /** The value is larger than {@link Limits#maxBytes()}; checked before any parsing. */
    public static final String OVERSIZED = "oversized";
    /** The content type is not one of the accepted ones, or no format could be recognised. */
    public static final String UNKNOWN_FORMAT = "unknown-format";
    /** The JSON is malformed or a field has the wrong type. */
    public static final String BAD_JSON = "bad-json";
    /** The PNG cannot be decoded or is not 8-bit grayscale (with or without alpha). */
    public static final String BAD_PNG = "bad-png";
    /** The binary form is malformed: bad magic, version or flags, truncated or with trailing bytes. */
    public static final String BAD_BINARY = "bad-binary";
    /** The width, height or pixel count differs from the limits. */
    public static final String WRONG_SIZE = "wrong-size";
    /** A pixel is an integer outside 0..255. */
    public static final String VALUE_OUT_OF_RANGE = "value-out-of-range";
    /** Neither the record nor its key names the image. */
    public static final String MISSING_ID = "missing-id";
    /** The label is not a non-negative integer. */
    public static final String BAD_LABEL = "bad-label";

    /** Every reason code, in the order of the dead-letter reasons table of {@code kafka/formats.md}. */
    public static final List<String> REASONS = List.of(OVERSIZED, UNKNOWN_FORMAT, BAD_JSON, BAD_PNG, BAD_BINARY,
        WRONG_SIZE, VALUE_OUT_OF_RANGE, MISSING_ID, BAD_LABEL);

    /** Checks that reason and detail are present. */
    public Invalid {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
