package io.circuitstream.stream.codec;

import static io.circuitstream.stream.codec.Decoded.Invalid.BAD_PNG;
import static io.circuitstream.stream.codec.Decoded.Invalid.WRONG_SIZE;

import io.circuitstream.stream.message.ImageMessage;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The PNG image format: 8-bit grayscale (color type 0), or 8-bit grayscale with alpha (color type
 * 4) where alpha 0 marks a missing pixel.
 *
 * <p>A {@code tRNS} chunk on a grayscale image is honoured as PNG defines it: pixels whose gray
 * sample equals its value are transparent, so missing.
 *
 * <p>The header is checked here, before any pixel is inflated, so that a wrong size or bit depth is
 * reported precisely and a huge declared image is never allocated; the pixel data is then decoded
 * by {@code javax.imageio} in memory (no cache files) and read sample by sample from the raster.
 * The encoder writes the chunks itself: unfiltered rows, one IDAT chunk.
 */
final class PngImages {

  /** The eight bytes every PNG file starts with. */
  static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static final int COLOR_GRAY = 0;
  private static final int COLOR_GRAY_ALPHA = 4;
  private static final String ACCEPTED =
      "accepted: 8-bit grayscale (color type 0) or 8-bit grayscale+alpha (color type 4)";

  private PngImages() {}

  /** Decodes a PNG image; the id is the record key. */
  static ImageMessage decode(byte[] value, @Nullable String key, Limits limits) {
    if (!startsWith(value, SIGNATURE)) {
      throw new Rejection(BAD_PNG, "the value does not start with the PNG signature 89 50 4E 47 0D 0A 1A 0A");
    }
    // IHDR must come first: length 13, type, width, height, bit depth, color type, compression,
    // filter, interlace, CRC; 8 + 4 + 4 + 13 + 4 = 33 bytes.
    if (value.length < 33) {
      throw new Rejection(BAD_PNG, "the PNG is truncated: " + value.length + " bytes, too short for its header");
    }
    ByteBuffer header = ByteBuffer.wrap(value, 8, 25);
    int length = header.getInt();
    byte[] type = new byte[4];
    header.get(type);
    if (length != 13 || !Arrays.equals(type, "IHDR".getBytes(StandardCharsets.US_ASCII))) {
      throw new Rejection(BAD_PNG, "the PNG does not start with a 13-byte IHDR chunk");
    }
    CRC32 crc = new CRC32();
    crc.update(value, 12, 17);
    if ((int) crc.getValue() != ByteBuffer.wrap(value, 29, 4).getInt()) {
      throw new Rejection(BAD_PNG, "the PNG header (IHDR) fails its CRC check");
    }
    int width = header.getInt();
    int height = header.getInt();
    int bitDepth = header.get() & 0xff;
    int colorType = header.get() & 0xff;
    if (bitDepth != 8 || (colorType != COLOR_GRAY && colorType != COLOR_GRAY_ALPHA)) {
      throw new Rejection(BAD_PNG, "the PNG is " + bitDepth + "-bit " + colorTypeName(colorType) + " (color type "
          + colorType + "); " + ACCEPTED);
    }
    if (width != limits.width() || height != limits.height()) {
      throw new Rejection(WRONG_SIZE, "the PNG is " + Integer.toUnsignedString(width) + "x"
          + Integer.toUnsignedString(height) + ", expected " + limits.width() + "x" + limits.height());
    }
    Raster raster = readRaster(value);
    // Two bands are gray and alpha: color type 4, or color type 0 with a tRNS chunk, which ImageIO
    // expands to an alpha band (alpha 0 where the gray sample equals the tRNS value).
    int bands = raster.getNumBands();
    if (raster.getWidth() != width || raster.getHeight() != height || bands < 1 || bands > 2
        || (colorType == COLOR_GRAY_ALPHA && bands != 2)) {
      throw new Rejection(BAD_PNG, "the PNG decoded to an unexpected raster: " + raster.getWidth() + "x"
          + raster.getHeight() + " with " + raster.getNumBands() + " bands");
    }
    int[] pixels = new int[width * height];
    boolean[] missing = new boolean[pixels.length];
    boolean anyMissing = false;
    int minX = raster.getMinX();
    int minY = raster.getMinY();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        if (bands == 2 && raster.getSample(minX + x, minY + y, 1) == 0) {
          missing[i] = true;
          anyMissing = true;
        } else {
          pixels[i] = raster.getSample(minX + x, minY + y, 0);
        }
      }
    }
    return new ImageMessage(ImageCodecs.resolveId(null, key), width, height, pixels, anyMissing ? missing : null,
        null);
  }

  /**
   * Encodes an image as PNG: grayscale+alpha (alpha 0 at missing pixels, 255 elsewhere) when it has
   * missing pixels, plain grayscale otherwise. The id and label are not stored.
   */
  static byte[] encode(ImageMessage image) {
    int width = image.width();
    int height = image.height();
    boolean @Nullable [] missing = image.missing();
    boolean withAlpha = image.missingCount() > 0;
    int channels = withAlpha ? 2 : 1;
    byte[] raw = new byte[height * (1 + width * channels)];
    int at = 0;
    int[] pixels = image.pixels();
    for (int y = 0; y < height; y++) {
      raw[at++] = 0; // filter type None
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        boolean isMissing = missing != null && missing[i];
        raw[at++] = (byte) (isMissing ? 0 : pixels[i]);
        if (withAlpha) {
          raw[at++] = (byte) (isMissing ? 0 : 255);
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + raw.length / 2);
    out.writeBytes(SIGNATURE);
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) (withAlpha ? COLOR_GRAY_ALPHA : COLOR_GRAY));
    ihdr.put((byte) 0).put((byte) 0).put((byte) 0); // deflate, adaptive filtering, no interlace
    writeChunk(out, "IHDR", ihdr.array());
    writeChunk(out, "IDAT", deflate(raw));
    writeChunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static Raster readRaster(byte[] value) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
    if (!readers.hasNext()) {
      throw new IllegalStateException("this JDK has no javax.imageio PNG reader");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(value))) {
      reader.setInput(in, true, true);
      BufferedImage image = reader.read(0);
      return image.getRaster();
    } catch (IOException | RuntimeException e) {
      // ImageIO reports corrupt data with IIOException and, for some damage, unchecked exceptions.
      String what = String.valueOf(e.getMessage());
      throw new Rejection(BAD_PNG, "the PNG cannot be decoded: " + CodecJson.abbreviate(what));
    } finally {
      reader.dispose();
    }
  }

  private static String colorTypeName(int colorType) {
    return switch (colorType) {
      case 0 -> "grayscale";
      case 2 -> "RGB";
      case 3 -> "palette";
      case 4 -> "grayscale+alpha";
      case 6 -> "RGBA";
      default -> "unknown";
    };
  }

  private static byte[] deflate(byte[] raw) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
      byte[] buffer = new byte[4096];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  static boolean startsWith(byte[] value, byte[] prefix) {
    return value.length >= prefix.length && Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
  }
}
