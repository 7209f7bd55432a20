package io.circuitstream.engine.circuit;

import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Structure.FoldType;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of the folded evaluator: one fold at a time, the whole forward pass and a training
 * step, on the default circuit and real MNIST test images.
 *
 * <p>Run them with the command in the README's performance section; {@code FoldBenchmarkTest} only
 * checks that they still run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FoldBenchmark {
  /**
   * Which fold: the input layer, the CP blocks at height 2 (in inference they also compute the
   * height-1 blocks they read, so the height-1 fold has nothing left to do there) and the mixing
   * layer at height 2.
   */
  @Param({"input", "cp-h2", "mixing-h2"})
  public String fold = "cp-h2";

  @Param({"256", "8"})
  public int batch = 256;

  @Param({"FLOAT64", "FLOAT32"})
  public Precision precision = Precision.FLOAT64;

  /** Units per region; 64 is the default circuit, smaller values make quick checks. */
  @Param({"64"})
  public int units = 64;

  private Circuit circuit;
  private FoldedEvaluator evaluator;
  private FoldedEvaluator trainer;
  private Evidence evidence;
  private double[] outputGradient;
  private double[] gradient;
  private int foldIndex;

  /** Builds the circuit, the evaluators and a batch of MNIST test images, and runs one forward pass. */
  @Setup(Level.Trial)
  public void setUp() {
    circuit = Circuit.create(CircuitSpec.builder().units(units).build(), 42);
    ImageSet images = Datasets.mnistTest().slice(0, batch);
    int pixels = images.pixelsPerImage();
    int[] values = new int[batch * pixels];
    for (int i = 0; i < values.length; i++) {
      values[i] = images.pixel(i / pixels, i % pixels);
    }
    evidence = Evidence.of(pixels, values);
    evaluator = (FoldedEvaluator) circuit.evaluator(batch, Runtime.getRuntime().availableProcessors(), false,
        precision);
    trainer = (FoldedEvaluator) circuit.evaluator(batch, Runtime.getRuntime().availableProcessors(), true, precision);
    evaluator.logLikelihoods(evidence);
    String[] parts = fold.split("-h");
    FoldType type = switch (parts[0]) {
      case "input" -> FoldType.INPUT;
      case "cp" -> FoldType.CP_BLOCK;
      case "mixing" -> FoldType.MIXING;
      default -> throw new IllegalArgumentException("unknown fold " + fold);
    };
    foldIndex = evaluator.foldIndex(type, parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
    if (foldIndex < 0) {
      throw new IllegalArgumentException("the circuit has no fold " + fold);
    }
    outputGradient = new double[batch * circuit.numClasses()];
    Random rnd = new Random(1);
    Arrays.setAll(outputGradient, i -> rnd.nextGaussian());
    gradient = new double[circuit.numParameters()];
  }

  /** Releases the evaluators' native memory. */
  @TearDown(Level.Trial)
  public void tearDown() {
    evaluator.close();
    trainer.close();
  }

  /** One fold's forward pass over the batch. */
  @Benchmark
  public void foldForward() {
    evaluator.forwardFold(foldIndex);
  }

  /** The whole forward pass (the parameters are already in place). */
  @Benchmark
  public ClassScores forward() {
    return evaluator.logLikelihoods(evidence);
  }

  /** Forward and backward of a training step with fresh parameters (as after an Adam update). */
  @Benchmark
  public double[] trainingStep() {
    circuit.updateParameters(theta -> { });
    trainer.logLikelihoods(evidence);
    trainer.backward(outputGradient, gradient);
    return gradient;
  }
}
