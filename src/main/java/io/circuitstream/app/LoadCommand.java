package io.circuitstream.app;

import io.circuitstream.serve.ModelStore;
import io.circuitstream.stream.codec.Format;
import io.circuitstream.stream.codec.ImageCodecs;
import io.circuitstream.stream.codec.OutputCodecs;
import io.circuitstream.stream.kafka.KafkaClients;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.Prediction;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the whole stream: starts the service (embedded broker unless configured), publishes MNIST
 * test images at a fixed rate, and reads the predictions back.
 *
 * <p>Reports sustained throughput, end-to-end latency percentiles (input record timestamp →
 * prediction received) and how many images got no prediction or more than one.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Load-test the service end to end through Kafka: throughput, p50/p99/p99.9 latency, lost and duplicated images.")
public final class LoadCommand implements Callable<Integer> {
  /** Images per call of the publishing loop, during the warm-up and the measured window alike. */
  private static final int CHUNK = 1000;

  @Option(names = "--rate", defaultValue = "0", description = "images per second, 0 = as fast as the producer can (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--count", defaultValue = "20000", description = "images to publish (default: ${DEFAULT-VALUE})")
  int count = 20000;

  @Option(names = "--format", defaultValue = "binary", description = "json, png or binary (default: ${DEFAULT-VALUE})")
  String format = "binary";

  @Option(names = "--warmup", defaultValue = "2000", description = "images published first and not measured (default: ${DEFAULT-VALUE})")
  int warmup = 2000;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Option(names = "--model", description = "model file to serve (default: the newest in the model store)")
  Path model;

  @Option(names = "--timeline", description = "also write one CSV row per measured image (index, publish time, latency, queue and scoring ms, batch size) to this file")
  @org.jspecify.annotations.Nullable Path timeline;

  @Option(names = "--cpu-timeline", description = "also write, for every quarter second of the measured window, the"
      + " cores this JVM, other processes and the hypervisor (steal) took, as CSV to this file")
  @org.jspecify.annotations.Nullable Path cpuTimeline;

  @Option(names = "--set", description = "override a service setting (repeatable)")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    if (count < 1 || warmup < 0 || !(rate >= 0) || Double.isInfinite(rate)) {
      System.err.println("load: --count must be at least 1, --warmup at least 0 and --rate a finite number of images"
          + " per second, at least 0 (0 = as fast as the producer can); got --count " + count + " --warmup " + warmup
          + " --rate " + rate);
      return 2;
    }
    Format fmt;
    try {
      fmt = Format.byName(format);
    } catch (IllegalArgumentException e) {
      System.err.println("load: --format: " + e.getMessage());
      return 2;
    }
    Map<String, String> set = new LinkedHashMap<>();
    set.put("admin.port", "0");
    set.put("kafka.embedded.port", "0");
    Path brokerData = Path.of("data", "kafka-load-" + ProcessHandle.current().pid());
    set.put("kafka.embedded.data-dir", brokerData.toString());
    set.put("kafka.group.id", "circuitstream-load-" + System.currentTimeMillis());
    set.putAll(overrides);
    ServiceConfig cfg = ServiceConfig.load(null, set);
    if (model == null && new ModelStore(Path.of(cfg.string("model.store.dir"))).newest().isEmpty()) {
      System.err.println("load: no model stored; run `demo` or `serve --model FILE` once first");
      return 2;
    }
    try (Service service = Service.start(cfg, model, System.err); CpuSampler cpu = CpuSampler.start(250)) {
      int total = warmup + count;
      Samples samples = new Samples(total);
      AtomicLong received = new AtomicLong();
      AtomicBoolean done = new AtomicBoolean();
      Thread reader = new Thread(() -> read(service, samples, received, done), "load-reader");
      reader.start();
      ImageSource images = ImageSource.open("mnist-test", 0, 1);
      try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(service.bootstrapServers)) {
        String topic = service.topics.images().name();
        // The warm-up and the measured images go through the same method in the same chunks, so the
        // code that publishes the first measured image is the code that the warm-up had the JIT compile.
        // One loop that tests for the end of the warm-up sent the producer's and the reader's loops back
        // to profiled C1 code at the first measured image (a branch never taken before); with two loops
        // the second started interpreted and ran as C1 code compiled 0.86 s into the window (JIT log).
        long start = System.nanoTime();
        for (int from = 0; from < warmup; from += CHUNK) {
          publishRange(producer, topic, images, fmt, from, Math.min(warmup, from + CHUNK), start);
        }
        if (rate == 0) {
          // As fast as possible: let the service work off the warm-up's backlog before measuring.
          producer.flush();
          long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
          while (received.get() < warmup && System.nanoTime() < until) {
            Thread.sleep(20);
          }
        }
        // At a fixed rate the schedule just goes on, as a deployment's stream does: a pause here idled the
        // service, and the same JIT log has its poll loop deoptimised at that moment too.
        for (int from = warmup; from < total; from += CHUNK) {
          publishRange(producer, topic, images, fmt, from, Math.min(total, from + CHUNK), start);
        }
        producer.flush();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (received.get() < total && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      done.set(true);
      reader.join();
      report(total, samples, service, cpu);
    } finally {
      deleteTree(brokerData); // the load test's own throw-away broker data
    }
    return 0;
  }

  /** Publishes images {@code from} to {@code to - 1}, each at its time on the rate's schedule. */
  private void publishRange(KafkaProducer<String, byte[]> producer, String topic, ImageSource images, Format fmt,
      int from, int to, long start) throws InterruptedException {
    for (int i = from; i < to; i++) {
      publish(producer, topic, images, fmt, i, start);
    }
  }

  /** Publishes image {@code i} at its time on the rate's schedule from {@code start} (at once for rate 0). */
  private void publish(KafkaProducer<String, byte[]> producer, String topic, ImageSource images, Format fmt, int i,
      long start) throws InterruptedException {
    if (rate > 0) {
      long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    ImageMessage m = images.next();
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, "load-" + i,
        ImageCodecs.encode(new ImageMessage("load-" + i, m.width(), m.height(), m.pixels(), null, null), fmt));
    r.headers().add("content-type", fmt.contentType().getBytes(StandardCharsets.UTF_8));
    producer.send(r);
  }

  private void read(Service service, Samples samples, AtomicLong received, AtomicBoolean done) {
    try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(service.bootstrapServers,
        "circuitstream-load-reader-" + System.nanoTime(), true, false)) {
      c.subscribe(List.of(service.topics.predictions().name()));
      while (!done.get()) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          Prediction pr = OutputCodecs.parsePrediction(r.value());
          int i = Integer.parseInt(pr.id().substring("load-".length()));
          if (samples.seen[i] < 100) {
            samples.seen[i]++;
          }
          if (samples.seen[i] == 1) {
            samples.latencyMicros[i] = (now - pr.recordTimestampMs()) * 1000;
            samples.queueMicros[i] = Math.round(pr.queueMillis() * 1000);
            samples.scoringMicros[i] = Math.round(pr.scoringMillis() * 1000);
            samples.publishedMs[i] = pr.recordTimestampMs();
            samples.batchSize[i] = pr.batchSize();
            samples.receivedNanos[i] = System.nanoTime(); // the same work for every image: no branch to deoptimise
            received.incrementAndGet();
          }
        }
      }
    }
  }

  private void report(int total, Samples samples, Service service, CpuSampler cpu) {
    byte[] seen = samples.seen;
    long[] latencyMicros = samples.latencyMicros;
    long lost = 0;
    long duplicated = 0;
    for (int i = 0; i < total; i++) {
      lost += seen[i] == 0 ? 1 : 0;
      duplicated += seen[i] > 1 ? seen[i] - 1 : 0;
    }
    long[] measured = sortedAfterWarmup(latencyMicros, latencyMicros, total);
    // The measured window: from the first to the last prediction received of a measured image.
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int i = warmup; i < total; i++) {
      if (seen[i] > 0) {
        first = Math.min(first, samples.receivedNanos[i]);
        last = Math.max(last, samples.receivedNanos[i]);
      }
    }
    double seconds = first == Long.MAX_VALUE ? 0 : (last - first) / 1e9;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("images", count);
    r.put("rate", rate);
    r.put("format", format);
    r.put("throughputImagesPerSecond", Math.round(measured.length / Math.max(seconds, 1e-9) * 10) / 10.0);
    r.put("p50Millis", percentile(measured, 0.50));
    r.put("p99Millis", percentile(measured, 0.99));
    r.put("p999Millis", percentile(measured, 0.999));
    // Where the time goes: record timestamp -> scoring starts (Kafka in, batching, waiting for the
    // scorer), and the batch's scoring itself; the rest is publishing and reading the prediction.
    long[] queue = sortedAfterWarmup(samples.queueMicros, latencyMicros, total);
    long[] scoring = sortedAfterWarmup(samples.scoringMicros, latencyMicros, total);
    r.put("queueP50Millis", percentile(queue, 0.50));
    r.put("queueP99Millis", percentile(queue, 0.99));
    r.put("scoringP50Millis", percentile(scoring, 0.50));
    r.put("scoringP99Millis", percentile(scoring, 0.99));
    r.put("lost", lost);
    r.put("duplicated", duplicated);
    r.put("batches", service.pipeline.batches());
    r.put("meanBatchSize", Math.round(10.0 * service.pipeline.records() / Math.max(1, service.pipeline.batches())) / 10.0);
    // The run's conditions: the collector shapes the tail, and the whole JVM's peak memory goes with it.
    r.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
        .collect(Collectors.joining(", ")));
    r.put("peakRssMiB", BenchCommand.peakRssMiB());
    // What else ran during the window: a slow stretch with other processes busy is the machine's, not ours.
    long windowStart = java.util.stream.IntStream.range(warmup, total).filter(i -> seen[i] > 0)
        .mapToLong(i -> samples.publishedMs[i]).min().orElse(Long.MAX_VALUE);
    List<CpuSampler.Sample> load = cpu.between(windowStart, System.currentTimeMillis());
    if (!load.isEmpty()) {
      java.util.DoubleSummaryStatistics other = load.stream().mapToDouble(CpuSampler.Sample::otherCores).summaryStatistics();
      r.put("processCpuCores", round3(load.stream().mapToDouble(CpuSampler.Sample::processCores).average().orElse(0)));
      r.put("otherCpuCores", round3(other.getAverage()));
      r.put("otherCpuCoresMax", round3(other.getMax()));
      r.put("stealCpuCores", round3(load.stream().mapToDouble(CpuSampler.Sample::stealCores).average().orElse(0)));
    }
    if (cpuTimeline != null) {
      write(cpuTimeline, CpuSampler.csv(load));
    }
    // A timeline's published_epoch_ms minus this is the JVM uptime that GC and JIT logs print.
    r.put("jvmStartEpochMs", ManagementFactory.getRuntimeMXBean().getStartTime());
    if (timeline != null) {
      writeTimeline(timeline, total, samples);
    }
    if (json) {
      System.out.println(Json.object(r));
    } else {
      r.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-28s %s%n", k, v));
    }
  }

  private void writeTimeline(Path file, int total, Samples samples) {
    StringBuilder sb = new StringBuilder("index,published_epoch_ms,latency_ms,queue_ms,scoring_ms,batch_size\n");
    for (int i = warmup; i < total; i++) {
      if (samples.latencyMicros[i] > 0) {
        sb.append(i).append(',').append(samples.publishedMs[i]).append(',').append(samples.latencyMicros[i] / 1000.0)
            .append(',').append(samples.queueMicros[i] / 1000.0).append(',').append(samples.scoringMicros[i] / 1000.0)
            .append(',').append(samples.batchSize[i]).append('\n');
      }
    }
    write(file, sb);
  }

  private static void write(Path file, CharSequence text) {
    try {
      java.nio.file.Files.writeString(file, text);
    } catch (java.io.IOException e) {
      System.err.println("load: could not write " + file + ": " + e.getMessage());
    }
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Returns the values of the measured images (after the warm-up, with a prediction), sorted. */
  private long[] sortedAfterWarmup(long[] values, long[] latencyMicros, int total) {
    return java.util.stream.IntStream.range(warmup, total).filter(i -> latencyMicros[i] > 0).mapToLong(i -> values[i])
        .sorted().toArray();
  }

  private static double percentile(long[] sortedMicros, double q) {
    if (sortedMicros.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sortedMicros.length - 1, Math.ceil(q * sortedMicros.length) - 1);
    return sortedMicros[Math.max(0, i)] / 1000.0;
  }

  private static void deleteTree(Path dir) {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("load: could not remove " + dir + ": " + e.getMessage());
    }
  }

  /** What the reader saw of each image, by index: the first prediction's timings, and how many arrived. */
  private static final class Samples {
    final byte[] seen;
    final long[] latencyMicros;
    final long[] queueMicros;
    final long[] scoringMicros;
    final long[] publishedMs;
    final int[] batchSize;
    final long[] receivedNanos;

    Samples(int total) {
      seen = new byte[total];
      latencyMicros = new long[total];
      queueMicros = new long[total];
      scoringMicros = new long[total];
      publishedMs = new long[total];
      batchSize = new int[total];
      receivedNanos = new long[total];
    }
  }
}
