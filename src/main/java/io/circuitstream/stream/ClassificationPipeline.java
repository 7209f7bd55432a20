package io.circuitstream.stream;

import io.circuitstream.metrics.ServiceMetrics;
import io.circuitstream.serve.ModelService;
import io.circuitstream.serve.ScoredBatch;
import io.circuitstream.serve.ScoredImage;
import io.circuitstream.stream.codec.Decoded;
import io.circuitstream.stream.codec.ImageCodecs;
import io.circuitstream.stream.codec.OutputCodecs;
import io.circuitstream.stream.kafka.KafkaSink;
import io.circuitstream.stream.kafka.KafkaSource;
import io.circuitstream.stream.kafka.OutRecord;
import io.circuitstream.stream.kafka.PolledRecord;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.OodAlert;
import io.circuitstream.stream.message.Prediction;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Classifies the images of a Kafka topic in micro-batches and publishes the results.
 *
 * <p>Records flow as: {@link KafkaSource} → {@code bufferTimeout(maxBatch, maxWait, fair
 * back-pressure)}, the next batch requested only when the scoring thread is free → one batch at a
 * time on the scoring thread: decode and validate each record
 * (invalid ones become dead letters with the reason), score the valid ones with the active model
 * (one version for the whole batch) and hand predictions and alerts to the producer. The scoring
 * thread then goes on to the next batch while Kafka acknowledges this one; a batch's offsets are
 * committed once its outputs and those of every earlier batch are acknowledged, so commits stay in
 * order (at-least-once). At most {@value #MAX_UNACKED} batches wait for acknowledgements at a time. A
 * failed publish is retried, never skipped, so nothing is lost; the stream does not stop for bad
 * input. In exactly-once mode each batch is one transaction and the scoring thread waits for it.
 */
public final class ClassificationPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClassificationPipeline.class);
  /** Batches whose outputs may wait for acknowledgements while the scoring thread goes on. */
  static final int MAX_UNACKED = 4;

  private final PipelineConfig config;
  private final KafkaSource source;
  private final KafkaSink sink;
  private final ModelService models;
  private final ServiceMetrics metrics;
  private final Scheduler scorer = Schedulers.newSingle("classify");
  private final ExecutorService retries = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "classify-retry");
    t.setDaemon(true);
    return t;
  });
  private final ArrayDeque<CompletableFuture<Void>> unacked = new ArrayDeque<>();
  private volatile CompletableFuture<Void> committed = CompletableFuture.completedFuture(null);
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong images = new AtomicLong();
  private volatile boolean closing;
  private volatile @Nullable Disposable subscription;

  /** Wires a pipeline, which then owns the source and the sink; {@link #start()} begins consuming. */
  public ClassificationPipeline(PipelineConfig config, KafkaSource source, KafkaSink sink, ModelService models,
      ServiceMetrics metrics) {
    this.config = config;
    this.source = source;
    this.sink = sink;
    this.models = models;
    this.metrics = metrics;
  }

  /** Starts consuming. */
  public void start() {
    subscription = batched(source.records(), config.maxBatch(), config.maxWait(), scorer, this::process)
        .subscribe(ignored -> { }, error -> LOG.error("classification pipeline stopped", error));
  }

  /**
   * Micro-batches {@code items} and runs {@code process} on each batch on {@code scorer}, one batch
   * at a time.
   *
   * <p>The next batch is requested only when the scorer is free, so it holds everything that arrived
   * while the previous one was processed (up to {@code maxBatch}; a lone item waits at most
   * {@code maxWait} for company). Requesting it earlier would close it {@code maxWait} after its
   * first item, with a few images, and leave everything arriving after that waiting for two batches.
   */
  static <T> Flux<Void> batched(Flux<T> items, int maxBatch, Duration maxWait, Scheduler scorer,
      Consumer<List<T>> process) {
    return items.bufferTimeout(maxBatch, maxWait, true)
        .concatMap(batch -> Mono.<Void>fromRunnable(() -> process.accept(batch)).subscribeOn(scorer), 0);
  }

  /** Returns the batches processed so far. */
  public long batches() {
    return batches.get();
  }

  /** Returns the records processed so far (valid and invalid). */
  public long records() {
    return images.get();
  }

  private void process(List<PolledRecord> batch) {
    metrics.consumed(batch.size());
    List<OutRecord> out = new ArrayList<>(batch.size() + 8);
    List<ImageMessage> valid = new ArrayList<>(batch.size());
    List<PolledRecord> validRecords = new ArrayList<>(batch.size());
    for (PolledRecord r : batch) {
      Decoded d = ImageCodecs.decode(r.value(), r.contentType(), r.key(), config.limits());
      if (d instanceof Decoded.Ok ok) {
        valid.add(ok.image());
        validRecords.add(r);
      } else if (d instanceof Decoded.Invalid bad) {
        out.add(deadLetter(r, bad.reason(), bad.detail()));
      }
    }
    long scoringStart = System.currentTimeMillis();
    if (!valid.isEmpty()) {
      try {
        ScoredBatch scored = models.score(valid);
        addResults(scored, validRecords, scoringStart, out);
      } catch (RuntimeException e) {
        LOG.error("scoring a batch of {} failed; its records go to the dead-letter topic", valid.size(), e);
        for (PolledRecord r : validRecords) {
          out.add(deadLetter(r, "scoring-failed", String.valueOf(e.getMessage())));
        }
        validRecords.clear();
      }
    }
    Map<String, Map<Integer, Long>> next = KafkaSource.nextOffsets(batch);
    if (config.exactlyOnce()) {
      if (publishBlocking(out, next)) {
        done(batch.size(), validRecords);
      }
    } else {
      publishInOrder(out, next, batch.size(), validRecords);
    }
  }

  /**
   * Hands the outputs to the producer and chains the commit of {@code next} after their
   * acknowledgements and after every earlier batch's commit; waits only while {@value #MAX_UNACKED}
   * batches are unacknowledged.
   */
  private void publishInOrder(List<OutRecord> out, Map<String, Map<Integer, Long>> next, int records,
      List<PolledRecord> validRecords) {
    CompletableFuture<Void> acks;
    try {
      acks = sink.send(out);
    } catch (RuntimeException e) {
      acks = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> delivered = acks.exceptionallyComposeAsync(e -> {
      LOG.warn("publishing a batch failed ({}); retrying", e.toString());
      return publishBlocking(out, null) ? CompletableFuture.completedFuture(null)
          : CompletableFuture.failedFuture(new IllegalStateException("closing before the batch was published"));
    }, retries);
    committed = committed.thenCombine(delivered, (a, b) -> null).thenRun(() -> {
      source.commit(next);
      done(records, validRecords);
    });
    unacked.addLast(committed);
    while (unacked.size() > MAX_UNACKED || (!unacked.isEmpty() && unacked.peekFirst().isDone())) {
      // A failed commit chain means the pipeline is closing: those records will be consumed again.
      unacked.pollFirst().handle((v, e) -> null).join();
    }
  }

  private void done(int records, List<PolledRecord> validRecords) {
    long acked = System.currentTimeMillis();
    for (PolledRecord r : validRecords) {
      metrics.endToEnd(Math.max(0, acked - r.timestampMs()) / 1e3);
    }
    source.release(records);
    batches.incrementAndGet();
    images.addAndGet(records);
  }

  private void addResults(ScoredBatch scored, List<PolledRecord> records, long scoringStart, List<OutRecord> out) {
    int n = scored.images().size();
    metrics.batch(n, scored.scoringSeconds());
    metrics.classified(n);
    int alerts = 0;
    for (int i = 0; i < n; i++) {
      ScoredImage s = scored.images().get(i);
      PolledRecord r = records.get(i);
      ImageMessage image = s.image();
      int missing = image.missingCount();
      metrics.logLikelihood(s.logLikelihood());
      metrics.missingFraction((double) missing / image.pixels().length);
      Prediction p = new Prediction(image.id(), s.label(), s.probabilities(), s.logLikelihood(), s.oodScore(), s.ood(),
          missing, scored.version(), n, r.timestampMs(), Math.max(0, scoringStart - r.timestampMs()),
          scored.scoringSeconds() * 1e3);
      Map<String, String> headers = Map.of("model-version", scored.version(), "content-type", "application/json");
      out.add(new OutRecord(config.predictionsTopic(), image.id(), OutputCodecs.predictionJson(p), headers));
      if (s.ood()) {
        alerts++;
        OodAlert a = new OodAlert(image.id(), s.oodScore(), scored.threshold(), s.logLikelihood(), s.label(), missing,
            scored.version());
        out.add(new OutRecord(config.alertsTopic(), image.id(), OutputCodecs.alertJson(a), headers));
      }
    }
    metrics.ood(alerts);
  }

  private OutRecord deadLetter(PolledRecord r, String reason, String detail) {
    metrics.invalid(reason);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("error-reason", reason);
    h.put("error-detail", detail);
    h.put("source-topic", r.topic());
    h.put("source-partition", Integer.toString(r.partition()));
    h.put("source-offset", Long.toString(r.offset()));
    if (r.contentType() != null) {
      h.put("content-type", r.contentType());
    }
    return new OutRecord(config.deadLetterTopic(), r.key(), r.value(), h);
  }

  /**
   * Publishes the outputs, retrying until Kafka takes them or the pipeline closes; in exactly-once
   * mode in one transaction with the offsets {@code next}, else without committing. Returns whether
   * they were published.
   */
  private boolean publishBlocking(List<OutRecord> out, @Nullable Map<String, Map<Integer, Long>> next) {
    long backoff = 100;
    while (true) {
      try {
        if (next != null) {
          sink.sendInTransaction(out, next, source);
        } else {
          sink.send(out).join();
        }
        return true;
      } catch (RuntimeException e) {
        if (closing) {
          LOG.warn("pipeline closing with an unpublished batch of {} records; they will be consumed again", out.size());
          return false;
        }
        LOG.warn("publishing a batch failed ({}); retrying in {} ms", e.toString(), backoff);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
        backoff = Math.min(5000, backoff * 2);
      }
    }
  }

  /**
   * Stops consuming, lets the batch in progress finish and its outputs be acknowledged, and closes
   * the consumer and the producer.
   */
  @Override
  public void close() {
    closing = true;
    source.close();
    Disposable d = subscription;
    if (d != null) {
      d.dispose();
    }
    scorer.disposeGracefully().block(Duration.ofSeconds(10));
    try {
      committed.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("pipeline closing before its last batches were acknowledged ({}); they will be consumed again",
          e.toString());
    }
    retries.shutdownNow();
    sink.close();
  }
}
