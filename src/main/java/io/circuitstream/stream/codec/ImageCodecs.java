package io.circuitstream.stream.codec;

import static io.circuitstream.stream.codec.Decoded.Invalid.MISSING_ID;
import static io.circuitstream.stream.codec.Decoded.Invalid.OVERSIZED;
import static io.circuitstream.stream.codec.Decoded.Invalid.UNKNOWN_FORMAT;

import io.circuitstream.stream.message.ImageMessage;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decodes input records into images, and encodes images for producers and tests.
 *
 * <p><b>Formats.</b> The {@code content-type} header names the format (see {@link Format}); without
 * the header the format is recognised from the first bytes: the PNG signature, the binary magic
 * {@code CSI1}, or an opening brace after optional whitespace for JSON. A header wins over the content, so
 * a PNG sent as {@code application/json} is {@code bad-json}. {@code kafka/formats.md} specifies
 * every format.
 *
 * <p><b>Error Mode Support.</b> {@link #decode} never throws for bad input; it returns a {@link
 * Decoded.Invalid} with a stable reason code. The size limit is checked first, before any parsing.
 * The encoders throw {@link IllegalArgumentException} for an image their format cannot carry.
 */
public final class ImageCodecs {

  private ImageCodecs() {}

  /**
   * Decodes one input record into an image, or says why it is invalid.
   *
   * <p>Checks, in order: the value size against {@link Limits#maxBytes()}; the format, from the
   * header or else the content; the content itself, including the image size against the limits;
   * and finally the image id, which is the id in the record (JSON "id" field, binary id field) or
   * else the record key.
   *
   * @param value the record value; {@code null} (a tombstone) is invalid
   * @param contentType the {@code content-type} header, or {@code null} to recognise the format from the content
   * @param key the record key, used as the id when the record carries none
   * @param limits the accepted image size and the largest value
   * @return the image, or the reason code and a sentence saying what is wrong
   */
  public static Decoded decode(byte @Nullable [] value, @Nullable String contentType, @Nullable String key,
      Limits limits) {
    Objects.requireNonNull(limits, "limits");
    if (value == null) {
      return new Decoded.Invalid(UNKNOWN_FORMAT, "the record has no value (a tombstone)");
    }
    if (value.length > limits.maxBytes()) {
      return new Decoded.Invalid(OVERSIZED, "the value has " + value.length + " bytes, more than the limit of "
          + limits.maxBytes());
    }
    try {
      Format format = contentType == null || contentType.isBlank() ? sniff(value) : byContentType(contentType);
      ImageMessage image = switch (format) {
        case JSON -> JsonImages.decode(value, key, limits);
        case PNG -> PngImages.decode(value, key, limits);
        case BINARY -> BinaryImages.decode(value, key, limits);
      };
      return new Decoded.Ok(image);
    } catch (Rejection rejection) {
      return rejection.toInvalid();
    }
  }

  /**
   * Encodes an image in the given format.
   *
   * @param image the image
   * @param format the format
   * @return the record value, to be sent with the header {@code content-type: }{@link #contentType(Format)}
   * @throws IllegalArgumentException if the format cannot carry the image (see the format's encoder)
   */
  public static byte[] encode(ImageMessage image, Format format) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(format, "format");
    return switch (format) {
      case JSON -> encodeJson(image);
      case PNG -> encodePng(image);
      case BINARY -> encodeBinary(image);
    };
  }

  /**
   * Encodes an image as a JSON object with a flat pixel array; missing pixels are {@code null}.
   *
   * @param image the image
   * @return UTF-8 JSON
   * @throws IllegalArgumentException if the label is negative
   */
  public static byte[] encodeJson(ImageMessage image) {
    return JsonImages.encode(Objects.requireNonNull(image, "image"));
  }

  /**
   * Encodes an image as an 8-bit PNG: grayscale+alpha (alpha 0 = missing) when it has missing
   * pixels, plain grayscale otherwise.
   *
   * <p>The id and the label are not stored: send the id as the record key.
   *
   * @param image the image
   * @return the PNG file
   */
  public static byte[] encodePng(ImageMessage image) {
    return PngImages.encode(Objects.requireNonNull(image, "image"));
  }

  /**
   * Encodes an image in the compact binary form, with its id, its label and, when it has missing
   * pixels, the missing bitmap.
   *
   * @param image the image
   * @return the binary value
   * @throws IllegalArgumentException if the width or height exceeds 65535, the label is outside
   *     0..255, or the id exceeds 65535 UTF-8 bytes
   */
  public static byte[] encodeBinary(ImageMessage image) {
    return BinaryImages.encode(Objects.requireNonNull(image, "image"));
  }

  /**
   * Returns the {@code content-type} header value that announces the format.
   *
   * @param format the format
   * @return e.g. {@code image/png}
   */
  public static String contentType(Format format) {
    return Objects.requireNonNull(format, "format").contentType();
  }

  /** Returns the format named by a header value, ignoring case and parameters such as {@code ; charset=utf-8}. */
  static Format byContentType(String contentType) {
    int semicolon = contentType.indexOf(';');
    String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
        .toLowerCase(Locale.ROOT);
    for (Format format : Format.values()) {
      if (format.contentType().equals(mediaType)) {
        return format;
      }
    }
    throw new Rejection(UNKNOWN_FORMAT, "content-type \"" + CodecJson.abbreviate(contentType)
        + "\" is not accepted; accepted: " + Format.validContentTypes());
  }

  /** Recognises the format from the first bytes of the value. */
  static Format sniff(byte[] value) {
    if (PngImages.startsWith(value, PngImages.SIGNATURE)) {
      return Format.PNG;
    }
    if (PngImages.startsWith(value, BinaryImages.MAGIC)) {
      return Format.BINARY;
    }
    for (byte b : value) {
      if (b == '{') {
        return Format.JSON;
      }
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        break;
      }
    }
    throw new Rejection(UNKNOWN_FORMAT, value.length == 0
        ? "the value is empty"
        : "no content-type header and the value is neither PNG, binary (CSI1) nor a JSON object; it starts with "
            + hex(value, 8));
  }

  /** Returns the id carried by the record when it has one, else the record key; blank ids count as absent. */
  static String resolveId(@Nullable String embedded, @Nullable String key) {
    if (embedded != null && !embedded.isBlank()) {
      return embedded;
    }
    if (key != null && !key.isBlank()) {
      return key;
    }
    throw new Rejection(MISSING_ID, "the image has no id: the record carries none and has no key");
  }

  private static String hex(byte[] value, int max) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(max, value.length); i++) {
      out.append(i == 0 ? "" : " ").append(String.format("%02X", value[i] & 0xff));
    }
    return out.append(value.length > max ? " ..." : "").toString();
  }
}
