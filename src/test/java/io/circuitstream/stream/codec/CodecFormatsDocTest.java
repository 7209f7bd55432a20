package io.circuitstream.stream.codec;

import static io.circuitstream.stream.codec.OutputCodecsTest.componentNames;
import static io.circuitstream.stream.codec.SampleImages.assertSameImage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.stream.message.OodAlert;
import io.circuitstream.stream.message.Prediction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Checks that the examples in {@code kafka/formats.md} and the schemas in {@code kafka/schemas/} match the code. */
class CodecFormatsDocTest {

  private static final Path FORMATS = Path.of("kafka/formats.md");
  private static final Path SCHEMAS = Path.of("kafka/schemas");
  private static final Pattern FENCE = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);
  private static final ImageMessage TWO_BY_TWO = new ImageMessage("img-2x2", 2, 2, new int[] {0, 255, 128, 0},
      new boolean[] {false, false, false, true}, 7);

  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void firstJsonExampleIsAValid28By28Image() throws IOException {
    byte[] example = blocks("json").get(0).getBytes(StandardCharsets.UTF_8);

    Decoded decoded = ImageCodecs.decode(example, "application/json", "ignored-key", Limits.MNIST);

    assertThat(decoded).isInstanceOf(Decoded.Ok.class);
    ImageMessage image = ((Decoded.Ok) decoded).image();
    assertThat(image.id()).isEqualTo("digit-0042");
    assertThat(image.label()).isEqualTo(7);
    assertThat(image.missingCount()).isEqualTo(12);
    assertThat(image.missing()[13 * 28 + 14]).isTrue();
    assertThat(image.pixels()[7 * 28 + 10]).isEqualTo(255);
  }

  @Test
  void everyJsonExampleParsesAsTheRecordItShows() throws IOException {
    List<String> examples = blocks("json");
    assertThat(examples).hasSize(6);

    for (String example : examples) {
      byte[] bytes = example.getBytes(StandardCharsets.UTF_8);
      JsonNode tree = mapper.readTree(bytes);
      if (tree.has("pixels")) {
        Limits limits = new Limits(tree.get("width").intValue(), tree.get("height").intValue(), 65536);
        assertThat(ImageCodecs.decode(bytes, null, "key-from-record", limits)).as(example)
            .isInstanceOf(Decoded.Ok.class);
      } else if (tree.has("probabilities")) {
        Prediction prediction = OutputCodecs.parsePrediction(bytes);
        assertThat(prediction.id()).isEqualTo("digit-0042");
        assertThat(prediction.probabilities()).hasSize(10);
      } else if (tree.has("threshold")) {
        OodAlert alert = OutputCodecs.parseAlert(bytes);
        assertThat(alert.oodScore()).isGreaterThan(alert.threshold());
      } else {
        // A model announcement: read by the codec, which writes it back field for field.
        ModelAnnouncement announcement = OutputCodecs.parseAnnouncement(bytes);
        assertThat(announcement.version()).isEqualTo("v0007");
        assertThat(mapper.readTree(OutputCodecs.announcementJson(announcement))).isEqualTo(tree);
      }
    }
  }

  @Test
  void secondJsonExampleTakesItsIdFromTheKey() throws IOException {
    byte[] example = blocks("json").get(1).getBytes(StandardCharsets.UTF_8);

    Decoded decoded = ImageCodecs.decode(example, null, "img-2x2", new Limits(2, 2, 65536));

    assertSameImage(((Decoded.Ok) decoded).image(), TWO_BY_TWO);
  }

  @Test
  void binaryHexDumpIsTheEncodingOfTheTwoByTwoImage() throws IOException {
    ByteArrayOutputStream dump = new ByteArrayOutputStream();
    for (String line : blocks("hex").get(0).split("\n")) {
      String[] fields = line.replaceAll("\\|.*\\|", "").trim().split("\\s+");
      for (int i = 1; i < fields.length; i++) { // field 0 is the offset
        dump.write(Integer.parseInt(fields[i], 16));
      }
    }
    byte[] bytes = dump.toByteArray();

    assertThat(bytes).isEqualTo(ImageCodecs.encodeBinary(TWO_BY_TWO));
    Decoded decoded = ImageCodecs.decode(bytes, null, null, new Limits(2, 2, 65536));
    assertSameImage(((Decoded.Ok) decoded).image(), TWO_BY_TWO);
  }

  @Test
  void pngExampleDecodesToTheTwoByTwoImage() throws IOException {
    byte[] png = Base64.getDecoder().decode(blocks("base64").get(0).trim());

    assertThat(png).hasSize(75);
    Decoded decoded = ImageCodecs.decode(png, null, "img-2x2", new Limits(2, 2, 65536));
    assertSameImage(((Decoded.Ok) decoded).image(), SampleImages.withIdAndNoLabel(TWO_BY_TWO, "img-2x2"));
  }

  @Test
  void deadLetterTableListsEveryReasonCode() throws IOException {
    String doc = Files.readString(FORMATS);
    String table = doc.substring(doc.indexOf("## Dead-letter reasons"));

    List<String> codes = new ArrayList<>();
    Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)`").matcher(table);
    while (row.find()) {
      codes.add(row.group(1));
    }
    assertThat(codes).containsExactlyElementsOf(Decoded.Invalid.REASONS);
  }

  @Test
  void contentTypeTableNamesEachFormat() throws IOException {
    String doc = Files.readString(FORMATS);

    for (Format format : Format.values()) {
      assertThat(doc).contains("| `" + format.contentType() + "`");
    }
  }

  @Test
  void schemasAreDraft2020AndOutputSchemasRequireEveryRecordComponent() throws IOException {
    JsonNode image = schema("image");
    JsonNode prediction = schema("prediction");
    JsonNode alert = schema("ood-alert");

    for (JsonNode schema : List.of(image, prediction, alert)) {
      assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
      assertThat(schema.get("type").asText()).isEqualTo("object");
    }
    List<String> predictionFields = componentNames(Prediction.class);
    List<String> alertFields = componentNames(OodAlert.class);
    assertThat(names(prediction.get("properties").fieldNames())).containsExactlyElementsOf(predictionFields);
    assertThat(names(prediction.get("required").elements())).containsExactlyElementsOf(predictionFields);
    assertThat(names(alert.get("properties").fieldNames())).containsExactlyElementsOf(alertFields);
    assertThat(names(alert.get("required").elements())).containsExactlyElementsOf(alertFields);
    assertThat(names(image.get("properties").fieldNames()))
        .containsExactly("id", "width", "height", "pixels", "missing", "label");
  }

  private List<String> blocks(String language) throws IOException {
    Matcher fence = FENCE.matcher(Files.readString(FORMATS));
    List<String> blocks = new ArrayList<>();
    while (fence.find()) {
      if (fence.group(1).equals(language)) {
        blocks.add(fence.group(2));
      }
    }
    assertThat(blocks).as("```%s blocks in %s", language, FORMATS.toAbsolutePath()).isNotEmpty();
    return blocks;
  }

  private JsonNode schema(String name) throws IOException {
    return mapper.readTree(SCHEMAS.resolve(name + ".schema.json").toFile());
  }

  private static List<String> names(java.util.Iterator<?> items) {
    List<String> names = new ArrayList<>();
    items.forEachRemaining(item -> names.add(item instanceof JsonNode node ? node.asText() : item.toString()));
    return names;
  }
}
