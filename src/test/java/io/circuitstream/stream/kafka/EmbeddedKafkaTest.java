package io.circuitstream.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.circuitstream.testing.KafkaTestBroker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  /** /proc/net/tcp{,6} spellings of 127.0.0.1: plain, and IPv4-mapped IPv6. */
  private static final Set<String> LOOPBACK_HEX = Set.of("0100007F", "0000000000000000FFFF00000100007F");

  @Test
  void brokerAnswersOnLoopbackWithAFreePort() {
    EmbeddedKafka kafka = KafkaTestBroker.broker();

    assertThat(kafka.host()).isEqualTo("127.0.0.1");
    assertThat(kafka.port()).isPositive().isNotEqualTo(kafka.controllerPort());
    assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
    assertThat(kafka.dataDir().resolve("kafka-logs/meta.properties")).exists();
  }

  @Test
  void listenersAreBoundTo127001Only() throws IOException {
    EmbeddedKafka kafka = KafkaTestBroker.broker();

    for (int port : new int[] {kafka.port(), kafka.controllerPort()}) {
      List<String> addresses = listeningAddresses(port);
      if (addresses != null) {
        assertThat(addresses).as("listening sockets on port %d", port).isNotEmpty().isSubsetOf(LOOPBACK_HEX);
      }
      for (InetAddress other : nonLoopbackAddresses()) {
        assertThatThrownBy(() -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(other, port), 2000);
          }
        }).as("connecting to %s:%d", other.getHostAddress(), port).isInstanceOf(ConnectException.class);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        assertThat(s.isConnected()).isTrue();
      }
    }
  }

  @Test
  void producedRecordIsConsumedBack() throws Exception {
    Topics topics = KafkaTestBroker.createTopics("roundtrip");
    String topic = topics.images().name();

    RecordMetadata sent;
    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      sent = producer.send(new ProducerRecord<>(topic, "image-1", "pixels")).get();
    }

    List<ConsumerRecord<String, String>> got = consume(topic, "read_uncommitted", 1);
    assertThat(got).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("image-1");
      assertThat(r.value()).isEqualTo("pixels");
      assertThat(r.partition()).isEqualTo(sent.partition());
      assertThat(r.offset()).isEqualTo(sent.offset());
    });
  }

  @Test
  void transactionalProducerCommitsOnASingleNode() throws Exception {
    Topics topics = KafkaTestBroker.createTopics("transactions");
    String topic = topics.oodAlerts().name();

    try (KafkaProducer<String, String> producer = producer(Map.of(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, KafkaTestBroker.uniqueName("tx"),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "aborted"));
      producer.abortTransaction();
      producer.beginTransaction();
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(topic, "k", "committed-" + i));
      }
      producer.commitTransaction();
    }

    List<ConsumerRecord<String, String>> got = consume(topic, "read_committed", 3);
    assertThat(got).extracting(ConsumerRecord::value).containsExactly("committed-0", "committed-1", "committed-2");
  }

  @Test
  void wildcardHostIsRejected(@TempDir Path tmp) {
    assertThatThrownBy(() -> EmbeddedKafka.start(tmp, "0.0.0.0", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host 0.0.0.0 is the wildcard address; the embedded broker binds one address only, such as 127.0.0.1");
    assertThatThrownBy(() -> EmbeddedKafka.start(tmp, " ", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
  }

  @Test
  void portInUseFailsWithAMessageNamingThePort(@TempDir Path tmp) {
    int taken = KafkaTestBroker.broker().port();

    assertThatThrownBy(() -> EmbeddedKafka.start(tmp, "127.0.0.1", taken))
        .isInstanceOf(KafkaSetupException.class)
        .hasMessage("port " + taken + " on 127.0.0.1 is already in use (another Kafka broker?); choose another"
            + " port (broker --port N), or 0 to pick a free one");
  }

  @Test
  void secondBrokerOnTheSameDataFolderFailsWithAMessageSayingSo() {
    Path dataDir = KafkaTestBroker.broker().dataDir();

    assertThatThrownBy(() -> EmbeddedKafka.start(dataDir))
        .isInstanceOf(KafkaSetupException.class)
        .hasMessage("the Kafka data folder " + dataDir + " is in use by another running broker; stop that one"
            + " first, or use another data folder (broker --data-dir DIR)");
  }

  static KafkaProducer<String, String> producer(Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(KafkaTestBroker.clientConfig());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.putAll(extra);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  /** Reads a topic from the start until {@code count} records have arrived and the end is reached. */
  static List<ConsumerRecord<String, String>> consume(String topic, String isolation, int count) {
    Map<String, Object> config = new HashMap<>(KafkaTestBroker.clientConfig());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaTestBroker.uniqueName("group"));
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        if (records.size() >= count && atEnd(consumer)) {
          return records;
        }
      }
    }
    throw new AssertionError("got " + records.size() + " of " + count + " records from " + topic + " in 60 s");
  }

  private static boolean atEnd(KafkaConsumer<String, String> consumer) {
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return false;
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
    return assigned.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
  }

  /**
   * Returns the local addresses, in /proc/net hex, of the sockets listening on a port, or null
   * where /proc/net/tcp does not exist (not Linux); the connection checks cover that case.
   */
  private static @Nullable List<String> listeningAddresses(int port) throws IOException {
    Path tcp = Path.of("/proc/net/tcp");
    if (!Files.isReadable(tcp)) {
      return null;
    }
    String portHex = String.format(Locale.ROOT, "%04X", port);
    List<String> addresses = new ArrayList<>();
    for (Path file : List.of(tcp, Path.of("/proc/net/tcp6"))) {
      if (!Files.isReadable(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (f[3].equals("0A") && local[1].equals(portHex)) {
          addresses.add(local[0]);
        }
      }
    }
    return addresses;
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> result = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          result.add(a);
        }
      }
    }
    return result;
  }
}
