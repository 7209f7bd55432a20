package io.circuitstream.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicsTest {

  @Test
  void defaultsHaveThePartitionsAndRetentionOfEachTopic() {
    Topics t = Topics.defaults();

    assertThat(t.names()).containsExactly(
        "images", "predictions", "ood-alerts", "images-dlq", "labelled-images", "models");
    assertThat(t.images()).isEqualTo(new TopicConfig("images", "images", 3, -1, Map.of("retention.ms", "86400000")));
    assertThat(t.predictions().partitions()).isEqualTo(3);
    assertThat(t.predictions().configs()).containsExactly(Map.entry("retention.ms", "86400000"));
    for (TopicConfig week : new TopicConfig[] {t.oodAlerts(), t.imagesDlq(), t.labelledImages()}) {
      assertThat(week.partitions()).isEqualTo(1);
      assertThat(week.configs()).containsExactly(Map.entry("retention.ms", "604800000"));
    }
    assertThat(t.models().partitions()).isEqualTo(1);
    assertThat(t.models().configs()).containsExactly(Map.entry("cleanup.policy", "compact"));
    assertThat(t.all()).allMatch(c -> c.replicationFactor() == TopicConfig.CLUSTER_DEFAULT);
  }

  @Test
  void committedTopicsFileMatchesTheDefaults() {
    assertThat(Topics.load(Topics.DEFAULT_FILE)).isEqualTo(Topics.defaults());
  }

  @Test
  void fileOverridesOnlyTheKeysItSets(@TempDir Path tmp) throws IOException {
    Path file = write(tmp, "topic.images.name=raw-images\n"
        + "topic.images.partitions=12\n"
        + "topic.models.replication.factor=3\n"
        + "topic.ood-alerts.config.retention.ms=1000\n"
        + "topic.ood-alerts.config.segment.bytes=1048576\n");

    Topics t = Topics.load(file);

    assertThat(t.images()).isEqualTo(new TopicConfig("images", "raw-images", 12, -1, Map.of("retention.ms", "86400000")));
    assertThat(t.models().replicationFactor()).isEqualTo(3);
    assertThat(t.oodAlerts().configs())
        .containsExactly(Map.entry("retention.ms", "1000"), Map.entry("segment.bytes", "1048576"));
    assertThat(t.predictions()).isEqualTo(Topics.defaults().predictions());
  }

  @Test
  void loadRejectsAnUnknownKeyNamingIt(@TempDir Path tmp) throws IOException {
    Path misspelt = write(tmp, "topic.images.partition=3\n");
    Path unknownTopic = write(tmp, "topic.imagez.name=x\n");
    Path unknownConfig = write(tmp, "topic.models.config.retention.mss=1\n");

    assertThatThrownBy(() -> Topics.load(misspelt)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(misspelt + ": unknown key 'topic.images.partition'");
    assertThatThrownBy(() -> Topics.load(unknownTopic)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(unknownTopic + ": unknown key 'topic.imagez.name'")
        .hasMessageContaining("images, predictions, ood-alerts, images-dlq, labelled-images, models");
    assertThatThrownBy(() -> Topics.load(unknownConfig)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key 'topic.models.config.retention.mss'")
        .hasMessageContaining("not a Kafka topic config");
  }

  @Test
  void loadRejectsBadValuesNamingTheKey(@TempDir Path tmp) throws IOException {
    Path notANumber = write(tmp, "topic.images.partitions=three\n");
    Path zero = write(tmp, "topic.images.partitions=0\n");
    Path badName = write(tmp, "topic.images.name=my images\n");
    Path clash = write(tmp, "topic.images.name=models\n");

    assertThatThrownBy(() -> Topics.load(notANumber))
        .hasMessage(notANumber + ": topic.images.partitions: 'three' is not a whole number");
    assertThatThrownBy(() -> Topics.load(zero))
        .hasMessage(zero + ": topic images: partitions must be at least 1, not 0");
    assertThatThrownBy(() -> Topics.load(badName)).hasMessageContaining("'my images' is not a legal Kafka topic name");
    assertThatThrownBy(() -> Topics.load(clash)).hasMessageContaining("topic name 'models' is used by two topics");
  }

  @Test
  void loadOfAMissingFileNamesIt(@TempDir Path tmp) {
    Path missing = tmp.resolve("nope.properties");

    assertThatThrownBy(() -> Topics.load(missing)).isInstanceOf(UncheckedIOException.class)
        .hasMessage(missing + ": no such topics file");
  }

  @Test
  void withPrefixRenamesEveryTopicAndKeepsTheRest() {
    Topics prefixed = Topics.defaults().withPrefix("t1-");

    assertThat(prefixed.names()).containsExactly(
        "t1-images", "t1-predictions", "t1-ood-alerts", "t1-images-dlq", "t1-labelled-images", "t1-models");
    assertThat(prefixed.models().configs()).isEqualTo(Topics.defaults().models().configs());
    assertThat(prefixed.get("images").partitions()).isEqualTo(3);
  }

  @Test
  void propertiesRoundTrip() {
    Topics t = Topics.defaults().withPrefix("x.");
    Properties p = t.toProperties();

    assertThat(Topics.parse(p, "test")).isEqualTo(t);
    assertThat(p.getProperty("topic.models.replication.factor")).isEqualTo("default");
  }

  private static Path write(Path dir, String content) throws IOException {
    Path file = Files.createTempFile(dir, "topics", ".properties");
    try (Writer w = Files.newBufferedWriter(file)) {
      w.write(content);
    }
    return file;
  }
}
