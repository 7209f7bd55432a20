package io.circuitstream.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.data.ExternalCommand;
import io.circuitstream.testing.ChildJvm;
import io.circuitstream.testing.KafkaTestBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka/create-topics.sh} with Kafka's own admin tool: a {@code kafka-topics.sh} on the PATH
 * that runs {@code org.apache.kafka.tools.TopicCommand} from the Kafka 4.4 jars, as Kafka's script
 * does, against the real embedded broker.
 */
class CreateTopicsScriptTest {

  private static final Path SCRIPT = Path.of("kafka/create-topics.sh");

  @Test
  void scriptCreatesEveryTopicWithKafkasToolThenLeavesThemAlone(@TempDir Path dir) throws Exception {
    Topics topics = KafkaTestBroker.uniqueTopics("script");
    Path topicsFile = dir.resolve("topics.properties");
    try (OutputStream out = Files.newOutputStream(topicsFile)) {
      topics.toProperties().store(out, "written by CreateTopicsScriptTest");
    }
    Path clientConfig = Files.writeString(dir.resolve("client.properties"), "client.id=create-topics-script-test\n");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path kafkaTopics = bin.resolve("kafka-topics.sh");
    Files.writeString(kafkaTopics, "#!/bin/sh\nexec " + ChildJvm.command(ChildJvm.TOOL_OPTIONS,
        "org.apache.kafka.tools.TopicCommand", List.of()).stream().map(CreateTopicsScriptTest::quote)
        .collect(Collectors.joining(" ")) + " \"$@\"\n");
    Files.setPosixFilePermissions(kafkaTopics, PosixFilePermissions.fromString("rwxr-xr-x"));
    String bootstrap = KafkaTestBroker.bootstrapServers();

    ExternalCommand.Result first = createTopics(dir, bin, bootstrap, topicsFile, clientConfig);
    ExternalCommand.Result second = createTopics(dir, bin, bootstrap, topicsFile, clientConfig);

    String names = String.join(", ", topics.names());
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output().strip()).endsWith("Topics on " + bootstrap + ": " + names + " (created)");
    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output().strip()).endsWith("Topics on " + bootstrap + ": " + names + " (already there)");
    try (Admin admin = KafkaTestBroker.broker().createAdmin()) {
      Map<String, TopicDescription> described =
          admin.describeTopics(topics.names()).allTopicNames().get(30, TimeUnit.SECONDS);
      for (TopicConfig t : topics.all()) {
        assertThat(described.get(t.name()).partitions()).as(t.name()).hasSize(t.partitions());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
        var config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        t.configs().forEach((name, value) -> assertThat(config.get(name).value()).as(t.name() + " " + name)
            .isEqualTo(value));
      }
    }
  }

  @Test
  void clientConfigNeedsKafkasToolNotTheProjectJar(@TempDir Path dir) throws IOException {
    Path clientConfig = Files.writeString(dir.resolve("client.properties"), "security.protocol=SSL\n");

    ExternalCommand.Result run = ExternalCommand.run(dir, "", "bash", SCRIPT.toAbsolutePath().toString(),
        "--bootstrap-server", "127.0.0.1:9", "--java", "--command-config", clientConfig.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output().strip()).isEqualTo("create-topics.sh: --command-config needs Kafka's kafka-topics.sh on"
        + " PATH; the project's jar takes no client options");
  }

  private static ExternalCommand.Result createTopics(Path dir, Path bin, String bootstrap, Path topicsFile,
      Path clientConfig) throws IOException {
    List<String> command = new ArrayList<>(List.of("env", "PATH=" + bin + ":" + System.getenv("PATH"),
        "bash", SCRIPT.toAbsolutePath().toString(), "--bootstrap-server", bootstrap,
        "--topics", topicsFile.toString(), "--command-config", clientConfig.toString()));
    return ExternalCommand.run(dir, null, Duration.ofMinutes(5), "", command.toArray(String[]::new));
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
