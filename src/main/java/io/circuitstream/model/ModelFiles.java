package io.circuitstream.model;

import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.engine.circuit.LayerKind;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes and reads model files, format version 1 of {@code docs/model-format.md}.
 *
 * <p>A model file is big-endian binary: the magic {@code CSTRMODL}, the format version, the spec,
 * the class prior, the OOD calibration, the provenance, the parameters, and a SHA-256 of all of that.
 * The parameters go through a byte buffer in bulk, so the 25 million of {@link CircuitSpec#MNIST}
 * (200 MB) take a second or two each way.
 *
 * <p><b>Error Mode.</b> Every method throws {@link ModelFileException} for a file that cannot be
 * written or read; its message names the file, says what is wrong and how to fix it. Reading checks
 * the magic, then the version, then the checksum, and only then builds the spec and the model, so a
 * damaged file is reported as damaged and never half-loaded.
 */
public final class ModelFiles {
  /** The first 8 bytes of every model file. */
  static final byte[] MAGIC = "CSTRMODL".getBytes(StandardCharsets.US_ASCII);
  /** The format version this build writes, and the newest it reads. */
  static final int FORMAT_VERSION = 1;
  /** Length of the trailing SHA-256. */
  static final int CHECKSUM_BYTES = 32;
  /** Doubles moved per bulk copy (8 MiB of bytes). */
  private static final int CHUNK_DOUBLES = 1 << 20;
  private static final String TRAIN_HINT = "pass a file written by `circuitstream train`";
  private static final String DAMAGED_HINT = "re-copy or retrain it";

  private ModelFiles() {}

  /**
   * Writes a model to a file, atomically.
   *
   * <p>The model goes to a temporary file in the same folder, which is synced and then renamed over
   * {@code file}: readers see the old file or the new one, never a partial one. Missing parent folders
   * are created.
   *
   * @param model the model
   * @param file where to write it; an existing file is replaced
   * @throws IllegalArgumentException if the model's parameter count does not match its spec
   * @throws ModelFileException if the file cannot be written
   */
  public static void write(Model model, Path file) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(file, "file");
    checkParameterCount(model);
    Path target = file.toAbsolutePath();
    Path dir = Objects.requireNonNull(target.getParent(), "file has no parent folder");
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = dir.resolve("." + target.getFileName() + "."
          + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeUnchecked(model, Channels.newOutputStream(channel));
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      temp = null;
    } catch (IOException e) {
      throw new ModelFileException(
          file + ": cannot write the model (" + describe(e)
              + "); check that the folder is writable and the disk has space", e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the write already failed; that error is the one to report
        }
      }
    }
  }

  /**
   * Writes a model to a stream, which is flushed but not closed.
   *
   * @param model the model
   * @param out where to write it
   * @throws IllegalArgumentException if the model's parameter count does not match its spec
   * @throws ModelFileException if the stream fails
   */
  public static void write(Model model, OutputStream out) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(out, "out");
    checkParameterCount(model);
    try {
      writeUnchecked(model, out);
    } catch (IOException e) {
      throw new ModelFileException("cannot write the model to the stream (" + describe(e) + ")", e);
    }
  }

  /**
   * Reads a model file.
   *
   * @param file a file written by {@link #write(Model, Path)}
   * @return the model
   * @throws ModelFileException if the file cannot be read, is not a model file, has a newer format
   *     version, is truncated, damaged or has trailing bytes, or holds an invalid model
   */
  public static Model read(Path file) {
    Objects.requireNonNull(file, "file");
    String name = file.toString();
    try (InputStream in = Files.newInputStream(file)) {
      return new Reader(in, name, Files.size(file)).read();
    } catch (IOException e) {
      throw unreadable(name, e);
    }
  }

  /**
   * Reads a model from a stream, to its end; the stream is not closed.
   *
   * @param in the bytes of a model file, such as a message payload
   * @param name what to call the source in error messages, e.g. a file name or a topic and offset
   * @return the model
   * @throws ModelFileException as {@link #read(Path)} does
   */
  public static Model read(InputStream in, String name) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(name, "name");
    try {
      return new Reader(in, name, -1).read();
    } catch (IOException e) {
      throw unreadable(name, e);
    }
  }

  /** Writes without checking the parameter count; tests use it to make files the reader must reject. */
  static void writeUnchecked(Model model, OutputStream target) throws IOException {
    MessageDigest sha = sha256();
    DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(new DigestOutputStream(target, sha), 1 << 16));
    out.write(MAGIC);
    out.writeInt(FORMAT_VERSION);
    CircuitSpec spec = model.spec();
    writeString(out, spec.regionGraph());
    out.writeInt(spec.height());
    out.writeInt(spec.width());
    out.writeLong(spec.graphSeed());
    writeString(out, spec.layerKind().id());
    out.writeInt(spec.inputUnits());
    out.writeInt(spec.sumUnits());
    out.writeInt(spec.numClasses());
    out.writeInt(spec.numCategories());
    writeDoubles(out, model.logPrior());
    OodCalibration ood = model.ood();
    out.writeDouble(ood.threshold());
    out.writeDouble(ood.falseAlarmRate());
    out.writeInt(ood.calibrationImages());
    Provenance p = model.provenance();
    out.writeDouble(p.lambda());
    out.writeLong(p.seed());
    writeString(out, p.data());
    writeString(out, p.codeVersion());
    writeString(out, p.createdAt());
    String parent = p.parentVersion();
    out.writeByte(parent == null ? 0 : 1);
    if (parent != null) {
      writeString(out, parent);
    }
    out.writeInt(p.metrics().size());
    for (Map.Entry<String, Double> e : p.metrics().entrySet()) {
      writeString(out, e.getKey());
      out.writeDouble(e.getValue());
    }
    out.writeInt(p.config().size());
    for (Map.Entry<String, String> e : p.config().entrySet()) {
      writeString(out, e.getKey());
      writeString(out, e.getValue());
    }
    writeDoubles(out, model.sharedParameters());
    out.flush();
    target.write(sha.digest());
    target.flush();
  }

  private static void checkParameterCount(Model model) {
    try {
      Circuit.withParameters(model.spec(), model.sharedParameters());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model.parameters does not fit model.spec: " + e.getMessage(), e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer bytes = ByteBuffer.allocate(Math.min(values.length, CHUNK_DOUBLES) * Double.BYTES);
    for (int from = 0; from < values.length; from += CHUNK_DOUBLES) {
      int n = Math.min(CHUNK_DOUBLES, values.length - from);
      bytes.clear();
      bytes.asDoubleBuffer().put(values, from, n);
      out.write(bytes.array(), 0, n * Double.BYTES);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static ModelFileException unreadable(String name, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new ModelFileException(name + ": no such file; check the path", e);
    }
    if (e instanceof AccessDeniedException) {
      return new ModelFileException(name + ": permission denied; check the file's permissions", e);
    }
    return new ModelFileException(
        name + ": cannot read it (" + describe(e) + "); check the path, the permissions and the device", e);
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /**
   * One pass over a model file: every byte read is hashed, and nothing read is used to build a spec
   * or a model before the checksum matched.
   */
  private static final class Reader {
    private final InputStream in;
    private final String name;
    /** The stream's length if known (a file), else -1; only sizes the parameter array up front. */
    private final long size;
    private final MessageDigest sha = sha256();
    private long position;
    private String section = "magic";

    Reader(InputStream in, String name, long size) {
      this.in = new BufferedInputStream(in, 1 << 16);
      this.name = name;
      this.size = size;
    }

    Model read() throws IOException {
      readMagic();
      section = "format version";
      long version = Integer.toUnsignedLong(readInt());
      if (version > FORMAT_VERSION) {
        throw new ModelFileException(name + ": format version " + version
            + " is newer than this build reads (" + FORMAT_VERSION + "); upgrade circuitstream");
      }
      if (version < 1) {
        throw damaged("format version " + version + " does not exist");
      }
      section = "spec";
      String regionGraph = readString();
      int height = readInt();
      int width = readInt();
      long graphSeed = readLong();
      String layerKind = readString();
      int inputUnits = readInt();
      int sumUnits = readInt();
      int numClasses = readInt();
      int numCategories = readInt();
      section = "class prior";
      double[] logPrior = readDoubles(readCount("class prior entries"));
      section = "OOD calibration";
      double threshold = readDouble();
      double falseAlarmRate = readDouble();
      int calibrationImages = readInt();
      section = "provenance";
      double lambda = readDouble();
      long seed = readLong();
      String data = readString();
      String codeVersion = readString();
      String createdAt = readString();
      int hasParent = readBytes(1)[0] & 0xFF;
      if (hasParent != 0 && hasParent != 1) {
        throw damaged("the parentVersion presence byte is " + hasParent + ", not 0 or 1");
      }
      String parentVersion = hasParent == 1 ? readString() : null;
      int metricCount = readCount("metrics");
      Map<String, Double> metrics = new LinkedHashMap<>();
      for (int i = 0; i < metricCount; i++) {
        metrics.put(readString(), readDouble());
      }
      int configCount = readCount("config entries");
      Map<String, String> config = new LinkedHashMap<>();
      for (int i = 0; i < configCount; i++) {
        config.put(readString(), readString());
      }
      section = "parameters";
      double[] parameters = readDoubles(readCount("parameters"));
      verifyChecksumAndEnd();

      CircuitSpec spec;
      try {
        spec = new CircuitSpec(regionGraph, height, width, graphSeed, LayerKind.byId(layerKind),
            inputUnits, sumUnits, numClasses, numCategories);
      } catch (IllegalArgumentException e) {
        throw new ModelFileException(name + ": invalid circuit spec (" + e.getMessage()
            + "); the file comes from a newer circuitstream (upgrade) or a faulty writer (retrain it)", e);
      }
      try {
        Circuit.withParameters(spec, parameters);
      } catch (IllegalArgumentException e) {
        throw new ModelFileException(name + ": the parameter count does not match the circuit spec ("
            + e.getMessage() + "); it was written for another circuit layout, retrain it with this build", e);
      }
      try {
        return new Model(spec, parameters, logPrior,
            new OodCalibration(threshold, falseAlarmRate, calibrationImages),
            new Provenance(lambda, seed, data, codeVersion, createdAt, parentVersion, metrics, config));
      } catch (IllegalArgumentException e) {
        throw new ModelFileException(name + ": invalid model (" + e.getMessage()
            + "); the file comes from a newer circuitstream (upgrade) or a faulty writer (retrain it)", e);
      }
    }

    private void readMagic() throws IOException {
      byte[] head = in.readNBytes(MAGIC.length);
      position += head.length;
      sha.update(head);
      if (head.length == 0) {
        throw new ModelFileException(name + ": not a circuitstream model file (it is empty); " + TRAIN_HINT);
      }
      if (!Arrays.equals(head, 0, head.length, MAGIC, 0, head.length)) {
        throw new ModelFileException(name + ": not a circuitstream model file (starts with \""
            + printable(head) + "\", not \"CSTRMODL\"); " + TRAIN_HINT);
      }
      if (head.length < MAGIC.length) {
        throw truncated();
      }
    }

    private void verifyChecksumAndEnd() throws IOException {
      section = "checksum";
      byte[] computed = sha.digest();
      byte[] stored = in.readNBytes(CHECKSUM_BYTES);
      position += stored.length;
      if (stored.length < CHECKSUM_BYTES) {
        throw truncated();
      }
      if (!MessageDigest.isEqual(computed, stored)) {
        throw new ModelFileException(name + " is damaged: SHA-256 mismatch; " + DAMAGED_HINT);
      }
      long trailing = in.transferTo(OutputStream.nullOutputStream());
      if (trailing > 0) {
        throw new ModelFileException(name + " has " + trailing + " unexpected bytes after its end (byte "
            + position + "); it was probably appended to or concatenated with something, " + DAMAGED_HINT);
      }
    }

    private byte[] readBytes(int n) throws IOException {
      byte[] bytes = in.readNBytes(n);
      position += bytes.length;
      if (bytes.length < n) {
        throw truncated();
      }
      sha.update(bytes);
      return bytes;
    }

    private int readInt() throws IOException {
      return ByteBuffer.wrap(readBytes(Integer.BYTES)).getInt();
    }

    private long readLong() throws IOException {
      return ByteBuffer.wrap(readBytes(Long.BYTES)).getLong();
    }

    private double readDouble() throws IOException {
      return ByteBuffer.wrap(readBytes(Double.BYTES)).getDouble();
    }

    /** Reads a u32 count; a valid writer never writes one above {@code Integer.MAX_VALUE}. */
    private int readCount(String what) throws IOException {
      int n = readInt();
      if (n < 0) {
        throw damaged("it declares " + Integer.toUnsignedString(n) + " " + what);
      }
      return n;
    }

    private String readString() throws IOException {
      byte[] utf8 = readBytes(readCount("bytes in a string"));
      try {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(utf8));
        return chars.toString();
      } catch (CharacterCodingException e) {
        throw damaged("a string in the " + section + " is not valid UTF-8");
      }
    }

    /**
     * Reads {@code count} doubles in bulk. The array is allocated whole only when the file is known to
     * be long enough; otherwise it grows as bytes arrive, so a damaged count cannot exhaust memory.
     */
    private double[] readDoubles(int count) throws IOException {
      boolean fits = size >= 0 && (long) count * Double.BYTES <= size - position;
      double[] values = new double[fits ? count : Math.min(count, CHUNK_DOUBLES)];
      byte[] bytes = new byte[Math.min(count, CHUNK_DOUBLES) * Double.BYTES];
      for (int done = 0; done < count; ) {
        int n = Math.min(CHUNK_DOUBLES, count - done);
        int got = in.readNBytes(bytes, 0, n * Double.BYTES);
        position += got;
        if (got < n * Double.BYTES) {
          throw truncated();
        }
        sha.update(bytes, 0, got);
        if (done + n > values.length) {
          values = Arrays.copyOf(values, (int) Math.min(count, Math.max(done + n, 2L * values.length)));
        }
        ByteBuffer.wrap(bytes, 0, got).asDoubleBuffer().get(values, done, n);
        done += n;
      }
      return values;
    }

    private ModelFileException truncated() {
      return new ModelFileException(name + " is truncated: it ends after " + position + " bytes, in the "
          + section + "; " + DAMAGED_HINT);
    }

    private ModelFileException damaged(String what) {
      return new ModelFileException(name + " is damaged: " + what + " (in the " + section + ", before byte "
          + position + "); " + DAMAGED_HINT);
    }

    private static String printable(byte[] bytes) {
      StringBuilder s = new StringBuilder();
      for (byte b : bytes) {
        int c = b & 0xFF;
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
          s.append((char) c);
        } else {
          s.append(String.format("\\x%02X", c));
        }
      }
      return s.toString();
    }
  }
}
