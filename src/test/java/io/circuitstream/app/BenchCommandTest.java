package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

  @Test
  void benchJsonReportsEveryFigureOnRealMnist() {
    PrintStream saved = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      code = Main.commandLine().execute("bench", "--json", "--units", "4", "--batch", "16",
          "--warmup", "0", "--iterations", "1", "--threads", "2");
    } finally {
      System.setOut(saved);
    }
    String out = buffer.toString(StandardCharsets.UTF_8).trim();
    assertThat(code).isZero();
    assertThat(out).startsWith("{").endsWith("}").doesNotContain("\n");
    assertThat(out).contains("\"forwardImagesPerSecond\":", "\"marginalImagesPerSecond\":",
        "\"trainImagesPerSecond\":", "\"parameters\":" + (784 * 4 * 256 + 3120 * 16 - 64 + 160 + 258 * 8 + 20),
        "\"layersUnfolded\":5723", "\"layersFolded\":", "\"peakRssMiB\":", "\"batch\":16");
  }

  @Test
  void benchRejectsBadArgumentsWithAMessage() {
    PrintStream saved = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      code = Main.commandLine().execute("bench", "--region-graph", "spiral");
    } finally {
      System.setErr(saved);
    }
    assertThat(code).isEqualTo(2);
    assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("unknown region graph 'spiral'");
  }

  @Test
  void benchProfileListsEveryFoldWithItsTimeAndRate() {
    Object[] r = TrainEvaluateCommandTest.run("bench", "--profile", "--units", "4", "--batch", "8", "--warmup", "0",
        "--iterations", "1", "--region-graph", "quad-tree-2");
    assertThat(r[0]).isEqualTo(0);
    String out = (String) r[1];
    assertThat(out).contains("forward pass, per batch of 8", "training step", "input categorical x784",
        "cp block x", "parameters (softmax of logits)", "GFLOP/s", "blasPeakGflopsPerSecond");
  }

  @Test
  void benchOnTheNd4jEngineMeasuresForwardAndMarginalOnly() {
    Object[] r = TrainEvaluateCommandTest.run("bench", "--json", "--engine", "nd4j", "--precision", "float32",
        "--units", "4", "--batch", "8", "--warmup", "0", "--iterations", "1", "--region-graph", "quad-tree-2");
    assertThat(r[0]).isEqualTo(0);
    String out = (String) r[1];
    assertThat(out).contains("\"engine\":\"nd4j\"", "\"nd4jBackend\":\"CpuBackend\"", "\"forwardImagesPerSecond\":",
        "\"marginalImagesPerSecond\":", "\"batch\":8").doesNotContain("trainImagesPerSecond");
  }

  @Test
  void benchRejectsAnUnknownEngineAndAnAutomaticBatchOnTheFoldedOne() {
    Object[] unknown = TrainEvaluateCommandTest.run("bench", "--engine", "tpu");
    assertThat(unknown[0]).isEqualTo(2);
    assertThat((String) unknown[2]).contains("--engine must be folded or nd4j");
    Object[] auto = TrainEvaluateCommandTest.run("bench", "--batch", "0");
    assertThat(auto[0]).isEqualTo(2);
    assertThat((String) auto[2]).contains("0 only with --engine nd4j");
  }
}
