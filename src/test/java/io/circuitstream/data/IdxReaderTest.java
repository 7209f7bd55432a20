package io.circuitstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  private static final byte[] PIXELS = {
    0, 1, 2, 3, 4, 5, //
    (byte) 128, (byte) 200, (byte) 255, 9, 10, 11, //
    12, 13, 14, 15, 16, (byte) 254
  };
  private static final byte[] LABELS = {7, 0, 9};

  @TempDir Path dir;

  @Test
  void readsRawAndGzippedFilesIdenticallyWhateverTheirNames() throws IOException {
    // Gzip is recognised by content: the raw files carry a misleading .gz name and vice versa.
    Path rawImages = write("raw-images.gz", images(PIXELS, 3, 2, 3));
    Path rawLabels = write("raw-labels.gz", labels(LABELS));
    Path gzImages = write("gz-images-idx3-ubyte", gzip(images(PIXELS, 3, 2, 3)));
    Path gzLabels = write("gz-labels-idx1-ubyte", gzip(labels(LABELS)));

    ImageSet raw = IdxReader.read(rawImages, rawLabels);
    ImageSet gz = IdxReader.read(gzImages, gzLabels);

    assertThat(gz).isEqualTo(raw);
    assertThat(raw.size()).isEqualTo(3);
    assertThat(raw.rows()).isEqualTo(2);
    assertThat(raw.cols()).isEqualTo(3);
    assertThat(raw.pixels()).isEqualTo(PIXELS);
    assertThat(raw.pixel(1, 0)).isEqualTo(128);
    assertThat(raw.pixel(1, 2)).isEqualTo(255);
    assertThat(raw.label(2)).isEqualTo(9);
  }

  @Test
  void rejectsTruncatedPixelsNamingTheDeclaredAndActualSizes() throws IOException {
    byte[] whole = images(PIXELS, 3, 2, 3);
    Path images = write("t10k-images-idx3-ubyte", Arrays.copyOf(whole, whole.length - 8));
    Path labels = write("t10k-labels-idx1-ubyte", labels(LABELS));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DataException.class)
        .hasMessage(images + ": truncated: header says 3×2×3 = 18 bytes of pixels, file has 10");
  }

  @Test
  void rejectsTruncatedGzippedFile() throws IOException {
    byte[] gz = gzip(images(PIXELS, 3, 2, 3));
    Path images = write("images.gz", Arrays.copyOf(gz, gz.length / 2));
    Path labels = write("labels", labels(LABELS));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(images + ": corrupt gzip data");
  }

  @Test
  void rejectsTruncatedHeader() throws IOException {
    Path images = write("images", Arrays.copyOf(images(PIXELS, 3, 2, 3), 6));
    Path labels = write("labels", labels(LABELS));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DataException.class)
        .hasMessage(images + ": truncated: header ends after 6 bytes");
  }

  @Test
  void rejectsWrongMagicNumber() throws IOException {
    byte[] bytes = images(PIXELS, 3, 2, 3);
    ByteBuffer.wrap(bytes).putInt(0, 0x89504e47); // a PNG, say
    Path images = write("images", bytes);
    Path labels = write("labels", labels(LABELS));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(images + ": wrong magic number 0x89504e47, expected 0x00000803");
  }

  @Test
  void rejectsDataTypeOtherThanUnsignedByte() throws IOException {
    byte[] bytes = images(PIXELS, 3, 2, 3);
    ByteBuffer.wrap(bytes).putInt(0, 0x00000d03); // float
    Path images = write("images", bytes);
    Path labels = write("labels", labels(LABELS));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(images + ": wrong data type 0x0d");
  }

  @Test
  void rejectsLabelFileInPlaceOfImages() throws IOException {
    Path images = write("labels-as-images", labels(LABELS));
    Path labels = write("labels", labels(LABELS));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(images + ": wrong number of dimensions 1")
        .hasMessageContaining("expected 3");
  }

  @Test
  void rejectsTrailingBytes() throws IOException {
    byte[] whole = images(PIXELS, 3, 2, 3);
    Path images = write("images", Arrays.copyOf(whole, whole.length + 2));
    Path labels = write("labels", labels(LABELS));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DataException.class)
        .hasMessage(images + ": trailing garbage: 2 bytes after the 18 bytes of pixels the header"
            + " declares");
  }

  @Test
  void rejectsTrailingBytesInsideGzippedLabels() throws IOException {
    byte[] whole = labels(LABELS);
    Path images = write("images", images(PIXELS, 3, 2, 3));
    Path labels = write("labels.gz", gzip(Arrays.copyOf(whole, whole.length + 1)));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DataException.class)
        .hasMessage(labels + ": trailing garbage: 1 bytes after the 3 bytes of labels the header"
            + " declares");
  }

  @Test
  void rejectsLabelCountDifferentFromImageCount() throws IOException {
    Path images = write("train-images-idx3-ubyte", images(PIXELS, 3, 2, 3));
    Path labels = write("train-labels-idx1-ubyte", labels(new byte[] {1, 2}));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DataException.class)
        .hasMessage(labels + ": has 2 labels but train-images-idx3-ubyte has 3 images");
  }

  @Test
  void rejectsMissingFile() {
    Path images = dir.resolve("absent");

    assertThatThrownBy(() -> IdxReader.read(images, images))
        .isInstanceOf(DataException.class)
        .hasMessage(images + ": no such file");
  }

  @Test
  void readsEmptySetWithItsShape() throws IOException {
    ImageSet empty = IdxReader.read(
        write("images", images(new byte[0], 0, 28, 28)), write("labels", labels(new byte[0])));

    assertThat(empty.size()).isZero();
    assertThat(empty.rows()).isEqualTo(28);
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  static byte[] images(byte[] pixels, int n, int rows, int cols) {
    return ByteBuffer.allocate(16 + pixels.length)
        .putInt(0x00000803).putInt(n).putInt(rows).putInt(cols).put(pixels).array();
  }

  static byte[] labels(byte[] labels) {
    return ByteBuffer.allocate(8 + labels.length)
        .putInt(0x00000801).putInt(labels.length).put(labels).array();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(buffer)) {
      out.write(bytes);
    }
    return buffer.toByteArray();
  }
}
