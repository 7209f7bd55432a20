package io.circuitstream.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.AxesChartStyler.TextAlignment;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes the evaluation charts as PNG files: accuracy under missing pixels, log-likelihood histograms and training
 * curves.
 *
 * <p>Every chart is {@link #WIDTH}×{@link #HEIGHT} pixels, drawn off screen with XChart (so it works with
 * {@code -Djava.awt.headless=true}), with a title, axis titles, a grid and a legend to the right of the plot area,
 * where it cannot cover data; a label may contain {@code \n} to break a long legend entry into lines. Series appear in the iteration order of the given map, so pass a {@link java.util.LinkedHashMap}
 * or a sorted map to fix the legend order. Missing parent folders of the output file are created, an existing file
 * is replaced, and I/O failures are thrown as {@link UncheckedIOException}. Arguments are checked before anything is
 * written: empty maps, empty series, rows that are not pairs, NaN or infinite coordinates are rejected with an
 * {@link IllegalArgumentException}.
 */
public final class Plots {

  /** Width of every chart, in pixels. */
  public static final int WIDTH = 900;

  /** Height of every chart, in pixels. */
  public static final int HEIGHT = 600;

  /** Series colours: matplotlib's "tab10" palette, distinct for up to ten series and readable on white. */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
  };

  /** Training curves with at most this many points per series get a marker at each point. */
  private static final int MAX_POINTS_WITH_MARKERS = 40;

  private static final String FONT = Font.SANS_SERIF;

  private Plots() {}

  /**
   * Plots test accuracy against the fraction of missing pixels, one curve per model (e.g. per λ).
   *
   * <p>The x axis shows the percentage of pixels missing (0 to 100), the y axis the test accuracy in percent; its
   * lower end is the lowest accuracy rounded down to a multiple of 10 (leaving room for its marker). Each point
   * carries a marker, and points are joined in order of increasing fraction.
   *
   * @param png the file to write
   * @param title the chart title
   * @param curves label → rows {@code {fractionMissing, accuracy}}, both in [0, 1]; at least one curve, each with
   *     at least one row
   */
  public static void accuracyVsMissing(Path png, String title, Map<String, double[][]> curves) {
    Objects.requireNonNull(png, "png");
    Objects.requireNonNull(title, "title");
    requireNonEmpty(curves, "curves");
    XYChart chart = newChart(title, "% of pixels missing", "test accuracy (%)");
    double lowest = 100;
    int index = 0;
    for (Map.Entry<String, double[][]> curve : curves.entrySet()) {
      double[][] rows = sortedPairs(curve.getValue(), "curves[" + curve.getKey() + "]");
      double[] x = new double[rows.length];
      double[] y = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        if (rows[i][0] < 0 || rows[i][0] > 1 || rows[i][1] < 0 || rows[i][1] > 1) {
          throw new IllegalArgumentException("curves[" + curve.getKey() + "] row " + i + " is outside [0, 1]²: "
              + Arrays.toString(rows[i]));
        }
        x[i] = 100 * rows[i][0];
        y[i] = 100 * rows[i][1];
        lowest = Math.min(lowest, y[i]);
      }
      XYSeries series = chart.addSeries(curve.getKey(), x, y);
      styleLine(series, PALETTE[index++ % PALETTE.length], true);
    }
    XYStyler styler = chart.getStyler();
    padXAxis(styler, 0, 100);
    // Round the lowest accuracy down to a multiple of 10, keeping 2 points of room for its marker.
    styler.setYAxisMin(Math.max(0, Math.floor((lowest - 2) / 10) * 10));
    styler.setYAxisMax(101.0);
    styler.setXAxisDecimalPattern("#0");
    styler.setYAxisDecimalPattern("#0");
    write(chart, png);
  }

  /**
   * Plots overlaid histograms of per-image log-likelihoods, one per data set, over shared bins.
   *
   * <p>Same as {@link #logLikelihoodHistograms(Path, String, Map, int, Double, String)} without a threshold.
   */
  public static void logLikelihoodHistograms(Path png, String title, Map<String, double[]> series, int bins) {
    logLikelihoodHistograms(png, title, series, bins, null, "");
  }

  /**
   * Plots overlaid histograms of per-image log-likelihoods, one per data set, over shared bins, with an optional
   * vertical threshold line.
   *
   * <p>The bins split the range of all finite values of all series (and the threshold, if given) into {@code bins}
   * equal widths, so the bars of different series line up. Each histogram is a translucent filled step outline, so
   * overlapping series stay visible; counts are numbers of images, not densities, and the legend gives each
   * series' size on a second line. Infinite log-likelihoods cannot be placed on the axis: the legend entry says how many were left
   * out.
   *
   * @param png the file to write
   * @param title the chart title, e.g. the model's name
   * @param series label (e.g. "test (MNIST)") → log-likelihood of each image in nats; at least one series, each
   *     non-empty, no NaN, and at least one finite value overall
   * @param bins number of shared bins, positive
   * @param threshold where to draw a vertical dashed line (e.g. the OOD alarm threshold), or {@code null} for none;
   *     finite
   * @param thresholdLabel the legend entry of the line; ignored without a threshold
   */
  public static void logLikelihoodHistograms(
      Path png,
      String title,
      Map<String, double[]> series,
      int bins,
      @Nullable Double threshold,
      String thresholdLabel) {
    Objects.requireNonNull(png, "png");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(thresholdLabel, "thresholdLabel");
    requireNonEmpty(series, "series");
    if (bins <= 0) {
      throw new IllegalArgumentException("bins must be positive, got " + bins);
    }
    if (threshold != null && !Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be finite, got " + threshold);
    }
    double[][] all = new double[series.size() + 1][];
    int s = 0;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      all[s] = Objects.requireNonNull(e.getValue(), "series[" + e.getKey() + "]");
      if (all[s].length == 0) {
        throw new IllegalArgumentException("series[" + e.getKey() + "] is empty");
      }
      s++;
    }
    all[s] = threshold == null ? new double[0] : new double[] {threshold};
    double[] range = Metrics.range(all);

    XYChart chart = newChart(title, "log-likelihood of image (nats)", "number of images");
    int highest = 0;
    int index = 0;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      Histogram h = Metrics.histogram(e.getValue(), range[0], range[1], bins);
      double[] x = new double[2 * bins + 2];
      double[] y = new double[2 * bins + 2];
      x[0] = h.min();
      for (int i = 0; i < bins; i++) {
        x[2 * i + 1] = h.binLower(i);
        y[2 * i + 1] = h.count(i);
        x[2 * i + 2] = h.binLower(i + 1);
        y[2 * i + 2] = h.count(i);
        highest = Math.max(highest, h.count(i));
      }
      x[2 * bins + 1] = h.max();
      String label = String.format(Locale.ROOT, "%s\nn = %,d", e.getKey(), e.getValue().length);
      if (h.below() > 0) {
        label += String.format(Locale.ROOT, "\n%,d at −∞ not shown", h.below());
      }
      if (h.above() > 0) {
        label += String.format(Locale.ROOT, "\n%,d at +∞ not shown", h.above());
      }
      Color color = PALETTE[index++ % PALETTE.length];
      XYSeries xy = chart.addSeries(label, x, y);
      xy.setXYSeriesRenderStyle(XYSeriesRenderStyle.Area);
      xy.setMarker(SeriesMarkers.NONE);
      xy.setLineColor(color);
      xy.setLineWidth(1.5f);
      xy.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 90));
    }
    double top = Math.max(1, highest) * 1.08;
    if (threshold != null) {
      XYSeries line = chart.addSeries(thresholdLabel, new double[] {threshold, threshold}, new double[] {0, top});
      line.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
      line.setMarker(SeriesMarkers.NONE);
      line.setLineColor(Color.BLACK);
      line.setLineStyle(new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {9, 6}, 0));
    }
    XYStyler styler = chart.getStyler();
    styler.setYAxisMin(0.0);
    styler.setYAxisMax(top);
    padXAxis(styler, range[0], range[1]);
    styler.setXAxisDecimalPattern("#,##0");
    styler.setYAxisDecimalPattern("#,##0");
    write(chart, png);
  }

  /**
   * Plots one line per series against the training step, e.g. loss or validation accuracy while training.
   *
   * <p>Points are joined in order of increasing step; series with at most 40 points also get a marker per point.
   *
   * @param png the file to write
   * @param title the chart title
   * @param series label → rows {@code {step, value}}; at least one series, each with at least one row
   * @param yLabel the y axis title, e.g. "validation accuracy (%)"
   */
  public static void trainingCurves(Path png, String title, Map<String, double[][]> series, String yLabel) {
    Objects.requireNonNull(png, "png");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(yLabel, "yLabel");
    requireNonEmpty(series, "series");
    XYChart chart = newChart(title, "step", yLabel);
    double firstStep = Double.POSITIVE_INFINITY;
    double lastStep = Double.NEGATIVE_INFINITY;
    int index = 0;
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      double[][] rows = sortedPairs(e.getValue(), "series[" + e.getKey() + "]");
      double[] x = new double[rows.length];
      double[] y = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        x[i] = rows[i][0];
        y[i] = rows[i][1];
      }
      firstStep = Math.min(firstStep, x[0]);
      lastStep = Math.max(lastStep, x[rows.length - 1]);
      XYSeries xy = chart.addSeries(e.getKey(), x, y);
      styleLine(xy, PALETTE[index++ % PALETTE.length], rows.length <= MAX_POINTS_WITH_MARKERS);
    }
    padXAxis(chart.getStyler(), firstStep, lastStep);
    chart.getStyler().setXAxisDecimalPattern("#,##0");
    write(chart, png);
  }

  private static XYChart newChart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder()
        .width(WIDTH)
        .height(HEIGHT)
        .title(title)
        .xAxisTitle(xTitle)
        .yAxisTitle(yTitle)
        .build();
    XYStyler styler = chart.getStyler();
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotBorderVisible(true);
    styler.setPlotBorderColor(Color.DARK_GRAY);
    styler.setPlotGridLinesVisible(true);
    styler.setPlotGridLinesColor(new Color(0xdddddd));
    styler.setPlotGridLinesStroke(new BasicStroke(1f));
    styler.setChartTitleBoxVisible(false);
    styler.setChartTitleFont(new Font(FONT, Font.BOLD, 22));
    styler.setAxisTitleFont(new Font(FONT, Font.PLAIN, 17));
    styler.setAxisTickLabelsFont(new Font(FONT, Font.PLAIN, 14));
    styler.setLegendFont(new Font(FONT, Font.PLAIN, 15));
    styler.setLegendPosition(LegendPosition.OutsideE);
    styler.setLegendLayout(LegendLayout.Vertical);
    styler.setLegendBorderColor(Color.WHITE);
    styler.setChartPadding(12);
    styler.setMarkerSize(9);
    styler.setYAxisLabelAlignment(TextAlignment.Right);
    styler.setSeriesColors(PALETTE);
    styler.setLocale(Locale.ROOT);
    return chart;
  }

  /**
   * Sets the x axis to [min, max] widened by 2 % on the left and 3 % on the right of its span.
   *
   * <p>The margin keeps end markers off the plot border. The asymmetry matters: when the axis ends and all x values
   * are equally spaced (bin edges, evaluation every 100 steps), XChart 4.0.3 puts ticks at data values and ignores
   * label widths, which gives odd, crowded labels; unequal margins can never both continue that spacing.
   */
  private static void padXAxis(XYStyler styler, double min, double max) {
    double span = max > min ? max - min : Math.max(1, Math.abs(min));
    styler.setXAxisMin(min - 0.02 * span);
    styler.setXAxisMax(max + 0.03 * span);
  }

  private static void styleLine(XYSeries series, Color color, boolean markers) {
    series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    series.setLineColor(color);
    series.setLineWidth(2.5f);
    series.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    series.setMarkerColor(color);
  }

  /** Checks that {@code rows} are finite pairs and returns copies sorted by their first element. */
  private static double[][] sortedPairs(double @Nullable [][] rows, String name) {
    if (rows == null || rows.length == 0) {
      throw new IllegalArgumentException(name + " has no rows");
    }
    double[][] copy = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != 2) {
        throw new IllegalArgumentException(name + " row " + i + " is not a pair {x, y}");
      }
      if (!Double.isFinite(rows[i][0]) || !Double.isFinite(rows[i][1])) {
        throw new IllegalArgumentException(name + " row " + i + " is not finite: " + Arrays.toString(rows[i]));
      }
      copy[i] = rows[i].clone();
    }
    Arrays.sort(copy, Comparator.comparingDouble(r -> r[0]));
    return copy;
  }

  private static void requireNonEmpty(Map<String, ?> map, String name) {
    Objects.requireNonNull(map, name);
    if (map.isEmpty()) {
      throw new IllegalArgumentException(name + " must hold at least one series");
    }
  }

  private static void write(XYChart chart, Path png) {
    BufferedImage image = BitmapEncoder.getBufferedImage(chart);
    try {
      Path parent = png.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (OutputStream out = Files.newOutputStream(png)) {
        if (!ImageIO.write(image, "png", out)) {
          throw new IOException("no PNG writer is installed");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }
}
