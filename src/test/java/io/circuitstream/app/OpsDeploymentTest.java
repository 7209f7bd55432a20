package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.circuitstream.data.ExternalCommand;
import io.circuitstream.stream.kafka.TopicConfig;
import io.circuitstream.stream.kafka.Topics;
import io.circuitstream.testing.OpsFiles;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The production configuration and the deployment files that carry it (the systemd unit, the
 * Kubernetes manifests) agree with each other and with the service: every path, port, variable and
 * command line they name is one the service reads.
 */
class OpsDeploymentTest {

  private static final Path PRODUCTION = Path.of("config/production.properties");
  private static final Path PRODUCTION_TOPICS = Path.of("kafka/topics-production.properties");
  private static final Path KUBERNETES = Path.of("ops/kubernetes");
  private static final Path UNIT = Path.of("ops/systemd/circuitstream.service");

  @Test
  void productionConfigurationTakesItsSecretAndClusterFromTheEnvironment() throws IOException {
    ServiceConfig config = ServiceConfig.load(PRODUCTION,
        Map.of("ADMIN_TOKEN", "from-the-secret", "KAFKA_BOOTSTRAP_SERVERS", "kafka.site:9092"), Map.of());

    assertThat(properties(PRODUCTION).getProperty("admin.token")).as("no secret in the file").isEmpty();
    assertThat(config.string("admin.token")).isEqualTo("from-the-secret");
    assertThat(config.string("kafka.bootstrap.servers")).isEqualTo("kafka.site:9092");
    assertThat(ServiceConfig.load(PRODUCTION, Map.of(), Map.of()).optional("kafka.bootstrap.servers"))
        .as("an external cluster, never the embedded broker").isNotNull();
    assertThat(config.string("kafka.delivery")).isEqualTo("exactly-once");
    assertThat(config.string("admin.host")).isEqualTo("0.0.0.0");
  }

  @Test
  void productionTopicsAreTheLocalTopicsWithThreeReplicas() {
    Topics production = Topics.load(PRODUCTION_TOPICS);
    Topics local = Topics.defaults();

    for (String id : Topics.IDS) {
      TopicConfig p = production.get(id);
      assertThat(p.name()).isEqualTo(local.get(id).name());
      assertThat(p.partitions()).as(id).isEqualTo(local.get(id).partitions());
      assertThat(p.replicationFactor()).as(id).isEqualTo(3);
      assertThat(p.configs()).as(id).containsAllEntriesOf(local.get(id).configs())
          .containsEntry("min.insync.replicas", "2");
    }
  }

  @Test
  void configMapCarriesTheProductionFilesVerbatim() throws IOException {
    JsonNode configMap = OpsFiles.yaml(KUBERNETES.resolve("configmap.yaml"));

    assertThat(configMap.get("kind").asText()).isEqualTo("ConfigMap");
    assertThat(configMap.get("data").get("production.properties").asText())
        .as("ops/kubernetes/configmap.yaml must hold config/production.properties as it is")
        .isEqualTo(Files.readString(PRODUCTION));
    assertThat(configMap.get("data").get("topics.properties").asText())
        .as("ops/kubernetes/configmap.yaml must hold kafka/topics-production.properties as it is")
        .isEqualTo(Files.readString(PRODUCTION_TOPICS));
  }

  @Test
  void deploymentProbesReadyAndHealthOnTheAdminPortAndMountsWhatTheConfigurationNames() throws IOException {
    ServiceConfig config = ServiceConfig.load(PRODUCTION, Map.of(), Map.of());
    JsonNode deployment = OpsFiles.yaml(KUBERNETES.resolve("deployment.yaml"));
    JsonNode pod = deployment.get("spec").get("template").get("spec");
    JsonNode container = pod.get("containers").get(0);

    JsonNode port = container.get("ports").get(0);
    assertThat(port.get("name").asText()).isEqualTo("admin");
    assertThat(port.get("containerPort").asInt()).isEqualTo(config.integer("admin.port"));
    assertThat(container.get("readinessProbe").get("httpGet").get("path").asText()).isEqualTo("/ready");
    assertThat(container.get("readinessProbe").get("httpGet").get("port").asText()).isEqualTo("admin");
    assertThat(container.get("livenessProbe").get("httpGet").get("path").asText()).isEqualTo("/health");
    assertThat(container.get("livenessProbe").get("httpGet").get("port").asText()).isEqualTo("admin");
    assertThat(container.get("startupProbe").get("httpGet").get("path").asText()).isEqualTo("/health");

    Map<String, String> mounts = new HashMap<>();
    for (JsonNode mount : container.get("volumeMounts")) {
      mounts.put(mount.get("name").asText(), mount.get("mountPath").asText());
    }
    Map<String, JsonNode> volumes = new HashMap<>();
    for (JsonNode volume : pod.get("volumes")) {
      volumes.put(volume.get("name").asText(), volume);
    }
    assertThat(volumes.get("config").get("configMap").get("name").asText())
        .isEqualTo(OpsFiles.yaml(KUBERNETES.resolve("configmap.yaml")).get("metadata").get("name").asText());
    assertThat(volumes.get("models").get("persistentVolumeClaim").get("claimName").asText())
        .isEqualTo(OpsFiles.yaml(KUBERNETES.resolve("persistentvolumeclaim.yaml")).get("metadata").get("name").asText());
    String configDir = mounts.get("config");
    assertThat(Path.of(config.string("kafka.topics.file"))).isEqualTo(Path.of(configDir, "topics.properties"));
    assertThat(Path.of(config.string("model.store.dir"))).startsWithRaw(Path.of(mounts.get("models")));
    assertThat(strings(container.get("args")))
        .containsExactly("serve", "--config", configDir + "/production.properties");
    assertServeAccepts(strings(container.get("args")));
    assertThat(deployment.get("spec").get("replicas").asInt()).as("replicas beyond the images partitions idle")
        .isBetween(1, Topics.load(PRODUCTION_TOPICS).images().partitions());
  }

  @Test
  void deploymentSetsOnlyVariablesTheServiceReads() {
    JsonNode container = OpsFiles.yaml(KUBERNETES.resolve("deployment.yaml"))
        .get("spec").get("template").get("spec").get("containers").get(0);
    List<String> known = new ArrayList<>(ServiceConfig.DEFAULTS.keySet().stream().map(ServiceConfig::envName).toList());
    known.add("CIRCUITSTREAM_ADMIN_TOKEN");
    known.add("JAVA_TOOL_OPTIONS");

    List<String> names = new ArrayList<>();
    container.get("env").forEach(variable -> names.add(variable.get("name").asText()));

    assertThat(names).contains("ADMIN_TOKEN", "KAFKA_INSTANCE_ID");
    assertThat(known).containsAll(names);
  }

  @Test
  void servicesExposeTheAdminPortAndTheHeadlessOneIsWherePrometheusLooks() {
    List<JsonNode> services = OpsFiles.yamlDocuments(KUBERNETES.resolve("service.yaml"));
    JsonNode dnsTarget = OpsFiles.yaml(OpsFiles.PROMETHEUS_KUBERNETES_CONFIG)
        .get("scrape_configs").get(0).get("dns_sd_configs").get(0);

    assertThat(services).hasSize(2);
    for (JsonNode service : services) {
      JsonNode port = service.get("spec").get("ports").get(0);
      assertThat(port.get("targetPort").asText()).isEqualTo("admin");
      assertThat(service.get("spec").get("selector").get("app.kubernetes.io/name").asText()).isEqualTo("circuitstream");
    }
    JsonNode headless = services.stream().filter(s -> s.get("spec").path("clusterIP").asText().equals("None"))
        .findFirst().orElseThrow();
    assertThat(dnsTarget.get("names").get(0).asText())
        .isEqualTo(headless.get("metadata").get("name").asText() + ".circuitstream.svc.cluster.local");
    assertThat(dnsTarget.get("port").asInt()).isEqualTo(headless.get("spec").get("ports").get(0).get("port").asInt());
  }

  @Test
  void kustomizationListsEveryManifestInTheFolder() throws IOException {
    JsonNode kustomization = OpsFiles.yaml(KUBERNETES.resolve("kustomization.yaml"));
    List<String> manifests;
    try (Stream<Path> files = Files.list(KUBERNETES)) {
      manifests = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList();
    }

    assertThat(strings(kustomization.get("resources"))).containsExactlyInAnyOrderElementsOf(manifests);
    assertThat(kustomization.get("namespace").asText()).isEqualTo("circuitstream");
  }

  @Test
  void systemdUnitPassesSystemdAnalyzeVerify(@TempDir Path work) throws IOException {
    ExternalCommand.Result verify = ExternalCommand.run(work,
        "systemd-analyze comes with systemd (Debian: apt-get install systemd).",
        "systemd-analyze", "verify", UNIT.toAbsolutePath().toString());

    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).isBlank();
  }

  @Test
  void systemdUnitRunsServeWithTheProductionConfigurationAndKnownVariables() throws IOException {
    ServiceConfig config = ServiceConfig.load(PRODUCTION, Map.of(), Map.of());
    Map<String, List<String>> unit = new HashMap<>();
    for (String line : Files.readAllLines(UNIT)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        unit.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
      }
    }

    List<String> exec = List.of(unit.get("ExecStart").get(0).split(" "));
    assertThat(exec.subList(0, 3)).containsExactly("/usr/bin/java", "-jar", "/opt/circuitstream/circuitstream.jar");
    assertThat(exec.subList(3, exec.size()))
        .containsExactly("serve", "--config", "/etc/circuitstream/" + PRODUCTION.getFileName());
    assertServeAccepts(exec.subList(3, exec.size()));
    assertThat(Path.of(config.string("kafka.topics.file")).getParent()).isEqualTo(Path.of("/etc/circuitstream"));
    assertThat(Path.of(config.string("model.store.dir"))).startsWithRaw(Path.of(unit.get("ReadWritePaths").get(0)));
    for (String assignment : unit.get("Environment")) {
      String name = assignment.replace("\"", "").split("=", 2)[0];
      assertThat(name).isIn("JAVA_TOOL_OPTIONS", ServiceConfig.envName("kafka.instance-id"));
    }
  }

  private static void assertServeAccepts(List<String> args) {
    CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
    assertThat(parsed.subcommand().matchedOptionValue("--config", (Path) null)).isEqualTo(Path.of(args.get(2)));
  }

  private static Properties properties(Path file) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(Files.readString(file)));
    return p;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(item -> out.add(item.asText()));
    return out;
  }
}
