package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.circuitstream.data.Datasets;
import io.circuitstream.data.ExternalCommand;
import io.circuitstream.stream.codec.Format;
import io.circuitstream.testing.OpsFiles;
import io.circuitstream.testing.DebianTools;
import io.circuitstream.testing.TestModels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The service's metrics against the real Prometheus tools from Debian: {@code promtool check metrics}
 * on its {@code /metrics}, and a real Prometheus server scraping it with the scrape job of
 * {@code ops/prometheus/prometheus.yml}, evaluating {@code ops/prometheus/alerts.yml} and answering
 * every query of the Grafana dashboard.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusInteropTest {

  private static final int IMAGES = 30;
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private Path dir;
  private TestService service;
  private Process prometheus;
  private Path prometheusLog;
  private String prometheusUrl;

  @BeforeAll
  void startServiceAndPrometheus() throws Exception {
    dir = Files.createTempDirectory("circuitstream-prometheus-test-");
    service = TestService.start(dir, TestModels.untrained(21, 5.0), Map.of());
    String images = service.topics().images().name();
    StreamingServiceTest.publish(images, StreamingServiceTest.images(Datasets.mnistTest(), 0, IMAGES, "prom-", 0.2, 5),
        Format.JSON);
    StreamingServiceTest.publishRaw(images, "garbage", new byte[] {1, 2, 3}, null); // a dead letter: reason series
    assertThat(StreamingServiceTest.read(service.topics().predictions().name(), IMAGES, PATIENCE)).hasSize(IMAGES);
    assertThat(StreamingServiceTest.read(service.topics().imagesDlq().name(), 1, PATIENCE)).hasSize(1);

    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, scrapeConfigFor(service.adminPort()));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    prometheusUrl = "http://127.0.0.1:" + port;
    prometheusLog = dir.resolve("prometheus.log");
    prometheus = new ProcessBuilder(DebianTools.prometheus().toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn")
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(prometheusLog.toFile())
        .start();
    prometheus.getOutputStream().close();
    awaitPrometheus("three scrapes of the service",
        "count_over_time(up{job=\"circuitstream\"}[1m])", result -> value(result) >= 3);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      if (service != null) {
        service.close();
      }
      if (dir != null) {
        try (Stream<Path> paths = Files.walk(dir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Test
  void metricsOutputPassesPromtoolCheckMetrics() throws Exception {
    Path scrape = dir.resolve("metrics.txt");
    HttpResponse<String> metrics = get(service.adminUrl() + "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    Files.writeString(scrape, metrics.body());

    ExternalCommand.Result check = DebianTools.promtool(dir, scrape, "check", "metrics");

    assertThat(metrics.body()).contains("circuitstream_images_classified_total " + (double) IMAGES);
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).isBlank();
  }

  @Test
  void promtoolCheckMetricsRejectsAnExpositionThatBreaksTheConventions() throws Exception {
    Path scrape = Files.writeString(dir.resolve("bad-metrics.txt"),
        "# HELP requests Requests.\n# TYPE requests counter\nrequests 3\n");

    ExternalCommand.Result check = DebianTools.promtool(dir, scrape, "check", "metrics");

    assertThat(check.exitCode()).isNotZero();
    assertThat(check.output()).contains("requests").contains("_total");
  }

  @Test
  void prometheusScrapesTheServiceAndSeesWhatItClassified() throws Exception {
    JsonNode up = awaitPrometheus("the target up", "up{job=\"circuitstream\"}", r -> value(r) == 1);
    assertThat(up.get(0).get("metric").get("instance").asText()).isEqualTo("127.0.0.1:" + service.adminPort());
    assertThat(up.get(0).get("metric").get("service").asText()).as("a label of the shipped scrape job")
        .isEqualTo("circuitstream");

    awaitPrometheus(IMAGES + " images classified",
        "circuitstream_images_classified_total{job=\"circuitstream\"}", r -> value(r) == IMAGES);
    awaitPrometheus("one dead letter",
        "circuitstream_images_invalid_total{job=\"circuitstream\", reason=\"unknown-format\"}", r -> value(r) == 1);
  }

  @Test
  void everyAlertRuleEvaluatesWithoutErrorAgainstTheLiveMetrics() throws Exception {
    List<String> expected = OpsFiles.alertNames();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    JsonNode rules;
    do {
      rules = api("/api/v1/rules").get("data").get("groups").get(0).get("rules");
      Thread.sleep(500);
    } while (!allEvaluated(rules) && System.nanoTime() < deadline);

    List<String> names = new ArrayList<>();
    for (JsonNode rule : rules) {
      names.add(rule.get("name").asText());
      assertThat(rule.get("health").asText()).as("health of %s: %s", rule.get("name"), rule.path("lastError"))
          .isEqualTo("ok");
    }
    assertThat(names).containsExactlyElementsOf(expected);
    assertThat(allEvaluated(rules)).as("every rule evaluated at least once: %s", rules).isTrue();
  }

  @Test
  void everyDashboardQueryReturnsDataFromTheLiveService() throws Exception {
    List<String> queries = OpsFiles.dashboardQueries();
    assertThat(queries).hasSizeGreaterThan(10);
    for (String query : queries) {
      String concrete = query.replace("$__rate_interval", "1m").replace("$instance", ".*");
      awaitPrometheus("data for the dashboard query " + query, concrete, r -> !r.isEmpty());
    }
  }

  @Test
  void everyServiceMetricTheAlertsReadIsExported() throws Exception {
    for (String metric : OpsFiles.alertMetrics()) {
      awaitPrometheus("series of " + metric, "count(" + metric + "{job=\"circuitstream\"})",
          r -> !r.isEmpty());
    }
  }

  /** The shipped scrape job, pointed at the test service, scraping and evaluating every second. */
  private static String scrapeConfigFor(int adminPort) throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode config = (ObjectNode) yaml.readTree(OpsFiles.PROMETHEUS_CONFIG.toFile());
    ObjectNode global = (ObjectNode) config.get("global");
    global.put("scrape_interval", "1s").put("evaluation_interval", "1s");
    ArrayNode ruleFiles = config.putArray("rule_files");
    ruleFiles.add(OpsFiles.ALERT_RULES.toAbsolutePath().toString());
    ArrayNode jobs = (ArrayNode) config.get("scrape_configs");
    assertThat(jobs).hasSize(1);
    ObjectNode job = (ObjectNode) jobs.get(0);
    assertThat(job.get("job_name").asText()).isEqualTo("circuitstream");
    job.put("scrape_timeout", "1s");
    ArrayNode targets = (ArrayNode) job.get("static_configs").get(0).get("targets");
    targets.removeAll();
    targets.add("127.0.0.1:" + adminPort);
    return yaml.writeValueAsString(config);
  }

  private JsonNode awaitPrometheus(String what, String query, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        throw new AssertionError("prometheus exited with " + prometheus.exitValue() + ":\n" + log());
      }
      try {
        JsonNode answer = api("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        assertThat(answer.get("status").asText()).as("%s: %s", query, answer).isEqualTo("success");
        last = answer.get("data").get("result");
        if (done.test(last)) {
          return last;
        }
      } catch (IOException starting) {
        last = null; // not listening yet
      }
      Thread.sleep(300);
    }
    throw new AssertionError("no " + what + " within " + PATIENCE.toSeconds() + " s; query " + query
        + " last returned " + last + "\nprometheus log:\n" + log());
  }

  private JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response = get(prometheusUrl + pathAndQuery);
    if (response.statusCode() == 503) {
      throw new IOException("prometheus is starting");
    }
    assertThat(response.statusCode()).as("%s: %s", pathAndQuery, response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String log() {
    try {
      return Files.readString(prometheusLog);
    } catch (IOException e) {
      return "(cannot read " + prometheusLog + ": " + e + ")";
    }
  }

  private static boolean allEvaluated(JsonNode rules) {
    for (JsonNode rule : rules) {
      if (rule.path("lastEvaluation").asText("").startsWith("0001-01-01")) {
        return false;
      }
    }
    return true;
  }

  /** The value of a one-series instant vector; NaN when the result is not exactly one series. */
  private static double value(JsonNode result) {
    return result.size() == 1 ? Double.parseDouble(result.get(0).get("value").get(1).asText()) : Double.NaN;
  }
}
