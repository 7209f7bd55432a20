package io.circuitstream.app;

import static io.circuitstream.app.FineTuneFixtures.accuracy;
import static io.circuitstream.app.FineTuneFixtures.await;
import static io.circuitstream.app.FineTuneFixtures.awaitJob;
import static io.circuitstream.app.FineTuneFixtures.getJson;
import static io.circuitstream.app.FineTuneFixtures.messages;
import static io.circuitstream.app.FineTuneFixtures.metrics;
import static io.circuitstream.app.FineTuneFixtures.post;
import static io.circuitstream.app.FineTuneFixtures.struckThrough;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.model.Model;
import io.circuitstream.model.ModelFiles;
import io.circuitstream.stream.codec.Format;
import io.circuitstream.stream.codec.OutputCodecs;
import io.circuitstream.stream.kafka.KafkaClients;
import io.circuitstream.stream.kafka.Topics;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.stream.message.Prediction;
import io.circuitstream.testing.KafkaTestBroker;
import io.circuitstream.testing.PrometheusText;
import io.circuitstream.testing.TestModels;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fine-tuning side pipeline end to end: labelled feedback through the real embedded broker,
 * fine-tuning of a small model trained on real MNIST, the validation gate, promotion and serving.
 */
class FineTuningTest {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

  private static Service start(Path dir, Map<String, String> extra) throws Exception {
    Topics topics = KafkaTestBroker.uniqueTopics("ft");
    Path modelFile = dir.resolve("model.cstrm");
    ModelFiles.write(TestModels.trained(), modelFile);
    return FineTuneFixtures.start(FineTuneFixtures.topicsFile(dir, topics), KafkaTestBroker.uniqueName("ft-group"),
        dir.resolve("store"), modelFile, extra);
  }

  @Test
  void feedbackInANewStyleIsLearnedPromotedAndServedWithoutLosingMoreThanTheMarginOnOriginalDigits(
      @TempDir Path dir) throws Exception {
    try (Service s = start(dir, Map.of("finetune.trigger.every-images", "400"))) {
      // 400 struck-through digits (rows 12-15 white), labelled: the count trigger starts a job at the 400th.
      ImageSet feedback = struckThrough(Datasets.mnistTrain().slice(20000, 20400));
      StreamingServiceTest.publish(s.topics.labelledImages().name(), messages(feedback, "fb-"), Format.BINARY);
      await("a job started by the count trigger", JOB_TIMEOUT, () -> getJson(s, "/jobs").size() > 0);
      JsonNode job = awaitJob(s, getJson(s, "/jobs").get(0).get("job").asText(), JOB_TIMEOUT);

      assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("promoted");
      assertThat(job.get("trigger").asText()).isEqualTo("count");
      assertThat(job.get("parentVersion").asText()).isEqualTo("v0001");
      assertThat(job.get("candidateVersion").asText()).isEqualTo("v0002");
      assertThat(job.get("feedbackImages").asInt() + job.get("heldOutFeedbackImages").asInt()).isEqualTo(400);
      assertThat(job.get("heldOutFeedbackImages").asInt()).isPositive();
      assertThat(job.get("feedbackOffsets").asText()).isEqualTo(s.topics.labelledImages().name() + "[0]:0-399");
      assertThat(job.get("step").asInt()).isEqualTo(60);
      assertThat(getJson(s, "/models/active").get("version").asText()).isEqualTo("v0002");

      // Stored with its provenance, announced with a small record that names the file.
      Model parent = s.models.store().load("v0001");
      Model promoted = s.models.store().load("v0002");
      assertThat(promoted.provenance().parentVersion()).isEqualTo("v0001");
      assertThat(promoted.provenance().lambda()).isEqualTo(0.5);
      assertThat(promoted.provenance().data()).contains(s.topics.labelledImages().name() + "[0]:0-399");
      assertThat(promoted.provenance().metrics()).containsKeys("candidateOriginalAccuracy", "activeOriginalAccuracy",
          "candidateFeedbackAccuracy", "activeFeedbackAccuracy");
      assertThat(promoted.ood().threshold()).isNotEqualTo(parent.ood().threshold());
      List<ConsumerRecord<String, byte[]>> announced =
          StreamingServiceTest.read(s.topics.models().name(), 1, Duration.ofSeconds(30));
      assertThat(announced).hasSize(1);
      assertThat(announced.get(0).key()).isEqualTo("v0002");
      assertThat(FineTuneFixtures.parse(new String(announced.get(0).value())).fieldNames())
          .toIterable().containsExactly("version", "sha256", "location", "parent", "activatedAt", "action");
      ModelAnnouncement a = OutputCodecs.parseAnnouncement(announced.get(0).value());
      assertThat(a.sha256()).isEqualTo(s.models.store().sha256("v0002"));
      assertThat(Path.of(a.location())).isEqualTo(s.models.store().file("v0002").toAbsolutePath());
      assertThat(a.parent()).isEqualTo("v0001");
      assertThat(a.action()).isEqualTo(ModelAnnouncement.Action.PROMOTE);

      // Measurably better on unseen digits of the new style, within the margin on the original test set.
      ImageSet styledTest = struckThrough(Datasets.mnistTest().slice(0, 1000));
      ImageSet originalTest = Datasets.mnistTest().slice(1000, 2000);
      double styledBefore = accuracy(parent, styledTest);
      double styledAfter = accuracy(promoted, styledTest);
      double originalBefore = accuracy(parent, originalTest);
      double originalAfter = accuracy(promoted, originalTest);
      System.out.printf("fine-tuning on struck-through digits: accuracy on 1000 struck-through MNIST test digits "
          + "%.1f%% -> %.1f%%, on 1000 original test digits %.1f%% -> %.1f%%%n", 100 * styledBefore,
          100 * styledAfter, 100 * originalBefore, 100 * originalAfter);
      assertThat(styledAfter).as("struck-through accuracy, before %s", styledBefore).isGreaterThan(styledBefore + 0.10);
      assertThat(originalAfter).as("original accuracy, before %s", originalBefore).isGreaterThan(originalBefore - 0.03);

      // The stream serves the new version, with the better accuracy on the new style.
      List<ImageMessage> styled = messages(styledTest.slice(0, 200), "styled-");
      StreamingServiceTest.publish(s.topics.images().name(), styled, Format.BINARY);
      List<ConsumerRecord<String, byte[]>> out =
          StreamingServiceTest.read(s.topics.predictions().name(), 200, Duration.ofSeconds(60));
      assertThat(out).hasSize(200);
      int correct = 0;
      for (ConsumerRecord<String, byte[]> r : out) {
        Prediction p = OutputCodecs.parsePrediction(r.value());
        assertThat(p.modelVersion()).isEqualTo("v0002");
        correct += p.label() == styledTest.label(Integer.parseInt(p.id().substring("styled-".length()))) ? 1 : 0;
      }
      assertThat(correct / 200.0).isGreaterThan(accuracy(parent, styledTest.slice(0, 200)) + 0.10);

      PrometheusText.Exposition m = metrics(s);
      assertThat(m.value("circuitstream_finetune_runs_total", "outcome", "promoted")).isEqualTo(1.0);
      assertThat(m.value("circuitstream_finetune_runs_total", "outcome", "rejected")).isEqualTo(0.0);
      assertThat(m.value("circuitstream_feedback_buffer_images")).isEqualTo(400.0);
      assertThat(m.value("circuitstream_feedback_records_total", "outcome", "buffered")).isEqualTo(400.0);
      assertThat(m.value("circuitstream_finetune_validation_accuracy", "model", "candidate", "set", "feedback"))
          .isGreaterThan(m.value("circuitstream_finetune_validation_accuracy", "model", "active", "set", "feedback"));
      assertThat(m.value("circuitstream_finetune_time_since_last_promotion_seconds")).isGreaterThanOrEqualTo(0.0);
      assertThat(m.value("circuitstream_finetune_running")).isEqualTo(0.0);
    }
  }

  @Test
  void aCandidateTrainedOnWronglyLabelledFeedbackIsRejectedAndServingIsUnchanged(@TempDir Path dir)
      throws Exception {
    try (Service s = start(dir, Map.of())) {
      // Ordinary digits, every label shifted by one.
      ImageSet wrong = FineTuneFixtures.relabelled(Datasets.mnistTrain().slice(20000, 20400), y -> (y + 1) % 10);
      StreamingServiceTest.publish(s.topics.labelledImages().name(), messages(wrong, "wrong-"), Format.BINARY);
      await("400 buffered images", JOB_TIMEOUT, () -> s.fineTuning.bufferedImages() == 400);

      HttpResponse<String> started = post(s, "/retrain", "{\"lambda\":0.5,\"steps\":60,\"learningRate\":0.02}");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      String id = FineTuneFixtures.parse(started.body()).get("job").asText();
      JsonNode job = awaitJob(s, id, JOB_TIMEOUT);

      assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("rejected");
      assertThat(job.get("trigger").asText()).isEqualTo("admin");
      assertThat(job.get("reason").asText()).contains("accuracy dropped by more than the margin");
      JsonNode m = job.get("metrics");
      assertThat(m.get("candidateOriginalAccuracy").asDouble())
          .isLessThan(m.get("activeOriginalAccuracy").asDouble() - 0.03);
      assertThat(job.get("candidateVersion").isNull()).isTrue();
      Path kept = Path.of(job.get("candidateLocation").asText());
      assertThat(kept).isRegularFile().hasParent(dir.resolve("store").resolve("rejected").toAbsolutePath());
      assertThat(ModelFiles.read(kept).provenance().config().get("gate")).contains("accuracy dropped");

      // Nothing changed for serving: same version, nothing stored or announced, predictions from v0001.
      assertThat(s.models.store().versions()).containsExactly("v0001");
      assertThat(getJson(s, "/models/active").get("version").asText()).isEqualTo("v0001");
      assertThat(StreamingServiceTest.read(s.topics.models().name(), 1, Duration.ofSeconds(3))).isEmpty();
      StreamingServiceTest.publish(s.topics.images().name(),
          messages(Datasets.mnistTest().slice(0, 20), "after-"), Format.BINARY);
      List<ConsumerRecord<String, byte[]>> out =
          StreamingServiceTest.read(s.topics.predictions().name(), 20, Duration.ofSeconds(60));
      assertThat(out).hasSize(20)
          .allSatisfy(r -> assertThat(OutputCodecs.parsePrediction(r.value()).modelVersion()).isEqualTo("v0001"));
      PrometheusText.Exposition e = metrics(s);
      assertThat(e.value("circuitstream_finetune_runs_total", "outcome", "rejected")).isEqualTo(1.0);
      assertThat(e.value("circuitstream_finetune_runs_total", "outcome", "promoted")).isEqualTo(0.0);
      assertThat(e.value("circuitstream_model_swaps_total", "outcome", "swapped")).isEqualTo(1.0);
    }
  }

  @Test
  void everyImagePublishedWhileAFineTuneRunsGetsItsPredictionMeanwhile(@TempDir Path dir) throws Exception {
    Map<String, String> settings = Map.of("finetune.steps", "100", "finetune.margin", "1",
        "finetune.trigger.interval-seconds", "1");
    try (Service s = start(dir, settings)) {
      // The schedule starts a job within a second of feedback arriving.
      StreamingServiceTest.publish(s.topics.labelledImages().name(),
          messages(Datasets.mnistTrain().slice(30000, 30300), "fb-"), Format.BINARY);
      await("a job started by the schedule", JOB_TIMEOUT, () -> getJson(s, "/jobs").size() > 0);
      JsonNode first = getJson(s, "/jobs").get(0);
      assertThat(first.get("trigger").asText()).isEqualTo("schedule");
      String id = first.get("job").asText();

      // Rounds of 20 images while the job runs: each round's predictions are read before the next.
      List<ImageMessage> images = messages(Datasets.mnistTest().slice(0, 2000), "live-");
      Set<String> sent = new HashSet<>();
      Map<String, Integer> predictions = new HashMap<>();
      int roundsAnsweredWhileRunning = 0;
      try (KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(KafkaTestBroker.bootstrapServers(),
          KafkaTestBroker.uniqueName("live-reader"), true, false)) {
        reader.subscribe(List.of(s.topics.predictions().name()));
        for (int from = 0; from + 20 <= images.size(); from += 20) {
          boolean runningBefore = getJson(s, "/jobs/" + id).get("state").asText().equals("running");
          List<ImageMessage> round = images.subList(from, from + 20);
          StreamingServiceTest.publish(s.topics.images().name(), round, Format.BINARY);
          round.forEach(m -> sent.add(m.id()));
          readUntil(reader, predictions, sent);
          boolean runningAfter = getJson(s, "/jobs/" + id).get("state").asText().equals("running");
          if (runningBefore && runningAfter) {
            roundsAnsweredWhileRunning++;
          }
          if (!runningAfter) {
            break;
          }
        }
      }
      assertThat(roundsAnsweredWhileRunning).as("rounds published and answered during the fine-tune").isPositive();
      assertThat(predictions.keySet()).isEqualTo(sent);
      assertThat(predictions.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
      assertThat(awaitJob(s, id, JOB_TIMEOUT).get("state").asText()).isEqualTo("promoted");
    }
  }

  private static void readUntil(KafkaConsumer<String, byte[]> reader, Map<String, Integer> predictions,
      Set<String> sent) {
    await("predictions of " + sent.size() + " images", Duration.ofSeconds(60), () -> {
      for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(100))) {
        predictions.merge(OutputCodecs.parsePrediction(r.value()).id(), 1, Integer::sum);
      }
      return predictions.keySet().containsAll(sent);
    });
  }
}
