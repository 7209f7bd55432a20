package io.circuitstream.stream.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.stream.message.OodAlert;
import io.circuitstream.stream.message.Prediction;
import io.circuitstream.testing.JsonSchemaCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas in {@code kafka/schemas/} against the examples of {@code kafka/formats.md} and the
 * records the codecs write, with {@link JsonSchemaCheck}.
 */
class KafkaSchemasTest {

  private static final Path SCHEMAS = Path.of("kafka/schemas");
  private static final Path FORMATS = Path.of("kafka/formats.md");

  /** The schema of the examples under each heading of formats.md that has JSON examples. */
  private static final Map<String, String> SCHEMA_OF_SECTION = Map.of(
      "### JSON", "image.schema.json",
      "## Labelled images (topic `labelled-images`)", "labelled-image.schema.json",
      "### Prediction (topic `predictions`)", "prediction.schema.json",
      "### Out-of-distribution alert (topic `ood-alerts`)", "ood-alert.schema.json",
      "## Model announcements (topic `models`)", "model-announcement.schema.json");

  private final JsonSchemaCheck check = new JsonSchemaCheck(SCHEMAS);
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void everySchemaIsADocumentedDraft2020SchemaThatUsesOnlyCheckedKeywords() throws IOException {
    List<String> files;
    try (Stream<Path> list = Files.list(SCHEMAS)) {
      files = list.map(p -> p.getFileName().toString()).sorted().toList();
    }

    assertThat(files).containsExactly("image.schema.json", "labelled-image.schema.json",
        "model-announcement.schema.json", "ood-alert.schema.json", "prediction.schema.json");
    for (String file : files) {
      JsonNode schema = check.schema(file);
      assertThat(schema.get("$schema").asText()).as(file).isEqualTo("https://json-schema.org/draft/2020-12/schema");
      assertThat(schema.get("title").asText()).as(file).isNotBlank();
      assertThat(schema.get("description").asText()).as(file).contains("kafka/formats.md");
    }
    assertThat(SCHEMA_OF_SECTION.values()).containsExactlyInAnyOrderElementsOf(files);
  }

  @Test
  void everyJsonExampleInTheFormatsPageMatchesTheSchemaOfItsSection() throws IOException {
    Map<String, List<String>> examples = jsonExamplesBySection();

    assertThat(examples.keySet()).containsExactlyInAnyOrderElementsOf(SCHEMA_OF_SECTION.keySet());
    int checked = 0;
    for (Map.Entry<String, List<String>> section : examples.entrySet()) {
      String schema = SCHEMA_OF_SECTION.get(section.getKey());
      for (String example : section.getValue()) {
        assertThat(check.violations(schema, mapper.readTree(example))).as("%s against %s", example, schema).isEmpty();
        checked++;
      }
    }
    assertThat(checked).isEqualTo(6);
  }

  @Test
  void recordsTheCodecsWriteMatchTheirSchemas() throws IOException {
    ImageMessage labelled = SampleImages.mnist("img-1", true, 3);
    ImageMessage unlabelled = SampleImages.mnist("img-2", false, null);
    Prediction prediction = new Prediction("img-1", 3, new double[] {0.1, 0.2, 0.7}, -700.5, 0.9, false, 12,
        "v0002", 17, 1_764_000_000_000L, 3.5, 9.25);
    OodAlert alert = new OodAlert("img-1", 2.4, 1.5, -1800.0, 3, 0, "v0002");

    assertThat(check.violations("image.schema.json", json(ImageCodecs.encodeJson(labelled)))).isEmpty();
    assertThat(check.violations("image.schema.json", json(ImageCodecs.encodeJson(unlabelled)))).isEmpty();
    assertThat(check.violations("labelled-image.schema.json", json(ImageCodecs.encodeJson(labelled)))).isEmpty();
    assertThat(check.violations("labelled-image.schema.json", json(ImageCodecs.encodeJson(unlabelled))))
        .containsExactly("/: the required property \"label\" is missing");
    assertThat(check.violations("prediction.schema.json", json(OutputCodecs.predictionJson(prediction)))).isEmpty();
    assertThat(check.violations("ood-alert.schema.json", json(OutputCodecs.alertJson(alert)))).isEmpty();
    for (ModelAnnouncement announcement : List.of(
        new ModelAnnouncement("v0002", "ab".repeat(32), "/srv/store/v0002.cstrm", "v0001", "2026-11-28T12:00:00.123Z",
            ModelAnnouncement.Action.PROMOTE),
        new ModelAnnouncement("v0001", "cd".repeat(32), "/srv/store/v0001.cstrm", null, "2026-11-28T13:00:00Z",
            ModelAnnouncement.Action.ACTIVATE))) {
      assertThat(check.violations("model-announcement.schema.json", json(OutputCodecs.announcementJson(announcement))))
          .as(announcement.toString()).isEmpty();
    }
  }

  @Test
  void labelledImagesCarryTheirLabelInTheJsonAndBinaryFormats() {
    ImageMessage image = SampleImages.mnist("feedback-1", true, 9);

    for (Format format : List.of(Format.JSON, Format.BINARY)) {
      Decoded decoded = ImageCodecs.decode(ImageCodecs.encode(image, format), format.contentType(), null, Limits.MNIST);
      assertThat(((Decoded.Ok) decoded).image().label()).as(format.name()).isEqualTo(9);
    }
  }

  @Test
  void schemasRejectRecordsThatBreakThem() throws IOException {
    ObjectNode image = (ObjectNode) json(ImageCodecs.encodeJson(SampleImages.mnist("img-3", false, 7)));
    ObjectNode announcement = (ObjectNode) mapper.readTree(jsonExamplesBySection()
        .get("## Model announcements (topic `models`)").get(0));

    assertThat(check.violations("labelled-image.schema.json", image.deepCopy().put("label", 10)))
        .containsExactly("/label: 10 is above the maximum 9");
    assertThat(check.violations("image.schema.json", image.deepCopy().put("label", -1)))
        .containsExactly("/label: -1 is below the minimum 0");
    ObjectNode badPixel = image.deepCopy();
    badPixel.withArray("pixels").set(5, mapper.getNodeFactory().numberNode(256));
    assertThat(check.violations("image.schema.json", badPixel)).containsExactly("/pixels/5: 256 matches none of anyOf");
    assertThat(check.violations("model-announcement.schema.json", announcement.deepCopy().put("action", "delete")))
        .containsExactly("/action: \"delete\" is not one of [\"promote\",\"activate\"]");
    assertThat(check.violations("model-announcement.schema.json",
        announcement.deepCopy().put("sha256", announcement.get("sha256").asText().toUpperCase(java.util.Locale.ROOT))))
        .hasSize(1).allMatch(v -> v.startsWith("/sha256: "));
    assertThat(check.violations("model-announcement.schema.json", announcement.deepCopy().put("activatedAt", "yesterday")))
        .containsExactly("/activatedAt: \"yesterday\" is not an RFC 3339 date-time");
    assertThat(check.violations("model-announcement.schema.json", announcement.deepCopy().put("version", "7")))
        .containsExactly("/version: \"7\" does not match \"^v[0-9]{4,}$\"");
    assertThat(check.violations("model-announcement.schema.json", announcement.deepCopy().putNull("parent"))).isEmpty();
    ObjectNode noParent = announcement.deepCopy();
    noParent.remove("parent");
    assertThat(check.violations("model-announcement.schema.json", noParent))
        .containsExactly("/: the required property \"parent\" is missing");
    ObjectNode prediction = (ObjectNode) json(OutputCodecs.predictionJson(new Prediction("x", 1, new double[] {0.5, 0.5},
        -1, 1, false, 0, "v0001", 1, 0, 0, 0)));
    assertThat(check.violations("prediction.schema.json", prediction.deepCopy().put("ood", "no")))
        .containsExactly("/ood: string \"no\" is not of type \"boolean\"");
  }

  private JsonNode json(byte[] bytes) throws IOException {
    return mapper.readTree(bytes);
  }

  /** The ```json blocks of formats.md, by the heading they stand under. */
  private static Map<String, List<String>> jsonExamplesBySection() throws IOException {
    Map<String, List<String>> bySection = new LinkedHashMap<>();
    String heading = "";
    StringBuilder block = null;
    for (String line : Files.readAllLines(FORMATS)) {
      if (block != null) {
        if (line.equals("```")) {
          bySection.computeIfAbsent(heading, h -> new ArrayList<>()).add(block.toString());
          block = null;
        } else {
          block.append(line).append('\n');
        }
      } else if (line.equals("```json")) {
        block = new StringBuilder();
      } else if (line.startsWith("#")) {
        heading = line;
      }
    }
    return bySection;
  }
}
