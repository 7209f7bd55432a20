package io.circuitstream.engine.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.circuitstream.engine.regiongraph.RegionGraphs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Exactness of the folded engine on tiny circuits, by enumeration and finite differences. */
class CircuitExactnessTest {

  /** Every region graph × every sum-product block × a few image shapes and category counts. */
  static Stream<Arguments> tinyCircuits() {
    List<Arguments> out = new ArrayList<>();
    int[][] shapes = {{2, 2, 4}, {3, 3, 2}, {2, 3, 3}};
    for (String graph : RegionGraphs.names()) {
      for (LayerKind kind : LayerKind.values()) {
        for (int[] shape : shapes) {
          out.add(Arguments.of(graph, kind, shape[0], shape[1], shape[2]));
        }
      }
    }
    return out.stream();
  }

  static CircuitSpec spec(String graph, LayerKind kind, int h, int w, int categories) {
    return CircuitSpec.builder()
        .regionGraph(graph)
        .imageShape(h, w)
        .layerKind(kind)
        .inputUnits(kind == LayerKind.CP ? 3 : 2)
        .sumUnits(kind == LayerKind.CP ? 4 : 2)
        .numClasses(3)
        .numCategories(categories)
        .graphSeed(7)
        .build();
  }

  /** All categories^pixels images, example-major. */
  static int[] allImages(int pixels, int categories) {
    int count = (int) Math.pow(categories, pixels);
    int[] values = new int[count * pixels];
    for (int i = 0; i < count; i++) {
      int rem = i;
      for (int j = 0; j < pixels; j++) {
        values[i * pixels + j] = rem % categories;
        rem /= categories;
      }
    }
    return values;
  }

  static double logSumExp(double[] a) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : a) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (double v : a) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void everyClassConditionalSumsToOneOverAllImages(String graph, LayerKind kind, int h, int w, int cats) {
    Circuit circuit = Circuit.create(spec(graph, kind, h, w, cats), 11);
    int pixels = h * w;
    Evidence all = Evidence.of(pixels, allImages(pixels, cats));
    try (Evaluator ev = circuit.evaluator(all.size(), 2, false)) {
      ClassScores scores = ev.logLikelihoods(all);
      for (int y = 0; y < circuit.numClasses(); y++) {
        double[] column = new double[all.size()];
        for (int i = 0; i < all.size(); i++) {
          column[i] = scores.get(i, y);
        }
        assertThat(Math.exp(logSumExp(column))).as("class %d", y).isCloseTo(1.0, within(1e-5));
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void marginalEqualsBruteForceSumOverMissingPixels(String graph, LayerKind kind, int h, int w, int cats) {
    Circuit circuit = Circuit.create(spec(graph, kind, h, w, cats), 12);
    int pixels = h * w;
    int[] images = allImages(pixels, cats);
    ClassScores full;
    try (Evaluator ev = circuit.evaluator(images.length / pixels, 2, false)) {
      full = ev.logLikelihoods(Evidence.of(pixels, images));
    }
    Random rnd = new Random(3);
    int trials = 6;
    int[] values = new int[trials * pixels];
    boolean[] missing = new boolean[trials * pixels];
    for (int t = 0; t < trials; t++) {
      for (int j = 0; j < pixels; j++) {
        values[t * pixels + j] = rnd.nextInt(cats);
        missing[t * pixels + j] = rnd.nextInt(3) == 0;
      }
    }
    ClassScores marginal;
    try (Evaluator ev = circuit.evaluator(trials, 1, false)) {
      marginal = ev.logLikelihoods(new Evidence(trials, pixels, values, missing));
    }
    for (int t = 0; t < trials; t++) {
      for (int y = 0; y < circuit.numClasses(); y++) {
        List<Double> consistent = new ArrayList<>();
        for (int i = 0; i < images.length / pixels; i++) {
          boolean match = true;
          for (int j = 0; j < pixels && match; j++) {
            match = missing[t * pixels + j] || images[i * pixels + j] == values[t * pixels + j];
          }
          if (match) {
            consistent.add(full.get(i, y));
          }
        }
        double brute = logSumExp(consistent.stream().mapToDouble(Double::doubleValue).toArray());
        assertThat(marginal.get(t, y)).as("trial %d class %d", t, y).isCloseTo(brute, within(1e-9));
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void everyPixelMissingGivesLogOneForEveryClass(String graph, LayerKind kind, int h, int w, int cats) {
    Circuit circuit = Circuit.create(spec(graph, kind, h, w, cats), 13);
    int pixels = h * w;
    boolean[] missing = new boolean[2 * pixels];
    java.util.Arrays.fill(missing, true);
    try (Evaluator ev = circuit.evaluator(2, 1, false)) {
      ClassScores s = ev.logLikelihoods(new Evidence(2, pixels, new int[2 * pixels], missing));
      for (double v : s.values()) {
        assertThat(v).isCloseTo(0.0, within(1e-12));
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void foldedAndUnfoldedEvaluationAgree(String graph, LayerKind kind, int h, int w, int cats) {
    Circuit circuit = Circuit.create(spec(graph, kind, h, w, cats), 14);
    Evidence e = randomEvidence(circuit.numVariables(), cats, 5, 0.3, 21);
    ClassScores reference = circuit.evaluateUnfolded(e);
    try (Evaluator ev = circuit.evaluator(8, 2, false)) {
      assertThat(ev.logLikelihoods(e).values()).containsExactly(reference.values(), within(1e-10));
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void batchesOfEverySizeInOneEvaluatorMatchAnEvaluatorOfExactlyTheirSize(String graph, LayerKind kind, int h, int w,
      int cats) {
    // The blocks of a batch are laid out for its size, not the capacity: successive batches of other
    // sizes must not read one another's values, forward or backward.
    Circuit circuit = Circuit.create(spec(graph, kind, h, w, cats), 17);
    int[] sizes = {7, 3, 8, 1, 5};
    try (Evaluator shared = circuit.evaluator(8, 2, true)) {
      for (int i = 0; i < sizes.length; i++) {
        Evidence e = randomEvidence(circuit.numVariables(), cats, sizes[i], 0.3, 40 + i);
        double[] coeff = new Random(i).doubles((long) sizes[i] * circuit.numClasses(), -1, 1).toArray();
        double[] gradient = new double[circuit.numParameters()];
        double[] values = shared.logLikelihoods(e).values();
        shared.backward(coeff, gradient);
        try (Evaluator exact = circuit.evaluator(sizes[i], 2, true)) {
          double[] expectedGradient = new double[circuit.numParameters()];
          assertThat(values).as("batch of %d", sizes[i]).containsExactly(exact.logLikelihoods(e).values(), within(1e-12));
          exact.backward(coeff, expectedGradient);
          for (int j = 0; j < gradient.length; j++) {
            assertThat(gradient[j]).as("batch of %d, parameter %d", sizes[i], j)
                .isCloseTo(expectedGradient[j], within(1e-12 + 1e-10 * Math.abs(expectedGradient[j])));
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void gradientsAgreeWithCentralFiniteDifferences(String graph, LayerKind kind, int h, int w, int cats) {
    Circuit circuit = Circuit.create(spec(graph, kind, h, w, cats), 15);
    Evidence e = randomEvidence(circuit.numVariables(), cats, 4, 0.25, 22);
    Random rnd = new Random(5);
    double[] coeff = new double[e.size() * circuit.numClasses()];
    for (int i = 0; i < coeff.length; i++) {
      coeff[i] = rnd.nextGaussian();
    }
    double[] analytic = new double[circuit.numParameters()];
    try (Evaluator ev = circuit.evaluator(4, 2, true)) {
      ev.logLikelihoods(e);
      ev.backward(coeff, analytic);
    }
    double[] theta = circuit.parameters();
    double eps = 1e-5;
    for (int trial = 0; trial < 60; trial++) {
      int i = trial < 20 ? rnd.nextInt(circuit.numParameters()) : theta.length - 1 - rnd.nextInt(theta.length / 2);
      double saved = theta[i];
      theta[i] = saved + eps;
      double up = weightedSum(circuit, theta, e, coeff);
      theta[i] = saved - eps;
      double down = weightedSum(circuit, theta, e, coeff);
      theta[i] = saved;
      double numeric = (up - down) / (2 * eps);
      assertThat(analytic[i]).as("parameter %d", i)
          .isCloseTo(numeric, within(1e-6 + 1e-5 * Math.abs(numeric)));
    }
  }

  private static double weightedSum(Circuit circuit, double[] theta, Evidence e, double[] coeff) {
    circuit.setParameters(theta);
    double[] v = circuit.evaluateUnfolded(e).values();
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += coeff[i] * v[i];
    }
    return s;
  }

  static Evidence randomEvidence(int pixels, int cats, int size, double missingRate, long seed) {
    Random rnd = new Random(seed);
    int[] values = new int[size * pixels];
    boolean[] missing = new boolean[size * pixels];
    for (int i = 0; i < values.length; i++) {
      values[i] = rnd.nextInt(cats);
      missing[i] = rnd.nextDouble() < missingRate;
    }
    return new Evidence(size, pixels, values, missing);
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void extremeParametersUnderflowNothingThatLogSpaceKeeps(String graph, LayerKind kind, int h, int w, int cats) {
    // Input logits with a spread of thousands make pixel probabilities underflow, and sum-weight logits
    // spread over ±350 make products of dense outputs underflow; log space must still give every value.
    // (Sum weights themselves are kept in linear space, as in cirkit: a weight below 1e-308 would be 0,
    // so the weight logits stay within a gap of 700.)
    CircuitSpec spec = spec(graph, kind, h, w, cats);
    Circuit circuit = Circuit.create(spec, 16);
    double[] theta = circuit.parameters();
    int inputs = spec.numVariables() * spec.inputUnits() * cats;
    for (int i = 0; i < theta.length; i++) {
      theta[i] = i < inputs ? 1000 * theta[i] : Math.max(-350, Math.min(350, 150 * theta[i]));
    }
    circuit.setParameters(theta);
    Evidence e = randomEvidence(circuit.numVariables(), cats, 6, 0.2, 23);
    ClassScores reference = circuit.evaluateUnfolded(e);
    for (Circuit c : List.of(circuit, Circuit.readOnlyView(spec, theta))) {
      try (Evaluator ev = c.evaluator(8, 2, false)) {
        double[] folded = ev.logLikelihoods(e).values();
        for (int i = 0; i < folded.length; i++) {
          assertThat(reference.values()[i]).isFinite();
          assertThat(folded[i]).as("entry %d", i)
              .isCloseTo(reference.values()[i], within(1e-9 * Math.max(1, Math.abs(reference.values()[i]))));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void partlyUnderflowingProbabilitiesAndProductsAgreeWithTheReference(String graph, LayerKind kind, int h, int w,
      int cats) {
    // Between ordinary and extreme: input spreads of 100–500 leave each pixel value's most likely unit
    // normal while other units' probabilities underflow, and products of dense outputs underflow
    // entirely in some columns. Both cases must be taken through log space, in the inference evaluator
    // (lookup tables) and the training one.
    CircuitSpec spec = spec(graph, kind, h, w, cats);
    int inputs = spec.numVariables() * spec.inputUnits() * cats;
    for (double inputSpread : new double[] {100, 200, 300, 500}) {
      for (double weightSpread : new double[] {150, 300}) {
        for (long seed = 1; seed <= 6; seed++) {
          Circuit circuit = Circuit.create(spec, seed);
          double[] theta = circuit.parameters();
          for (int i = 0; i < theta.length; i++) {
            theta[i] = i < inputs ? inputSpread * theta[i] : Math.max(-350, Math.min(350, weightSpread * theta[i]));
          }
          circuit.setParameters(theta);
          Evidence e = randomEvidence(circuit.numVariables(), cats, 6, 0.2, 23 + seed);
          assertEvaluatorsAgreeWithTheReference(circuit, e, Precision.FLOAT64, 1e-9,
              String.format("input spread %s, weight spread %s, seed %d", inputSpread, weightSpread, seed));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void mixingColumnsRedoneInLogSpaceGiveTheSameValuesAndGradients(String graph, LayerKind kind, int h, int w,
      int cats) {
    // The linear mixing layer falls back to log space for columns whose values would underflow; forcing
    // every column through that path must change nothing, at ordinary and at extreme parameters.
    for (double spread : new double[] {1, 60}) {
      Circuit circuit = Circuit.create(spec(graph, kind, h, w, cats), 18);
      double[] theta = circuit.parameters();
      for (int i = 0; i < theta.length; i++) {
        theta[i] *= spread;
      }
      circuit.setParameters(theta);
      Evidence e = randomEvidence(circuit.numVariables(), cats, 5, 0.3, 25);
      double[] coeff = new double[e.size() * circuit.numClasses()];
      Random rnd = new Random(6);
      for (int i = 0; i < coeff.length; i++) {
        coeff[i] = rnd.nextGaussian();
      }
      double[] gLinear = new double[circuit.numParameters()];
      double[] gLog = new double[circuit.numParameters()];
      double[] linear;
      double[] log;
      try (Evaluator ev = circuit.evaluator(8, 2, true)) {
        linear = ev.logLikelihoods(e).values();
        ev.backward(coeff, gLinear);
      }
      try (Evaluator ev = circuit.evaluator(8, 2, true)) {
        ((FoldedEvaluator) ev).forceLogSpaceMixing();
        log = ev.logLikelihoods(e).values();
        ev.backward(coeff, gLog);
      }
      ClassScores reference = circuit.evaluateUnfolded(e);
      for (int i = 0; i < linear.length; i++) {
        assertThat(log[i]).as("spread %s, output %d", spread, i)
            .isCloseTo(reference.values()[i], within(1e-9 * Math.max(1, Math.abs(reference.values()[i]))));
        assertThat(linear[i]).as("spread %s, output %d", spread, i)
            .isCloseTo(log[i], within(1e-9 * Math.max(1, Math.abs(log[i]))));
      }
      for (int i = 0; i < gLinear.length; i++) {
        assertThat(gLog[i]).as("spread %s, parameter %d", spread, i)
            .isCloseTo(gLinear[i], within(1e-8 * Math.max(1, Math.abs(gLinear[i]))));
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void pixelBlocksWhoseProductsUnderflowEntirelyAgreeWithTheReference(String graph, LayerKind kind, int h, int w,
      int cats) {
    // Unit 0 of every pixel is uniform over the values and every other unit puts all but e^-gap of its
    // mass on the last value, so at value 0 (every observed pixel below) unit 0 is the likeliest by
    // `gap` nats; every dense layer over pixels gives unit 0 a weight `weight` nats below the others.
    // Each dense output is then about e^-gap, normal, but the product of two is below the precision's
    // range in every column, so a height-1 block (the inference evaluator's lookup-table kernel) must
    // take the whole block through log space.
    CircuitSpec spec = spec(graph, kind, h, w, cats);
    Structure st = new Structure(spec);
    for (Precision precision : Precision.values()) {
      double gap = precision == Precision.FLOAT64 ? 400 : 50;
      double weight = precision == Precision.FLOAT64 ? 700 : 80;
      Circuit circuit = Circuit.create(spec, 9);
      double[] theta = circuit.parameters();
      for (int var = 0; var < st.numVars; var++) {
        for (int k = 0; k < spec.inputUnits(); k++) {
          for (int u = 0; u < cats; u++) {
            theta[st.inputOffset(var, k) + u] = k == 0 || u == cats - 1 ? 0 : -gap;
          }
        }
      }
      for (int p = 0; p < st.numParts; p++) {
        if (Arrays.stream(st.partChildren[p]).allMatch(c -> c < st.numVars)) {
          int layers = kind == LayerKind.CP ? st.partChildren[p].length : 1; // CP: one per child
          for (int d = st.partFirstDense[p]; d < st.partFirstDense[p] + layers; d++) {
            for (int j = 0; j < st.denseOut[d]; j++) {
              for (int k = 0; k < st.denseIn[d]; k++) {
                theta[st.denseOffset[d] + j * st.denseIn[d] + k] = k == 0 ? -weight : 0;
              }
            }
          }
        }
      }
      circuit.setParameters(theta);
      int size = 6;
      boolean[] missing = new boolean[size * st.numVars];
      Random rnd = new Random(41);
      for (int i = 0; i < missing.length; i++) {
        missing[i] = rnd.nextDouble() < 0.1;
      }
      Evidence e = new Evidence(size, st.numVars, new int[size * st.numVars], missing);
      assertEvaluatorsAgreeWithTheReference(circuit, e, precision, precision == Precision.FLOAT64 ? 1e-9 : 1e-5,
          precision.label());
    }
  }

  /**
   * Asserts that the inference and the training evaluator of {@code precision}, and the inference
   * evaluator of a read-only view of the same parameters (which reads them once and keeps only the
   * log-probabilities of underflowing pixel values), give the unfolded reference's log-likelihoods to
   * {@code tolerance} relative (absolute below 1).
   */
  private static void assertEvaluatorsAgreeWithTheReference(Circuit circuit, Evidence e, Precision precision,
      double tolerance, String context) {
    double[] reference = circuit.evaluateUnfolded(e).values();
    Circuit view = Circuit.readOnlyView(circuit.spec(), circuit.parameters());
    for (String which : new String[] {"inference", "read-only inference", "training"}) {
      Circuit c = which.startsWith("read-only") ? view : circuit;
      try (Evaluator ev = c.evaluator(8, 2, which.equals("training"), precision)) {
        double[] folded = ev.logLikelihoods(e).values();
        for (int i = 0; i < folded.length; i++) {
          assertThat(folded[i])
              .as("%s, %s evaluator, entry %d", context, which, i)
              .isCloseTo(reference[i], within(tolerance * Math.max(1, Math.abs(reference[i]))));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void float32ProductsThatUnderflowTheFloatRangeAgreeWithTheReference(String graph, LayerKind kind, int h, int w,
      int cats) {
    // Spreads at which float32 values (normal down to 1e-38) underflow where float64 ones do not: the
    // float32 evaluators must find those columns and take them through log space as well. (Weight
    // spreads of 25-30 already put some sum weights below float32's range for some seeds, which
    // float32 storage cannot hold: see Precision. These images, with a fifth of their pixels missing,
    // still agree; complete images fail 2 of the 36 circuits at input spread 60, weight spread 30.)
    CircuitSpec spec = spec(graph, kind, h, w, cats);
    int inputs = spec.numVariables() * spec.inputUnits() * cats;
    for (double inputSpread : new double[] {15, 30, 60}) {
      for (double weightSpread : new double[] {25, 30}) {
        for (long seed = 1; seed <= 4; seed++) {
          Circuit circuit = Circuit.create(spec, seed);
          double[] theta = circuit.parameters();
          for (int i = 0; i < theta.length; i++) {
            theta[i] *= i < inputs ? inputSpread : weightSpread;
          }
          circuit.setParameters(theta);
          Evidence e = randomEvidence(circuit.numVariables(), cats, 6, 0.2, 31 + seed);
          assertEvaluatorsAgreeWithTheReference(circuit, e, Precision.FLOAT32, 1e-4,
              String.format("input spread %s, weight spread %s, seed %d", inputSpread, weightSpread, seed));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void float32ProductsOfCompleteImagesThatUnderflowAgreeWithTheReference(String graph, LayerKind kind, int h,
      int w, int cats) {
    // The other regime: complete images, with every input logit at +-inputGap/2 and every sum-weight
    // logit at +-weightGap/2 (by the sign of a random draw), so that pixel probabilities and weights,
    // each inside float32's range, make a product of two observed pixels' unit values underflow it:
    // every float32 path for observed pixels must find those products and take them through log space.
    // A unit lost to such an underflow changes a log-likelihood only when a later product needs it,
    // which takes many draws: a float32 row product that skipped the underflow check failed 4 of these
    // 36 circuits (seeds 4, 15, 25 and 33 at weight gap 60), hence 40 seeds. (The current lookup path
    // multiplies in float64 before storing, which these products do not underflow.)
    CircuitSpec spec = spec(graph, kind, h, w, cats);
    int inputs = spec.numVariables() * spec.inputUnits() * cats;
    for (double inputGap : new double[] {50, 70}) {
      for (double weightGap : new double[] {40, 60, 80}) {
        for (long seed = 1; seed <= 40; seed++) {
          Circuit circuit = Circuit.create(spec, seed);
          double[] theta = circuit.parameters();
          for (int i = 0; i < theta.length; i++) {
            theta[i] = Math.copySign((i < inputs ? inputGap : weightGap) / 2, theta[i]);
          }
          circuit.setParameters(theta);
          Evidence e = randomEvidence(circuit.numVariables(), cats, 6, 0.0, 61 + seed);
          assertEvaluatorsAgreeWithTheReference(circuit, e, Precision.FLOAT32, 1e-4,
              String.format("input gap %s, weight gap %s, seed %d", inputGap, weightGap, seed));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3} categories={4}")
  @MethodSource("tinyCircuits")
  void float32EvaluationAndGradientsAgreeWithFloat64ToFloatPrecision(String graph, LayerKind kind, int h, int w,
      int cats) {
    Circuit circuit = Circuit.create(spec(graph, kind, h, w, cats), 17);
    Evidence e = randomEvidence(circuit.numVariables(), cats, 5, 0.3, 24);
    double[] coeff = new double[e.size() * circuit.numClasses()];
    java.util.Arrays.fill(coeff, 0.5);
    double[] g64 = new double[circuit.numParameters()];
    double[] g32 = new double[circuit.numParameters()];
    double[] v64;
    double[] v32;
    try (Evaluator ev = circuit.evaluator(8, 2, true, Precision.FLOAT64)) {
      v64 = ev.logLikelihoods(e).values();
      ev.backward(coeff, g64);
    }
    try (Evaluator ev = circuit.evaluator(8, 2, true, Precision.FLOAT32)) {
      v32 = ev.logLikelihoods(e).values();
      ev.backward(coeff, g32);
    }
    for (int i = 0; i < v64.length; i++) {
      assertThat(v32[i]).as("output %d", i).isCloseTo(v64[i], within(1e-5 * Math.max(1, Math.abs(v64[i]))));
    }
    double norm = 0;
    for (double g : g64) {
      norm = Math.max(norm, Math.abs(g));
    }
    for (int i = 0; i < g64.length; i++) {
      assertThat(g32[i]).as("gradient %d", i).isCloseTo(g64[i], within(1e-4 * norm));
    }
  }
}
