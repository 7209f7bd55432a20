package io.circuitstream.testing;

import io.circuitstream.stream.kafka.EmbeddedKafka;
import io.circuitstream.stream.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One embedded Kafka broker shared by every test of the JVM, started on first use.
 *
 * <p>The broker listens on 127.0.0.1 on a free port, keeps its data in a temporary folder and is
 * closed, and its folder deleted, when the JVM exits. Tests share it, so each test should use
 * topics of its own, which {@link #createTopics(String)} makes:
 *
 * <pre>{@code
 * Topics topics = KafkaTestBroker.createTopics("pipeline");   // pipeline-1-images, pipeline-1-models, …
 * Map<String, Object> config = KafkaTestBroker.clientConfig(); // bootstrap.servers
 * }</pre>
 *
 * <p>Consumer group ids and transactional ids are shared too: make them unique per test as well,
 * for example with {@link #uniqueName(String)}.
 */
public final class KafkaTestBroker {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static @Nullable EmbeddedKafka broker;

  private KafkaTestBroker() {}

  /**
   * Returns the shared broker, starting it on the first call (about 5 s).
   *
   * @return the running broker; do not close it
   */
  public static synchronized EmbeddedKafka broker() {
    EmbeddedKafka b = broker;
    if (b == null) {
      Path dir;
      try {
        dir = Files.createTempDirectory("circuitstream-kafka-test-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedKafka started = EmbeddedKafka.start(dir);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.close();
        deleteRecursively(dir);
      }, "kafka-test-broker-shutdown"));
      broker = started;
      b = started;
    }
    return b;
  }

  /** Returns the shared broker's {@code bootstrap.servers}, starting it if needed. */
  public static String bootstrapServers() {
    return broker().bootstrapServers();
  }

  /** Returns a client config with just {@code bootstrap.servers}, to add producer or consumer settings to. */
  public static Map<String, Object> clientConfig() {
    return Map.of("bootstrap.servers", bootstrapServers());
  }

  /**
   * Returns a name no other call in this JVM returns, such as {@code hint-7}.
   *
   * @param hint a readable stem, such as the test's name; characters Kafka does not allow become '_'
   * @return the unique name
   */
  public static String uniqueName(String hint) {
    return hint.replaceAll("[^a-zA-Z0-9._-]", "_") + "-" + COUNTER.incrementAndGet();
  }

  /**
   * Returns the service's topics with a prefix no other call in this JVM uses; does not create them.
   *
   * @param hint a readable stem, such as the test's name
   * @return the default topics, each name prefixed with {@code uniqueName(hint) + "-"}
   */
  public static Topics uniqueTopics(String hint) {
    return Topics.defaults().withPrefix(uniqueName(hint) + "-");
  }

  /**
   * Creates the service's topics under a prefix of their own on the shared broker.
   *
   * @param hint a readable stem, such as the test's name
   * @return the created topics, with their default partitions and configs
   */
  public static Topics createTopics(String hint) {
    Topics topics = uniqueTopics(hint);
    broker().createTopics(topics);
    return topics;
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // Best effort at exit.
    }
  }
}
