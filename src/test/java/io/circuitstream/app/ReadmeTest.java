package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.metrics.FineTuneMetrics;
import io.circuitstream.metrics.ServiceMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's reference sections list what the code has: configuration keys, commands, metrics. */
class ReadmeTest {

  private static final Path README = Path.of("README.md");

  @Test
  void configurationTableGivesEveryKeyItsDefaultAndEnvironmentVariable() throws IOException {
    String table = section("## Configuration");
    Map<String, String[]> rows = new LinkedHashMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\|([^|]*)\\|([^|]*)\\|").matcher(table);
    while (row.find()) {
      rows.put(row.group(1), new String[] {row.group(2).strip(), row.group(3).strip()});
    }

    assertThat(rows.keySet()).containsExactlyElementsOf(ServiceConfig.DEFAULTS.keySet());
    ServiceConfig.DEFAULTS.forEach((key, value) -> {
      String[] cells = rows.get(key);
      assertThat(cells[0]).as("default of %s", key).isEqualTo(value.isEmpty() ? "(empty)" : "`" + value + "`");
      assertThat(cells[1]).as("environment variable of %s", key).startsWith("`" + ServiceConfig.envName(key) + "`");
    });
    assertThat(rows.get("admin.token")[1]).contains("`CIRCUITSTREAM_ADMIN_TOKEN`");
  }

  @Test
  void commandTableListsEveryCommand() throws IOException {
    String table = section("## Commands");

    for (String command : new CommandLine(new Main()).getSubcommands().keySet()) {
      assertThat(table).as("a row for %s", command).containsPattern("(?m)^\\| `" + Pattern.quote(command) + "[ `]");
    }
  }

  @Test
  void metricsSectionNamesEveryMetricTheServiceExports() throws IOException {
    String text = section("## Metrics");
    ServiceMetrics metrics = new ServiceMetrics();
    metrics.invalid("bad-json"); // labelled metrics have no series until they get a value
    metrics.activeModel("v0001");
    metrics.consumerLag("images-0", 0);
    FineTuneMetrics fineTune = new FineTuneMetrics(metrics);
    fineTune.compared(0.9, 0.9, 0.5, 0.4);
    fineTune.promoted(Instant.now());
    Set<String> families = new LinkedHashSet<>();
    Matcher type = Pattern.compile("(?m)^# TYPE (circuitstream_\\w+) ").matcher(metrics.scrape());
    while (type.find()) {
      families.add(type.group(1));
    }

    assertThat(families).hasSize(18);
    for (String family : families) {
      assertThat(text).as("the README's Metrics section").contains("`" + family);
    }
  }

  @Test
  void readmeHasTheSectionsOperatorsAndUsersLookFor() throws IOException {
    String readme = Files.readString(README);

    assertThat(readme).contains("## Quick start", "## Architecture", "## Commands", "## Configuration",
        "## Running on an existing Kafka cluster", "## Record formats", "## Admin API", "## Metrics",
        "## Operations", "## Performance", "## Reproduction of the notebook");
    assertThat(section("## Operations")).contains("ops/README.md", "ops/RUNBOOK.md");
    assertThat(section("## Quick start")).contains("mvn -B package -DskipTests", "mvn -B verify");
  }

  /** The text from a heading to the next heading of the same level. */
  private static String section(String heading) throws IOException {
    String readme = Files.readString(README);
    int start = readme.indexOf("\n" + heading + "\n");
    assertThat(start).as("README section %s", heading).isNotNegative();
    int end = readme.indexOf("\n## ", start + heading.length() + 2);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }
}
