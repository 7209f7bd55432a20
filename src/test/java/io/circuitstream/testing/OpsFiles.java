package io.circuitstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The operations files under {@code ops/} and what the tests read out of them. */
public final class OpsFiles {

  /** The Prometheus configuration for instances on named hosts. */
  public static final Path PROMETHEUS_CONFIG = Path.of("ops/prometheus/prometheus.yml");

  /** The Prometheus configuration for Kubernetes. */
  public static final Path PROMETHEUS_KUBERNETES_CONFIG = Path.of("ops/prometheus/prometheus-kubernetes.yml");

  /** The alert rules. */
  public static final Path ALERT_RULES = Path.of("ops/prometheus/alerts.yml");

  /** The unit tests of the alert rules, for {@code promtool test rules}. */
  public static final Path ALERT_TESTS = Path.of("ops/prometheus/alerts.test.yml");

  /** The Grafana dashboard. */
  public static final Path DASHBOARD = Path.of("ops/grafana/circuitstream-dashboard.json");

  /** The runbook. */
  public static final Path RUNBOOK = Path.of("ops/RUNBOOK.md");

  private static final Pattern SERVICE_METRIC = Pattern.compile("\\bcircuitstream_[a-z_]+");

  private OpsFiles() {}

  /** Returns the alert rules' YAML tree. */
  public static JsonNode alertRules() {
    return yaml(ALERT_RULES);
  }

  /** Returns the names of the alerts, in file order. */
  public static List<String> alertNames() {
    List<String> names = new ArrayList<>();
    for (JsonNode group : alertRules().get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        names.add(rule.get("alert").asText());
      }
    }
    return names;
  }

  /** Returns the service metrics ({@code circuitstream_*} series names) the alert expressions read. */
  public static Set<String> alertMetrics() {
    Set<String> metrics = new LinkedHashSet<>();
    for (JsonNode group : alertRules().get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        Matcher m = SERVICE_METRIC.matcher(rule.get("expr").asText());
        while (m.find()) {
          metrics.add(m.group());
        }
      }
    }
    return metrics;
  }

  /** Returns the PromQL expression of every query of every panel of the dashboard, rows included. */
  public static List<String> dashboardQueries() {
    List<String> queries = new ArrayList<>();
    try {
      collectQueries(new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels"), queries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return queries;
  }

  private static void collectQueries(JsonNode panels, List<String> queries) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(target.get("expr").asText());
      }
      collectQueries(panel.path("panels"), queries);
    }
  }

  /** Reads every document of a YAML file (documents separated by {@code ---}). */
  public static List<JsonNode> yamlDocuments(Path file) {
    YAMLMapper mapper = new YAMLMapper();
    try (MappingIterator<JsonNode> documents = mapper.readerFor(JsonNode.class).readValues(file.toFile())) {
      return documents.readAll();
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a YAML file as a tree. */
  public static JsonNode yaml(Path file) {
    try {
      return new YAMLMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }
}
