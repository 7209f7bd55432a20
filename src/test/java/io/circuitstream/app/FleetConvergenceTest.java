package io.circuitstream.app;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import io.circuitstream.stream.kafka.KafkaClients;
import io.circuitstream.stream.message.Prediction;
import static io.circuitstream.app.FineTuneFixtures.await;
import static io.circuitstream.app.FineTuneFixtures.awaitJob;
import static io.circuitstream.app.FineTuneFixtures.getJson;
import static io.circuitstream.app.FineTuneFixtures.messages;
import static io.circuitstream.app.FineTuneFixtures.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.circuitstream.data.Datasets;
import io.circuitstream.model.ModelFiles;
import io.circuitstream.stream.codec.Format;
import io.circuitstream.stream.codec.OutputCodecs;
import io.circuitstream.stream.kafka.Topics;
import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.testing.KafkaTestBroker;
import io.circuitstream.testing.TestModels;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances of one consumer group, each with a model store of its own, converge on the version
 * announced on the models topic: after a promotion, after a rollback, and when one starts later.
 */
class FleetConvergenceTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @Test
  void instancesSwapToAPromotedVersionFollowARollbackAndALateInstanceStartsOnTheAnnouncedVersion(
      @TempDir Path dir) throws Exception {
    Topics topics = KafkaTestBroker.uniqueTopics("fleet");
    Path topicsFile = FineTuneFixtures.topicsFile(dir, topics);
    String group = KafkaTestBroker.uniqueName("fleet-group");
    Path modelFile = dir.resolve("model.cstrm");
    ModelFiles.write(TestModels.untrained(21, 5.0), modelFile);
    // A gate that lets any candidate through: this test is about distribution, not about the gate.
    Map<String, String> settings = Map.of("finetune.margin", "1", "finetune.steps", "10",
        "finetune.validation-images", "200");

    try (Service a = FineTuneFixtures.start(topicsFile, group, dir.resolve("store-a"), modelFile, settings);
         Service b = FineTuneFixtures.start(topicsFile, group, dir.resolve("store-b"), modelFile, settings)) {
      assertThat(List.of(active(a), active(b))).containsOnly("v0001");
      // The labelled-images partition goes to one instance of the group: that one fine-tunes.
      StreamingServiceTest.publish(topics.labelledImages().name(),
          messages(Datasets.mnistTrain().slice(0, 100), "fb-"), Format.BINARY);
      await("one instance buffering the feedback", TIMEOUT,
          () -> a.fineTuning.bufferedImages() == 100 || b.fineTuning.bufferedImages() == 100);
      Service owner = a.fineTuning.bufferedImages() == 100 ? a : b;
      Service other = owner == a ? b : a;

      HttpResponse<String> started = post(owner, "/retrain", "{}");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      JsonNode job = awaitJob(owner, FineTuneFixtures.parse(started.body()).get("job").asText(), TIMEOUT);
      assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("promoted");
      String promoted = job.get("candidateVersion").asText();
      assertThat(promoted).isEqualTo("v0002");

      // The other instance copies v0002 in from the announced location, checks it, and swaps.
      await("both instances on " + promoted, TIMEOUT,
          () -> active(a).equals(promoted) && active(b).equals(promoted));
      assertThat(other.models.store().sha256(promoted)).isEqualTo(owner.models.store().sha256(promoted));
      assertThat(other.models.store().directory()).isNotEqualTo(owner.models.store().directory());
      assertPredictionsCarry(topics, "after-promotion-", promoted);

      // An instance started now comes up on the announced version, though its own store had only v0001.
      try (Service late = FineTuneFixtures.start(topicsFile, group, dir.resolve("store-late"), modelFile, settings)) {
        assertThat(late.models.activeVersion()).contains(promoted);
        assertThat(late.models.store().versions()).containsExactly("v0001", promoted);

        // A rollback on one instance is announced and reaches all three.
        HttpResponse<String> rollback = post(other, "/models/v0001/activate", "");
        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
        await("every instance back on v0001", TIMEOUT,
            () -> active(a).equals("v0001") && active(b).equals("v0001") && active(late).equals("v0001"));
        assertPredictionsCarry(topics, "after-rollback-", "v0001");
      }

      List<ConsumerRecord<String, byte[]>> announced = StreamingServiceTest.read(topics.models().name(), 2, TIMEOUT);
      assertThat(announced).extracting(ConsumerRecord::key).containsExactly("v0002", "v0001");
      ModelAnnouncement promotion = OutputCodecs.parseAnnouncement(announced.get(0).value());
      ModelAnnouncement rollback = OutputCodecs.parseAnnouncement(announced.get(1).value());
      assertThat(promotion.action()).isEqualTo(ModelAnnouncement.Action.PROMOTE);
      assertThat(promotion.parent()).isEqualTo("v0001");
      assertThat(rollback.action()).isEqualTo(ModelAnnouncement.Action.ACTIVATE);
      assertThat(rollback.parent()).isNull();
      assertThat(rollback.sha256()).isEqualTo(a.models.store().sha256("v0001"));
    }
  }

  private static String active(Service s) {
    return getJson(s, "/models/active").get("version").asText();
  }

  /**
   * Publishes 30 images and checks that every one gets a prediction and every prediction of them (made by
   * whichever instance, duplicates included: at-least-once, and a rebalance may replay) names the version.
   */
  private static void assertPredictionsCarry(Topics topics, String prefix, String version) {
    StreamingServiceTest.publish(topics.images().name(), messages(Datasets.mnistTest().slice(0, 30), prefix),
        Format.BINARY);
    List<Prediction> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(KafkaTestBroker.bootstrapServers(),
        KafkaTestBroker.uniqueName("reader"), true, false)) {
      c.subscribe(List.of(topics.predictions().name()));
      while (ids.size() < 30 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          Prediction p = OutputCodecs.parsePrediction(r.value());
          if (p.id().startsWith(prefix)) {
            out.add(p);
            ids.add(p.id());
          }
        }
      }
    }
    assertThat(ids).hasSize(30);
    assertThat(out).extracting(Prediction::modelVersion).containsOnly(version);
  }
}
