package io.circuitstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
  /** A chart with text, lines and fills has far more colours than this; a blank or one-colour image has 1. */
  private static final int MIN_DISTINCT_COLOURS = 50;

  @TempDir Path dir;

  private static BufferedImage readPng(Path png) throws IOException {
    assertThat(png).isRegularFile();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("decodable PNG").isNotNull();
    return image;
  }

  private static void assertChart(Path png) throws IOException {
    BufferedImage image = readPng(png);
    assertThat(image.getWidth()).isEqualTo(Plots.WIDTH);
    assertThat(image.getHeight()).isEqualTo(Plots.HEIGHT);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertThat(colours).hasSizeGreaterThan(MIN_DISTINCT_COLOURS);
  }

  private static Map<String, double[][]> accuracyCurves() {
    Map<String, double[][]> curves = new LinkedHashMap<>();
    for (double lambda : new double[] {0, 0.5, 1}) {
      double[][] rows = new double[10][];
      for (int i = 0; i < 10; i++) {
        double p = i / 10.0;
        rows[i] = new double[] {p, 0.97 - lambda * 0.5 * p * p};
      }
      curves.put("λ = " + lambda, rows);
    }
    return curves;
  }

  private static Map<String, double[]> logLikelihoods() {
    Random rnd = new Random(5);
    Map<String, double[]> series = new LinkedHashMap<>();
    double[] train = new double[3000];
    double[] test = new double[1000];
    double[] ood = new double[1000];
    for (int i = 0; i < train.length; i++) {
      train[i] = -650 + 60 * rnd.nextGaussian();
    }
    for (int i = 0; i < test.length; i++) {
      test[i] = -660 + 60 * rnd.nextGaussian();
    }
    for (int i = 0; i < ood.length; i++) {
      ood[i] = -1400 + 150 * rnd.nextGaussian();
    }
    ood[0] = Double.NEGATIVE_INFINITY;
    series.put("train (MNIST)", train);
    series.put("test (MNIST)", test);
    series.put("OOD: Fashion-MNIST", ood);
    return series;
  }

  @Test
  void accuracyVsMissingWritesAReadablePngAndCreatesParentFolders() throws IOException {
    Path png = dir.resolve("a/b/accuracy.png");
    Plots.accuracyVsMissing(png, "Accuracy under missing pixels", accuracyCurves());
    assertChart(png);
  }

  @Test
  void logLikelihoodHistogramsWriteAReadablePng() throws IOException {
    Path png = dir.resolve("hist.png");
    Plots.logLikelihoodHistograms(png, "QuadGraph λ = 0", logLikelihoods(), 50);
    assertChart(png);
  }

  @Test
  void logLikelihoodHistogramsWithThresholdWriteAReadablePng() throws IOException {
    Path png = dir.resolve("hist-threshold.png");
    Plots.logLikelihoodHistograms(png, "QuadGraph λ = 0", logLikelihoods(), 40, -900.0, "alarm threshold (5 %)");
    assertChart(png);
  }

  @Test
  void trainingCurvesWriteAReadablePngWithAndWithoutMarkers() throws IOException {
    double[][] shortRun = {{0, 2.3}, {100, 1.1}, {200, 0.7}, {300, 0.5}};
    double[][] longRun = new double[200][];
    for (int i = 0; i < longRun.length; i++) {
      longRun[i] = new double[] {10 * i, 2.0 * Math.exp(-i / 40.0) + 0.2};
    }
    Map<String, double[][]> series = new LinkedHashMap<>();
    series.put("λ = 0.5 (validation)", shortRun);
    series.put("λ = 0.5 (train)", longRun);
    Path png = dir.resolve("training.png");
    Plots.trainingCurves(png, "Training loss", series, "loss");
    assertChart(png);
  }

  @Test
  void anExistingFileIsReplaced() throws IOException {
    Path png = dir.resolve("replace.png");
    Files.writeString(png, "not a png");
    Plots.accuracyVsMissing(png, "t", accuracyCurves());
    assertChart(png);
  }

  @Test
  void invalidInputIsRejectedBeforeAnythingIsWritten() {
    Path png = dir.resolve("never.png");
    assertThatThrownBy(() -> Plots.accuracyVsMissing(png, "t", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("curves must hold at least one series");
    assertThatThrownBy(() -> Plots.accuracyVsMissing(png, "t", Map.of("λ = 0", new double[][] {{0.1, 1.2}})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside [0, 1]");
    assertThatThrownBy(() -> Plots.trainingCurves(png, "t", Map.of("a", new double[][] {{1, 2, 3}}), "loss"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("series[a] row 0 is not a pair {x, y}");
    assertThatThrownBy(() -> Plots.trainingCurves(png, "t", Map.of("a", new double[0][]), "loss"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("series[a] has no rows");
    assertThatThrownBy(() -> Plots.logLikelihoodHistograms(png, "t", Map.of("a", new double[] {1}), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bins must be positive, got 0");
    assertThatThrownBy(() -> Plots.logLikelihoodHistograms(png, "t", Map.of("a", new double[0]), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("series[a] is empty");
    assertThatThrownBy(
            () -> Plots.logLikelihoodHistograms(png, "t", Map.of("a", new double[] {1}), 10, Double.NaN, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threshold must be finite, got NaN");
    assertThat(png).doesNotExist();
  }
}
