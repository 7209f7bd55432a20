package io.circuitstream.finetune;

import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.train.Splits;

/**
 * The data the served models were trained on: what fine-tuning replays, and what the gate validates on.
 *
 * @param train images to sample the replayed share of each job from
 * @param validation the original validation images the gate compares on
 */
public record OriginalData(ImageSet train, ImageSet validation) {

  /**
   * Returns the MNIST training set, split as the train command splits it (80/20, seed {@value Splits#DEFAULT_SEED}).
   *
   * @param validationImages the first this many images of the validation part (0 = all 12 000)
   * @throws io.circuitstream.data.DataException if MNIST is not in the data folder and cannot be fetched
   */
  public static OriginalData mnist(int validationImages) {
    Splits.Split split = Splits.split(Datasets.mnistTrain(), 0.8, Splits.DEFAULT_SEED);
    ImageSet validation = split.validation();
    if (validationImages > 0 && validationImages < validation.size()) {
      validation = validation.slice(0, validationImages);
    }
    return new OriginalData(split.train(), validation);
  }
}
