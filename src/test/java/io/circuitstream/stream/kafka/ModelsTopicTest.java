package io.circuitstream.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.stream.message.ModelAnnouncement.Action;
import io.circuitstream.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The models topic on the real embedded broker. */
class ModelsTopicTest {
  private static ModelAnnouncement announcement(String version, Action action) {
    return new ModelAnnouncement(version, "cd".repeat(32), "/store/" + version + ".cstrm", null,
        "2026-11-28T12:00:00Z", action);
  }

  @Test
  void anEmptyTopicHasNoLatestAnnouncement() {
    Topics topics = KafkaTestBroker.createTopics("models-empty");
    try (ModelsTopic models = new ModelsTopic(KafkaTestBroker.bootstrapServers(), topics.models().name())) {
      assertThat(models.catchUp(Duration.ofSeconds(30))).isEmpty();
    }
  }

  @Test
  void catchUpReturnsTheLatestAnnouncementSkippingJunkAndWatchDeliversTheLaterOnesInOrder() throws Exception {
    Topics topics = KafkaTestBroker.createTopics("models-watch");
    String name = topics.models().name();
    try (ModelsTopic writer = new ModelsTopic(KafkaTestBroker.bootstrapServers(), name);
         KafkaProducer<String, byte[]> junk = KafkaClients.producer(KafkaTestBroker.bootstrapServers())) {
      writer.announce(announcement("v0002", Action.PROMOTE));
      writer.announce(announcement("v0001", Action.ACTIVATE));
      junk.send(new ProducerRecord<>(name, "junk", "not json".getBytes())).get(30, TimeUnit.SECONDS);

      try (ModelsTopic reader = new ModelsTopic(KafkaTestBroker.bootstrapServers(), name)) {
        assertThat(reader.catchUp(Duration.ofSeconds(30))).contains(announcement("v0001", Action.ACTIVATE));
        LinkedBlockingQueue<ModelAnnouncement> seen = new LinkedBlockingQueue<>();
        reader.watch(seen::add);
        writer.announce(announcement("v0003", Action.PROMOTE));
        writer.announce(announcement("v0002", Action.ACTIVATE));

        assertThat(List.of(seen.poll(30, TimeUnit.SECONDS), seen.poll(30, TimeUnit.SECONDS)))
            .containsExactly(announcement("v0003", Action.PROMOTE), announcement("v0002", Action.ACTIVATE));
        assertThat(seen.poll(1, TimeUnit.SECONDS)).as("nothing before catch-up's end is delivered again").isNull();
      }
    }
  }
}
