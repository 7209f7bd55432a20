package io.circuitstream.serve;

import io.circuitstream.model.Model;
import io.circuitstream.model.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of model versions: {@code v0001.cstrm}, {@code v0002.cstrm}, … in the order they arrived.
 *
 * <p>Registering copies a model file in under the next version name, so the store never depends on
 * where the file came from. Thread-safe.
 */
public final class ModelStore {
  private static final Pattern NAME = Pattern.compile("v(\\d{4,})\\.cstrm");
  private final Path dir;

  /** Opens (and creates) the store in {@code dir}. */
  public ModelStore(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the model store folder " + dir, e);
    }
  }

  /** Returns the folder. */
  public Path directory() {
    return dir;
  }

  /** Returns the stored versions, oldest first. */
  public synchronized List<String> versions() {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.map(p -> p.getFileName().toString()).filter(n -> NAME.matcher(n).matches()).sorted()
          .forEach(n -> out.add(n.substring(0, n.length() - ".cstrm".length())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the model store " + dir, e);
    }
    return out;
  }

  /** Returns the newest version, if any. */
  public Optional<String> newest() {
    List<String> v = versions();
    return v.isEmpty() ? Optional.empty() : Optional.of(v.get(v.size() - 1));
  }

  /** Returns the file of a version. */
  public Path file(String version) {
    if (!NAME.matcher(version + ".cstrm").matches()) {
      throw new IllegalArgumentException("'" + version + "' is not a version name like v0001");
    }
    return dir.resolve(version + ".cstrm");
  }

  /** Returns whether the store holds a version. */
  public boolean contains(String version) {
    return NAME.matcher(version + ".cstrm").matches() && Files.isRegularFile(dir.resolve(version + ".cstrm"));
  }

  /**
   * Checks a model file by reading it, then copies it in as the next version (or finds it stored).
   *
   * @return the new version name, or the existing version holding the same bytes
   * @throws io.circuitstream.model.ModelFileException if the file is not a valid model
   */
  public synchronized String register(Path modelFile) {
    ModelFiles.read(modelFile);
    String sha = sha256(modelFile);
    for (String v : versions()) {
      if (sha256(file(v)).equals(sha)) {
        return v; // the same file is already stored
      }
    }
    String version = nextVersion();
    try {
      Path tmp = Files.createTempFile(dir, ".incoming-", ".tmp");
      Files.copy(modelFile, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, file(version), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + modelFile + " into the model store " + dir, e);
    }
    return version;
  }

  /** Writes a model as the next version and returns its name. */
  public synchronized String add(Model model) {
    String version = nextVersion();
    ModelFiles.write(model, file(version));
    return version;
  }

  /**
   * Copies a model file in under a given version name, as announced by another instance.
   *
   * <p>The file is copied to a temporary file in the store, checked against the checksum and read as
   * a model, and only then renamed into place. A version already stored with the same checksum is
   * left as it is.
   *
   * @param version the version name the file gets, such as {@code v0007}
   * @param source the file to copy
   * @param expectedSha256 the SHA-256 the file must have, in hex
   * @throws IllegalStateException if the store holds another file under that version, or the copied
   *     file does not have the expected checksum
   * @throws io.circuitstream.model.ModelFileException if the file is not a valid model
   * @throws UncheckedIOException if the file cannot be read
   */
  public synchronized void importVersion(String version, Path source, String expectedSha256) {
    Path target = file(version);
    if (Files.isRegularFile(target)) {
      String stored = sha256(target);
      if (!stored.equals(expectedSha256)) {
        throw new IllegalStateException("the model store " + dir + " already holds a different " + version
            + " (SHA-256 " + stored + ", announced " + expectedSha256 + ")");
      }
      return;
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, ".import-", ".tmp");
      Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      String copied = sha256(tmp);
      if (!copied.equals(expectedSha256)) {
        throw new IllegalStateException(source + " has SHA-256 " + copied + ", but " + version + " was announced with "
            + expectedSha256);
      }
      ModelFiles.read(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + source + " into the model store " + dir + " as " + version, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the import already failed; that error is the one to report
        }
      }
    }
  }

  /**
   * Keeps a model that is not to be served, such as a rejected fine-tuning candidate, in the
   * {@code rejected/} subfolder, which {@link #versions()} does not list.
   *
   * @param model the model
   * @param name its file name without extension, such as the fine-tuning job id
   * @return the file written
   */
  public Path keepRejected(Model model, String name) {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("'" + name + "' is not a plain file name");
    }
    Path file = dir.resolve("rejected").resolve(name + ".cstrm");
    ModelFiles.write(model, file);
    return file;
  }

  /** Reads and checks a stored version. */
  public Model load(String version) {
    return ModelFiles.read(file(version));
  }

  /** Returns the SHA-256 of a stored version's file, in hex. */
  public String sha256(String version) {
    return sha256(file(version));
  }

  private static String sha256(Path path) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(path),
        MessageDigest.getInstance("SHA-256"))) {
      DigestInputStream d = (DigestInputStream) in;
      d.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(d.getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private String nextVersion() {
    int max = 0;
    for (String v : versions()) {
      Matcher m = NAME.matcher(v + ".cstrm");
      if (m.matches()) {
        max = Math.max(max, Integer.parseInt(m.group(1)));
      }
    }
    return String.format("v%04d", max + 1);
  }
}
