package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.stream.kafka.Topics;
import io.circuitstream.testing.KafkaTestBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BrokerCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void helpListsTheOptions() {
    assertThat(execute("--help")).isZero();
    assertThat(out.toString()).contains("Usage: broker", "--host", "--port", "--data-dir", "--topics",
        "--bootstrap-servers", "default: 127.0.0.1", "default: 9092", "default: data/kafka");
  }

  @Test
  void bootstrapServersCreatesTheTopicsOnThatClusterIdempotently(@TempDir Path tmp) throws IOException {
    Topics topics = KafkaTestBroker.uniqueTopics("cli");
    Path file = tmp.resolve("topics.properties");
    try (Writer w = Files.newBufferedWriter(file)) {
      topics.toProperties().store(w, null);
    }
    String cluster = KafkaTestBroker.bootstrapServers();

    assertThat(execute("--bootstrap-servers", cluster, "--topics", file.toString())).as(err.toString()).isZero();
    assertThat(execute("--bootstrap-servers", cluster, "--topics", file.toString())).as(err.toString()).isZero();

    String[] lines = out.toString().split("\\R");
    assertThat(lines[0]).isEqualTo("Topics on " + cluster + ": " + String.join(", ", topics.names()) + " (created)");
    assertThat(lines[1]).isEqualTo("Topics on " + cluster + ": " + String.join(", ", topics.names()) + " (already there)");
  }

  @Test
  void portInUseIsReportedWithThePortAndTheFix(@TempDir Path tmp) {
    int taken = KafkaTestBroker.broker().port();

    assertThat(execute("--port", Integer.toString(taken), "--data-dir", tmp.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("broker: port " + taken + " on 127.0.0.1 is already in use")
        .contains("--port");
  }

  @Test
  void unknownKeyInTheTopicsFileIsAUsageError(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("t.properties"), "topic.images.retention=1\n");

    assertThat(execute("--topics", file.toString(), "--data-dir", tmp.toString())).isEqualTo(2);
    assertThat(err.toString()).isEqualTo(
        "broker: " + file + ": unknown key 'topic.images.retention'; after topic.images. comes name, partitions,"
            + " replication.factor or config.<kafka topic config>" + System.lineSeparator());
  }

  @Test
  void brokerRunsUntilInterruptedAndPrintsWhereItIs(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("kafka");
    AtomicInteger exit = new AtomicInteger(-1);
    Thread runner = new Thread(() -> exit.set(execute("--port", "0", "--data-dir", data.toString())));
    runner.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!out.toString().contains("Ctrl-C to stop") && runner.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(out.toString()).as(err.toString()).matches(
        "Kafka broker on 127\\.0\\.0\\.1:\\d+ \\(KRaft, data in " + Pattern.quote(data.toString())
            + "\\); topics: images, predictions, ood-alerts, images-dlq, labelled-images, models \\(created\\);"
            + " Ctrl-C to stop\\R");

    runner.interrupt();
    runner.join(30_000);

    assertThat(runner.isAlive()).isFalse();
    assertThat(exit.get()).isZero();
  }

  private int execute(String... args) {
    CommandLine cli = new CommandLine(new BrokerCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
