package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.circuitstream.data.Datasets;
import io.circuitstream.data.ExternalCommand;
import io.circuitstream.stream.codec.ImageCodecs;
import io.circuitstream.stream.codec.OutputCodecs;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.OodAlert;
import io.circuitstream.stream.message.Prediction;
import io.circuitstream.testing.ChildJvm;
import io.circuitstream.testing.DebianTools;
import io.circuitstream.testing.KafkaTestBroker;
import io.circuitstream.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service with clients that are not ours, on the real embedded broker: Kafka's own console
 * producer and console consumer (the {@code kafka-tools} jar, each in its own JVM as
 * {@code kafka-console-producer.sh} and {@code kafka-console-consumer.sh} run them), and
 * {@code kcat}, the command-line client of librdkafka, Kafka's C client (Debian's package).
 */
class KafkaConsoleClientsTest {

  private static final String PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
  private static final String CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
  private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(3);

  /** One line of the console consumer with {@code print.headers} and {@code print.key}. */
  private record Line(Map<String, String> headers, String key, String value) {}

  @Test
  void imagesFromTheConsoleProducerAreClassifiedAndTheConsoleConsumerReadsPredictionsAlertsAndDeadLetters(
      @TempDir Path dir) throws Exception {
    // Threshold 0: every image's score passes it, so every image also raises an alert.
    try (TestService service = TestService.start(dir, TestModels.untrained(31, 0.0), Map.of())) {
      List<ImageMessage> images = StreamingServiceTest.images(Datasets.mnistTest(), 0, 20, "console-", 0.1, 7);
      ObjectMapper mapper = new ObjectMapper();
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        ImageMessage image = images.get(i);
        String json = new String(ImageCodecs.encodeJson(image), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("\n", "\t");
        if (i % 2 == 0) {
          // Format from the content-type header, id inside the JSON.
          lines.add("content-type:application/json\tignored-key\t" + json);
        } else {
          // No content-type: the format is sniffed; no id in the JSON: the record key is the id.
          ObjectNode withoutId = (ObjectNode) mapper.readTree(json);
          withoutId.remove("id");
          lines.add("source:console-producer\t" + image.id() + "\t" + mapper.writeValueAsString(withoutId));
        }
      }
      lines.add("source:console-producer\tnot-an-image\thello, world");
      Path input = Files.write(dir.resolve("images.txt"), lines, StandardCharsets.UTF_8);

      ExternalCommand.Result produced = ChildJvm.run(dir, input, TOOL_TIMEOUT, PRODUCER,
          "--bootstrap-server", service.bootstrapServers(), "--topic", service.topics().images().name(),
          "--reader-property", "parse.key=true", "--reader-property", "parse.headers=true");
      assertThat(produced.exitCode()).as(produced.output()).isZero();

      Map<String, Line> predictions = consume(dir, service.bootstrapServers(), service.topics().predictions().name(),
          images.size());
      Map<String, Line> alerts = consume(dir, service.bootstrapServers(), service.topics().oodAlerts().name(),
          images.size());
      Map<String, Line> deadLetters = consume(dir, service.bootstrapServers(), service.topics().imagesDlq().name(), 1);

      Map<String, ImageMessage> sent = images.stream().collect(Collectors.toMap(ImageMessage::id, Function.identity()));
      assertThat(predictions.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
      for (Line line : predictions.values()) {
        Prediction p = OutputCodecs.parsePrediction(line.value().getBytes(StandardCharsets.UTF_8));
        assertThat(p.id()).isEqualTo(line.key());
        assertThat(p.missingPixels()).isEqualTo(sent.get(p.id()).missingCount());
        assertThat(p.modelVersion()).isEqualTo("v0001");
        assertThat(line.headers()).containsEntry("model-version", "v0001");
      }
      assertThat(alerts.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
      for (Line line : alerts.values()) {
        OodAlert a = OutputCodecs.parseAlert(line.value().getBytes(StandardCharsets.UTF_8));
        assertThat(a.id()).isEqualTo(line.key());
        assertThat(a.oodScore()).isGreaterThan(a.threshold());
      }
      assertThat(deadLetters).containsOnlyKeys("not-an-image");
      Line dead = deadLetters.get("not-an-image");
      assertThat(dead.value()).isEqualTo("hello, world");
      assertThat(dead.headers()).containsEntry("error-reason", "unknown-format")
          .containsEntry("source-topic", service.topics().images().name());
    }
  }

  @Test
  void imagesFromKcatAreClassifiedAndKcatReadsThePredictions(@TempDir Path dir) throws Exception {
    try (TestService service = TestService.start(dir, TestModels.untrained(32, 5.0), Map.of())) {
      List<ImageMessage> images = StreamingServiceTest.images(Datasets.mnistTest(), 20, 10, "kcat-", 0.3, 8);
      List<String> lines = new ArrayList<>();
      for (ImageMessage image : images) {
        lines.add(image.id() + "\t" + new String(ImageCodecs.encodeJson(image), StandardCharsets.UTF_8));
      }
      Path input = Files.write(dir.resolve("images.txt"), lines, StandardCharsets.UTF_8);

      ExternalCommand.Result produced = DebianTools.kcat(dir, input, TOOL_TIMEOUT, "-P",
          "-b", service.bootstrapServers(), "-t", service.topics().images().name(),
          "-K", "\t", "-H", "content-type=application/json");
      assertThat(produced.exitCode()).as(produced.output()).isZero();
      ExternalCommand.Result consumed = DebianTools.kcat(dir, null, TOOL_TIMEOUT, "-C",
          "-b", service.bootstrapServers(), "-t", service.topics().predictions().name(),
          "-o", "beginning", "-c", Integer.toString(images.size()), "-f", "%k\\t%h\\t%s\\n");
      assertThat(consumed.exitCode()).as(consumed.output()).isZero();

      Map<String, Line> predictions = lines(consumed.output(), 1, 0, '=', images.size());
      Map<String, ImageMessage> sent = images.stream().collect(Collectors.toMap(ImageMessage::id, Function.identity()));
      assertThat(predictions.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
      for (Line line : predictions.values()) {
        Prediction p = OutputCodecs.parsePrediction(line.value().getBytes(StandardCharsets.UTF_8));
        assertThat(p.id()).isEqualTo(line.key());
        assertThat(p.missingPixels()).isEqualTo(sent.get(p.id()).missingCount());
        assertThat(line.headers()).containsEntry("model-version", "v0001").containsEntry("content-type", "application/json");
      }
    }
  }

  /** Reads {@code count} records from the start of a topic with the console consumer, by key. */
  private static Map<String, Line> consume(Path dir, String bootstrap, String topic, int count) {
    ExternalCommand.Result consumed = ChildJvm.run(dir, null, TOOL_TIMEOUT, CONSUMER,
        "--bootstrap-server", bootstrap, "--topic", topic, "--from-beginning",
        "--group", KafkaTestBroker.uniqueName("console-consumer"),
        "--max-messages", Integer.toString(count), "--timeout-ms", "120000",
        "--formatter-property", "print.headers=true", "--formatter-property", "print.key=true");
    assertThat(consumed.exitCode()).as(consumed.output()).isZero();
    assertThat(consumed.output()).as(consumed.output()).contains("Processed a total of " + count + " messages");
    return lines(consumed.output(), 0, 1, ':', count);
  }

  /**
   * Parses the records a console client printed as tab-separated fields, one record a line.
   *
   * @param headersField the field of the headers, {@code name<separator>value} joined by commas
   * @param keyField the field of the key; the value is the field after the other two
   * @param count how many records there must be
   * @return the records by key
   */
  private static Map<String, Line> lines(String output, int headersField, int keyField, char separator, int count) {
    Map<String, Line> byKey = new LinkedHashMap<>();
    for (String text : output.split("\n")) {
      String[] fields = text.split("\t", 3);
      if (fields.length != 3) {
        continue; // the tool's own messages on standard error
      }
      Map<String, String> headers = new LinkedHashMap<>();
      String last = null;
      for (String part : fields[headersField].split(",")) {
        int at = part.indexOf(separator);
        if (at < 0 && last != null) {
          headers.merge(last, "," + part, String::concat); // a comma inside a header value
        } else {
          last = part.substring(0, at);
          headers.put(last, part.substring(at + 1));
        }
      }
      String key = fields[keyField];
      assertThat(byKey.put(key, new Line(headers, key, fields[2]))).as("second record for %s", key).isNull();
    }
    assertThat(byKey).as(output).hasSize(count);
    return byKey;
  }
}
