package io.circuitstream.train;

import io.circuitstream.data.ImageSet;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded train/validation splits of an image set. */
public final class Splits {
  /** The seed of the notebook-style 80/20 split of MNIST train. */
  public static final long DEFAULT_SEED = 13;

  private Splits() {}

  /**
   * A pair of disjoint image sets.
   *
   * @param train the training part
   * @param validation the held-out part
   */
  public record Split(ImageSet train, ImageSet validation) {}

  /**
   * Splits {@code data} at random into {@code trainFraction} for training and the rest for validation.
   *
   * @param seed seed of the permutation
   */
  public static Split split(ImageSet data, double trainFraction, long seed) {
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new IllegalArgumentException("trainFraction must be in (0, 1), got " + trainFraction);
    }
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int cut = (int) (trainFraction * n);
    return new Split(data.subset(Arrays.copyOfRange(order, 0, cut)), data.subset(Arrays.copyOfRange(order, cut, n)));
  }
}
