package io.circuitstream.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.circuitstream.finetune.FineTuning;
import io.circuitstream.finetune.JobState;
import io.circuitstream.finetune.JobStatus;
import io.circuitstream.finetune.RetrainRequest;
import io.circuitstream.finetune.Submission;
import io.circuitstream.finetune.Trigger;
import io.circuitstream.metrics.ServiceMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code /retrain} and {@code /jobs} routes over HTTP, with an in-memory fine-tuning behind them. */
class AdminFineTuningRoutesTest {
  private static final String TOKEN = "retrain-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JobStatus RUNNING = new JobStatus("ft-1-abcd", JobState.RUNNING, Trigger.ADMIN, "", "v0001",
      null, null, 12, 200, 0.5, 0.005, 64, 800, 200, 800, "labelled-images[0]:0-999", Map.of(),
      "2026-11-28T12:00:00Z", null);

  private final HttpClient client = HttpClient.newHttpClient();
  private final List<RetrainRequest> requests = new CopyOnWriteArrayList<>();
  private volatile @Nullable String runningJob;
  private AdminServer server;

  private final FineTuning fineTuning = new FineTuning() {
    @Override
    public Submission retrain(RetrainRequest request) {
      requests.add(request);
      String running = runningJob;
      if (running != null) {
        return new Submission.Refused("job " + running + " is running", running);
      }
      runningJob = RUNNING.job();
      return new Submission.Accepted(RUNNING.job());
    }

    @Override
    public Optional<JobStatus> job(String id) {
      return id.equals(RUNNING.job()) ? Optional.of(RUNNING) : Optional.empty();
    }

    @Override
    public List<JobStatus> jobs() {
      return List.of(RUNNING);
    }
  };

  @BeforeEach
  void start() {
    server = AdminServer.start(AdminOptions.builder().port(0).token(TOKEN).maxBodyBytes(256).build(),
        new FakeModelRegistry(List.of("v0001"), Set.of(), "v0001"), new ServiceMetrics(), () -> true,
        (body, type) -> {
          throw new IllegalStateException("not used");
        }, fineTuning);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(@Nullable String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/retrain"))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void retrainNeedsTheTokenLikeEveryPost() throws Exception {
    assertThat(post(null, "").statusCode()).isEqualTo(401);
    assertThat(post("wrong", "").statusCode()).isEqualTo(403);
    assertThat(requests).isEmpty();
  }

  @Test
  void retrainStartsAJobWithTheBodysOverridesAndAnswers202WithItsId() throws Exception {
    HttpResponse<String> r = post(TOKEN, "{\"lambda\":0.25,\"steps\":50,\"learningRate\":0.01}");

    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("{\"job\":\"ft-1-abcd\"}"));
    assertThat(requests).containsExactly(new RetrainRequest(0.25, 50, 0.01));
  }

  @Test
  void anEmptyBodyKeepsTheConfiguredSettingsAndASecondRequestWhileOneRunsIs409WithTheRunningJob()
      throws Exception {
    assertThat(post(TOKEN, "").statusCode()).isEqualTo(202);
    HttpResponse<String> again = post(TOKEN, "{}");

    assertThat(again.statusCode()).isEqualTo(409);
    JsonNode body = JSON.readTree(again.body());
    assertThat(body.get("error").asText()).isEqualTo("job ft-1-abcd is running");
    assertThat(body.get("job").asText()).isEqualTo("ft-1-abcd");
    assertThat(requests).containsExactly(RetrainRequest.NONE, RetrainRequest.NONE);
  }

  @Test
  void badBodiesAre400WithTheReasonAndStartNothing() throws Exception {
    assertThat(JSON.readTree(post(TOKEN, "{\"lambda\":2}").body()).get("error").asText())
        .contains("lambda must be in [0, 1]");
    assertThat(JSON.readTree(post(TOKEN, "{\"epochs\":3}").body()).get("error").asText())
        .contains("unknown field \"epochs\"");
    assertThat(JSON.readTree(post(TOKEN, "{\"steps\":1.5}").body()).get("error").asText())
        .contains("steps must be an integer");
    assertThat(post(TOKEN, "[1, 2]").statusCode()).isEqualTo(400);
    assertThat(post(TOKEN, "{not json").statusCode()).isEqualTo(400);
    assertThat(post(TOKEN, "{\"steps\":" + "1".repeat(300) + "}").statusCode()).isEqualTo(413);
    assertThat(requests).isEmpty();
  }

  @Test
  void jobsAreReportedWithLowerCaseStatesAndAnUnknownJobIs404() throws Exception {
    HttpResponse<String> one = get("/jobs/ft-1-abcd");
    HttpResponse<String> all = get("/jobs");
    HttpResponse<String> unknown = get("/jobs/ft-9-ffff");

    assertThat(one.statusCode()).isEqualTo(200);
    JsonNode job = JSON.readTree(one.body());
    assertThat(job.get("state").asText()).isEqualTo("running");
    assertThat(job.get("trigger").asText()).isEqualTo("admin");
    assertThat(job.get("step").asInt()).isEqualTo(12);
    assertThat(job.get("finishedAt").isNull()).isTrue();
    assertThat(JSON.readTree(all.body()).get(0).get("job").asText()).isEqualTo("ft-1-abcd");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("error").asText()).contains("ft-9-ffff");
  }

  @Test
  void aServerWithoutFineTuningRefusesRetrainWith409() throws Exception {
    try (AdminServer plain = AdminServer.start(AdminOptions.builder().port(0).token(TOKEN).build(),
        new FakeModelRegistry(List.of("v0001"), Set.of(), "v0001"), new ServiceMetrics(), () -> true,
        (body, type) -> {
          throw new IllegalStateException("not used");
        })) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + plain.port() + "/retrain")).header("Authorization", "Bearer " + TOKEN)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(409);
      assertThat(JSON.readTree(r.body()).get("error").asText()).contains("fine-tuning is not available");
    }
  }
}
