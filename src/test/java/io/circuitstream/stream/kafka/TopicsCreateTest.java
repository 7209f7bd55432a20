package io.circuitstream.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TopicsCreateTest {

  private static Admin admin;

  @BeforeAll
  static void connect() {
    admin = KafkaTestBroker.broker().createAdmin();
  }

  @AfterAll
  static void disconnect() {
    admin.close();
  }

  @Test
  void createMakesEveryTopicWithItsPartitionsAndConfigs() throws Exception {
    Topics topics = KafkaTestBroker.uniqueTopics("create");

    TopicCreation result = topics.create(admin);

    assertThat(result.created()).containsExactlyElementsOf(topics.names());
    assertThat(result.existing()).isEmpty();
    Map<String, TopicDescription> described =
        admin.describeTopics(topics.names()).allTopicNames().get(30, TimeUnit.SECONDS);
    for (TopicConfig t : topics.all()) {
      TopicDescription d = described.get(t.name());
      assertThat(d.partitions()).as(t.name()).hasSize(t.partitions());
      assertThat(d.partitions()).allSatisfy(p -> {
        assertThat(p.replicas()).hasSize(1);
        assertThat(p.leader()).isNotNull();
      });
    }
    assertThat(topicConfig(topics.models().name(), "cleanup.policy")).isEqualTo("compact");
    assertThat(topicConfig(topics.images().name(), "cleanup.policy")).isEqualTo("delete");
    assertThat(topicConfig(topics.images().name(), "retention.ms")).isEqualTo("86400000");
    assertThat(topicConfig(topics.predictions().name(), "retention.ms")).isEqualTo("86400000");
    assertThat(topicConfig(topics.oodAlerts().name(), "retention.ms")).isEqualTo("604800000");
    assertThat(topicConfig(topics.imagesDlq().name(), "retention.ms")).isEqualTo("604800000");
    assertThat(topicConfig(topics.labelledImages().name(), "retention.ms")).isEqualTo("604800000");
  }

  @Test
  void creatingTwiceLeavesExistingTopicsAlone() throws Exception {
    Topics topics = KafkaTestBroker.uniqueTopics("twice");
    topics.create(admin);
    Topics changed = Topics.parse(props("topic.images.partitions", "7"), "test")
        .withPrefix(topics.images().name().replace("images", ""));

    TopicCreation again = changed.create(admin);

    assertThat(again.created()).isEmpty();
    assertThat(again.existing()).containsExactlyElementsOf(topics.names());
    assertThat(admin.describeTopics(List.of(topics.images().name())).allTopicNames().get(30, TimeUnit.SECONDS)
        .get(topics.images().name()).partitions()).hasSize(3);
  }

  @Test
  void createReportsOnlyTheMissingTopicsAsCreated() throws Exception {
    Topics topics = KafkaTestBroker.uniqueTopics("partial");
    admin.createTopics(List.of(new NewTopic(topics.models().name(), 1, (short) 1)))
        .all().get(30, TimeUnit.SECONDS);

    TopicCreation result = topics.create(KafkaTestBroker.bootstrapServers(), Duration.ofSeconds(30));

    assertThat(result.existing()).containsExactly(topics.models().name());
    assertThat(result.created()).containsExactlyElementsOf(topics.names().subList(0, 5));
  }

  private static String topicConfig(String topic, String name) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    return config.get(name).value();
  }

  private static Properties props(String key, String value) {
    Properties p = new Properties();
    p.setProperty(key, value);
    return p;
  }
}
