package io.circuitstream.stream.kafka;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain clients for the service's records: string keys (image ids), byte values. */
public final class KafkaClients {
  /**
   * How often every client refreshes its metadata: 30 s instead of Kafka's 5 minutes, so that
   * refreshes happen while the JIT is still profiling. With the default, the first refresh came 300 s
   * after start-up, when the broker's request dispatch ({@code KafkaApis.handle}) and the clients'
   * {@code NetworkClient.poll} had long been compiled without a metadata request in their profiles:
   * they were deoptimised and recompiled at once, and for ~10 s micro-batches took 2-3 times as long
   * (at 1 028 images/s, most runs' slowest seconds came then).
   */
  static final int METADATA_MAX_AGE_MS = 30_000;

  private KafkaClients() {}

  /**
   * Returns the settings every client of the service shares: the cluster, the metadata refresh period
   * ({@value #METADATA_MAX_AGE_MS} ms) and no push of client metrics to the broker (KIP-714; nothing
   * here collects them, and a client would otherwise ask the broker for a subscription periodically).
   */
  static Properties base(String bootstrapServers) {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(CommonClientConfigs.METADATA_MAX_AGE_CONFIG, METADATA_MAX_AGE_MS);
    p.put(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, false);
    return p;
  }

  /** Returns a producer for tools and tests that publish images; records sent within 5 ms share a request. */
  public static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    Properties p = base(bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    return new KafkaProducer<>(p);
  }

  /**
   * Returns a consumer that starts at the given end of the topics it subscribes to.
   *
   * @param group consumer group id
   * @param fromEarliest start at the earliest offsets (else the latest) when the group has none
   * @param readCommitted see only committed transactional records
   */
  public static KafkaConsumer<String, byte[]> consumer(String bootstrapServers, String group, boolean fromEarliest,
      boolean readCommitted) {
    Properties p = base(bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromEarliest ? "earliest" : "latest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /**
   * Returns a consumer outside any consumer group, for reading whole topics with {@code assign}
   * (such as the compacted {@code models} topic, which every instance reads in full).
   */
  public static KafkaConsumer<String, byte[]> reader(String bootstrapServers) {
    Properties p = base(bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }
}
