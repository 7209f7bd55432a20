package io.circuitstream.data;

/** Which half of a corpus: the training examples or the held-out test examples. */
public enum Split {
  /** The training examples (60 000 for both MNIST corpora). */
  TRAIN("train"),
  /** The test examples (10 000 for both MNIST corpora). */
  TEST("t10k");

  private final String filePrefix;

  Split(String filePrefix) {
    this.filePrefix = filePrefix;
  }

  /** Returns the prefix of this split's IDX file names, {@code train} or {@code t10k}. */
  public String filePrefix() {
    return filePrefix;
  }
}
