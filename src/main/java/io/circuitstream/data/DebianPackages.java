package io.circuitstream.data;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Obtains the files of a Debian package without installing it: {@code apt-get download}, then
 * {@code dpkg -x}.
 *
 * <p>Nothing is installed and no root rights are needed, except that an empty or stale package
 * index is refreshed with {@code apt-get update} once when the download fails and the process runs
 * as root. {@code apt-get download} checks the package against the signed index.
 *
 * <p>{@link #unpacked} keeps a package's files in a cache folder, {@code <cache>/<package>/}, with
 * the same safety as {@link DataFetcher}: locked across threads and processes, extracted into a
 * temporary folder and renamed into place, and left alone once every file the caller needs is
 * there. Fashion-MNIST ({@code dataset-fashion-mnist}) and the Prometheus binaries the tests run
 * ({@code prometheus}) come this way.
 */
public final class DebianPackages {

  private DebianPackages() {}

  /**
   * Returns the folder holding a package's unpacked files, fetching the package on first use.
   *
   * <p>When {@code <cache>/<package>/} already holds every file in {@code required}, it is returned
   * as it is and no tool runs: files placed there by hand count too. Otherwise the folder is
   * replaced by a fresh extraction.
   *
   * @param cache the cache folder, such as {@code data/tools}; created when needed
   * @param packageName the Debian package, such as {@code prometheus}
   * @param required paths inside the package that must exist, such as {@code usr/bin/promtool}
   * @param hint what to install, or how to place the files by hand, when apt-get or dpkg is missing
   * @param progress receives one line for each action taken
   * @return {@code <cache>/<package>}, holding the package's files under their paths ({@code usr/...})
   * @throws DataException if a tool is missing or fails, or the package lacks a required file
   */
  public static Path unpacked(Path cache, String packageName, List<String> required, String hint,
      Consumer<String> progress) {
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(progress, "progress");
    Path folder = cache.toAbsolutePath().normalize();
    Path target = folder.resolve(packageName);
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new DataException(folder + ": cannot create the cache folder: " + e, e);
    }
    try {
      return CacheFolder.locked(folder, progress, () -> {
        List<String> absent = absent(target, required);
        if (absent.isEmpty()) {
          return target;
        }
        if (Files.exists(target)) {
          progress.accept(target + ": incomplete (no " + String.join(", ", absent) + "); fetching "
              + packageName + " again");
          CacheFolder.deleteRecursively(target);
        }
        return CacheFolder.inWorkFolder(folder, packageName, progress, work -> {
          Path root = downloadAndUnpack(work, packageName, hint, progress);
          List<String> lacking = absent(root, required);
          if (!lacking.isEmpty()) {
            throw new DataException("the Debian package " + packageName + " does not contain "
                + String.join(", ", lacking) + ". " + hint);
          }
          Files.move(root, target, ATOMIC_MOVE);
          progress.accept(target + ": unpacked " + packageName);
          return target;
        });
      });
    } catch (IOException e) {
      throw new DataException(target + ": cannot fetch " + packageName + ": " + e, e);
    }
  }

  /**
   * Downloads a package into a work folder and unpacks it there.
   *
   * @param work an empty folder of the caller's
   * @param packageName the Debian package
   * @param hint what to install when apt-get or dpkg is missing, or how to get the files by hand
   * @param progress receives one line for each tool run
   * @return the folder the package was unpacked into: its {@code usr/}, {@code etc/} ... are there
   * @throws DataException if a tool is missing or fails
   * @throws IOException if the work folder cannot be written
   */
  static Path downloadAndUnpack(Path work, String packageName, String hint, Consumer<String> progress)
      throws IOException {
    String fullHint = "apt-get and dpkg come with Debian-based systems (Debian, Ubuntu). " + hint;
    progress.accept(packageName + ": running apt-get download " + packageName);
    ExternalCommand.Result download = ExternalCommand.run(work, fullHint, "apt-get", "download", packageName);
    if (!download.succeeded()) {
      String user = System.getProperty("user.name", "?");
      if (!"root".equals(user)) {
        throw new DataException(download.failure() + "The package lists may be empty: run"
            + " apt-get update as root (this process runs as " + user + ", not root) and retry. "
            + fullHint);
      }
      progress.accept(packageName + ": apt-get download failed; running apt-get update once");
      ExternalCommand.runOrFail(work, fullHint, "apt-get", "update");
      ExternalCommand.runOrFail(work, fullHint, "apt-get", "download", packageName);
    }
    Path deb = CacheFolder.single(work, "*.deb", "apt-get download " + packageName);
    Path unpacked = work.resolve("deb");
    ExternalCommand.runOrFail(work, fullHint, "dpkg", "-x", deb.toString(), unpacked.toString());
    return unpacked;
  }

  private static List<String> absent(Path root, List<String> required) {
    List<String> absent = new ArrayList<>();
    for (String file : required) {
      if (!Files.isRegularFile(root.resolve(file))) {
        absent.add(file);
      }
    }
    return absent;
  }
}
