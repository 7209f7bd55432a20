package io.circuitstream.app;

import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.ClassScores;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.circuit.Evidence;
import io.circuitstream.engine.circuit.FoldTiming;
import io.circuitstream.engine.circuit.NativeBlasPeak;
import io.circuitstream.engine.circuit.Precision;
import io.circuitstream.model.ModelFileException;
import io.circuitstream.model.ModelFiles;
import org.jspecify.annotations.Nullable;
import io.circuitstream.engine.learn.Adam;
import io.circuitstream.engine.learn.HybridLoss;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Times the engine on real MNIST test images: forward, 50 %-missing marginal, and a training step.
 *
 * <p>Each figure is the median of {@code --iterations} timed batches after {@code --warmup}
 * untimed ones.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Time forward, marginal (50%% pixels missing) and training-step throughput on MNIST test images.")
public final class BenchCommand implements Callable<Integer> {

  @Mixin CircuitOptions circuitOptions = new CircuitOptions();

  @Option(names = "--model", description = "time this model file's circuit and parameters instead of a fresh "
      + "circuit with random parameters (trained parameters can take the engine's underflow fallbacks more often)")
  java.nio.file.@Nullable Path model;

  @Option(names = "--batch", defaultValue = "256",
      description = "images per batch; 0 = as many as half the device's free memory holds (--engine nd4j) (default: ${DEFAULT-VALUE})")
  int batch = 256;

  @Option(names = "--engine", defaultValue = "folded",
      description = "folded (the CPU engine: BLAS per member, gradients) or nd4j (whole-fold ND4J operations on "
          + "ND4J's backend, a GPU with -Pcuda; forward only) (default: ${DEFAULT-VALUE})")
  String engine = "folded";

  @Option(names = "--threads", description = "threads per fold (default: available processors)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--warmup", defaultValue = "2", description = "untimed batches per measurement (default: ${DEFAULT-VALUE})")
  int warmup = 2;

  @Option(names = "--iterations", defaultValue = "5", description = "timed batches per measurement (default: ${DEFAULT-VALUE})")
  int iterations = 5;

  @Option(names = "--precision", defaultValue = "float64",
      description = "float32 or float64 storage and products (default: ${DEFAULT-VALUE})")
  String precision = "float64";

  @Option(names = "--json", description = "print one JSON object instead of a table")
  boolean json;

  @Option(names = "--profile", description = "print where the time goes, per fold, for the forward and the training runs")
  boolean profile;

  @Override
  public Integer call() {
    boolean nd4j = engine.equals("nd4j");
    if (!nd4j && !engine.equals("folded")) {
      System.err.println("bench: --engine must be folded or nd4j, got '" + engine + "'");
      return 2;
    }
    if (batch < 0 || batch == 0 && !nd4j || threads <= 0 || iterations <= 0 || warmup < 0) {
      System.err.println("bench: --batch (0 only with --engine nd4j), --threads and --iterations must be positive, "
          + "--warmup >= 0");
      return 2;
    }
    CircuitSpec spec;
    try {
      spec = model != null ? ModelFiles.read(model).spec() : circuitOptions.spec();
    } catch (IllegalArgumentException | ModelFileException e) {
      System.err.println("bench: " + e.getMessage());
      return 2;
    }
    Precision prec;
    try {
      prec = Precision.parse(precision);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: --" + e.getMessage());
      return 2;
    }
    ImageSet test = Datasets.mnistTest();
    Circuit circuit = model != null ? ModelFiles.read(model).toCircuit() : Circuit.create(spec, 1);
    long free = nd4j ? DeviceMemory.freeBytes() : 0;
    int n = Math.min(batch > 0 ? batch : circuit.suggestedNd4jBatch(prec, free), test.size());
    int v = test.pixelsPerImage();
    int[] values = new int[n * v];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = test.label(i);
      for (int j = 0; j < v; j++) {
        values[i * v + j] = test.pixel(i, j);
      }
    }
    boolean[] missing = new boolean[n * v];
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < missing.length; i++) {
      missing[i] = rnd.nextBoolean();
    }
    Evidence complete = Evidence.of(v, values);
    Evidence half = complete.withMissing(missing);

    progress(spec.regionGraph() + " " + spec.layerKind() + " circuit, " + spec.sumUnits() + " units, " + engine
        + " engine, batch " + n);
    double forward;
    double marginal;
    double train = Double.NaN;
    List<FoldTiming> forwardProfile;
    List<FoldTiming> trainProfile = List.of();
    try (Evaluator ev = nd4j ? circuit.nd4jEvaluator(n, prec) : circuit.evaluator(n, threads, false, prec)) {
      progress("forward");
      forward = imagesPerSecond(n, () -> ev.logLikelihoods(complete), ev);
      forwardProfile = ev.timings();
      progress("marginal, 50% missing");
      marginal = imagesPerSecond(n, () -> ev.logLikelihoods(half), ev);
    }
    try (Evaluator ev = nd4j ? null : circuit.evaluator(n, threads, true, prec)) {
      if (ev == null) {
        return report(spec, n, prec, circuit, forward, marginal, train, forwardProfile, trainProfile, free);
      }
      HybridLoss loss = HybridLoss.of(0.5, v);
      Adam adam = new Adam(circuit.numParameters(), 0.02);
      double[] grad = new double[circuit.numParameters()];
      double[] dOut = new double[n * circuit.numClasses()];
      progress("training step, lambda 0.5, Adam");
      train = imagesPerSecond(n, () -> {
        ClassScores out = ev.logLikelihoods(complete);
        loss.evaluate(out, labels, dOut);
        ev.backward(dOut, grad);
        adam.stepAndClear(circuit, grad, 0.02); // as the trainer does
      }, ev);
      trainProfile = ev.timings();
    }
    return report(spec, n, prec, circuit, forward, marginal, train, forwardProfile, trainProfile, free);
  }

  private int report(CircuitSpec spec, int n, Precision prec, Circuit circuit, double forward, double marginal,
      double train, List<FoldTiming> forwardProfile, List<FoldTiming> trainProfile, long free) {
    double flopsPerImage = forwardProfile.stream().mapToDouble(FoldTiming::forwardFlops).sum()
        / (iterations * (double) n);
    double peak = NativeBlasPeak.gflopsPerSecond(threads, prec);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("regionGraph", spec.regionGraph());
    r.put("layerKind", spec.layerKind().id());
    r.put("units", spec.sumUnits());
    r.put("batch", n);
    r.put("threads", threads);
    r.put("precision", precision);
    r.put("engine", engine);
    if (engine.equals("nd4j")) {
      r.put("nd4jBackend", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName());
      r.put("deviceFreeMiB", free >> 20);
    }
    r.put("iterations", iterations);
    r.put("forwardImagesPerSecond", round(forward));
    r.put("marginalImagesPerSecond", round(marginal));
    if (!Double.isNaN(train)) {
      r.put("trainImagesPerSecond", round(train));
    }
    r.put("parameters", circuit.numParameters());
    r.put("layersUnfolded", circuit.layersUnfolded());
    r.put("layersFolded", circuit.layersFolded());
    r.put("peakRssMiB", peakRssMiB());
    r.put("forwardMflopPerImage", round(flopsPerImage / 1e6));
    r.put("forwardGflopsPerSecond", round(forward * flopsPerImage / 1e9));
    r.put("blasPeakGflopsPerSecond", round(peak));
    r.put("java", System.getProperty("java.version"));
    if (json) {
      System.out.println(Json.object(r));
    } else {
      r.forEach((k, val) -> System.out.printf(Locale.ROOT, "%-26s %s%n", k, val));
    }
    if (profile) {
      printProfile("forward pass", forwardProfile, peak);
      if (!trainProfile.isEmpty()) {
        printProfile("training step (forward + backward; Adam and the loss are outside the folds)", trainProfile, peak);
      }
    }
    return 0;
  }

  private static double round(double x) {
    return Math.round(x * 10) / 10.0;
  }

  private void printProfile(String title, List<FoldTiming> timings, double peak) {
    PrintStream out = json ? System.err : System.out;
    double total = timings.stream().mapToDouble(t -> t.forwardSeconds() + t.backwardSeconds()).sum();
    out.printf(Locale.ROOT, "%n%s, per batch of %d (median run of %d; BLAS peak %.1f GFLOP/s):%n", title, batch,
        iterations, peak);
    out.printf(Locale.ROOT, "%-52s %10s %10s %7s %9s %7s%n", "fold", "fwd ms", "bwd ms", "share", "GFLOP/s", "%peak");
    for (FoldTiming t : timings) {
      double ms = 1000.0 / iterations;
      double share = total == 0 ? 0 : (t.forwardSeconds() + t.backwardSeconds()) / total;
      out.printf(Locale.ROOT, "%-52s %10.1f %10.1f %6.1f%% %9.1f %6.1f%%%n", t.name(), t.forwardSeconds() * ms,
          t.backwardSeconds() * ms, 100 * share, t.gflopsPerSecond(), peak == 0 ? 0 : 100 * t.gflopsPerSecond() / peak);
    }
    out.println("GFLOP/s counts every example's products. A cp circuit's dense layers multiply one column per group of"
        + " examples with the same pixels under the layer, so for cp these are effective rates, which can pass the peak.");
  }

  private double imagesPerSecond(int n, Runnable batchRun, Evaluator ev) {
    for (int i = 0; i < warmup; i++) {
      batchRun.run();
    }
    ev.resetTimings();
    double[] rates = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long t = System.nanoTime();
      batchRun.run();
      rates[i] = n / ((System.nanoTime() - t) / 1e9);
      progress(String.format(Locale.ROOT, "  batch %d/%d: %.1f images/s", i + 1, iterations, rates[i]));
    }
    Arrays.sort(rates);
    return iterations % 2 == 1 ? rates[iterations / 2] : (rates[iterations / 2 - 1] + rates[iterations / 2]) / 2;
  }

  private static void progress(String line) {
    System.err.println("bench: " + line);
  }

  /** Returns the peak resident set size from /proc, or -1 where there is none. */
  static long peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
