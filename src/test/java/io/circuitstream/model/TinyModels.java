package io.circuitstream.model;

import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.LayerKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Tiny models and model-file bytes for the tests of this package. */
final class TinyModels {

  private TinyModels() {}

  /** A 4×4 image, quad-tree-2, 2 units, 4 pixel values, 3 classes. */
  static CircuitSpec spec() {
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

  /** A model over {@link #spec()} with standard-normal parameters drawn from {@code seed}. */
  static Model model(long seed) {
    return modelOf(spec(), Circuit.create(spec(), seed).parameters());
  }

  /** A model with the given spec and parameters, whatever their count, and sample metadata. */
  static Model modelOf(CircuitSpec spec, double[] parameters) {
    double[] logPrior = new double[spec.numClasses()];
    Arrays.fill(logPrior, -Math.log(spec.numClasses()));
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("validationAccuracy", 0.875);
    metrics.put("validationNll", 1.25);
    Map<String, String> config = new LinkedHashMap<>();
    config.put("epochs", "3");
    config.put("optimizer", "adam(lr=0.01)");
    config.put("note", "λ sweep ✓");
    return new Model(spec, parameters, logPrior, new OodCalibration(2.5, 0.05, 1000),
        new Provenance(0.5, 7, "mnist-train[0:55000]", "0.1.0-SNAPSHOT (test)", "2025-06-01T12:00:00Z",
            "tiny-0", metrics, config));
  }

  /** Returns {@code count} images of the tiny spec with uniformly random pixel values. */
  static int[] randomImages(int count, long seed) {
    Random random = new Random(seed);
    int[] values = new int[count * spec().numVariables()];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextInt(spec().numCategories());
    }
    return values;
  }

  /** Returns the model file bytes of a model. */
  static byte[] bytes(Model model) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ModelFiles.write(model, out);
    return out.toByteArray();
  }

  /** Returns the model file bytes of a model without checking its parameter count. */
  static byte[] bytesUnchecked(Model model) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ModelFiles.writeUnchecked(model, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Returns a copy of model file bytes whose trailing SHA-256 is recomputed over the rest. */
  static byte[] withChecksum(byte[] bytes) {
    byte[] fixed = bytes.clone();
    int body = fixed.length - ModelFiles.CHECKSUM_BYTES;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(fixed, 0, body);
      System.arraycopy(sha.digest(), 0, fixed, body, ModelFiles.CHECKSUM_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return fixed;
  }
}
