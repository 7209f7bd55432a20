package io.circuitstream.app;

import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.model.Model;
import io.circuitstream.serve.ModelStore;
import io.circuitstream.stream.codec.Format;
import io.circuitstream.stream.codec.ImageCodecs;
import io.circuitstream.stream.codec.OutputCodecs;
import io.circuitstream.stream.kafka.KafkaClients;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.Prediction;
import io.circuitstream.train.TrainerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-command tour: data, a small model, the embedded broker, the service, and a live stream of
 * digits (some with missing pixels) and Fashion-MNIST images with a running summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Fetch data, train a small model if none is stored, start the embedded broker and the service, "
        + "stream MNIST and Fashion-MNIST images through Kafka, and print a live summary.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--duration", defaultValue = "0", description = "stop after this many seconds, 0 = until Ctrl-C (default: ${DEFAULT-VALUE})")
  long durationSeconds;

  @Option(names = "--rate", defaultValue = "200", description = "images per second to stream (default: ${DEFAULT-VALUE})")
  double rate = 200;

  @Option(names = "--set", description = "override a service setting, e.g. --set admin.port=8081 (repeatable)")
  Map<String, String> overrides = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    ServiceConfig cfg = ServiceConfig.load(null, overrides);
    ModelStore store = new ModelStore(Path.of(cfg.string("model.store.dir")));
    if (store.newest().isEmpty()) {
      System.err.println("demo: no model stored yet; training a small one (quad-tree-2, 16 units, 300 steps)");
      TrainerConfig tc = TrainerConfig.builder().lambda(0.5).batchSize(100).evalEvery(100).maxSteps(300).build();
      Model m = new TrainingRun(CircuitSpec.builder().regionGraph("quad-tree-2").units(16).build(), tc, 42, 30000, 0.01,
          System.err).run("demo model");
      System.err.println("demo: stored as " + store.add(m));
    }
    try (Service service = Service.start(cfg, null, System.err)) {
      AtomicBoolean running = new AtomicBoolean(true);
      Map<String, Integer> truth = new ConcurrentHashMap<>();
      AtomicLong sent = new AtomicLong();
      Thread producer = new Thread(() -> produce(service, truth, sent, running), "demo-producer");
      producer.setDaemon(true);
      producer.start();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      summarise(service, truth, sent, stop);
      running.set(false);
      producer.join(5000);
    }
    return 0;
  }

  private void produce(Service service, Map<String, Integer> truth, AtomicLong sent, AtomicBoolean running) {
    ImageSource digits = ImageSource.open("mnist-test", 0, 1);
    ImageSource masked = ImageSource.open("mnist-test", 0.4, 2);
    ImageSource fashion = ImageSource.open("fashion-test", 0, 3);
    Format[] formats = Format.values();
    long start = System.nanoTime();
    try (KafkaProducer<String, byte[]> out = KafkaClients.producer(service.bootstrapServers)) {
      for (long i = 0; running.get(); i++) {
        long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        int kind = (int) (i % 10);
        ImageMessage m = kind < 6 ? digits.next() : kind < 8 ? masked.next() : fashion.next();
        String id = (kind < 6 ? "digit-" : kind < 8 ? "masked-" : "fashion-") + i;
        m = new ImageMessage(id, m.width(), m.height(), m.pixels(), m.missing(), m.label());
        if (kind < 8 && m.label() != null) {
          truth.put(id, m.label());
        }
        Format f = formats[(int) (i % formats.length)];
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(service.topics.images().name(), id, ImageCodecs.encode(m, f));
        r.headers().add("content-type", f.contentType().getBytes(StandardCharsets.UTF_8));
        out.send(r);
        sent.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void summarise(Service service, Map<String, Integer> truth, AtomicLong sent, CountDownLatch stop)
      throws InterruptedException {
    long start = System.nanoTime();
    long predictions = 0;
    long correct = 0;
    long judged = 0;
    long fashionAlerts = 0;
    long digitAlerts = 0;
    long fashionSeen = 0;
    long digitSeen = 0;
    String admin = "http://" + service.admin.host() + ":" + service.admin.port();
    System.err.println("demo: metrics at " + admin + "/metrics, models at " + admin + "/models");
    try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(service.bootstrapServers,
        "circuitstream-demo-" + System.nanoTime(), false, false)) {
      c.subscribe(List.of(service.topics.predictions().name()));
      long lastPrint = 0;
      while (stop.getCount() > 0) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          Prediction pr = OutputCodecs.parsePrediction(r.value());
          predictions++;
          Integer label = truth.remove(pr.id());
          if (label != null) {
            judged++;
            correct += label == pr.label() ? 1 : 0;
          }
          if (pr.id().startsWith("fashion-")) {
            fashionSeen++;
            fashionAlerts += pr.ood() ? 1 : 0;
          } else {
            digitSeen++;
            digitAlerts += pr.ood() ? 1 : 0;
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (seconds - lastPrint >= 1) {
          lastPrint = (long) seconds;
          System.err.printf(Locale.ROOT, "\r[%4.0f s] sent %d, predictions %d (%.0f/s), digit accuracy %.1f%% of %d, "
              + "OOD alerts: Fashion %.1f%%, digits %.1f%%   ", seconds, sent.get(), predictions, predictions / seconds,
              judged == 0 ? 0 : 100.0 * correct / judged, judged, fashionSeen == 0 ? 0 : 100.0 * fashionAlerts / fashionSeen,
              digitSeen == 0 ? 0 : 100.0 * digitAlerts / digitSeen);
        }
        if (durationSeconds > 0 && seconds >= durationSeconds) {
          break;
        }
      }
    }
    System.err.println();
  }
}
