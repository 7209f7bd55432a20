package io.circuitstream.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaRestartTest {

  @Test
  void restartWithTheSameDataKeepsTopicsAndRecords(@TempDir Path dataDir) throws Exception {
    Topics topics = Topics.defaults();
    String topic = topics.models().name();
    int controllerPort;
    try (EmbeddedKafka first = EmbeddedKafka.start(dataDir)) {
      assertThat(first.formatted()).isTrue();
      assertThat(first.createTopics(topics).created()).containsExactlyElementsOf(topics.names());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(
          Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()),
          new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(topic, "model-a", "v1")).get();
        producer.send(new ProducerRecord<>(topic, "model-b", "v1")).get();
      }
      controllerPort = first.controllerPort();
    }

    try (EmbeddedKafka second = EmbeddedKafka.start(dataDir)) {
      assertThat(second.formatted()).isFalse();
      assertThat(second.controllerPort()).isEqualTo(controllerPort);
      try (Admin admin = second.createAdmin()) {
        Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        assertThat(names).containsAll(topics.names());
      }
      assertThat(second.createTopics(topics).existing()).containsExactlyElementsOf(topics.names());
      assertThat(readAll(second.bootstrapServers(), topic)).extracting(ConsumerRecord::key)
          .containsExactly("model-a", "model-b");
    }
  }

  @Test
  void restartPicksAnotherControllerPortWhenTheRecordedOneIsTaken(@TempDir Path dataDir) throws Exception {
    int controllerPort;
    try (EmbeddedKafka first = EmbeddedKafka.start(dataDir)) {
      first.createTopics(Topics.defaults());
      controllerPort = first.controllerPort();
    }

    try (ServerSocket squatter = new ServerSocket(controllerPort, 1, InetAddress.getByName("127.0.0.1"));
        EmbeddedKafka second = EmbeddedKafka.start(dataDir)) {
      assertThat(second.controllerPort()).isNotEqualTo(squatter.getLocalPort());
      assertThat(second.createTopics(Topics.defaults()).existing()).containsExactlyElementsOf(Topics.defaults().names());
    }
  }

  private static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }
}
