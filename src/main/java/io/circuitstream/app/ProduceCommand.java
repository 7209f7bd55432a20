package io.circuitstream.app;

import io.circuitstream.stream.codec.Format;
import io.circuitstream.stream.codec.ImageCodecs;
import io.circuitstream.stream.kafka.KafkaClients;
import io.circuitstream.stream.message.ImageMessage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Publishes images to the input topic, at a given rate, in any of the three formats. */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Publish images from MNIST, Fashion-MNIST or a folder of PNGs to the images topic.")
public final class ProduceCommand implements Callable<Integer> {
  @Option(names = "--source", defaultValue = "mnist-test",
      description = "mnist-test, mnist-train, fashion-test or a folder of PNG files (default: ${DEFAULT-VALUE})")
  String source = "mnist-test";

  @Option(names = "--count", defaultValue = "1000", description = "images to publish (default: ${DEFAULT-VALUE})")
  int count = 1000;

  @Option(names = "--format", defaultValue = "json", description = "json, png or binary (default: ${DEFAULT-VALUE})")
  String format = "json";

  @Option(names = "--missing-fraction", defaultValue = "0",
      description = "fraction of pixels marked missing per image, at random (default: ${DEFAULT-VALUE})")
  double missingFraction;

  @Option(names = "--rate", defaultValue = "0", description = "images per second, 0 = as fast as possible (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--topic", defaultValue = "images", description = "topic (default: ${DEFAULT-VALUE})")
  String topic = "images";

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default: ${DEFAULT-VALUE})")
  String bootstrapServers = "127.0.0.1:9092";

  @Option(names = "--seed", defaultValue = "1", description = "seed of the missing-pixel masks (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Override
  public Integer call() {
    Format fmt;
    ImageSource images;
    try {
      fmt = Format.byName(format);
      images = ImageSource.open(source, missingFraction, seed);
      if (count <= 0 || rate < 0) {
        throw new IllegalArgumentException("--count must be positive and --rate >= 0");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("produce: " + e.getMessage());
      return 2;
    }
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrapServers)) {
      for (int i = 0; i < count; i++) {
        if (rate > 0) {
          long due = start + (long) (i * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
        ImageMessage m = images.next();
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, m.id(), ImageCodecs.encode(m, fmt));
        r.headers().add("content-type", fmt.contentType().getBytes(StandardCharsets.UTF_8));
        if (m.label() != null) {
          r.headers().add("label", Integer.toString(m.label()).getBytes(StandardCharsets.UTF_8));
        }
        r.headers().add("produced-at", Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        producer.send(r, (meta, error) -> {
          if (error != null && failed.incrementAndGet() == 1) {
            System.err.println("produce: send failed: " + error.getMessage());
          }
        });
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (org.apache.kafka.common.KafkaException e) {
      System.err.println("produce: " + e.getMessage() + " (is a broker running at " + bootstrapServers + "?)");
      return 1;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.err.printf("produce: %d %s images to %s in %.1f s (%.0f/s), %d failed%n", count, format, topic, seconds,
        count / seconds, failed.get());
    return failed.get() == 0 ? 0 : 1;
  }
}
