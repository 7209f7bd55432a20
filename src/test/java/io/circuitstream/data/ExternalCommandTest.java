package io.circuitstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalCommandTest {

  @Test
  void missingToolIsNamedWithTheAdvice(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> ExternalCommand.run(dir, "Install it with care.", "no-such-tool-42"))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("no-such-tool-42 is needed but cannot be run (")
        .hasMessageEndingWith("). Install it with care.");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("the output log of a tool that never started").isEmpty();
    }
  }

  @Test
  void failingToolReportsItsExitCodeAndOutput(@TempDir Path dir) throws IOException {
    ExternalCommand.Result run = ExternalCommand.run(dir, "", "sh", "-c", "echo oops; exit 3");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.succeeded()).isFalse();
    assertThat(run.failure()).isEqualTo("sh -c echo oops; exit 3 failed with exit code 3: oops\n");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void runOrFailQuotesTheOutputAndTheAdvice(@TempDir Path dir) {
    assertThatThrownBy(() -> ExternalCommand.runOrFail(dir, "Try again.", "sh", "-c", "echo no >&2; exit 1"))
        .isInstanceOf(DataException.class)
        .hasMessage("sh -c echo no >&2; exit 1 failed with exit code 1: no\nTry again.");
  }

  @Test
  void givenFileIsTheToolsStandardInput(@TempDir Path dir) throws IOException {
    Path input = Files.writeString(dir.resolve("in.txt"), "three\nlines\nhere\n");

    ExternalCommand.Result run = ExternalCommand.run(dir, input, Duration.ofMinutes(1), "", "wc", "-l");

    assertThat(run.succeeded()).isTrue();
    assertThat(run.output().strip()).isEqualTo("3");
  }

  @Test
  void toolThatOutlivesItsTimeoutIsKilledAndReported(@TempDir Path dir) {
    assertThatThrownBy(() -> ExternalCommand.run(dir, null, Duration.ofMillis(1500), "", "sh", "-c", "sleep 30"))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("sh -c sleep 30 did not finish within 1500 ms; output so far: ");
  }
}
