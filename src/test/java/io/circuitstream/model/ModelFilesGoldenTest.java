package io.circuitstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.ClassScores;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.circuit.Evidence;
import io.circuitstream.engine.circuit.LayerKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Backward compatibility: a model written by format version 1 still loads and predicts the same.
 *
 * <p>{@code golden/model-v1.cstrm} and {@code golden/model-v1-expected.txt} were written by
 * {@link #main}. Never regenerate them to make this test pass: a failure means this build reads
 * version-1 files differently from the build that wrote them. Regenerate only deliberately, from the
 * project root, after {@code mvn test-compile}:
 *
 * <pre>{@code
 * mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     io.circuitstream.model.ModelFilesGoldenTest src/test/resources/golden
 * }</pre>
 */
class ModelFilesGoldenTest {
  private static final String MODEL = "golden/model-v1.cstrm";
  private static final String EXPECTED = "golden/model-v1-expected.txt";
  private static final String CREATED_AT = "2025-06-01T12:00:00Z";
  private static final int IMAGES = 3;

  @Test
  void readsTheVersion1GoldenModel() {
    Model model = ModelFiles.read(resource(MODEL));

    assertThat(model.spec()).isEqualTo(goldenSpec());
    assertThat(model.spec().regionGraph()).isEqualTo("quad-tree-2");
    assertThat(model.spec().layerKind()).isEqualTo(LayerKind.CP);
    assertThat(model.parameters()).containsExactly(Circuit.create(goldenSpec(), 7).parameters());
    assertThat(model.logPrior()).containsExactly(Math.log(0.5), Math.log(0.25), Math.log(0.25));
    assertThat(model.ood()).isEqualTo(new OodCalibration(3.75, 0.05, 200));
    Provenance p = model.provenance();
    assertThat(p.lambda()).isEqualTo(0.5);
    assertThat(p.seed()).isEqualTo(7);
    assertThat(p.data()).isEqualTo("golden: Circuit.create(spec, 7)");
    assertThat(p.codeVersion()).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(p.createdAt()).isEqualTo(CREATED_AT);
    assertThat(p.parentVersion()).isEqualTo("golden-parent");
    assertThat(p.metrics()).containsExactlyEntriesOf(Map.of("validationAccuracy", 0.5));
    assertThat(p.config().keySet()).containsExactly("epochs", "batch");
    assertThat(p.config()).containsEntry("epochs", "0").containsEntry("batch", "256");

    double[] expected = readExpected();
    try (Evaluator evaluator = model.toCircuit().evaluator(IMAGES)) {
      double[] actual = evaluator.logLikelihoods(goldenImages()).values();
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < expected.length; i++) {
        assertThat(actual[i]).as("log-likelihood %d", i).isCloseTo(expected[i], within(1e-12));
      }
    }
  }

  @Test
  void rewritingTheGoldenModelReproducesItsBytes() throws IOException {
    Path file = resource(MODEL);

    assertThat(TinyModels.bytes(ModelFiles.read(file))).isEqualTo(Files.readAllBytes(file));
    assertThat(TinyModels.bytes(goldenModel())).isEqualTo(Files.readAllBytes(file));
  }

  /**
   * Writes the golden model and its expected log-likelihoods; not a test.
   *
   * @param args the folder to write to, {@code src/test/resources/golden} if none
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/golden");
    Model model = goldenModel();
    ModelFiles.write(model, dir.resolve("model-v1.cstrm"));
    StringBuilder text = new StringBuilder()
        .append("# log p(x | y) of model-v1.cstrm, written by ModelFilesGoldenTest.main\n")
        .append("# image i has pixel j = (i*7 + j*3) % 4; one line per image, one value per class\n");
    try (Evaluator evaluator = model.toCircuit().evaluator(IMAGES)) {
      ClassScores scores = evaluator.logLikelihoods(goldenImages());
      for (int i = 0; i < scores.size(); i++) {
        for (int y = 0; y < scores.numClasses(); y++) {
          text.append(y == 0 ? "" : " ").append(scores.get(i, y));
        }
        text.append('\n');
      }
    }
    Files.writeString(dir.resolve("model-v1-expected.txt"), text, StandardCharsets.UTF_8);
  }

  private static CircuitSpec goldenSpec() {
    return CircuitSpec.builder()
        .regionGraph("quad-tree-2")
        .imageShape(4, 4)
        .graphSeed(42)
        .layerKind(LayerKind.CP)
        .units(2)
        .numCategories(4)
        .numClasses(3)
        .build();
  }

  private static Model goldenModel() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("epochs", "0");
    config.put("batch", "256");
    Provenance provenance = new Provenance(0.5, 7, "golden: Circuit.create(spec, 7)", "0.1.0-SNAPSHOT",
        CREATED_AT, "golden-parent", Map.of("validationAccuracy", 0.5), config);
    return new Model(goldenSpec(), Circuit.create(goldenSpec(), 7).parameters(),
        new double[] {Math.log(0.5), Math.log(0.25), Math.log(0.25)},
        new OodCalibration(3.75, 0.05, 200), provenance);
  }

  private static Evidence goldenImages() {
    int pixels = goldenSpec().numVariables();
    int[] values = new int[IMAGES * pixels];
    for (int i = 0; i < IMAGES; i++) {
      for (int j = 0; j < pixels; j++) {
        values[i * pixels + j] = (i * 7 + j * 3) % 4;
      }
    }
    return Evidence.of(pixels, values);
  }

  private static double[] readExpected() {
    try {
      return Files.readAllLines(resource(EXPECTED), StandardCharsets.UTF_8).stream()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .flatMap(line -> Arrays.stream(line.trim().split("\\s+")))
          .mapToDouble(Double::parseDouble)
          .toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path resource(String name) {
    URL url = Objects.requireNonNull(ModelFilesGoldenTest.class.getClassLoader().getResource(name), name);
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
