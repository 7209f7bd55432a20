package io.circuitstream.app;

import io.circuitstream.stream.kafka.EmbeddedKafka;
import io.circuitstream.stream.kafka.KafkaSetupException;
import io.circuitstream.stream.kafka.TopicCreation;
import io.circuitstream.stream.kafka.Topics;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code broker} command, which runs a single-node Kafka broker in this JVM and creates the
 * service's topics on it.
 *
 * <p>With {@code --bootstrap-servers} it starts no broker: it creates the missing topics on that
 * cluster and exits, which is what {@code kafka/create-topics.sh} uses when Kafka's own tools are
 * not installed.
 *
 * <p>Kafka logs a great deal at INFO, and a few routine lines at WARN on every start. Unless the
 * {@code org.slf4j.simpleLogger.log.<name>} property of the Kafka logger roots ({@code kafka},
 * {@code org.apache.kafka}, {@code state.change.logger}) is already set, this command sets it to
 * {@code error} before Kafka starts; the default level of every other logger is left alone. Pass
 * {@code -Dorg.slf4j.simpleLogger.log.org.apache.kafka=info} (and the same for {@code kafka}) to
 * see Kafka's log.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Run a single-node Kafka broker (KRaft, broker and controller in one) in this process, bound to"
          + " one address only, and create the service's topics on it. Ctrl-C stops it cleanly.",
      "With --bootstrap-servers, start no broker: create the missing topics on that cluster and exit."
    })
public final class BrokerCommand implements Callable<Integer> {

  private static final List<String> KAFKA_LOGGERS = List.of("kafka", "org.apache.kafka", "state.change.logger");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--host", defaultValue = EmbeddedKafka.DEFAULT_HOST, paramLabel = "ADDRESS",
      description = "address to bind, never a wildcard (default: ${DEFAULT-VALUE})")
  String host = EmbeddedKafka.DEFAULT_HOST;

  @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
      description = "client port, 0 for a free one (default: ${DEFAULT-VALUE})")
  int port = 9092;

  @Option(names = "--data-dir", defaultValue = "data/kafka", paramLabel = "DIR",
      description = "data folder, formatted on first use and kept afterwards (default: ${DEFAULT-VALUE})")
  Path dataDir = Path.of("data", "kafka");

  @Option(names = "--topics", paramLabel = "FILE",
      description = "topics file (default: kafka/topics.properties if present, else the built-in topics)")
  @Nullable Path topicsFile;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,…]",
      description = "create the topics on this existing cluster and exit, without starting a broker")
  @Nullable String bootstrapServers;

  /** Creates the command; picocli fills in its fields. */
  public BrokerCommand() {}

  /**
   * Runs the command on its own, outside {@code Main}; {@code kafka/create-topics.sh} uses this.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BrokerCommand()).execute(args));
  }

  /** Runs the broker until interrupted, or creates the topics on a cluster; returns the exit code. */
  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Topics topics;
    try {
      topics = loadTopics();
    } catch (IllegalArgumentException | UncheckedIOException e) {
      err.println("broker: " + e.getMessage());
      err.flush();
      return 2;
    }
    quietKafkaLogging();
    return bootstrapServers != null ? createOn(bootstrapServers, topics, out, err) : runBroker(topics, out, err);
  }

  private Topics loadTopics() {
    if (topicsFile != null) {
      return Topics.load(topicsFile);
    }
    return Files.exists(Topics.DEFAULT_FILE) ? Topics.load(Topics.DEFAULT_FILE) : Topics.defaults();
  }

  private static void quietKafkaLogging() {
    for (String logger : KAFKA_LOGGERS) {
      String key = "org.slf4j.simpleLogger.log." + logger;
      if (System.getProperty(key) == null) {
        System.setProperty(key, "error");
      }
    }
  }

  private static int createOn(String cluster, Topics topics, PrintWriter out, PrintWriter err) {
    try {
      TopicCreation result = topics.create(cluster, Topics.DEFAULT_TIMEOUT);
      out.println("Topics on " + cluster + ": " + describe(result));
      out.flush();
      return 0;
    } catch (KafkaSetupException e) {
      err.println("broker: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  private int runBroker(Topics topics, PrintWriter out, PrintWriter err) {
    EmbeddedKafka kafka;
    try {
      kafka = EmbeddedKafka.start(dataDir, host, port);
    } catch (KafkaSetupException | IllegalArgumentException | UncheckedIOException e) {
      err.println("broker: " + e.getMessage());
      err.flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      kafka.close();
      stopped.countDown();
    }, "kafka-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      TopicCreation result = kafka.createTopics(topics);
      out.printf("Kafka broker on %s (KRaft, data in %s); topics: %s; Ctrl-C to stop%n",
          kafka.bootstrapServers(), dataDir, describe(result));
      out.flush();
      stopped.await();
      return 0;
    } catch (InterruptedException e) {
      int code = stop(kafka, hook, 0); // before re-interrupting: Kafka's controlled shutdown waits
      Thread.currentThread().interrupt();
      return code;
    } catch (KafkaSetupException e) {
      err.println("broker: " + e.getMessage());
      err.flush();
      return stop(kafka, hook, 1);
    }
  }

  private static int stop(EmbeddedKafka kafka, Thread hook, int code) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return code; // The hook is closing the broker.
    }
    kafka.close();
    return code;
  }

  private static String describe(TopicCreation result) {
    StringBuilder s = new StringBuilder();
    if (!result.created().isEmpty()) {
      s.append(String.join(", ", result.created())).append(" (created)");
    }
    if (!result.existing().isEmpty()) {
      s.append(s.length() > 0 ? ", " : "").append(String.join(", ", result.existing())).append(" (already there)");
    }
    return s.toString();
  }
}
