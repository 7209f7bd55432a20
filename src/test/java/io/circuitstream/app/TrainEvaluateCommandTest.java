package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train and evaluate commands end to end on real MNIST and Fashion-MNIST, with a tiny circuit. */
class TrainEvaluateCommandTest {

  /** Runs the CLI and returns {exit code, stdout, stderr}. */
  static Object[] run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.commandLine().execute(args);
      return new Object[] {code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void trainWritesAModelThatEvaluateScoresWithJsonAndPlots(@TempDir Path dir) {
    Path model = dir.resolve("tiny.cstrm");
    Object[] train = run("train", "--lambda", "0.5", "--region-graph", "quad-tree-2", "--units", "4",
        "--batch", "100", "--max-steps", "4", "--eval-every", "2", "--train-limit", "800", "--out", model.toString());
    assertThat(train[0]).as("stderr: %s", train[2]).isEqualTo(0);
    assertThat((String) train[2]).contains("step 2", "valid", "OOD threshold");
    assertThat(model).exists();

    Path plots = dir.resolve("plots");
    Object[] eval = run("evaluate", "--model", model.toString(), "--json", "--test-limit", "200", "--ood-limit", "200",
        "--plots", plots.toString());
    assertThat(eval[0]).as("stderr: %s", eval[2]).isEqualTo(0);
    String json = ((String) eval[1]).trim();
    assertThat(json).startsWith("{").endsWith("}").contains("\"testAccuracy\":", "\"genLoss\":", "\"disLoss\":",
        "\"missing\":[{\"fraction\":0.00,\"accuracy\":", "{\"fraction\":0.90,", "\"oodAuroc\":",
        "\"oodTprAtThreshold\":", "\"falseAlarmRate\":");
    assertThat(plots.resolve("missing-pixels.png")).exists();
    assertThat(plots.resolve("log-likelihoods.png")).exists();
  }

  @Test
  void evaluateRejectsADamagedModelFileWithAMessage(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.cstrm");
    Files.writeString(bad, "this is not a model");
    Object[] eval = run("evaluate", "--model", bad.toString());
    assertThat(eval[0]).isEqualTo(1);
    assertThat((String) eval[2]).contains("not a circuitstream model file");
  }

  @Test
  void trainRejectsALambdaOutsideZeroToOne(@TempDir Path dir) {
    Object[] train = run("train", "--lambda", "1.5", "--out", dir.resolve("x").toString());
    assertThat(train[0]).isEqualTo(2);
    assertThat((String) train[2]).contains("lambda must be in [0, 1], got 1.5");
  }
}
