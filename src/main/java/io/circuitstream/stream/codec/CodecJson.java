package io.circuitstream.stream.codec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The strict Jackson setup shared by the JSON codecs of this package.
 *
 * <p>Standard JSON only (no comments, NaN or leading zeros), duplicate keys and trailing tokens
 * rejected, nesting limited: inputs come from untrusted producers.
 */
final class CodecJson {

  /** Thread-safe once configured; trees only, no data binding. */
  static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // Exact, and without the BigInteger slow path of Double.toString / parseDouble that every
          // prediction's probabilities took (~2 % of a load run's Java samples, JFR).
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .build();

  private CodecJson() {}

  /** Writes one JSON document with the given writer and returns its UTF-8 bytes. */
  static byte[] write(JsonWriter writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      writer.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON to memory", e);
    }
    return out.toByteArray();
  }

  /** Writes a double as a JSON number, or {@code null} when it is NaN or infinite. */
  static void writeDouble(JsonGenerator json, double value) throws IOException {
    if (Double.isFinite(value)) {
      json.writeNumber(value);
    } else {
      json.writeNull();
    }
  }

  /** Returns a short description of a node's JSON type for error messages, e.g. "a string". */
  static String describe(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isBoolean()) {
      return node.asText();
    }
    if (node.isNumber()) {
      return abbreviate(node.toString());
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isObject()) {
      return "an object";
    }
    return node.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  /** Returns the text, cut to at most 40 characters with "..." so that messages stay short. */
  static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }

  /** Writes the content of one JSON document. */
  @FunctionalInterface
  interface JsonWriter {
    void write(JsonGenerator json) throws IOException;
  }
}
