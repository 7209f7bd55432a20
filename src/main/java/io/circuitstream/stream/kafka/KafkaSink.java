package io.circuitstream.stream.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Publishes a batch's output records and reports when Kafka has acknowledged all of them.
 *
 * <p>At-least-once: idempotent producer with {@code acks=all}; the caller commits input offsets
 * after {@link #send} completes. Exactly-once: a transactional producer sends the outputs and the
 * input offsets in one transaction ({@link #sendInTransaction}).
 */
public final class KafkaSink implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final boolean transactional;

  /**
   * Creates a sink.
   *
   * @param bootstrapServers the cluster
   * @param transactionalId a transactional id unique to this instance for exactly-once, or {@code null}
   */
  public KafkaSink(String bootstrapServers, @Nullable String transactionalId) {
    Properties props = KafkaClients.base(bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    if (transactionalId != null) {
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    producer = new KafkaProducer<>(props);
    transactional = transactionalId != null;
    if (transactional) {
      producer.initTransactions();
    }
  }

  /**
   * Sends every record without waiting; the future completes when all are acknowledged, or fails
   * with the first error. The producer lingers at most 1 ms before it sends.
   */
  public CompletableFuture<Void> send(List<OutRecord> records) {
    List<CompletableFuture<Void>> acks = new ArrayList<>(records.size());
    for (OutRecord r : records) {
      CompletableFuture<Void> ack = new CompletableFuture<>();
      producer.send(toKafka(r), (meta, error) -> {
        if (error != null) {
          ack.completeExceptionally(error);
        } else {
          ack.complete(null);
        }
      });
      acks.add(ack);
    }
    return CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * Sends the records and commits the consumer's offsets in one transaction; blocks until committed.
   *
   * @param next per topic and partition, the offset of the next input record
   * @param source the consumer whose group the offsets belong to
   * @throws IllegalStateException if this sink is not transactional or the source has not polled yet
   */
  public void sendInTransaction(List<OutRecord> records, Map<String, Map<Integer, Long>> next, KafkaSource source) {
    if (!transactional) {
      throw new IllegalStateException("this sink was created without a transactional id");
    }
    ConsumerGroupMetadata meta = source.groupMetadata();
    if (meta == null) {
      throw new IllegalStateException("the source has not joined its group yet");
    }
    producer.beginTransaction();
    try {
      for (OutRecord r : records) {
        producer.send(toKafka(r));
      }
      producer.sendOffsetsToTransaction(KafkaSource.toKafka(next), meta);
      producer.commitTransaction();
    } catch (RuntimeException e) {
      producer.abortTransaction();
      throw e;
    }
  }

  private static ProducerRecord<String, byte[]> toKafka(OutRecord r) {
    ProducerRecord<String, byte[]> pr = new ProducerRecord<>(r.topic(), r.key(), r.value());
    r.headers().forEach((k, v) -> pr.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
    return pr;
  }

  @Override
  public void close() {
    producer.close();
  }
}
