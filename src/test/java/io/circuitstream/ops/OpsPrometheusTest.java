package io.circuitstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.circuitstream.data.ExternalCommand;
import io.circuitstream.testing.OpsFiles;
import io.circuitstream.testing.DebianTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Prometheus files under {@code ops/prometheus/} checked by Prometheus's own {@code promtool}
 * (Debian's {@code prometheus} package, fetched by the test): the configurations, the alert rules and
 * the rules' unit tests.
 */
class OpsPrometheusTest {

  /** The alerts the operations issue asks for. */
  private static final List<String> REQUIRED_ALERTS = List.of(
      "CircuitstreamOodAlertRateSpike",
      "CircuitstreamConsumerLagGrowing",
      "CircuitstreamNoPredictions",
      "CircuitstreamFineTuneRejectedRepeatedly",
      "CircuitstreamEndToEndLatencyHigh");

  @TempDir
  Path work;

  @ParameterizedTest
  @ValueSource(strings = {"ops/prometheus/prometheus.yml", "ops/prometheus/prometheus-kubernetes.yml"})
  void scrapeConfigurationPassesPromtoolCheckConfig(String file) {
    ExternalCommand.Result check = promtool("check", "config", Path.of(file).toAbsolutePath().toString());

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 1 rule files found")
        .contains("SUCCESS: " + OpsFiles.alertNames().size() + " rules found");
  }

  @Test
  void alertRulesPassPromtoolCheckRulesAndIncludeEveryAlertTheIssueAsksFor() {
    ExternalCommand.Result check = promtool("check", "rules", OpsFiles.ALERT_RULES.toAbsolutePath().toString());

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: " + OpsFiles.alertNames().size() + " rules found");
    assertThat(OpsFiles.alertNames()).containsAll(REQUIRED_ALERTS).doesNotHaveDuplicates();
  }

  @Test
  void alertRuleUnitTestsPass() {
    ExternalCommand.Result test = promtool("test", "rules", OpsFiles.ALERT_TESTS.toAbsolutePath().toString());

    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasAUnitTestWhereItFiresAndOneWhereItStaysQuiet() {
    Set<String> fires = new HashSet<>();
    Set<String> quiet = new HashSet<>();
    for (JsonNode test : OpsFiles.yaml(OpsFiles.ALERT_TESTS).get("tests")) {
      for (JsonNode check : test.get("alert_rule_test")) {
        (check.get("exp_alerts").isEmpty() ? quiet : fires).add(check.get("alertname").asText());
      }
    }

    assertThat(fires).containsExactlyInAnyOrderElementsOf(OpsFiles.alertNames());
    assertThat(quiet).containsExactlyInAnyOrderElementsOf(OpsFiles.alertNames());
  }

  @Test
  void everyAlertHasASeverityAndARunbookSectionThatExists() throws IOException {
    String runbook = Files.readString(OpsFiles.RUNBOOK);
    List<String> headings = new ArrayList<>();
    for (String line : runbook.split("\n")) {
      if (line.startsWith("#")) {
        headings.add(line.replaceFirst("^#+\\s*", "").strip());
      }
    }
    for (JsonNode group : OpsFiles.alertRules().get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        String name = rule.get("alert").asText();
        assertThat(rule.get("labels").get("severity").asText()).as(name).isIn("page", "ticket");
        assertThat(rule.get("annotations").get("summary").asText()).as(name).isNotBlank();
        assertThat(rule.get("annotations").get("runbook").asText()).as(name)
            .isEqualTo("ops/RUNBOOK.md#" + name.toLowerCase(Locale.ROOT));
        assertThat(headings).as("a runbook section titled %s", name).contains(name);
      }
    }
  }

  @Test
  void promtoolFailsOnABrokenRuleAndOnARuleThatNoLongerFiresWhenItShould() throws IOException {
    Path broken = Files.writeString(work.resolve("broken.yml"),
        "groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(rate(foo[5m]) > \n");
    String rules = Files.readString(OpsFiles.ALERT_RULES);
    String weakened = rules.replace("> 0.05\n          and\n          sum by (job) (rate(circuitstream_images_classified_total",
        "> 0.5\n          and\n          sum by (job) (rate(circuitstream_images_classified_total");
    assertThat(weakened).as("the OOD share threshold is where this test expects it").isNotEqualTo(rules);
    Files.writeString(work.resolve("alerts.yml"), weakened);
    Files.copy(OpsFiles.ALERT_TESTS, work.resolve("alerts.test.yml"));

    ExternalCommand.Result check = promtool("check", "rules", broken.toString());
    ExternalCommand.Result test = promtool("test", "rules", "alerts.test.yml");

    assertThat(check.exitCode()).as(check.output()).isNotZero();
    assertThat(test.exitCode()).as(test.output()).isNotZero();
    assertThat(test.output()).contains("CircuitstreamOodAlertRateSpike");
  }

  private ExternalCommand.Result promtool(String... args) {
    return DebianTools.promtool(work, null, args);
  }
}
