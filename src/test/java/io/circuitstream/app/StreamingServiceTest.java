package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.ClassScores;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.circuit.Evidence;
import io.circuitstream.model.Model;
import io.circuitstream.model.ModelFiles;
import io.circuitstream.stream.codec.Format;
import io.circuitstream.stream.codec.ImageCodecs;
import io.circuitstream.stream.codec.OutputCodecs;
import io.circuitstream.stream.kafka.KafkaClients;
import io.circuitstream.stream.kafka.Topics;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.Prediction;
import io.circuitstream.testing.KafkaTestBroker;
import io.circuitstream.testing.PrometheusText;
import io.circuitstream.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The whole service against the real embedded KRaft broker. */
class StreamingServiceTest {

  /** A running service on its own topics and group, with one model. */
  static final class Harness implements AutoCloseable {
    final Service service;
    final Topics topics;
    final Model model;

    Harness(Path dir, Model model, Map<String, String> extra) throws Exception {
      this.model = model;
      topics = KafkaTestBroker.uniqueTopics("svc");
      Path topicsFile = dir.resolve("topics.properties");
      try (var out = Files.newOutputStream(topicsFile)) {
        topics.toProperties().store(out, null);
      }
      Path modelFile = dir.resolve("model.cstrm");
      ModelFiles.write(model, modelFile);
      Map<String, String> set = new LinkedHashMap<>();
      set.put("kafka.bootstrap.servers", KafkaTestBroker.bootstrapServers());
      set.put("kafka.topics.file", topicsFile.toString());
      set.put("kafka.group.id", KafkaTestBroker.uniqueName("group"));
      set.put("model.store.dir", dir.resolve("store").toString());
      set.put("admin.port", "0");
      set.put("admin.token", "test-token");
      set.put("pipeline.batch.max-size", "64");
      set.putAll(extra);
      ServiceConfig cfg = ServiceConfig.load(null, Map.of(), set);
      service = Service.start(cfg, modelFile, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    String adminUrl(String path) {
      return "http://127.0.0.1:" + service.admin.port() + path;
    }

    @Override
    public void close() {
      service.close();
    }
  }

  static void publish(String topic, List<ImageMessage> images, Format format) {
    try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(KafkaTestBroker.bootstrapServers())) {
      for (ImageMessage m : images) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, m.id(), ImageCodecs.encode(m, format));
        r.headers().add("content-type", format.contentType().getBytes(StandardCharsets.UTF_8));
        producer.send(r);
      }
      producer.flush();
    }
  }

  static void publishRaw(String topic, String key, byte[] value, @Nullable String contentType) {
    try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(KafkaTestBroker.bootstrapServers())) {
      ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value);
      if (contentType != null) {
        r.headers().add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
      }
      producer.send(r);
      producer.flush();
    }
  }

  /** Reads records from a topic until {@code count} arrived or the timeout passed. */
  static List<ConsumerRecord<String, byte[]>> read(String topic, int count, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(KafkaTestBroker.bootstrapServers(),
        KafkaTestBroker.uniqueName("reader"), true, false)) {
      c.subscribe(List.of(topic));
      while (out.size() < count && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  static List<ImageMessage> images(ImageSet set, int from, int n, String prefix, double missingRate, long seed) {
    Random rnd = new Random(seed);
    List<ImageMessage> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      int[] px = new int[784];
      boolean[] missing = missingRate > 0 ? new boolean[784] : null;
      for (int j = 0; j < 784; j++) {
        px[j] = set.pixel(i, j);
        if (missing != null && rnd.nextDouble() < missingRate) {
          missing[j] = true;
        }
      }
      out.add(new ImageMessage(prefix + i, 28, 28, px, missing, set.label(i)));
    }
    return out;
  }

  @ParameterizedTest(name = "engine.precision={0}")
  @ValueSource(strings = {"float64", "float32"})
  void everyPublishedImageGetsOnePredictionThatMatchesTheOfflineMarginalQuery(String precision, @TempDir Path dir)
      throws Exception {
    Model model = TestModels.untrained(3, 5.0);
    // The offline query runs in float64; float32 serving must agree to float precision.
    double tolerance = precision.equals("float64") ? 1e-9 : 1e-5;
    try (Harness h = new Harness(dir, model, Map.of("engine.precision", precision))) {
      List<ImageMessage> sent = new ArrayList<>();
      sent.addAll(images(Datasets.mnistTest(), 0, 40, "json-", 0, 1));
      sent.addAll(images(Datasets.mnistTest(), 40, 30, "png-", 0.3, 2));
      sent.addAll(images(Datasets.mnistTest(), 70, 30, "bin-", 0.5, 3));
      publish(h.topics.images().name(), sent.subList(0, 40), Format.JSON);
      publish(h.topics.images().name(), sent.subList(40, 70), Format.PNG);
      publish(h.topics.images().name(), sent.subList(70, 100), Format.BINARY);

      List<ConsumerRecord<String, byte[]>> out = read(h.topics.predictions().name(), 100, Duration.ofSeconds(60));
      Map<String, Prediction> byId = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r : out) {
        Prediction p = OutputCodecs.parsePrediction(r.value());
        assertThat(byId.put(p.id(), p)).as("duplicate prediction for %s", p.id()).isNull();
        assertThat(r.key()).isEqualTo(p.id());
      }
      assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(sent.stream().map(ImageMessage::id).toList());

      // Offline: the same model, the same masks, through the engine directly.
      Circuit circuit = model.toCircuit();
      try (Evaluator ev = circuit.evaluator(100)) {
        int[] values = new int[100 * 784];
        boolean[] missing = new boolean[100 * 784];
        for (int i = 0; i < 100; i++) {
          System.arraycopy(sent.get(i).pixels(), 0, values, i * 784, 784);
          if (sent.get(i).missing() != null) {
            System.arraycopy(sent.get(i).missing(), 0, missing, i * 784, 784);
          }
        }
        ClassScores ll = ev.logLikelihoods(new Evidence(100, 784, values, missing));
        double[] marginal = ll.logMarginal(model.logPrior());
        ClassScores post = ll.posterior(model.logPrior());
        for (int i = 0; i < 100; i++) {
          Prediction p = byId.get(sent.get(i).id());
          // The label is the float64 argmax, up to ties within the precision served.
          int c = post.numClasses();
          assertThat(post.values()[i * c + p.label()])
              .isCloseTo(post.values()[i * c + post.argmax(i)], org.assertj.core.data.Offset.offset(
                  precision.equals("float64") ? 0 : tolerance * Math.max(1, Math.abs(marginal[i]))));
          assertThat(p.logLikelihood())
              .isCloseTo(marginal[i], org.assertj.core.data.Offset.offset(tolerance * Math.max(1, Math.abs(marginal[i]))));
          assertThat(p.missingPixels()).isEqualTo(sent.get(i).missingCount());
          assertThat(p.modelVersion()).isEqualTo("v0001");
          assertThat(p.batchSize()).isBetween(1, 64);
        }
      }
    }
  }

  @Test
  void invalidRecordsGoToTheDeadLetterTopicWithTheirReasonWhileValidOnesFlow(@TempDir Path dir) throws Exception {
    try (Harness h = new Harness(dir, TestModels.untrained(4, 5.0), Map.of())) {
      String in = h.topics.images().name();
      publishRaw(in, "bad-json", "{\"id\": \"bad-json\", \"pixels\": [1, 2,".getBytes(StandardCharsets.UTF_8),
          "application/json");
      publishRaw(in, "small", ImageCodecs.encodeJson(new ImageMessage("small", 2, 2, new int[4], null, null)), null);
      publishRaw(in, "garbage", new byte[] {1, 2, 3, 4, 5}, null);
      publishRaw(in, "huge", new byte[70_000], "image/png");
      publish(in, images(Datasets.mnistTest(), 0, 5, "ok-", 0, 1), Format.JSON);

      List<ConsumerRecord<String, byte[]>> dlq = read(h.topics.imagesDlq().name(), 4, Duration.ofSeconds(60));
      Map<String, String> reasons = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r : dlq) {
        reasons.put(r.key(), new String(r.headers().lastHeader("error-reason").value(), StandardCharsets.UTF_8));
      }
      assertThat(reasons).containsEntry("bad-json", "bad-json").containsEntry("small", "wrong-size")
          .containsEntry("garbage", "unknown-format").containsEntry("huge", "oversized");
      ConsumerRecord<String, byte[]> garbage = dlq.stream().filter(r -> r.key().equals("garbage")).findFirst().orElseThrow();
      assertThat(garbage.value()).containsExactly(1, 2, 3, 4, 5);
      assertThat(read(h.topics.predictions().name(), 5, Duration.ofSeconds(60))).hasSize(5);
    }
  }

  @Test
  void fashionImagesRaiseAlertsAndDigitsRarelyDo(@TempDir Path dir) throws Exception {
    try (Harness h = new Harness(dir, TestModels.trained(), Map.of())) {
      publish(h.topics.images().name(), images(Datasets.fashionTest(), 0, 100, "fashion-", 0, 1), Format.BINARY);
      publish(h.topics.images().name(), images(Datasets.mnistTest(), 0, 100, "digit-", 0, 1), Format.BINARY);
      List<ConsumerRecord<String, byte[]>> predictions = read(h.topics.predictions().name(), 200, Duration.ofSeconds(60));
      assertThat(predictions).hasSize(200);
      List<ConsumerRecord<String, byte[]>> alerts = read(h.topics.oodAlerts().name(), 200, Duration.ofSeconds(5));
      long fashion = alerts.stream().filter(r -> r.key().startsWith("fashion-")).count();
      long digits = alerts.stream().filter(r -> r.key().startsWith("digit-")).count();
      assertThat(fashion).as("Fashion-MNIST alerts of 100").isGreaterThan(80);
      assertThat(digits).as("MNIST alerts of 100 at a 1 %% calibrated false-alarm rate").isLessThan(8);
    }
  }

  @Test
  void adminRequiresTheTokenToSwapAndPredictionsCarryTheNewVersion(@TempDir Path dir) throws Exception {
    try (Harness h = new Harness(dir, TestModels.untrained(5, 5.0), Map.of())) {
      String v2 = h.service.models.store().add(TestModels.untrained(6, 5.0));
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest noToken = HttpRequest.newBuilder(URI.create(h.adminUrl("/models/" + v2 + "/activate")))
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      assertThat(http.send(noToken, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      HttpRequest wrong = HttpRequest.newBuilder(URI.create(h.adminUrl("/models/" + v2 + "/activate")))
          .header("Authorization", "Bearer nope").POST(HttpRequest.BodyPublishers.noBody()).build();
      assertThat(http.send(wrong, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
      HttpRequest ok = HttpRequest.newBuilder(URI.create(h.adminUrl("/models/" + v2 + "/activate")))
          .header("Authorization", "Bearer test-token").POST(HttpRequest.BodyPublishers.noBody()).build();
      HttpResponse<String> swapped = http.send(ok, HttpResponse.BodyHandlers.ofString());
      assertThat(swapped.statusCode()).isEqualTo(200);
      assertThat(swapped.body()).contains("SWAPPED");

      publish(h.topics.images().name(), images(Datasets.mnistTest(), 0, 10, "after-", 0, 1), Format.JSON);
      List<ConsumerRecord<String, byte[]>> out = read(h.topics.predictions().name(), 10, Duration.ofSeconds(60));
      assertThat(out).hasSize(10).allSatisfy(r -> assertThat(OutputCodecs.parsePrediction(r.value()).modelVersion()).isEqualTo(v2));

      String metrics = http.send(HttpRequest.newBuilder(URI.create(h.adminUrl("/metrics"))).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      PrometheusText.Exposition parsed = PrometheusText.parse(metrics);
      assertThat(parsed.value("circuitstream_images_classified_total")).isEqualTo(10.0);
      assertThat(parsed.value("circuitstream_model_info", "version", v2)).isEqualTo(1.0);
      assertThat(parsed.value("circuitstream_model_swaps_total", "outcome", "swapped")).isEqualTo(2.0);
    }
  }

  @Test
  void swappingModelsUnderLoadLeavesNoImageWithoutAPrediction(@TempDir Path dir) throws Exception {
    try (Harness h = new Harness(dir, TestModels.untrained(7, 5.0), Map.of("pipeline.batch.max-size", "16"))) {
      String v1 = "v0001";
      String v2 = h.service.models.store().add(TestModels.untrained(8, 5.0));
      List<ImageMessage> sent = images(Datasets.mnistTest(), 0, 600, "swap-", 0.2, 4);
      Thread producer = new Thread(() -> {
        for (int i = 0; i < 600; i += 50) {
          publish(h.topics.images().name(), sent.subList(i, i + 50), Format.BINARY);
          try {
            Thread.sleep(40);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      producer.start();
      for (int i = 0; i < 6; i++) {
        assertThat(h.service.models.activate(i % 2 == 0 ? v2 : v1).outcome().name()).isEqualTo("SWAPPED");
        Thread.sleep(60);
      }
      producer.join();
      List<ConsumerRecord<String, byte[]>> out = read(h.topics.predictions().name(), 600, Duration.ofSeconds(60));
      Map<String, String> versionById = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r : out) {
        Prediction p = OutputCodecs.parsePrediction(r.value());
        assertThat(versionById.put(p.id(), p.modelVersion())).as("second prediction for %s", p.id()).isNull();
        assertThat(p.modelVersion()).isIn(v1, v2);
      }
      assertThat(versionById).hasSize(600);
      assertThat(versionById.values()).contains(v1, v2);
    }
  }
}
