package io.circuitstream.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.data.Datasets;
import io.circuitstream.metrics.FineTuneMetrics;
import io.circuitstream.metrics.ServiceMetrics;
import io.circuitstream.serve.ModelFleet;
import io.circuitstream.serve.ModelService;
import io.circuitstream.serve.ModelStore;
import io.circuitstream.stream.codec.ImageCodecs;
import io.circuitstream.stream.codec.Limits;
import io.circuitstream.stream.kafka.KafkaSource;
import io.circuitstream.stream.kafka.PolledRecord;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The side pipeline's jobs without Kafka: records are handed in directly, and the original data
 * waits on a latch so that a job can be held at its start.
 */
class FineTuneServiceTest {
  private static final FineTuneConfig CONFIG =
      new FineTuneConfig(0.5, 0.02, 2, 16, 0.5, 1000, 0, 50, 1, 0, 0, 1, 42);

  @TempDir Path dir;
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<ModelAnnouncement> announced = new CopyOnWriteArrayList<>();
  private ModelService models;
  private FineTuneService service;

  @BeforeEach
  void start() {
    ModelStore store = new ModelStore(dir);
    store.add(TestModels.untrained(1, 5.0));
    store.add(TestModels.untrained(2, 5.0));
    models = new ModelService(store, 16, 1, 784, r -> { });
    models.activate("v0001");
    ModelFleet fleet = new ModelFleet(models, announced::add, r -> { }, a -> { });
    KafkaSource unused = new KafkaSource("127.0.0.1:1", "g", "labelled", 100, 10, false, 6000, 5, (p, l) -> { });
    service = new FineTuneService(CONFIG, unused, fleet, new FineTuneMetrics(new ServiceMetrics()), Limits.MNIST,
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new OriginalData(Datasets.mnistTrain().slice(0, 200), Datasets.mnistTrain().slice(58000, 58050));
        }, "test");
  }

  @AfterEach
  void stop() {
    release.countDown();
    service.close();
    models.close();
  }

  private void feed(int n) {
    for (int i = 0; i < n; i++) {
      int[] px = new int[784];
      for (int j = 0; j < 784; j++) {
        px[j] = Datasets.mnistTrain().pixel(i, j);
      }
      byte[] value = ImageCodecs.encodeBinary(new ImageMessage("img-" + i, 28, 28, px, null, null));
      service.accept(new PolledRecord("labelled", 0, i, 0, "img-" + i, value, null, Datasets.mnistTrain().label(i)));
    }
  }

  private JobStatus awaitEnd(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (service.job(id).orElseThrow().state() == JobState.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return service.job(id).orElseThrow();
  }

  @Test
  void withoutFeedbackNoJobStartsAndWhileOneRunsAnotherIsRefusedWithItsId() {
    assertThat(service.retrain(RetrainRequest.NONE)).isInstanceOf(Submission.Refused.class);
    feed(20);
    assertThat(service.bufferedImages()).isEqualTo(20);

    Submission first = service.retrain(RetrainRequest.NONE);
    Submission second = service.retrain(RetrainRequest.NONE);

    String id = ((Submission.Accepted) first).job();
    assertThat(second).isEqualTo(new Submission.Refused("job " + id + " is running", id));
    assertThat(service.jobs()).extracting(JobStatus::job).containsExactly(id);
    assertThat(service.job(id).orElseThrow().feedbackOffsets()).isEqualTo("labelled[0]:0-19");
  }

  @Test
  void aCandidateWhoseParentStoppedServingWhileItTrainedIsRejectedAndKeptAside() throws Exception {
    feed(20);
    String id = ((Submission.Accepted) service.retrain(RetrainRequest.NONE)).job();
    models.activate("v0002"); // a rollback or another promotion, while the job waits at its start
    release.countDown();

    JobStatus end = awaitEnd(id);

    assertThat(end.state()).isEqualTo(JobState.REJECTED);
    assertThat(end.reason()).contains("the active model changed from v0001 to v0002");
    assertThat(Path.of(end.candidateLocation())).isRegularFile();
    assertThat(models.activeVersion()).contains("v0002");
    assertThat(announced).isEmpty();
  }

  @Test
  void aJobThatPassesTheGateIsPromotedWithTheRequestsSettings() throws Exception {
    feed(20);
    String id = ((Submission.Accepted) service.retrain(new RetrainRequest(0.25, 3, 0.01))).job();
    release.countDown();

    JobStatus end = awaitEnd(id);

    assertThat(end.state()).as(end.reason()).isEqualTo(JobState.PROMOTED);
    assertThat(end.step()).isEqualTo(3);
    assertThat(end.lambda()).isEqualTo(0.25);
    assertThat(end.learningRate()).isEqualTo(0.01);
    assertThat(end.replayImages()).isEqualTo(20);
    assertThat(end.candidateVersion()).isEqualTo("v0003");
    assertThat(models.activeVersion()).contains("v0003");
    assertThat(announced).extracting(ModelAnnouncement::version).containsExactly("v0003");
    assertThat(models.store().load("v0003").provenance().lambda()).isEqualTo(0.25);
  }

  @Test
  void closingStopsARunningJobWhichEndsAsFailed() throws Exception {
    feed(20);
    String id = ((Submission.Accepted) service.retrain(RetrainRequest.NONE)).job();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(service::close);
    while (service.retrain(RetrainRequest.NONE) instanceof Submission.Refused r && r.runningJob() != null) {
      Thread.sleep(10); // until close has begun: then requests are refused as "stopping"
    }
    release.countDown();
    closing.get(1, TimeUnit.MINUTES);

    JobStatus end = service.job(id).orElseThrow();
    assertThat(end.state()).isEqualTo(JobState.FAILED);
    assertThat(end.reason()).contains("shutting down");
    assertThat(models.activeVersion()).contains("v0001");
  }
}
