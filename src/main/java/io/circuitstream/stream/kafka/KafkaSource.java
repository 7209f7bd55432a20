package io.circuitstream.stream.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Consumes a topic on one poll thread and emits its records as a {@link Flux}, with back-pressure.
 *
 * <p>The consumer is used only from its poll thread: commits are queued to it. When more than
 * {@code maxInFlight} records are emitted but not yet {@linkplain #release released}, every assigned
 * partition is paused until the pipeline catches up, so memory stays bounded whatever the input rate.
 */
public final class KafkaSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
  /** Bytes a fetch waits for (up to the fetch wait): about 80 binary MNIST images. */
  static final int FETCH_MIN_BYTES = 64 * 1024;
  /**
   * Least time between two offset commits while consuming: the queued offsets of the batches
   * acknowledged meanwhile go in one request instead of one request per micro-batch (~50 a second at
   * 1 000 images/s), which the broker would serve on the cores that score images. After a crash at
   * most this much more input is processed again.
   */
  static final long COMMIT_INTERVAL_NANOS = 100_000_000L;

  private final Properties props;
  private final String topic;
  private final int maxInFlight;
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean();
  private final ConcurrentLinkedQueue<Map<TopicPartition, OffsetAndMetadata>> commits = new ConcurrentLinkedQueue<>();
  private final BiConsumer<String, Long> lagListener;
  private volatile @Nullable ConsumerGroupMetadata groupMetadata;
  private volatile @Nullable KafkaConsumer<String, byte[]> consumer;
  private volatile @Nullable Thread thread;
  private long lastCommitNanos = System.nanoTime() - COMMIT_INTERVAL_NANOS; // poll thread only

  /**
   * Creates a source; nothing is consumed until {@link #records()} is subscribed.
   *
   * @param bootstrapServers the cluster
   * @param groupId the consumer group (instances of a fleet share it)
   * @param topic the input topic
   * @param maxInFlight records emitted but not released before partitions pause
   * @param maxPollRecords records per poll
   * @param readCommitted whether to read only committed transactional records
   * @param sessionTimeoutMs how long the group waits for a silent instance before moving its partitions
   * @param fetchWaitMs how long the broker may hold a fetch to gather {@value #FETCH_MIN_BYTES} bytes
   *     (the micro-batch window: fewer, fuller fetches for the same latency)
   * @param lagListener told the lag of each partition ("topic-partition", records) after polls
   */
  public KafkaSource(String bootstrapServers, String groupId, String topic, int maxInFlight, int maxPollRecords,
      boolean readCommitted, int sessionTimeoutMs, int fetchWaitMs, BiConsumer<String, Long> lagListener) {
    this.topic = topic;
    this.maxInFlight = maxInFlight;
    this.lagListener = lagListener;
    props = KafkaClients.base(bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_MIN_BYTES);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchWaitMs);
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, sessionTimeoutMs / 4));
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
  }

  /** Returns the hot stream of records; subscribe once. */
  public Flux<PolledRecord> records() {
    return Flux.create(this::pollLoop, FluxSink.OverflowStrategy.BUFFER);
  }

  private void pollLoop(FluxSink<PolledRecord> sink) {
    if (!running.compareAndSet(false, true)) {
      sink.error(new IllegalStateException("a KafkaSource can be subscribed once"));
      return;
    }
    Thread t = new Thread(() -> run(sink), "kafka-poll-" + topic);
    t.setDaemon(true);
    thread = t;
    sink.onDispose(this::close);
    t.start();
  }

  private void run(FluxSink<PolledRecord> sink) {
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
      consumer = c;
      c.subscribe(List.of(topic));
      boolean paused = false;
      while (running.get()) {
        drainCommits(c, false);
        boolean full = inFlight.get() >= maxInFlight;
        if (full && !paused) {
          c.pause(c.assignment());
          paused = true;
        } else if (!full && paused) {
          c.resume(c.paused());
          paused = false;
        }
        ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(full ? 5 : 50));
        groupMetadata = c.groupMetadata();
        for (ConsumerRecord<String, byte[]> r : records) {
          inFlight.incrementAndGet();
          sink.next(new PolledRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(),
              r.value() == null ? new byte[0] : r.value(), header(r, "content-type"), label(header(r, "label"))));
        }
        if (!records.isEmpty()) {
          reportLag(c);
        }
      }
      drainCommits(c, true);
      sink.complete();
    } catch (WakeupException e) {
      sink.complete();
    } catch (RuntimeException e) {
      LOG.error("consumer of {} failed", topic, e);
      sink.error(e);
    } finally {
      consumer = null;
    }
  }

  private void reportLag(KafkaConsumer<String, byte[]> c) {
    for (TopicPartition tp : c.assignment()) {
      c.currentLag(tp).ifPresent(lag -> lagListener.accept(tp.topic() + "-" + tp.partition(), lag));
    }
  }

  /**
   * Commits the queued offsets: asynchronously while consuming, at most once per
   * {@link #COMMIT_INTERVAL_NANOS}, so that fetching does not wait for the broker's answer (the client
   * sends commits in order; a failed one is covered by the next), and synchronously when closing.
   */
  private void drainCommits(KafkaConsumer<String, byte[]> c, boolean sync) {
    long now = System.nanoTime();
    if (!sync && now - lastCommitNanos < COMMIT_INTERVAL_NANOS) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> merged = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> next;
    while ((next = commits.poll()) != null) {
      next.forEach((tp, om) -> merged.merge(tp, om, (a, b) -> a.offset() >= b.offset() ? a : b));
    }
    if (merged.isEmpty()) {
      return;
    }
    Set<TopicPartition> owned = c.assignment();
    merged.keySet().retainAll(owned);
    if (merged.isEmpty()) {
      return;
    }
    lastCommitNanos = now;
    try {
      if (sync) {
        c.commitSync(merged);
      } else {
        c.commitAsync(merged, (offsets, e) -> {
          if (e != null) {
            commitFailed(e);
          }
        });
      }
    } catch (RuntimeException e) {
      commitFailed(e);
    }
  }

  /** A failed commit loses nothing: the partitions' next owner processes from the last commit (at-least-once). */
  private static void commitFailed(Exception e) {
    LOG.warn("offset commit failed ({}); records may be processed again", e.toString());
  }

  private static @Nullable String header(ConsumerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static @Nullable Integer label(@Nullable String text) {
    if (text == null) {
      return null;
    }
    try {
      return Integer.valueOf(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Marks {@code n} emitted records as fully processed, which may resume paused partitions. */
  public void release(int n) {
    inFlight.addAndGet(-n);
  }

  /** Queues an offset commit: {@code next} is, per partition, the offset of the next record to read. */
  public void commit(Map<String, Map<Integer, Long>> next) {
    commits.add(toKafka(next));
  }

  /** Returns the consumer group metadata of the last poll, for transactional offset commits. */
  @Nullable ConsumerGroupMetadata groupMetadata() {
    return groupMetadata;
  }

  /** Returns the records emitted and not yet released. */
  public long inFlight() {
    return inFlight.get();
  }

  /** Stops polling and closes the consumer (after committing what is queued). */
  @Override
  public void close() {
    if (running.getAndSet(false)) {
      Thread t = thread;
      if (t != null && t != Thread.currentThread()) {
        try {
          t.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Returns the offsets to commit after a batch: per topic and partition, the last offset + 1. */
  public static Map<String, Map<Integer, Long>> nextOffsets(List<PolledRecord> batch) {
    Map<String, Map<Integer, Long>> out = new HashMap<>();
    for (PolledRecord r : batch) {
      out.computeIfAbsent(r.topic(), k -> new HashMap<>()).merge(r.partition(), r.offset() + 1, Math::max);
    }
    return out;
  }

  static Map<TopicPartition, OffsetAndMetadata> toKafka(Map<String, Map<Integer, Long>> next) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    next.forEach((t, parts) -> parts.forEach((p, o) -> offsets.put(new TopicPartition(t, p), new OffsetAndMetadata(o))));
    return offsets;
  }
}
