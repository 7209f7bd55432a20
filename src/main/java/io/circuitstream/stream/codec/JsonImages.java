package io.circuitstream.stream.codec;

import static io.circuitstream.stream.codec.Decoded.Invalid.BAD_JSON;
import static io.circuitstream.stream.codec.Decoded.Invalid.BAD_LABEL;
import static io.circuitstream.stream.codec.Decoded.Invalid.VALUE_OUT_OF_RANGE;
import static io.circuitstream.stream.codec.Decoded.Invalid.WRONG_SIZE;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.circuitstream.stream.message.ImageMessage;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The JSON image format: {@code {"id": "...", "width": 28, "height": 28, "pixels": [...],
 * "missing": [...], "label": 7}}.
 *
 * <p>Types are strict: pixels are integers or {@code null} (missing), never strings or fractions;
 * unknown fields are ignored so that producers can add their own.
 */
final class JsonImages {

  private JsonImages() {}

  /** Decodes a JSON image, taking the id from the document or else from the record key. */
  static ImageMessage decode(byte[] value, @Nullable String key, Limits limits) {
    JsonNode root = parse(value);
    if (root == null || root.isMissingNode()) {
      throw new Rejection(BAD_JSON, "the value holds no JSON");
    }
    if (!root.isObject()) {
      throw new Rejection(BAD_JSON, "expected a JSON object, found " + CodecJson.describe(root));
    }
    @Nullable String id = id(root.get("id"));
    int width = dimension(root.get("width"), "width", limits.width());
    int height = dimension(root.get("height"), "height", limits.height());
    if (width != limits.width() || height != limits.height()) {
      throw new Rejection(WRONG_SIZE, "image is " + width + "x" + height + ", expected " + limits.width() + "x"
          + limits.height());
    }
    int count = limits.pixelCount();
    JsonNode pixelsNode = root.get("pixels");
    if (pixelsNode == null || pixelsNode.isNull()) {
      throw new Rejection(BAD_JSON, "the field \"pixels\" is missing");
    }
    if (!pixelsNode.isArray()) {
      throw new Rejection(BAD_JSON, "pixels is " + CodecJson.describe(pixelsNode) + ", expected an array");
    }
    if (pixelsNode.size() != count) {
      throw new Rejection(WRONG_SIZE, "pixels has " + pixelsNode.size() + " values, expected " + count + " ("
          + limits.width() + "x" + limits.height() + ")");
    }
    int[] pixels = new int[count];
    boolean[] missing = new boolean[count];
    boolean anyMissing = false;
    for (int i = 0; i < count; i++) {
      JsonNode pixel = pixelsNode.get(i);
      if (pixel.isNull()) {
        missing[i] = true;
        anyMissing = true;
      } else if (!pixel.isIntegralNumber()) {
        throw new Rejection(BAD_JSON, "pixels[" + i + "] is " + CodecJson.describe(pixel)
            + ", expected an integer 0..255 or null");
      } else if (!pixel.canConvertToInt() || pixel.intValue() < 0 || pixel.intValue() > 255) {
        throw new Rejection(VALUE_OUT_OF_RANGE, "pixels[" + i + "] is " + CodecJson.describe(pixel)
            + ", outside 0..255");
      } else {
        pixels[i] = pixel.intValue();
      }
    }
    anyMissing |= markMissing(root.get("missing"), missing);
    @Nullable Integer label = label(root.get("label"));
    return new ImageMessage(ImageCodecs.resolveId(id, key), width, height, pixels, anyMissing ? missing : null,
        label);
  }

  /** Encodes an image as JSON; missing pixels are written as {@code null}. */
  static byte[] encode(ImageMessage image) {
    Integer label = image.label();
    if (label != null && label < 0) {
      throw new IllegalArgumentException("label must be non-negative to be encoded, got " + label);
    }
    boolean @Nullable [] missing = image.missing();
    return CodecJson.write(json -> {
      json.writeStartObject();
      json.writeStringField("id", image.id());
      json.writeNumberField("width", image.width());
      json.writeNumberField("height", image.height());
      json.writeArrayFieldStart("pixels");
      int[] pixels = image.pixels();
      for (int i = 0; i < pixels.length; i++) {
        if (missing != null && missing[i]) {
          json.writeNull();
        } else {
          json.writeNumber(pixels[i]);
        }
      }
      json.writeEndArray();
      if (label != null) {
        json.writeNumberField("label", label);
      }
      json.writeEndObject();
    });
  }

  private static @Nullable JsonNode parse(byte[] value) {
    try {
      return CodecJson.MAPPER.readTree(value);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String what = String.valueOf(e.getOriginalMessage());
      if (what.length() > 160) {
        what = what.substring(0, 157) + "...";
      }
      throw new Rejection(BAD_JSON, "not valid JSON" + where + ": " + what);
    } catch (IOException e) {
      throw new Rejection(BAD_JSON, "not valid JSON: " + e);
    }
  }

  private static @Nullable String id(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new Rejection(BAD_JSON, "id is " + CodecJson.describe(node) + ", expected a string");
    }
    return node.textValue();
  }

  private static int dimension(@Nullable JsonNode node, String field, int defaultValue) {
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new Rejection(BAD_JSON, field + " is " + CodecJson.describe(node) + ", expected an integer");
    }
    return node.intValue();
  }

  /** Sets the listed indices in {@code missing}; returns whether any was listed. */
  private static boolean markMissing(@Nullable JsonNode node, boolean[] missing) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isArray()) {
      throw new Rejection(BAD_JSON, "missing is " + CodecJson.describe(node) + ", expected an array of pixel indices");
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode index = node.get(i);
      if (!index.isIntegralNumber()) {
        throw new Rejection(BAD_JSON, "missing[" + i + "] is " + CodecJson.describe(index)
            + ", expected a pixel index");
      }
      if (!index.canConvertToInt() || index.intValue() < 0 || index.intValue() >= missing.length) {
        throw new Rejection(BAD_JSON, "missing[" + i + "] is " + CodecJson.describe(index) + ", outside 0.."
            + (missing.length - 1));
      }
      missing[index.intValue()] = true;
    }
    return node.size() > 0;
  }

  private static @Nullable Integer label(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
      throw new Rejection(BAD_LABEL, "label is " + CodecJson.describe(node) + ", expected a non-negative integer");
    }
    return node.intValue();
  }
}
