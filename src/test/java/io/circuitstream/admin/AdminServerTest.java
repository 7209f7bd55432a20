package io.circuitstream.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.circuitstream.metrics.ServiceMetrics;
import io.circuitstream.serve.SwapResult.Outcome;
import io.circuitstream.stream.message.Prediction;
import io.circuitstream.testing.PrometheusText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives a real admin server over HTTP on 127.0.0.1 with an in-memory registry and classifier. */
class AdminServerTest {

  private static final String TOKEN = "test-token-0123456789";
  private static final int MAX_BODY = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private final List<String> classifyCalls = new CopyOnWriteArrayList<>();
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final FakeModelRegistry registry =
      new FakeModelRegistry(List.of("v1", "v2", "v3-broken"), Set.of("v3-broken"), "v1");
  private AdminServer server;

  @BeforeEach
  void start() {
    server = AdminServer.start(options().build(), registry, metrics, ready::get, this::classify);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static AdminOptions.Builder options() {
    return AdminOptions.builder().port(0).token(TOKEN).maxBodyBytes(MAX_BODY);
  }

  private Prediction classify(byte[] body, @Nullable String contentType) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    classifyCalls.add(contentType + "|" + Thread.currentThread().getName());
    if (text.startsWith("bad")) {
      throw new IllegalArgumentException("pixels has 3 values, expected 784");
    }
    if (text.startsWith("boom")) {
      throw new IllegalStateException("no model is active");
    }
    double[] p = new double[10];
    p[7] = 1;
    return new Prediction("img-" + body.length, 7, p, -612.5, 0.78, false, 0, "v1", 1, 1_700_000_000_000L,
        0.5, 1.25);
  }

  // --- probes and metrics -----------------------------------------------------------------------

  @Test
  void healthIsUpAndReadinessFollowsTheSupplier() throws Exception {
    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("content-type")).hasValueSatisfying(
        ct -> assertThat(ct).startsWith("application/json"));
    assertThat(JSON.readTree(health.body())).isEqualTo(JSON.readTree("{\"status\":\"UP\"}"));

    HttpResponse<String> notReady = get("/ready");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(notReady.body())).isEqualTo(JSON.readTree("{\"ready\":false}"));

    ready.set(true);
    HttpResponse<String> isReady = get("/ready");
    assertThat(isReady.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(isReady.body())).isEqualTo(JSON.readTree("{\"ready\":true}"));
  }

  @Test
  void metricsAreServedAsPrometheusTextWithTheRecordedValues() throws Exception {
    metrics.consumed(5);
    metrics.classified(4);
    metrics.ood(1);
    metrics.invalid("decode");
    metrics.invalid("decode");
    metrics.invalid("size");
    metrics.activeModel("v1");

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    PrometheusText.Exposition exposition = PrometheusText.parse(response.body());
    assertThat(exposition.value("circuitstream_images_consumed_total")).isEqualTo(5);
    assertThat(exposition.value("circuitstream_images_classified_total")).isEqualTo(4);
    assertThat(exposition.value("circuitstream_images_ood_total")).isEqualTo(1);
    assertThat(exposition.value("circuitstream_images_invalid_total", "reason", "decode")).isEqualTo(2);
    assertThat(exposition.value("circuitstream_images_invalid_total", "reason", "size")).isEqualTo(1);
    assertThat(exposition.value("circuitstream_model_info", "version", "v1")).isEqualTo(1);
    assertThat(exposition.types()).containsEntry("circuitstream_images_consumed_total", "counter");
    assertThat(exposition.help()).containsKey("circuitstream_images_consumed_total");
  }

  // --- model routes -----------------------------------------------------------------------------

  @Test
  void modelsListsEveryVersionAsJson() throws Exception {
    HttpResponse<String> response = get("/models");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode models = JSON.readTree(response.body());
    assertThat(models.isArray()).isTrue();
    assertThat(models).hasSize(3);
    assertThat(models.get(0).get("version").asText()).isEqualTo("v1");
    assertThat(models.get(0).get("active").asBoolean()).isTrue();
    assertThat(models.get(0).get("lambda").asDouble()).isEqualTo(0.25);
    assertThat(models.get(0).get("sha256").asText()).hasSize(64);
    assertThat(models.get(0).get("metrics").get("validationAccuracy").asDouble()).isEqualTo(0.96);
    assertThat(models.get(1).get("active").asBoolean()).isFalse();
  }

  @Test
  void activeModelIsShownOr404WhenNoneIs() throws Exception {
    HttpResponse<String> active = get("/models/active");
    assertThat(active.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(active.body()).get("version").asText()).isEqualTo("v1");

    registry.deactivate();
    HttpResponse<String> none = get("/models/active");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(none.body())).isEqualTo(JSON.readTree("{\"error\":\"no model is active\"}"));
  }

  @Test
  void activateMapsEachSwapOutcomeToItsStatus() throws Exception {
    HttpResponse<String> swapped = post("/models/v2/activate", TOKEN, BodyPublishers.noBody(), null);
    assertThat(swapped.statusCode()).isEqualTo(200);
    JsonNode s = JSON.readTree(swapped.body());
    assertThat(s.get("outcome").asText()).isEqualTo(Outcome.SWAPPED.name());
    assertThat(s.get("version").asText()).isEqualTo("v2");
    assertThat(s.get("activeVersion").asText()).isEqualTo("v2");
    assertThat(JSON.readTree(get("/models/active").body()).get("version").asText()).isEqualTo("v2");

    HttpResponse<String> again = post("/models/v2/activate", TOKEN, BodyPublishers.noBody(), null);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(again.body()).get("outcome").asText()).isEqualTo(Outcome.ALREADY_ACTIVE.name());

    HttpResponse<String> unknown = post("/models/v9/activate", TOKEN, BodyPublishers.noBody(), null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    JsonNode u = JSON.readTree(unknown.body());
    assertThat(u.get("error").asText()).isEqualTo("no model version 'v9' in the store");
    assertThat(u.get("outcome").asText()).isEqualTo(Outcome.UNKNOWN_VERSION.name());

    HttpResponse<String> broken = post("/models/v3-broken/activate", TOKEN, BodyPublishers.noBody(), null);
    assertThat(broken.statusCode()).isEqualTo(422);
    JsonNode b = JSON.readTree(broken.body());
    assertThat(b.get("error").asText()).contains("SHA-256 mismatch");
    assertThat(b.get("outcome").asText()).isEqualTo(Outcome.LOAD_FAILED.name());
    assertThat(b.get("activeVersion").asText()).isEqualTo("v2");

    assertThat(registry.activationThreads).hasSize(4)
        .allSatisfy(thread -> assertThat(thread.toLowerCase(Locale.ROOT)).doesNotContain("eventloop"));
  }

  // --- authentication ---------------------------------------------------------------------------

  @Test
  void postWithoutTokenIs401WithBearerChallenge() throws Exception {
    HttpResponse<String> response = post("/models/v2/activate", null, BodyPublishers.noBody(), null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer");
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"error\":\"missing bearer token\"}"));
    assertThat(registry.activationThreads).isEmpty();
  }

  @Test
  void postWithAnotherSchemeIs401() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri("/models/v2/activate"))
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .POST(BodyPublishers.noBody())
        .build();

    HttpResponse<String> response = client.send(request, BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(registry.activationThreads).isEmpty();
  }

  @Test
  void postWithWrongTokenIs403() throws Exception {
    for (String wrong : List.of(TOKEN + "x", TOKEN.substring(1), "x")) {
      HttpResponse<String> response = post("/models/v2/activate", wrong, BodyPublishers.noBody(), null);

      assertThat(response.statusCode()).as(wrong).isEqualTo(403);
      assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"error\":\"invalid token\"}"));
    }
    assertThat(registry.activationThreads).isEmpty();
  }

  @Test
  void classifyRequiresTheTokenEvenWithALargeBody() throws Exception {
    HttpResponse<String> none = post("/classify", null, BodyPublishers.ofByteArray(new byte[64 * 1024]),
        "image/png");
    HttpResponse<String> wrong = post("/classify", "nope", BodyPublishers.ofString("{}"), "application/json");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(classifyCalls).isEmpty();
  }

  // --- classify and errors ----------------------------------------------------------------------

  @Test
  void classifyReturnsThePredictionAndPassesTheContentType() throws Exception {
    HttpResponse<String> json = post("/classify", TOKEN, BodyPublishers.ofString("{\"pixels\":[]}"),
        "application/json");
    HttpResponse<String> png = post("/classify", TOKEN, BodyPublishers.ofByteArray(new byte[] {(byte) 0x89, 'P',
        'N', 'G'}), "image/png");

    assertThat(json.statusCode()).isEqualTo(200);
    JsonNode prediction = JSON.readTree(json.body());
    assertThat(prediction.get("id").asText()).isEqualTo("img-13");
    assertThat(prediction.get("label").asInt()).isEqualTo(7);
    assertThat(prediction.get("probabilities")).hasSize(10);
    assertThat(prediction.get("logLikelihood").asDouble()).isEqualTo(-612.5);
    assertThat(prediction.get("modelVersion").asText()).isEqualTo("v1");
    assertThat(png.statusCode()).isEqualTo(200);
    assertThat(classifyCalls).hasSize(2);
    assertThat(classifyCalls.get(0)).startsWith("application/json|");
    assertThat(classifyCalls.get(1)).startsWith("image/png|");
    assertThat(classifyCalls).allSatisfy(call -> assertThat(call.toLowerCase(Locale.ROOT)).doesNotContain("eventloop"));
  }

  @Test
  void classifyRejectsBadInputWith400Json() throws Exception {
    HttpResponse<String> response = post("/classify", TOKEN, BodyPublishers.ofString("bad image"),
        "application/json");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        ct -> assertThat(ct).startsWith("application/json"));
    assertThat(JSON.readTree(response.body()))
        .isEqualTo(JSON.readTree("{\"error\":\"pixels has 3 values, expected 784\"}"));
  }

  @Test
  void unexpectedExceptionIs500JsonWithTheMessage() throws Exception {
    HttpResponse<String> response = post("/classify", TOKEN, BodyPublishers.ofString("boom"), null);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"error\":\"no model is active\"}"));
    assertThat(classifyCalls).singleElement().satisfies(call -> assertThat(call).startsWith("null|"));
  }

  @Test
  void oversizedBodyIs413Json() throws Exception {
    HttpResponse<String> sized = post("/classify", TOKEN, BodyPublishers.ofByteArray(new byte[MAX_BODY + 1]),
        "image/png");
    HttpResponse<String> chunked = post("/classify", TOKEN,
        BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[8 * MAX_BODY])), "image/png");
    HttpResponse<String> atLimit = post("/classify", TOKEN, BodyPublishers.ofByteArray(new byte[MAX_BODY]),
        "image/png");

    assertThat(sized.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(sized.body()).get("error").asText()).isEqualTo("request body exceeds 1024 bytes");
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(chunked.body()).get("error").asText()).isEqualTo("request body exceeds 1024 bytes");
    assertThat(atLimit.statusCode()).isEqualTo(200);
    assertThat(classifyCalls).hasSize(1);
  }

  @Test
  void unknownRouteAndWrongMethodAreJsonErrors() throws Exception {
    HttpResponse<String> unknown = get("/nope");
    HttpResponse<String> unknownPost = post("/nope", TOKEN, BodyPublishers.ofString("{}"), "application/json");
    HttpResponse<String> wrongMethod = get("/classify");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("error").asText()).isEqualTo("no route for GET /nope");
    assertThat(unknownPost.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknownPost.body()).get("error").asText()).isEqualTo("no route for POST /nope");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(JSON.readTree(wrongMethod.body()).has("error")).isTrue();
  }

  // --- binding and lifecycle --------------------------------------------------------------------

  @Test
  void bindsTheLoopbackAddressByDefault() throws Exception {
    assertThat(AdminOptions.of("t").host()).isEqualTo("127.0.0.1");
    assertThat(server.host()).isEqualTo("127.0.0.1");
    assertThat(server.port()).isPositive();

    // The kernel's tables of listening sockets: the port is bound to 127.0.0.1 only, either on an IPv4
    // socket (0100007F) or, as the JDK opens dual-stack sockets, as ::ffff:127.0.0.1 on an IPv6 one.
    List<String> listening = new ArrayList<>(listeningAddresses(Path.of("/proc/net/tcp"), server.port()));
    listening.addAll(listeningAddresses(Path.of("/proc/net/tcp6"), server.port()));
    assertThat(listening).singleElement()
        .isIn("0100007F", "0000000000000000FFFF00000100007F");
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      assertThat(socket.isConnected()).isTrue();
    }
  }

  @Test
  void busyPortFailsWithAMessageNamingIt() {
    int port = server.port();
    AdminOptions taken = options().port(port).build();

    assertThatThrownBy(() -> AdminServer.start(taken, registry, metrics, ready::get, this::classify))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageContaining("already in use");
  }

  @Test
  void closeReleasesThePortAndIsIdempotent() {
    int port = server.port();

    server.close();
    server.close();

    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
  }

  // --- helpers ----------------------------------------------------------------------------------

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, @Nullable String token, BodyPublisher body,
      @Nullable String contentType) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).POST(body);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return client.send(request.build(), BodyHandlers.ofString());
  }

  /** Returns the hex local addresses of sockets listening on {@code port} in a /proc/net/tcp table. */
  private static List<String> listeningAddresses(Path table, int port) throws IOException {
    List<String> addresses = new ArrayList<>();
    List<String> lines = Files.readAllLines(table);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+");
      String[] local = f[1].split(":");
      boolean listen = f[3].equals("0A");
      if (listen && Integer.parseInt(local[1], 16) == port) {
        addresses.add(local[0]);
      }
    }
    return addresses;
  }
}
