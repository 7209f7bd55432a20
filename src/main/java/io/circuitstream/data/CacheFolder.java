package io.circuitstream.data;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A cache folder that several threads and processes fill safely: one fetch at a time, work done in
 * temporary folders that are renamed into place.
 *
 * <p>Fetches are serialised across threads by one monitor and across processes by a lock on
 * {@code <folder>/.lock}, so parallel test JVMs can share a cache. Work folders are named
 * {@code .fetch-*}; one left behind by an interrupted fetch is removed by the next.
 */
final class CacheFolder {

  /** Everything done under a cache lock: may fail with an I/O error. */
  interface Locked<T> {
    T run() throws IOException;
  }

  /** An action given a work folder. */
  interface WorkAction<T> {
    T run(Path work) throws IOException;
  }

  /** One monitor for every cache: a file lock cannot be taken twice in one JVM. */
  private static final Object JVM_LOCK = new Object();

  private CacheFolder() {}

  /**
   * Runs an action while holding the cache's locks, after removing stale work folders.
   *
   * @param folder the cache folder; must exist
   * @param progress receives a line for each stale work folder removed
   * @param action what to do
   * @return what the action returns
   * @throws IOException if the lock cannot be taken or the action fails
   */
  static <T> T locked(Path folder, Consumer<String> progress, Locked<T> action) throws IOException {
    synchronized (JVM_LOCK) {
      try (FileChannel channel = FileChannel.open(folder.resolve(".lock"), CREATE, WRITE)) {
        channel.lock(); // released when the channel closes
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(folder, ".fetch-*")) {
          for (Path work : stale) {
            progress.accept(work + ": removing the leftovers of an interrupted fetch");
            deleteRecursively(work);
          }
        }
        return action.run();
      }
    }
  }

  /**
   * Creates a fresh work folder in the cache, runs an action in it and deletes it again.
   *
   * @param folder the cache folder
   * @param name part of the work folder's name, for people looking at a leftover
   * @param progress receives a line if the work folder cannot be removed
   * @param action what to do with the work folder
   * @return what the action returns
   * @throws IOException if the folder cannot be created or the action fails
   */
  static <T> T inWorkFolder(Path folder, String name, Consumer<String> progress, WorkAction<T> action)
      throws IOException {
    Path work = Files.createTempDirectory(folder, ".fetch-" + name + "-");
    try {
      return action.run(work);
    } finally {
      try {
        deleteRecursively(work);
      } catch (IOException e) {
        progress.accept(work + ": cannot remove this temporary folder: " + e);
      }
    }
  }

  /**
   * Returns the one file in a folder that matches a glob, such as the package a tool downloaded.
   *
   * @param folder where to look
   * @param glob such as {@code *.deb}
   * @param producer what should have made the file, for the error message
   * @throws DataException if there is none or more than one
   */
  static Path single(Path folder, String glob, String producer) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, glob)) {
      files.forEach(found::add);
    }
    if (found.size() != 1) {
      throw new DataException(folder + ": expected one " + glob + " file from " + producer
          + ", found " + found.size());
    }
    return found.get(0);
  }

  /** Deletes a file or a folder with everything in it; nothing happens when it does not exist. */
  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
