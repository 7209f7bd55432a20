package io.circuitstream.stream.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.stream.message.OodAlert;
import io.circuitstream.stream.message.Prediction;
import java.io.IOException;
import java.util.Objects;

/**
 * Writes and reads the output records, predictions, out-of-distribution alerts and model
 * announcements, as JSON.
 *
 * <p>Field names are the record component names, in declaration order; doubles are JSON numbers,
 * and a NaN or infinite double is written as {@code null} (JSON has no such numbers) and read back
 * as NaN. {@code kafka/formats.md} and {@code kafka/schemas/} specify predictions and alerts;
 * {@code kafka/README.md} the model announcements of the {@code models} topic.
 *
 * <p><b>Error Mode Support.</b> The parse methods, meant for consumers, tests and the demo, throw
 * {@link IllegalArgumentException} naming the field when the input is not such a record; unknown
 * fields are ignored so that fields can be added later.
 */
public final class OutputCodecs {

  private OutputCodecs() {}

  /**
   * Writes a prediction as UTF-8 JSON.
   *
   * @param prediction the prediction
   * @return one JSON object
   */
  public static byte[] predictionJson(Prediction prediction) {
    Objects.requireNonNull(prediction, "prediction");
    return CodecJson.write(json -> {
      json.writeStartObject();
      json.writeStringField("id", prediction.id());
      json.writeNumberField("label", prediction.label());
      json.writeArrayFieldStart("probabilities");
      for (double p : prediction.probabilities()) {
        CodecJson.writeDouble(json, p);
      }
      json.writeEndArray();
      writeDoubleField(json, "logLikelihood", prediction.logLikelihood());
      writeDoubleField(json, "oodScore", prediction.oodScore());
      json.writeBooleanField("ood", prediction.ood());
      json.writeNumberField("missingPixels", prediction.missingPixels());
      json.writeStringField("modelVersion", prediction.modelVersion());
      json.writeNumberField("batchSize", prediction.batchSize());
      json.writeNumberField("recordTimestampMs", prediction.recordTimestampMs());
      writeDoubleField(json, "queueMillis", prediction.queueMillis());
      writeDoubleField(json, "scoringMillis", prediction.scoringMillis());
      json.writeEndObject();
    });
  }

  /**
   * Reads a prediction written by {@link #predictionJson}.
   *
   * @param json UTF-8 JSON
   * @return the prediction; {@code null} doubles become NaN
   * @throws IllegalArgumentException if the input is not JSON or a field is missing or of the wrong type
   */
  public static Prediction parsePrediction(byte[] json) {
    Fields in = Fields.parse(json, "prediction");
    JsonNode probabilitiesNode = in.require("probabilities");
    if (!probabilitiesNode.isArray()) {
      throw in.wrongType("probabilities", probabilitiesNode, "an array of numbers");
    }
    double[] probabilities = new double[probabilitiesNode.size()];
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] = in.doubleValue(probabilitiesNode.get(i), "probabilities[" + i + "]");
    }
    return new Prediction(in.string("id"), in.integer("label"), probabilities, in.decimal("logLikelihood"),
        in.decimal("oodScore"), in.bool("ood"), in.integer("missingPixels"), in.string("modelVersion"),
        in.integer("batchSize"), in.longInteger("recordTimestampMs"), in.decimal("queueMillis"),
        in.decimal("scoringMillis"));
  }

  /**
   * Writes an out-of-distribution alert as UTF-8 JSON.
   *
   * @param alert the alert
   * @return one JSON object
   */
  public static byte[] alertJson(OodAlert alert) {
    Objects.requireNonNull(alert, "alert");
    return CodecJson.write(json -> {
      json.writeStartObject();
      json.writeStringField("id", alert.id());
      writeDoubleField(json, "oodScore", alert.oodScore());
      writeDoubleField(json, "threshold", alert.threshold());
      writeDoubleField(json, "logLikelihood", alert.logLikelihood());
      json.writeNumberField("predictedLabel", alert.predictedLabel());
      json.writeNumberField("missingPixels", alert.missingPixels());
      json.writeStringField("modelVersion", alert.modelVersion());
      json.writeEndObject();
    });
  }

  /**
   * Reads an alert written by {@link #alertJson}.
   *
   * @param json UTF-8 JSON
   * @return the alert; {@code null} doubles become NaN
   * @throws IllegalArgumentException if the input is not JSON or a field is missing or of the wrong type
   */
  public static OodAlert parseAlert(byte[] json) {
    Fields in = Fields.parse(json, "alert");
    return new OodAlert(in.string("id"), in.decimal("oodScore"), in.decimal("threshold"),
        in.decimal("logLikelihood"), in.integer("predictedLabel"), in.integer("missingPixels"),
        in.string("modelVersion"));
  }

  /**
   * Writes a model announcement as UTF-8 JSON: {@code version}, {@code sha256}, {@code location},
   * {@code parent} (a string or {@code null}), {@code activatedAt} and {@code action}
   * ({@code "promote"} or {@code "activate"}).
   *
   * @param announcement the announcement
   * @return one JSON object
   */
  public static byte[] announcementJson(ModelAnnouncement announcement) {
    Objects.requireNonNull(announcement, "announcement");
    return CodecJson.write(json -> {
      json.writeStartObject();
      json.writeStringField("version", announcement.version());
      json.writeStringField("sha256", announcement.sha256());
      json.writeStringField("location", announcement.location());
      json.writeStringField("parent", announcement.parent());
      json.writeStringField("activatedAt", announcement.activatedAt());
      json.writeStringField("action", announcement.action().wireName());
      json.writeEndObject();
    });
  }

  /**
   * Reads a model announcement written by {@link #announcementJson}.
   *
   * @param json UTF-8 JSON
   * @return the announcement
   * @throws IllegalArgumentException if the input is not JSON, a field is missing or of the wrong
   *     type, or a value is malformed
   */
  public static ModelAnnouncement parseAnnouncement(byte[] json) {
    Fields in = Fields.parse(json, "model announcement");
    JsonNode parent = in.require("parent");
    if (!parent.isNull() && !parent.isTextual()) {
      throw in.wrongType("parent", parent, "a string or null");
    }
    return new ModelAnnouncement(in.string("version"), in.string("sha256"), in.string("location"),
        parent.isNull() ? null : parent.textValue(), in.string("activatedAt"),
        ModelAnnouncement.Action.ofWireName(in.string("action")));
  }

  private static void writeDoubleField(JsonGenerator json, String name, double value) throws IOException {
    json.writeFieldName(name);
    CodecJson.writeDouble(json, value);
  }

  /** Typed access to the fields of one parsed JSON object, with messages naming the record and field. */
  private static final class Fields {

    private final JsonNode root;
    private final String record;

    private Fields(JsonNode root, String record) {
      this.root = root;
      this.record = record;
    }

    static Fields parse(byte[] json, String record) {
      Objects.requireNonNull(json, "json");
      JsonNode root;
      try {
        root = CodecJson.MAPPER.readTree(json);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(record + " is not valid JSON: " + e.getOriginalMessage(), e);
      } catch (IOException e) {
        throw new IllegalArgumentException(record + " is not valid JSON: " + e.getMessage(), e);
      }
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException(record + " must be a JSON object, found "
            + (root == null ? "nothing" : CodecJson.describe(root)));
      }
      return new Fields(root, record);
    }

    JsonNode require(String field) {
      JsonNode node = root.get(field);
      if (node == null) {
        throw new IllegalArgumentException(record + " has no field \"" + field + "\"");
      }
      return node;
    }

    String string(String field) {
      JsonNode node = require(field);
      if (!node.isTextual()) {
        throw wrongType(field, node, "a string");
      }
      return node.textValue();
    }

    int integer(String field) {
      JsonNode node = require(field);
      if (!node.isIntegralNumber() || !node.canConvertToInt()) {
        throw wrongType(field, node, "an integer");
      }
      return node.intValue();
    }

    long longInteger(String field) {
      JsonNode node = require(field);
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        throw wrongType(field, node, "an integer");
      }
      return node.longValue();
    }

    boolean bool(String field) {
      JsonNode node = require(field);
      if (!node.isBoolean()) {
        throw wrongType(field, node, "true or false");
      }
      return node.booleanValue();
    }

    double decimal(String field) {
      return doubleValue(require(field), field);
    }

    double doubleValue(JsonNode node, String field) {
      if (node.isNull()) {
        return Double.NaN;
      }
      if (!node.isNumber()) {
        throw wrongType(field, node, "a number or null");
      }
      return node.doubleValue();
    }

    IllegalArgumentException wrongType(String field, JsonNode found, String expected) {
      return new IllegalArgumentException(record + " field \"" + field + "\" is " + CodecJson.describe(found)
          + ", expected " + expected);
    }
  }
}
