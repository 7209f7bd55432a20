package io.circuitstream.data;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Loads the standard image sets in one call, fetching them first when needed.
 *
 * <p>Loaded sets are kept in memory for the life of the JVM, keyed by data directory, corpus and
 * split, so repeated calls (from many tests, say) read and verify the files only once. The
 * returned sets share their arrays with that cache: treat them as read-only, as {@link ImageSet}
 * asks. All methods are thread-safe.
 */
public final class Datasets {

  private record Key(Path directory, Corpus corpus, Split split) {}

  private static final Map<Key, ImageSet> CACHE = new HashMap<>();

  private Datasets() {}

  /** Returns the 60 000 MNIST training images from the default data directory. */
  public static ImageSet mnistTrain() {
    return load(Corpus.MNIST, Split.TRAIN);
  }

  /** Returns the 10 000 MNIST test images from the default data directory. */
  public static ImageSet mnistTest() {
    return load(Corpus.MNIST, Split.TEST);
  }

  /** Returns the 60 000 Fashion-MNIST training images from the default data directory. */
  public static ImageSet fashionTrain() {
    return load(Corpus.FASHION_MNIST, Split.TRAIN);
  }

  /** Returns the 10 000 Fashion-MNIST test images from the default data directory. */
  public static ImageSet fashionTest() {
    return load(Corpus.FASHION_MNIST, Split.TEST);
  }

  /**
   * Returns one split of a corpus from {@link DataFetcher#defaultDirectory()}.
   *
   * @param corpus the corpus
   * @param split the split
   * @return the images and labels
   * @throws DataException if the data cannot be fetched or read
   */
  public static ImageSet load(Corpus corpus, Split split) {
    return load(new DataFetcher(DataFetcher.defaultDirectory()), corpus, split);
  }

  /**
   * Returns one split of a corpus, fetching the corpus through the given fetcher if needed.
   *
   * @param fetcher the fetcher whose directory holds the cache
   * @param corpus the corpus
   * @param split the split
   * @return the images and labels
   * @throws DataException if the data cannot be fetched or read
   */
  public static synchronized ImageSet load(DataFetcher fetcher, Corpus corpus, Split split) {
    Key key = new Key(fetcher.directory(), Objects.requireNonNull(corpus, "corpus"),
        Objects.requireNonNull(split, "split"));
    ImageSet cached = CACHE.get(key);
    if (cached == null) {
      fetcher.fetch(corpus);
      Path folder = fetcher.corpusDirectory(corpus);
      cached = IdxReader.read(folder.resolve(corpus.imagesFile(split)),
          folder.resolve(corpus.labelsFile(split)));
      CACHE.put(key, cached);
    }
    return cached;
  }
}
