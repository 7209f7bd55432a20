package io.circuitstream.train;

import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.ClassScores;
import io.circuitstream.engine.circuit.Evaluator;
import io.circuitstream.engine.circuit.Evidence;
import io.circuitstream.engine.learn.HybridLoss;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Scores a whole image set with a circuit: accuracy, losses, and each image's log-likelihood.
 */
public final class Scoring {
  private Scoring() {}

  /**
   * The result of scoring a set.
   *
   * @param metrics mean losses and accuracy over the set
   * @param predictions most probable class per image
   * @param logLikelihood {@code log p(x_obs)} per image (prior of the loss)
   * @param observed observed pixels per image
   */
  public record Result(HybridLoss.Value metrics, int[] predictions, double[] logLikelihood, int[] observed) {
    /** Returns the OOD score of each image: negative log-likelihood per observed pixel. */
    public double[] nllPerPixel() {
      double[] s = new double[logLikelihood.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = -logLikelihood[i] / observed[i];
      }
      return s;
    }
  }

  /**
   * Scores every image of {@code data}.
   *
   * @param evaluator an evaluator of the circuit; its capacity is the batch size
   * @param loss the loss whose components are reported
   * @param missingRate fraction of pixels missing per image, exactly round(rate·|X|) of them (0 = none)
   * @param seed seed of the masks
   * @param progress told the number of images done after each batch
   */
  public static Result score(Evaluator evaluator, ImageSet data, HybridLoss loss, double missingRate, long seed,
      IntConsumer progress) {
    int n = data.size();
    int cap = evaluator.capacity();
    Batcher batcher = new Batcher(data, cap);
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] predictions = new int[n];
    double[] ll = new double[n];
    int[] observed = new int[n];
    double gen = 0;
    double dis = 0;
    int correct = 0;
    for (int from = 0; from < n; from += cap) {
      int to = Math.min(n, from + cap);
      Evidence e = batcher.load(null, from, to, missingRate, Batcher.MaskMode.EXACT_COUNT, rnd);
      ClassScores out = evaluator.logLikelihoods(e);
      HybridLoss.Value v = loss.evaluate(out, batcher.labels(), null);
      gen += v.genLoss() * v.size();
      dis += v.disLoss() * v.size();
      correct += v.correct();
      ClassScores post = out.posterior(loss.logPrior());
      double[] marginal = out.logMarginal(loss.logPrior());
      for (int i = 0; i < e.size(); i++) {
        predictions[from + i] = post.argmax(i);
        ll[from + i] = marginal[i];
        observed[from + i] = e.observed(i);
      }
      progress.accept(to);
    }
    double meanGen = gen / n;
    double meanDis = dis / n;
    HybridLoss.Value metrics = new HybridLoss.Value(
        loss.lambda() * meanDis + (1 - loss.lambda()) * meanGen / loss.numVariables(), meanGen, meanDis, correct, n);
    return new Result(metrics, predictions, ll, observed);
  }
}
