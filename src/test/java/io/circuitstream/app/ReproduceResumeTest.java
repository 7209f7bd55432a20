package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.Precision;
import io.circuitstream.model.Model;
import io.circuitstream.model.ModelFiles;
import io.circuitstream.model.OodCalibration;
import io.circuitstream.model.Provenance;
import io.circuitstream.train.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproduceResumeTest {
  private static final CircuitSpec SPEC = CircuitSpec.builder().regionGraph("quad-tree-2").units(2).build();
  private static final TrainerConfig CONFIG = TrainerConfig.builder().lambda(0.25).build();

  @TempDir
  Path dir;

  private Path write(CircuitSpec spec, TrainerConfig config, boolean interrupted) {
    return write(spec, new LinkedHashMap<>(config.asText()), config, interrupted);
  }

  private Path write(CircuitSpec spec, Map<String, String> cfg, TrainerConfig config, boolean interrupted) {
    cfg.put("circuitSeed", Long.toString(ReproduceCommand.CIRCUIT_SEED));
    cfg.put("interrupted", Boolean.toString(interrupted));
    Model model = new Model(spec, Circuit.create(spec, 1).parameters(), new double[] {
        -2.302585092994046, -2.302585092994046, -2.302585092994046, -2.302585092994046, -2.302585092994046,
        -2.302585092994046, -2.302585092994046, -2.302585092994046, -2.302585092994046, -2.302585092994046},
        new OodCalibration(1.5, 0.01, 100),
        new Provenance(config.lambda(), config.seed(), "test", "test", "2026-11-28T00:00:00Z", null,
            Map.of("trainSeconds", 12.0), cfg));
    Path file = dir.resolve("m.cstrm");
    ModelFiles.write(model, file);
    return file;
  }

  @Test
  void aFinishedModelWithTheSameConfigurationIsReused() {
    Model reused = ReproduceCommand.reusable(write(SPEC, CONFIG, false), SPEC, CONFIG);
    assertThat(reused).isNotNull();
    assertThat(reused.provenance().lambda()).isEqualTo(0.25);
  }

  @Test
  void aModelWrittenBeforePrecisionWasRecordedCountsAsFloat64() {
    Map<String, String> old = new LinkedHashMap<>(CONFIG.asText());
    old.remove("precision");
    Path file = write(SPEC, old, CONFIG, false);
    assertThat(ReproduceCommand.reusable(file, SPEC, CONFIG)).isNotNull();
    assertThat(ReproduceCommand.reusable(file, SPEC,
        TrainerConfig.builder().lambda(0.25).precision(Precision.FLOAT32).build())).isNull();
  }

  @Test
  void anInterruptedTrainingIsTrainedAgain() {
    assertThat(ReproduceCommand.reusable(write(SPEC, CONFIG, true), SPEC, CONFIG)).isNull();
  }

  @Test
  void anotherLambdaOrCircuitIsTrainedAgain() {
    Path file = write(SPEC, CONFIG, false);
    assertThat(ReproduceCommand.reusable(file, SPEC, TrainerConfig.builder().lambda(0.5).build())).isNull();
    assertThat(ReproduceCommand.reusable(file, CircuitSpec.builder().regionGraph("quad-tree-2").units(3).build(),
        CONFIG)).isNull();
  }

  @Test
  void aMissingOrDamagedFileIsTrainedAgain() throws Exception {
    assertThat(ReproduceCommand.reusable(dir.resolve("absent.cstrm"), SPEC, CONFIG)).isNull();
    Path file = write(SPEC, CONFIG, false);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    assertThat(ReproduceCommand.reusable(file, SPEC, CONFIG)).isNull();
  }
}
