package io.circuitstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.circuit.Evidence;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Round trips of {@link ModelFiles} and its rejection of every kind of damaged file. */
class ModelFilesTest {
  private static final String NAME = "tiny.cstrm";
  /** Offset of the spec's height: magic, version, then the region graph name "quad-tree-2". */
  private static final int HEIGHT_OFFSET = 8 + 4 + 4 + "quad-tree-2".length();

  @TempDir Path dir;

  @Test
  void writeThenReadReturnsAnEqualModelWithIdenticalOutputs() {
    Model model = TinyModels.model(3);
    Path file = dir.resolve(NAME);

    ModelFiles.write(model, file);
    Model read = ModelFiles.read(file);

    assertThat(read).isEqualTo(model);
    assertThat(read.spec()).isEqualTo(model.spec());
    assertThat(read.parameters()).containsExactly(model.parameters());
    assertThat(read.logPrior()).containsExactly(model.logPrior());
    assertThat(read.ood()).isEqualTo(model.ood());
    assertThat(read.provenance()).isEqualTo(model.provenance());
    assertThat(read.provenance().metrics().keySet()).containsExactly("validationAccuracy", "validationNll");
    assertThat(read.provenance().config().keySet()).containsExactly("epochs", "optimizer", "note");
    Evidence images = Evidence.of(16, TinyModels.randomImages(5, 11));
    try (Evaluator written = model.toCircuit().evaluator(5); Evaluator loaded = read.toCircuit().evaluator(5)) {
      double[] expected = written.logLikelihoods(images).values().clone();
      assertThat(loaded.logLikelihoods(images).values()).containsExactly(expected);
    }
  }

  @Test
  void streamsCarryTheSameBytesAsFiles() throws IOException {
    Model model = TinyModels.model(4);
    Path file = dir.resolve(NAME);
    ModelFiles.write(model, file);

    byte[] bytes = TinyModels.bytes(model);

    assertThat(bytes).isEqualTo(Files.readAllBytes(file));
    assertThat(ModelFiles.read(new ByteArrayInputStream(bytes), "payload")).isEqualTo(model);
  }

  @Test
  void modelWithoutParentMetricsOrConfigRoundTrips() {
    Model full = TinyModels.model(5);
    Provenance bare = new Provenance(0, -1, "", "", "2025-06-01T12:00:00+02:00", null, Map.of(), Map.of());
    Model model = new Model(full.spec(), full.parameters(), full.logPrior(), full.ood(), bare);

    Model read = ModelFiles.read(new ByteArrayInputStream(TinyModels.bytes(model)), NAME);

    assertThat(read).isEqualTo(model);
    assertThat(read.provenance().parentVersion()).isNull();
  }

  @Test
  void writeReplacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("models").resolve(NAME);
    ModelFiles.write(TinyModels.model(1), file);

    ModelFiles.write(TinyModels.model(2), file);

    assertThat(ModelFiles.read(file)).isEqualTo(TinyModels.model(2));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void writeRejectsParametersThatDoNotFitTheSpec() {
    Model model = TinyModels.modelOf(TinyModels.spec(), new double[10]);
    Path file = dir.resolve(NAME);

    assertThatThrownBy(() -> ModelFiles.write(model, file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model.parameters does not fit model.spec")
        .hasMessageContaining("got 10");
    assertThat(file).doesNotExist();
  }

  @Test
  void readRejectsAFlippedParameterByteAsDamaged() {
    byte[] bytes = TinyModels.bytes(TinyModels.model(3));
    int parametersEnd = bytes.length - ModelFiles.CHECKSUM_BYTES;
    bytes[parametersEnd - 8 * 5 - 3] ^= 0x10;

    assertThatThrownBy(() -> read(bytes))
        .isInstanceOf(ModelFileException.class)
        .hasMessage(NAME + " is damaged: SHA-256 mismatch; re-copy or retrain it");
  }

  /** Cuts: inside the magic, the version, the spec, the prior, the parameters, and the checksum. */
  @ParameterizedTest
  @ValueSource(ints = {4, 10, 30, 60, -100, -33, -32, -1})
  void readRejectsATruncatedFile(int cut) throws IOException {
    byte[] whole = TinyModels.bytes(TinyModels.model(3));
    int length = cut >= 0 ? cut : whole.length + cut;
    byte[] bytes = Arrays.copyOf(whole, length);
    Path file = dir.resolve(NAME);
    Files.write(file, bytes);

    assertThatThrownBy(() -> read(bytes))
        .isInstanceOf(ModelFileException.class)
        .hasMessageStartingWith(NAME + " is truncated: it ends after " + length + " bytes, in the ")
        .hasMessageEndingWith("; re-copy or retrain it");
    assertThatThrownBy(() -> ModelFiles.read(file))
        .isInstanceOf(ModelFileException.class)
        .hasMessageStartingWith(file + " is truncated: it ends after " + length + " bytes");
  }

  @Test
  void readRejectsAnEmptyFile() {
    assertThatThrownBy(() -> read(new byte[0]))
        .isInstanceOf(ModelFileException.class)
        .hasMessage(NAME + ": not a circuitstream model file (it is empty); "
            + "pass a file written by `circuitstream train`");
  }

  @Test
  void readRejectsAFileWithAnotherMagic() {
    byte[] bytes = "PK\3\4 not a model at all".getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> read(bytes))
        .isInstanceOf(ModelFileException.class)
        .hasMessage(NAME + ": not a circuitstream model file (starts with \"PK\\x03\\x04 not\", "
            + "not \"CSTRMODL\"); pass a file written by `circuitstream train`");
  }

  @Test
  void readRejectsANewerFormatVersionBeforeTheChecksum() {
    byte[] bytes = TinyModels.bytes(TinyModels.model(3));
    ByteBuffer.wrap(bytes).putInt(8, 7);

    assertThatThrownBy(() -> read(TinyModels.withChecksum(bytes)))
        .isInstanceOf(ModelFileException.class)
        .hasMessage(NAME + ": format version 7 is newer than this build reads (1); upgrade circuitstream");
  }

  @Test
  void readRejectsTrailingBytes() {
    byte[] model = TinyModels.bytes(TinyModels.model(3));
    byte[] bytes = Arrays.copyOf(model, model.length + 5);

    assertThatThrownBy(() -> read(bytes))
        .isInstanceOf(ModelFileException.class)
        .hasMessage(NAME + " has 5 unexpected bytes after its end (byte " + model.length + "); it was "
            + "probably appended to or concatenated with something, re-copy or retrain it");
  }

  @Test
  void readRejectsParametersThatDoNotFitTheSpec() {
    CircuitSpec larger = TinyModels.spec().toBuilder().units(3).build();
    int needed = Circuit.create(TinyModels.spec(), 1).numParameters();
    double[] parameters = Circuit.create(larger, 1).parameters();
    byte[] bytes = TinyModels.bytesUnchecked(TinyModels.modelOf(TinyModels.spec(), parameters));

    assertThatThrownBy(() -> read(bytes))
        .isInstanceOf(ModelFileException.class)
        .hasMessage(NAME + ": the parameter count does not match the circuit spec (spec needs " + needed
            + " parameters, got " + parameters.length + "); it was written for another circuit layout, "
            + "retrain it with this build");
  }

  @Test
  void readRejectsAnInvalidSpec() {
    byte[] bytes = TinyModels.bytes(TinyModels.model(3));
    ByteBuffer.wrap(bytes).putInt(HEIGHT_OFFSET, -4);

    assertThatThrownBy(() -> read(TinyModels.withChecksum(bytes)))
        .isInstanceOf(ModelFileException.class)
        .hasMessage(NAME + ": invalid circuit spec (height must be positive, got -4); the file comes from "
            + "a newer circuitstream (upgrade) or a faulty writer (retrain it)");
  }

  @Test
  void readRejectsAnImpossibleCountAsDamaged() {
    byte[] bytes = TinyModels.bytes(TinyModels.model(3));
    ByteBuffer.wrap(bytes).putInt(HEIGHT_OFFSET + 4 + 4 + 8, -1);

    assertThatThrownBy(() -> read(bytes))
        .isInstanceOf(ModelFileException.class)
        .hasMessageStartingWith(NAME + " is damaged: it declares 4294967295 bytes in a string (in the spec")
        .hasMessageEndingWith("; re-copy or retrain it");
  }

  @Test
  void readNamesAMissingFile() {
    Path file = dir.resolve("missing.cstrm");

    assertThatThrownBy(() -> ModelFiles.read(file))
        .isInstanceOf(ModelFileException.class)
        .hasMessage(file + ": no such file; check the path");
  }

  private static Model read(byte[] bytes) {
    return ModelFiles.read(new ByteArrayInputStream(bytes), NAME);
  }
}
