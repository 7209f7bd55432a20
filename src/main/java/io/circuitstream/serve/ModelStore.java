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
