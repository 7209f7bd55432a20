package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.data.Datasets;
import io.circuitstream.model.ModelFiles;
import io.circuitstream.stream.codec.Format;
import io.circuitstream.stream.codec.OutputCodecs;
import io.circuitstream.stream.kafka.KafkaClients;
import io.circuitstream.stream.kafka.Topics;
import io.circuitstream.testing.ChildJvm;
import io.circuitstream.testing.KafkaTestBroker;
import io.circuitstream.testing.TestModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills the service process mid-stream (SIGKILL, no shutdown) and restarts it: no image may lose its
 * prediction; exactly-once mode may not duplicate one either.
 */
class CrashRecoveryTest {
  private static final int IMAGES = 1500;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once", "exactly-once"})
  void killedServiceRestartsWithoutLosingImages(String delivery, @org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Topics topics = KafkaTestBroker.uniqueTopics("crash");
    Path topicsFile = dir.resolve("topics.properties");
    try (var out = Files.newOutputStream(topicsFile)) {
      topics.toProperties().store(out, null);
    }
    Path model = dir.resolve("model.cstrm");
    ModelFiles.write(TestModels.untrained(9, 5.0), model);
    int adminPort;
    try (ServerSocket s = new ServerSocket(0)) {
      adminPort = s.getLocalPort();
    }
    List<String> args = List.of("serve", "--model", model.toString(),
        "--set", "kafka.bootstrap.servers=" + KafkaTestBroker.bootstrapServers(),
        "--set", "kafka.topics.file=" + topicsFile,
        "--set", "kafka.group.id=" + KafkaTestBroker.uniqueName("crash-group"),
        "--set", "kafka.delivery=" + delivery,
        "--set", "kafka.session-timeout-ms=6000",
        "--set", "kafka.instance-id=crash-test",
        "--set", "model.store.dir=" + dir.resolve("store"),
        "--set", "pipeline.batch.max-size=32",
        "--set", "admin.port=" + adminPort,
        "--set", "admin.token=t");

    Process first = startService(args);
    boolean readCommitted = delivery.equals("exactly-once");
    var images = StreamingServiceTest.images(Datasets.mnistTest(), 0, IMAGES, "c-", 0, 1);
    StreamingServiceTest.publish(topics.images().name(), images.subList(0, 300), Format.BINARY);
    waitForPredictions(topics.predictions().name(), 300, readCommitted);
    // The rest arrives while the service runs, and the process dies right away, mid-stream.
    StreamingServiceTest.publish(topics.images().name(), images.subList(300, IMAGES), Format.BINARY);
    first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertThat(countPredictions(topics.predictions().name(), IMAGES, false, Duration.ofSeconds(3)))
        .as("predictions written before the kill").hasSizeLessThan(IMAGES);

    Process second = startService(args);
    try {
      Map<String, Integer> counts = countPredictions(topics.predictions().name(), IMAGES, readCommitted,
          Duration.ofSeconds(120));
      assertThat(counts).hasSize(IMAGES);
      if (readCommitted) {
        assertThat(counts.values()).as("duplicates in exactly-once mode").allMatch(c -> c == 1);
      }
    } finally {
      second.destroy();
      second.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static Process startService(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = ChildJvm.command(List.of("-Xmx1g",
        "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir", "target/javacpp-cache")),
        Main.class.getName(), args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    CountDownLatch running = new CountDownLatch(1);
    StringBuilder log = new StringBuilder();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (log) {
            log.append(line).append('\n');
          }
          if (line.contains("serve: running")) {
            running.countDown();
          }
        }
      } catch (IOException ignored) {
        // the process was killed
      }
    });
    t.setDaemon(true);
    t.start();
    if (!running.await(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      synchronized (log) {
        throw new AssertionError("service did not start:\n" + log);
      }
    }
    return p;
  }

  private static void waitForPredictions(String topic, int atLeast, boolean readCommitted) {
    Map<String, Integer> c = countPredictions(topic, atLeast, readCommitted, Duration.ofSeconds(60));
    assertThat(c.size()).as("predictions before the crash").isGreaterThanOrEqualTo(atLeast);
  }

  private static Map<String, Integer> countPredictions(String topic, int distinct, boolean readCommitted,
      Duration timeout) {
    Map<String, Integer> counts = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(KafkaTestBroker.bootstrapServers(),
        KafkaTestBroker.uniqueName("crash-reader"), true, readCommitted)) {
      c.subscribe(List.of(topic));
      while (counts.size() < distinct && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          counts.merge(OutputCodecs.parsePrediction(r.value()).id(), 1, Integer::sum);
        }
      }
      // Drain what else is there, to see duplicates.
      long drainUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < drainUntil) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          counts.merge(OutputCodecs.parsePrediction(r.value()).id(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }
}
