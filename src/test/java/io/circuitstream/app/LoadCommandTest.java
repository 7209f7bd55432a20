package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.circuitstream.model.ModelFiles;
import io.circuitstream.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load command end to end: its own embedded broker, real MNIST test images, a small model. */
class LoadCommandTest {

  @Test
  void loadAccountsForEveryImageAndReportsLatenciesTimelinesAndTheRunsConditions(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("model.cstrm");
    ModelFiles.write(TestModels.untrained(3, 5.0), model);
    Path timeline = dir.resolve("timeline.csv");
    Path cpu = dir.resolve("cpu.csv");

    Object[] r = TrainEvaluateCommandTest.run("load", "--json", "--model", model.toString(), "--count", "300",
        "--warmup", "100", "--rate", "400", "--timeline", timeline.toString(),
        "--cpu-timeline", cpu.toString());

    assertThat(r[0]).as("stderr: %s", r[2]).isEqualTo(0);
    JsonNode j = new ObjectMapper().readTree(((String) r[1]).trim());
    assertThat(j.get("images").asInt()).isEqualTo(300);
    assertThat(j.get("lost").asLong()).as("images without a prediction").isZero();
    assertThat(j.get("duplicated").asLong()).isZero();
    assertThat(j.get("throughputImagesPerSecond").asDouble()).isPositive();
    double p50 = j.get("p50Millis").asDouble();
    assertThat(p50).isPositive().isLessThanOrEqualTo(j.get("p99Millis").asDouble());
    assertThat(j.get("p99Millis").asDouble()).isLessThanOrEqualTo(j.get("p999Millis").asDouble());
    assertThat(j.get("queueP50Millis").asDouble() + j.get("scoringP50Millis").asDouble())
        .as("the parts of the median before publishing").isLessThanOrEqualTo(j.get("p99Millis").asDouble());
    assertThat(j.get("gc").asText()).as("the collectors of this JVM")
        .contains(java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
    assertThat(j.get("peakRssMiB").asLong()).isPositive();
    long jvmStart = j.get("jvmStartEpochMs").asLong();
    assertThat(jvmStart).isEqualTo(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());

    assertThat(j.get("processCpuCores").asDouble()).as("this JVM scored images in the window").isPositive();
    assertThat(j.get("otherCpuCores").asDouble()).isBetween(0.0, (double) Runtime.getRuntime().availableProcessors());
    assertThat(j.get("otherCpuCoresMax").asDouble()).isGreaterThanOrEqualTo(j.get("otherCpuCores").asDouble());
    assertThat(j.get("stealCpuCores").asDouble()).isGreaterThanOrEqualTo(0.0);
    List<String> cpuRows = Files.readAllLines(cpu);
    assertThat(cpuRows.get(0)).isEqualTo("epoch_ms,process_cores,other_cores,steal_cores");
    assertThat(cpuRows).as("a sample every quarter second of a window of about half a second or more").hasSizeGreaterThan(1);
    assertThat(cpuRows.subList(1, cpuRows.size())).allSatisfy(row ->
        assertThat(Long.parseLong(row.split(",")[0])).as("sampled after the JVM started").isGreaterThan(jvmStart));

    List<String> rows = Files.readAllLines(timeline);
    assertThat(rows.get(0)).isEqualTo("index,published_epoch_ms,latency_ms,queue_ms,scoring_ms,batch_size");
    assertThat(rows).hasSize(301);
    assertThat(rows.subList(1, rows.size())).allSatisfy(row -> {
      String[] f = row.split(",");
      assertThat(Integer.parseInt(f[0])).isBetween(100, 399);
      assertThat(Double.parseDouble(f[2])).as("latency of %s", row).isPositive();
      assertThat(Integer.parseInt(f[5])).as("batch size of %s", row).isPositive();
      assertThat(Long.parseLong(f[1])).as("published after the JVM started").isGreaterThan(jvmStart);
    });
    assertThat(Path.of("data")).isDirectoryNotContaining("glob:**/kafka-load-" + ProcessHandle.current().pid());
  }

  @Test
  void loadRejectsCountsAndRatesThatCannotBeRunWithAMessage() {
    for (String[] bad : List.of(new String[] {"--count", "0"}, new String[] {"--warmup", "-1"},
        new String[] {"--rate", "-5"}, new String[] {"--rate", "NaN"})) {
      Object[] r = TrainEvaluateCommandTest.run(concat("load", bad));
      assertThat(r[0]).as("load %s", String.join(" ", bad)).isEqualTo(2);
      assertThat((String) r[2]).contains("--count must be at least 1", "--rate");
    }
    Object[] format = TrainEvaluateCommandTest.run("load", "--format", "tiff");
    assertThat(format[0]).isEqualTo(2);
    assertThat((String) format[2]).contains("unknown image format \"tiff\"", "json", "png", "binary");
  }

  private static String[] concat(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
