package io.circuitstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks JSON documents against the JSON Schemas in {@code kafka/schemas/}, for tests.
 *
 * <p>It implements the part of JSON Schema 2020-12 those schemas use: {@code type}, {@code enum},
 * {@code properties}, {@code required}, {@code items}, {@code minItems}, {@code minimum},
 * {@code maximum}, {@code minLength}, {@code pattern}, {@code format: date-time}, {@code anyOf},
 * {@code allOf} and {@code $ref} to a sibling schema file. A schema using any other keyword is
 * rejected rather than half-checked, so a schema cannot silently outgrow the checker.
 */
public final class JsonSchemaCheck {

  private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "title", "description");
  private static final Set<String> ASSERTIONS = Set.of("type", "enum", "properties", "required", "items",
      "minItems", "minimum", "maximum", "minLength", "pattern", "format", "anyOf", "allOf", "$ref");

  private final Path folder;
  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * Creates a checker for the schemas of a folder.
   *
   * @param folder where the schema files are; {@code $ref}s resolve there
   */
  public JsonSchemaCheck(Path folder) {
    this.folder = folder;
  }

  /**
   * Returns the schema of a file in the folder, after checking that it uses only supported keywords.
   *
   * @param fileName such as {@code image.schema.json}
   * @throws IllegalArgumentException naming an unsupported keyword
   */
  public JsonNode schema(String fileName) {
    JsonNode schema;
    try {
      schema = mapper.readTree(folder.resolve(fileName).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(fileName + ": " + e.getMessage(), e);
    }
    requireSupported(schema, fileName);
    return schema;
  }

  /**
   * Returns what is wrong with a document under a schema file.
   *
   * @param fileName the schema, such as {@code prediction.schema.json}
   * @param document the JSON document
   * @return one line per violation, naming its JSON pointer; empty when the document is valid
   */
  public List<String> violations(String fileName, JsonNode document) {
    List<String> out = new ArrayList<>();
    check(schema(fileName), document, "", out);
    return out;
  }

  private void check(JsonNode schema, JsonNode value, String at, List<String> out) {
    String where = at.isEmpty() ? "/" : at;
    if (schema.has("$ref")) {
      check(schema(schema.get("$ref").asText()), value, at, out);
    }
    if (schema.has("type") && !hasType(schema.get("type"), value)) {
      out.add(where + ": " + kind(value) + " is not of type " + schema.get("type"));
      return;
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode option : schema.get("enum")) {
        found |= option.equals(value);
      }
      if (!found) {
        out.add(where + ": " + value + " is not one of " + schema.get("enum"));
      }
    }
    if (value.isNumber()) {
      if (schema.has("minimum") && value.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
        out.add(where + ": " + value + " is below the minimum " + schema.get("minimum"));
      }
      if (schema.has("maximum") && value.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) {
        out.add(where + ": " + value + " is above the maximum " + schema.get("maximum"));
      }
    }
    if (value.isTextual()) {
      String text = value.asText();
      if (schema.has("minLength") && text.codePointCount(0, text.length()) < schema.get("minLength").asInt()) {
        out.add(where + ": \"" + text + "\" is shorter than " + schema.get("minLength"));
      }
      if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
        out.add(where + ": \"" + text + "\" does not match " + schema.get("pattern"));
      }
      if (schema.path("format").asText().equals("date-time")) {
        try {
          OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
          out.add(where + ": \"" + text + "\" is not an RFC 3339 date-time");
        }
      }
    }
    if (value.isArray()) {
      if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
        out.add(where + ": " + value.size() + " items, fewer than " + schema.get("minItems"));
      }
      if (schema.has("items")) {
        for (int i = 0; i < value.size(); i++) {
          check(schema.get("items"), value.get(i), at + "/" + i, out);
        }
      }
    }
    if (value.isObject()) {
      for (JsonNode name : schema.path("required")) {
        if (!value.has(name.asText())) {
          out.add(where + ": the required property \"" + name.asText() + "\" is missing");
        }
      }
      schema.path("properties").properties().forEach(property -> {
        if (value.has(property.getKey())) {
          check(property.getValue(), value.get(property.getKey()), at + "/" + property.getKey(), out);
        }
      });
    }
    for (JsonNode part : schema.path("allOf")) {
      check(part, value, at, out);
    }
    if (schema.has("anyOf")) {
      boolean any = false;
      for (JsonNode option : schema.get("anyOf")) {
        List<String> inner = new ArrayList<>();
        check(option, value, at, inner);
        any |= inner.isEmpty();
      }
      if (!any) {
        out.add(where + ": " + value + " matches none of anyOf");
      }
    }
  }

  private static boolean hasType(JsonNode type, JsonNode value) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (hasType(t, value)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "null" -> value.isNull();
      case "number" -> value.isNumber();
      case "integer" -> value.isIntegralNumber()
          || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
  }

  private static String kind(JsonNode value) {
    return value.isNull() ? "null" : value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + value;
  }

  private static void requireSupported(JsonNode schema, String where) {
    if (!schema.isObject()) {
      throw new IllegalArgumentException(where + ": a schema must be an object, got " + schema);
    }
    schema.fieldNames().forEachRemaining(keyword -> {
      if (!ANNOTATIONS.contains(keyword) && !ASSERTIONS.contains(keyword)) {
        throw new IllegalArgumentException(where + ": the keyword " + keyword + " is not supported by this checker");
      }
    });
    if (schema.has("format") && !schema.get("format").asText().equals("date-time")) {
      throw new IllegalArgumentException(where + ": format " + schema.get("format") + " is not supported");
    }
    if (schema.has("items")) {
      requireSupported(schema.get("items"), where + "/items");
    }
    schema.path("properties").properties().forEach(p -> requireSupported(p.getValue(), where + "/" + p.getKey()));
    for (String list : List.of("anyOf", "allOf")) {
      for (JsonNode part : schema.path(list)) {
        requireSupported(part, where + "/" + list);
      }
    }
  }
}
