package io.circuitstream.stream.codec;

import static io.circuitstream.stream.codec.Decoded.Invalid.BAD_BINARY;
import static io.circuitstream.stream.codec.Decoded.Invalid.WRONG_SIZE;

import io.circuitstream.stream.message.ImageMessage;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The compact binary image format, content type {@code application/x-circuitstream-image}.
 *
 * <p>All integers are unsigned and big-endian:
 *
 * <pre>
 * offset  size           field
 * 0       4              magic "CSI1" (43 53 49 31)
 * 4       1              version, 1
 * 5       2              width
 * 7       2              height
 * 9       1              flags: bit 0 = a missing bitmap follows the pixels, bit 1 = a label
 *                        follows; the other bits are 0
 * 10      1 if bit 1     label
 * then    2              id length n in bytes; 0 = the record key is the id
 * then    n              id, UTF-8
 * then    width*height   pixels, row-major, one byte each
 * then    ceil(w*h/8)    if bit 0: missing bitmap; bit i%8 (least significant first) of byte
 *                        i/8 is set when pixel i is missing; padding bits are 0
 * </pre>
 *
 * <p>The value must end exactly after the last field: truncated or trailing bytes are rejected.
 */
final class BinaryImages {

  /** The four bytes every binary image starts with: "CSI1". */
  static final byte[] MAGIC = {'C', 'S', 'I', '1'};

  static final int VERSION = 1;
  private static final int FLAG_MISSING = 1;
  private static final int FLAG_LABEL = 2;
  private static final int MAX_U16 = 0xffff;

  private BinaryImages() {}

  /** Decodes a binary image, taking the id from its id field or, when that is empty, from the record key. */
  static ImageMessage decode(byte[] value, @Nullable String key, Limits limits) {
    if (!PngImages.startsWith(value, MAGIC)) {
      throw new Rejection(BAD_BINARY, "the value does not start with the magic \"CSI1\" (43 53 49 31)");
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    in.position(MAGIC.length);
    need(in, 6, "header");
    int version = in.get() & 0xff;
    if (version != VERSION) {
      throw new Rejection(BAD_BINARY, "version is " + version + ", only version " + VERSION + " is known");
    }
    int width = in.getShort() & MAX_U16;
    int height = in.getShort() & MAX_U16;
    int flags = in.get() & 0xff;
    if ((flags & ~(FLAG_MISSING | FLAG_LABEL)) != 0) {
      throw new Rejection(BAD_BINARY, "flags is 0x" + Integer.toHexString(flags)
          + ", only bit 0 (missing bitmap) and bit 1 (label) are defined");
    }
    if (width != limits.width() || height != limits.height()) {
      throw new Rejection(WRONG_SIZE, "image is " + width + "x" + height + ", expected " + limits.width() + "x"
          + limits.height());
    }
    @Nullable Integer label = null;
    if ((flags & FLAG_LABEL) != 0) {
      need(in, 1, "label");
      label = in.get() & 0xff;
    }
    need(in, 2, "id length");
    int idLength = in.getShort() & MAX_U16;
    need(in, idLength, "id");
    @Nullable String id = idLength == 0 ? null : utf8(in, idLength);
    int count = width * height;
    int bitmapLength = (flags & FLAG_MISSING) != 0 ? (count + 7) / 8 : 0;
    long expected = (long) in.position() + count + bitmapLength;
    if (value.length != expected) {
      throw new Rejection(BAD_BINARY, "the value has " + value.length + " bytes, its header says " + expected
          + (value.length < expected ? " (truncated)" : " (trailing bytes)"));
    }
    int[] pixels = new int[count];
    for (int i = 0; i < count; i++) {
      pixels[i] = in.get() & 0xff;
    }
    boolean @Nullable [] missing = bitmapLength == 0 ? null : missingBitmap(in, count);
    return new ImageMessage(ImageCodecs.resolveId(id, key), width, height, pixels, missing, label);
  }

  /** Encodes an image in the binary form; values at missing pixels are written as 0. */
  static byte[] encode(ImageMessage image) {
    if (image.width() > MAX_U16 || image.height() > MAX_U16) {
      throw new IllegalArgumentException("width and height must be at most 65535 to be encoded, got "
          + image.width() + "x" + image.height());
    }
    Integer label = image.label();
    if (label != null && (label < 0 || label > 255)) {
      throw new IllegalArgumentException("label must be 0..255 to be encoded, got " + label);
    }
    byte[] id = image.id().getBytes(StandardCharsets.UTF_8);
    if (id.length > MAX_U16) {
      throw new IllegalArgumentException("id must be at most 65535 UTF-8 bytes to be encoded, got " + id.length);
    }
    int count = image.pixels().length;
    boolean @Nullable [] missing = image.missingCount() > 0 ? image.missing() : null;
    int flags = (missing != null ? FLAG_MISSING : 0) | (label != null ? FLAG_LABEL : 0);
    int length = MAGIC.length + 6 + (label != null ? 1 : 0) + 2 + id.length + count
        + (missing != null ? (count + 7) / 8 : 0);
    ByteBuffer out = ByteBuffer.allocate(length);
    out.put(MAGIC).put((byte) VERSION).putShort((short) image.width()).putShort((short) image.height());
    out.put((byte) flags);
    if (label != null) {
      out.put((byte) (int) label);
    }
    out.putShort((short) id.length).put(id);
    int[] pixels = image.pixels();
    for (int i = 0; i < count; i++) {
      out.put((byte) (missing != null && missing[i] ? 0 : pixels[i]));
    }
    if (missing != null) {
      byte[] bitmap = new byte[(count + 7) / 8];
      for (int i = 0; i < count; i++) {
        if (missing[i]) {
          bitmap[i / 8] |= (byte) (1 << (i % 8));
        }
      }
      out.put(bitmap);
    }
    return out.array();
  }

  private static void need(ByteBuffer in, int bytes, String field) {
    if (in.remaining() < bytes) {
      throw new Rejection(BAD_BINARY, "the value is truncated: the " + field + " needs " + bytes + " bytes at offset "
          + in.position() + ", " + in.remaining() + " left");
    }
  }

  private static String utf8(ByteBuffer in, int length) {
    ByteBuffer slice = in.slice();
    slice.limit(length);
    try {
      CharBuffer id = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice);
      in.position(in.position() + length);
      return id.toString();
    } catch (CharacterCodingException e) {
      throw new Rejection(BAD_BINARY, "the id is not valid UTF-8");
    }
  }

  private static boolean @Nullable [] missingBitmap(ByteBuffer in, int count) {
    boolean[] missing = new boolean[count];
    boolean any = false;
    for (int b = 0; b < (count + 7) / 8; b++) {
      int bits = in.get() & 0xff;
      for (int bit = 0; bit < 8; bit++) {
        if ((bits & (1 << bit)) == 0) {
          continue;
        }
        int i = b * 8 + bit;
        if (i >= count) {
          throw new Rejection(BAD_BINARY, "the missing bitmap sets padding bit " + bit + " of its last byte");
        }
        missing[i] = true;
        any = true;
      }
    }
    return any ? missing : null;
  }
}
