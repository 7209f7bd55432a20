package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4jBackend;

class BackendProblemTest {

  @Test
  void aMissingNd4jBackendIsExplainedWithTheFix() {
    Throwable e = new ExceptionInInitializerError(
        new RuntimeException(new Nd4jBackend.NoAvailableBackendException("Please ensure that you have an nd4j backend")));
    assertThat(Main.backendProblem(e)).contains("-Pcuda", "libcuda.so.1", "CUDA 11.6", "build without -Pcuda");
  }

  @Test
  void otherFailuresAreLeftToTheDefaultHandler() {
    assertThat(Main.backendProblem(new IllegalStateException("boom"))).isNull();
  }
}
