package io.circuitstream.engine.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Keeps the JMH benchmarks runnable: each benchmark method runs once on a small circuit (no timing). */
class FoldBenchmarkTest {

  @ParameterizedTest
  @ValueSource(strings = {"input", "cp-h2", "mixing-h2"})
  void everyBenchmarkRunsOnEveryFoldItNames(String fold) {
    FoldBenchmark b = new FoldBenchmark();
    b.fold = fold;
    b.batch = 8;
    b.units = 4;
    b.setUp();
    try {
      b.foldForward();
      double[] scores = b.forward().values();
      assertThat(scores).hasSize(8 * 10);
      assertThat(java.util.Arrays.stream(scores).allMatch(v -> Double.isFinite(v) && v < 0)).isTrue();
      double[] gradient = b.trainingStep();
      assertThat(java.util.Arrays.stream(gradient).anyMatch(g -> g != 0)).isTrue();
    } finally {
      b.tearDown();
    }
  }

  @Test
  void theAnnotationProcessorRegisteredTheBenchmarks() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
      assertThat(in).as("META-INF/BenchmarkList from jmh-generator-annprocess").isNotNull();
      String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(list).contains("FoldBenchmark_foldForward_jmhTest", "FoldBenchmark_forward_jmhTest",
          "FoldBenchmark_trainingStep_jmhTest");
    }
  }
}
