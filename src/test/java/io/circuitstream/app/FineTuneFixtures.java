package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.learn.HybridLoss;
import io.circuitstream.model.Model;
import io.circuitstream.stream.kafka.Topics;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.testing.KafkaTestBroker;
import io.circuitstream.testing.PrometheusText;
import io.circuitstream.train.Scoring;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;

/** What the fine-tuning tests share: services on chosen topics, image styles, the admin API. */
final class FineTuneFixtures {
  static final String TOKEN = "ft-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private FineTuneFixtures() {}

  /** Writes a topics file for a fresh set of topics on the shared test broker. */
  static Path topicsFile(Path dir, Topics topics) throws IOException {
    Path file = dir.resolve("topics-" + topics.images().name() + ".properties");
    try (var out = Files.newOutputStream(file)) {
      topics.toProperties().store(out, null);
    }
    return file;
  }

  /**
   * Starts a service on the shared broker with small, fast fine-tuning settings.
   *
   * @param store the instance's model store folder
   * @param extra further settings, overriding these
   */
  static Service start(Path topicsFile, String group, Path store, Path modelFile, Map<String, String> extra) {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("kafka.bootstrap.servers", KafkaTestBroker.bootstrapServers());
    set.put("kafka.topics.file", topicsFile.toString());
    set.put("kafka.group.id", group);
    set.put("kafka.session-timeout-ms", "6000");
    set.put("model.store.dir", store.toString());
    set.put("admin.port", "0");
    set.put("admin.token", TOKEN);
    set.put("pipeline.batch.max-size", "64");
    set.put("finetune.steps", "60");
    set.put("finetune.learning-rate", "0.02");
    set.put("finetune.batch-size", "64");
    set.put("finetune.validation-images", "500");
    set.put("finetune.trigger.every-images", "0");
    set.put("finetune.margin", "0.03");
    set.putAll(extra);
    return Service.start(ServiceConfig.load(null, Map.of(), set), modelFile,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  /** The "struck-through" style: each digit with rows 12 to 15 painted white, a band no MNIST digit has. */
  static ImageSet struckThrough(ImageSet set) {
    byte[] px = set.pixels().clone();
    for (int i = 0; i < set.size(); i++) {
      for (int j = 12 * 28; j < 16 * 28; j++) {
        px[i * 784 + j] = (byte) 255;
      }
    }
    return new ImageSet(28, 28, px, set.labels().clone());
  }

  /** Returns the images with their labels changed by {@code relabel}. */
  static ImageSet relabelled(ImageSet set, IntUnaryOperator relabel) {
    byte[] labels = new byte[set.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) relabel.applyAsInt(set.label(i));
    }
    return new ImageSet(28, 28, set.pixels().clone(), labels);
  }

  /** Returns the images as labelled messages with ids {@code prefix + index}. */
  static List<ImageMessage> messages(ImageSet set, String prefix) {
    List<ImageMessage> out = new ArrayList<>();
    for (int i = 0; i < set.size(); i++) {
      int[] px = new int[784];
      for (int j = 0; j < 784; j++) {
        px[j] = set.pixel(i, j);
      }
      out.add(new ImageMessage(prefix + i, 28, 28, px, null, set.label(i)));
    }
    return out;
  }

  /** Returns a model's accuracy on a set. */
  static double accuracy(Model model, ImageSet set) {
    try (Evaluator ev = model.toCircuit().evaluator(250, 2, false)) {
      return Scoring.score(ev, set, new HybridLoss(0.5, 784, model.logPrior()), 0, 0, d -> { }).metrics().accuracy();
    }
  }

  static HttpResponse<String> get(Service s, String path) {
    return send(HttpRequest.newBuilder(url(s, path)).GET().build());
  }

  static JsonNode getJson(Service s, String path) {
    HttpResponse<String> r = get(s, path);
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return parse(r.body());
  }

  static HttpResponse<String> post(Service s, String path, String body) {
    return send(HttpRequest.newBuilder(url(s, path)).header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PrometheusText.Exposition metrics(Service s) {
    return PrometheusText.parse(get(s, "/metrics").body());
  }

  /** Returns a job's status once it is no longer running. */
  static JsonNode awaitJob(Service s, String id, Duration timeout) {
    JsonNode[] last = new JsonNode[1];
    await("job " + id + " to finish", timeout, () -> {
      last[0] = getJson(s, "/jobs/" + id);
      return !last[0].get("state").asText().equals("running");
    });
    return last[0];
  }

  /** Waits until the condition holds, failing with what was awaited after the timeout. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  private static URI url(Service s, String path) {
    return URI.create("http://127.0.0.1:" + s.admin.port() + path);
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
