package io.circuitstream.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads image sets from IDX files, the format MNIST and Fashion-MNIST are distributed in.
 *
 * <p>An IDX file is a big-endian header followed by the data: the magic number {@code 0x0000TTDD}
 * (data type {@code TT}, number of dimensions {@code DD}), one {@code int32} per dimension, then
 * the values. Only unsigned bytes ({@code TT = 0x08}) are supported: images are {@code 0x00000803}
 * with dimensions {@code [n, rows, cols]} and labels are {@code 0x00000801} with {@code [n]}. A
 * file may be gzipped; that is recognised from its first two bytes, not from its name.
 *
 * <p><b>Strictness.</b> Anything but a well-formed file is rejected with a {@link DataException}
 * naming the file and the problem: a wrong magic number, data type or dimension count, a negative
 * dimension, missing data (truncation), bytes after the declared data (trailing garbage), corrupt
 * gzip data, and image and label files that disagree on the number of examples.
 */
public final class IdxReader {

  private static final int UNSIGNED_BYTE = 0x08;

  private IdxReader() {}

  /**
   * Reads an image file and its label file into one image set.
   *
   * @param images an IDX file of type {@code 0x00000803}, raw or gzipped
   * @param labels an IDX file of type {@code 0x00000801}, raw or gzipped
   * @return the images with their labels
   * @throws DataException if either file cannot be read, is malformed, or the counts differ
   */
  public static ImageSet read(Path images, Path labels) {
    Idx image = readIdx(images, 3, "images");
    Idx label = readIdx(labels, 1, "labels");
    if (image.dims[0] != label.dims[0]) {
      throw new DataException(
          labels + ": has " + label.dims[0] + " labels but " + images.getFileName() + " has "
              + image.dims[0] + " images");
    }
    if (image.dims[1] == 0 || image.dims[2] == 0) {
      throw new DataException(
          images + ": images of " + image.dims[1] + "×" + image.dims[2] + " pixels are empty");
    }
    return new ImageSet(image.dims[1], image.dims[2], image.data, label.data);
  }

  /** The dimensions and data of one unsigned-byte IDX file. */
  private record Idx(int[] dims, byte[] data) {}

  private static Idx readIdx(Path file, int expectedDims, String what) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      boolean gzipped = isGzip(raw);
      InputStream in = gzipped ? new GZIPInputStream(raw, 1 << 16) : raw;
      String source = gzipped ? "decompressed data has " : "file has ";
      DataInputStream data = new DataInputStream(in);
      int magic = readHeaderInt(data, file, 0);
      checkMagic(file, magic, expectedDims, what);
      int[] dims = new int[expectedDims];
      long total = 1;
      for (int d = 0; d < expectedDims; d++) {
        dims[d] = readHeaderInt(data, file, 4 + 4 * d);
        if (dims[d] < 0) {
          throw new DataException(file + ": dimension " + d + " is negative: " + dims[d]);
        }
        total *= dims[d];
      }
      String shape =
          Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining("×"));
      if (total > Integer.MAX_VALUE - 8) {
        throw new DataException(file + ": header says " + shape + " = " + total
            + " bytes, more than a Java array can hold");
      }
      String unit = expectedDims == 3 ? " bytes of pixels" : " bytes of labels";
      byte[] values = data.readNBytes((int) total);
      if (values.length < total) {
        throw new DataException(file + ": truncated: header says " + shape + " = " + total + unit
            + ", " + source + values.length);
      }
      long trailing = in.transferTo(OutputStream.nullOutputStream());
      if (trailing > 0) {
        throw new DataException(file + ": trailing garbage: " + trailing + " bytes after the "
            + total + unit + " the header declares");
      }
      return new Idx(dims, values);
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file", e);
    } catch (ZipException | EOFException e) {
      throw new DataException(file + ": corrupt gzip data: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new DataException(file + ": cannot read: " + e, e);
    }
  }

  private static boolean isGzip(InputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b;
  }

  private static int readHeaderInt(DataInputStream in, Path file, int offset) throws IOException {
    byte[] b = in.readNBytes(4);
    if (b.length < 4) {
      throw new DataException(file + ": truncated: header ends after " + (offset + b.length)
          + " bytes");
    }
    return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
  }

  private static void checkMagic(Path file, int magic, int expectedDims, String what) {
    int expected = (UNSIGNED_BYTE << 8) | expectedDims;
    if (magic == expected) {
      return;
    }
    String found = String.format("0x%08x", magic);
    String wanted = String.format("0x%08x", expected);
    if ((magic >>> 16) != 0) {
      throw new DataException(file + ": wrong magic number " + found + ", expected " + wanted
          + " for IDX " + what + ": not an IDX file");
    }
    int type = (magic >>> 8) & 0xFF;
    if (type != UNSIGNED_BYTE) {
      throw new DataException(String.format(
          "%s: wrong data type 0x%02x in magic number %s, expected 0x08 (unsigned byte)",
          file, type, found));
    }
    throw new DataException(file + ": wrong number of dimensions " + (magic & 0xFF)
        + " in magic number " + found + ", expected " + expectedDims + " for IDX " + what);
  }
}
