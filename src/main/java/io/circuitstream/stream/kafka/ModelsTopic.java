package io.circuitstream.stream.kafka;

import io.circuitstream.stream.codec.OutputCodecs;
import io.circuitstream.stream.message.ModelAnnouncement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces model versions on the compacted {@code models} topic and follows the announcements.
 *
 * <p>Records are keyed by version and hold a {@link ModelAnnouncement} as JSON ({@link
 * OutputCodecs#announcementJson}). Every instance reads the whole topic outside any consumer group:
 * {@link #catchUp} reads it to its current end and returns the latest announcement (the record
 * with the latest timestamp, the last one on a one-partition topic), which compaction never
 * removes because it is the newest of its key; {@link #watch} then delivers each later one, in
 * order, on a thread of its own. Records that are not announcements are logged and skipped.
 */
public final class ModelsTopic implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelsTopic.class);
  private static final long SEND_TIMEOUT_SECONDS = 30;

  private final String topic;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AtomicBoolean watching = new AtomicBoolean();
  private volatile boolean closed;
  private volatile @Nullable Thread thread;

  /**
   * Connects to the topic; nothing is read until {@link #catchUp} or {@link #watch}.
   *
   * @param bootstrapServers the cluster
   * @param topic the name of the models topic, which must exist
   */
  public ModelsTopic(String bootstrapServers, String topic) {
    this.topic = topic;
    this.producer = KafkaClients.producer(bootstrapServers);
    this.consumer = KafkaClients.reader(bootstrapServers);
  }

  /**
   * Publishes an announcement and waits until Kafka has acknowledged it.
   *
   * @throws IllegalStateException if Kafka does not acknowledge it within 30 s
   */
  public void announce(ModelAnnouncement announcement) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, announcement.version(),
        OutputCodecs.announcementJson(announcement));
    r.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
    try {
      producer.send(r).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while announcing " + announcement.version() + " on " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("could not announce " + announcement.version() + " on " + topic + ": " + cause,
          cause);
    }
  }

  /**
   * Reads the topic from its beginning to its end as of now and returns the latest announcement.
   *
   * <p>Call it once, before {@link #watch}, which continues where it stopped.
   *
   * @param timeout how long to wait for the cluster
   * @return the latest announcement, or empty when the topic holds none
   * @throws IllegalStateException if the topic cannot be read within the timeout
   */
  public Optional<ModelAnnouncement> catchUp(Duration timeout) {
    if (watching.get()) {
      throw new IllegalStateException("catchUp must come before watch");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("the models topic " + topic + " does not exist");
    }
    List<TopicPartition> parts = new ArrayList<>();
    infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
    ConsumerRecord<String, byte[]> latest = null;
    ModelAnnouncement latestAnnouncement = null;
    while (!reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read the models topic " + topic + " to its end within " + timeout);
      }
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        ModelAnnouncement a = parse(r);
        if (a != null && (latest == null || r.timestamp() >= latest.timestamp())) {
          latest = r;
          latestAnnouncement = a;
        }
      }
    }
    return Optional.ofNullable(latestAnnouncement);
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Delivers every announcement published after {@link #catchUp}, in order, on a daemon thread.
   *
   * @param listener called on the watching thread; exceptions it throws are logged
   * @throws IllegalStateException if called twice or before {@link #catchUp}
   */
  public void watch(Consumer<ModelAnnouncement> listener) {
    if (consumer.assignment().isEmpty()) {
      throw new IllegalStateException("call catchUp before watch");
    }
    if (!watching.compareAndSet(false, true)) {
      throw new IllegalStateException("already watching " + topic);
    }
    Thread t = new Thread(() -> run(listener), "kafka-watch-" + topic);
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void run(Consumer<ModelAnnouncement> listener) {
    try {
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          ModelAnnouncement a = parse(r);
          if (a == null) {
            continue;
          }
          try {
            listener.accept(a);
          } catch (RuntimeException e) {
            LOG.error("applying the announcement of {} failed", a.version(), e);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.error("watching the models topic {} stopped", topic, e);
      }
    }
  }

  private @Nullable ModelAnnouncement parse(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return null; // a tombstone
    }
    try {
      return OutputCodecs.parseAnnouncement(r.value());
    } catch (IllegalArgumentException e) {
      LOG.warn("skipping record {} of {} at offset {}: {}", r.key(), r.topic(), r.offset(), e.getMessage());
      return null;
    }
  }

  /** Stops watching and closes the clients. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Thread t = thread;
    if (t != null) {
      consumer.wakeup();
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    consumer.close();
    producer.close();
  }
}
