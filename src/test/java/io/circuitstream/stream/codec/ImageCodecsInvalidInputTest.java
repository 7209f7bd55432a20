package io.circuitstream.stream.codec;

import static io.circuitstream.stream.codec.ImageCodecsRoundTripTest.zeros;
import static io.circuitstream.stream.codec.SampleImages.mnist;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.circuitstream.stream.message.ImageMessage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ImageCodecsInvalidInputTest {

  private static final Limits TWO_BY_TWO = new Limits(2, 2, 1024);

  // --- oversized

  @Test
  void oversizedValueIsRejectedBeforeParsing() {
    byte[] garbage = new byte[70_000];
    Arrays.fill(garbage, (byte) 'x');

    assertInvalid(ImageCodecs.decode(garbage, null, "k", Limits.MNIST), "oversized",
        "the value has 70000 bytes, more than the limit of 65536");
    // A valid image over a smaller limit, and a bad content type: the size is checked first.
    byte[] png = ImageCodecs.encodePng(mnist("a", false, null));
    assertInvalid(ImageCodecs.decode(png, "text/plain", "k", new Limits(28, 28, 100)), "oversized");
  }

  @Test
  void valueOfExactlyTheLimitIsAccepted() {
    byte[] binary = ImageCodecs.encodeBinary(mnist("a", false, null));

    assertThat(ImageCodecs.decode(binary, null, null, new Limits(28, 28, binary.length)))
        .isInstanceOf(Decoded.Ok.class);
  }

  // --- unknown-format

  @Test
  void garbageBytesWithoutHeaderAreUnknownFormat() {
    byte[] garbage = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3, 4, 5};

    assertInvalid(ImageCodecs.decode(garbage, null, "k", Limits.MNIST), "unknown-format",
        "no content-type header and the value is neither PNG, binary (CSI1) nor a JSON object; it starts with "
            + "DE AD BE EF 01 02 03 04 ...");
  }

  @Test
  void emptyValueAndTombstoneAreUnknownFormat() {
    assertInvalid(ImageCodecs.decode(new byte[0], null, "k", Limits.MNIST), "unknown-format", "the value is empty");
    assertInvalid(ImageCodecs.decode(null, null, "k", Limits.MNIST), "unknown-format",
        "the record has no value (a tombstone)");
  }

  @Test
  void jsonArrayIsNotSniffedAsJson() {
    assertInvalid(ImageCodecs.decode("[1, 2]".getBytes(StandardCharsets.UTF_8), null, "k", Limits.MNIST),
        "unknown-format");
  }

  @Test
  void unacceptedContentTypeIsUnknownFormatListingTheAcceptedOnes() {
    byte[] json = ImageCodecs.encodeJson(mnist("a", false, null));

    assertInvalid(ImageCodecs.decode(json, "text/plain", "k", Limits.MNIST), "unknown-format",
        "content-type \"text/plain\" is not accepted; accepted: application/json, image/png, "
            + "application/x-circuitstream-image");
  }

  // --- bad-json

  @Test
  void stringPixelIsBadJson() {
    assertInvalid(decodeJsonPixel("\"abc\""), "bad-json",
        "pixels[12] is a string, expected an integer 0..255 or null");
  }

  @Test
  void fractionalPixelsAreBadJsonEvenWhenWhole() {
    assertInvalid(decodeJsonPixel("1.5"), "bad-json", "pixels[12] is 1.5, expected an integer 0..255 or null");
    assertInvalid(decodeJsonPixel("1.0"), "bad-json");
    assertInvalid(decodeJsonPixel("1e2"), "bad-json");
    assertInvalid(decodeJsonPixel("true"), "bad-json");
    assertInvalid(decodeJsonPixel("[1]"), "bad-json");
  }

  @Test
  void malformedJsonIsBadJsonNamingThePlace() {
    Decoded decoded = ImageCodecs.decode("{\"pixels\": [1, 2,, 3]}".getBytes(StandardCharsets.UTF_8), null, "k",
        Limits.MNIST);

    assertInvalid(decoded, "bad-json");
    assertThat(((Decoded.Invalid) decoded).detail()).startsWith("not valid JSON at line 1, column ");
  }

  @Test
  void strictJsonRejectsDuplicateKeysTrailingTokensCommentsAndNaN() {
    String pixels = "\"pixels\": [" + zeros(784) + "]";
    for (String json : new String[] {
        "{" + pixels + ", " + pixels + "}",
        "{" + pixels + "} {}",
        "{" + pixels + "} x",
        "{/* c */ " + pixels + "}",
        "{\"label\": NaN, " + pixels + "}",
        "{\"id\": 'a', " + pixels + "}",
        "{" + pixels}) {
      assertInvalid(ImageCodecs.decode(json.getBytes(StandardCharsets.UTF_8), null, "k", Limits.MNIST), "bad-json");
    }
  }

  @Test
  void whitespaceUnderTheJsonHeaderIsBadJson() {
    assertInvalid(ImageCodecs.decode(" \n".getBytes(StandardCharsets.UTF_8), "application/json", "k", Limits.MNIST),
        "bad-json", "the value holds no JSON");
  }

  @Test
  void missingPixelsFieldIsBadJson() {
    assertInvalid(decodeJson("{\"id\": \"a\", \"width\": 28}"), "bad-json", "the field \"pixels\" is missing");
    assertInvalid(decodeJson("{\"id\": \"a\", \"pixels\": {}}"), "bad-json", "pixels is an object, expected an array");
  }

  @Test
  void missingIndexOutOfRangeIsBadJson() {
    assertInvalid(decodeJson("{\"pixels\": [" + zeros(784) + "], \"missing\": [3, 784]}"), "bad-json",
        "missing[1] is 784, outside 0..783");
    assertInvalid(decodeJson("{\"pixels\": [" + zeros(784) + "], \"missing\": [-1]}"), "bad-json");
    assertInvalid(decodeJson("{\"pixels\": [" + zeros(784) + "], \"missing\": [\"3\"]}"), "bad-json",
        "missing[0] is a string, expected a pixel index");
    assertInvalid(decodeJson("{\"pixels\": [" + zeros(784) + "], \"missing\": 3}"), "bad-json");
  }

  @Test
  void nonStringIdAndNonIntegerSizeAreBadJson() {
    assertInvalid(decodeJson("{\"id\": 17, \"pixels\": [" + zeros(784) + "]}"), "bad-json",
        "id is 17, expected a string");
    assertInvalid(decodeJson("{\"width\": \"28\", \"pixels\": [" + zeros(784) + "]}"), "bad-json",
        "width is a string, expected an integer");
  }

  @Test
  void topLevelThatIsNoObjectIsBadJsonUnderTheJsonHeader() {
    Decoded decoded = ImageCodecs.decode("[1, 2]".getBytes(StandardCharsets.UTF_8), "application/json", "k",
        Limits.MNIST);

    assertInvalid(decoded, "bad-json", "expected a JSON object, found an array");
  }

  // --- bad-png

  @Test
  void sixteenBitPngIsBadPngSayingWhatIsAccepted() throws IOException {
    byte[] png = imageIoPng(BufferedImage.TYPE_USHORT_GRAY);

    assertInvalid(ImageCodecs.decode(png, null, "k", Limits.MNIST), "bad-png",
        "the PNG is 16-bit grayscale (color type 0); accepted: 8-bit grayscale (color type 0) or 8-bit "
            + "grayscale+alpha (color type 4)");
  }

  @Test
  void rgbAndRgbaPngAreBadPng() throws IOException {
    assertInvalid(ImageCodecs.decode(imageIoPng(BufferedImage.TYPE_INT_RGB), null, "k", Limits.MNIST), "bad-png",
        "the PNG is 8-bit RGB (color type 2); accepted: 8-bit grayscale (color type 0) or 8-bit grayscale+alpha "
            + "(color type 4)");
    assertInvalid(ImageCodecs.decode(imageIoPng(BufferedImage.TYPE_INT_ARGB), null, "k", Limits.MNIST), "bad-png");
    assertInvalid(ImageCodecs.decode(imageIoPng(BufferedImage.TYPE_BYTE_BINARY), null, "k", Limits.MNIST),
        "bad-png");
  }

  @Test
  void truncatedOrCorruptPngIsBadPng() {
    byte[] png = ImageCodecs.encodePng(mnist("a", true, null));

    assertInvalid(ImageCodecs.decode(Arrays.copyOf(png, 20), null, "k", Limits.MNIST), "bad-png",
        "the PNG is truncated: 20 bytes, too short for its header");
    assertInvalid(ImageCodecs.decode(Arrays.copyOf(png, 60), null, "k", Limits.MNIST), "bad-png");
    byte[] badCrc = png.clone();
    badCrc[20] ^= 1;
    assertInvalid(ImageCodecs.decode(badCrc, null, "k", Limits.MNIST), "bad-png",
        "the PNG header (IHDR) fails its CRC check");
    byte[] badData = png.clone();
    for (int i = 41; i < 60; i++) {
      badData[i] = (byte) 0xff;
    }
    assertInvalid(ImageCodecs.decode(badData, null, "k", Limits.MNIST), "bad-png");
  }

  @Test
  void pngTrnsChunkMarksPixelsWithItsGrayValueMissing() {
    byte[] plain = ImageCodecs.encodePng(new ImageMessage("a", 2, 2, new int[] {0, 5, 7, 0}, null, null));
    ByteArrayOutputStream withTrns = new ByteArrayOutputStream();
    withTrns.write(plain, 0, 33); // signature and IHDR
    writeChunk(withTrns, "tRNS", new byte[] {0, 5}); // gray value 5 is transparent
    withTrns.write(plain, 33, plain.length - 33);

    Decoded decoded = ImageCodecs.decode(withTrns.toByteArray(), null, "k", TWO_BY_TWO);

    assertThat(((Decoded.Ok) decoded).image().missing()).containsExactly(false, true, false, false);
  }

  // --- bad-binary

  @Test
  void truncatedBinaryIsBadBinary() {
    byte[] binary = ImageCodecs.encodeBinary(new ImageMessage("img-2x2", 2, 2, new int[] {0, 255, 128, 0},
        new boolean[] {false, false, false, true}, 7));

    assertInvalid(ImageCodecs.decode(Arrays.copyOf(binary, 24), null, "k", TWO_BY_TWO), "bad-binary",
        "the value has 24 bytes, its header says 25 (truncated)");
    assertInvalid(ImageCodecs.decode(Arrays.copyOf(binary, 7), null, "k", TWO_BY_TWO), "bad-binary",
        "the value is truncated: the header needs 6 bytes at offset 4, 3 left");
    assertInvalid(ImageCodecs.decode(Arrays.copyOf(binary, 15), null, "k", TWO_BY_TWO), "bad-binary",
        "the value is truncated: the id needs 7 bytes at offset 13, 2 left");
  }

  @Test
  void trailingBytesAfterBinaryAreBadBinary() {
    byte[] binary = ImageCodecs.encodeBinary(mnist("a", false, null));

    assertInvalid(ImageCodecs.decode(Arrays.copyOf(binary, binary.length + 1), null, "k", Limits.MNIST),
        "bad-binary", "the value has 798 bytes, its header says 797 (trailing bytes)");
  }

  @Test
  void unknownVersionFlagsPaddingBitsOrBadUtf8IdAreBadBinary() {
    byte[] binary = ImageCodecs.encodeBinary(new ImageMessage("id", 2, 2, new int[] {1, 2, 3, 4},
        new boolean[] {true, false, false, false}, null));
    // 0..3 magic, 4 version, 5..8 size, 9 flags, 10..11 id length, 12..13 id, 14..17 pixels, 18 bitmap
    assertThat(ImageCodecs.decode(binary, null, null, TWO_BY_TWO)).isInstanceOf(Decoded.Ok.class);

    assertInvalid(ImageCodecs.decode(with(binary, 4, 2), null, "k", TWO_BY_TWO), "bad-binary",
        "version is 2, only version 1 is known");
    assertInvalid(ImageCodecs.decode(with(binary, 9, 0x05), null, "k", TWO_BY_TWO), "bad-binary",
        "flags is 0x5, only bit 0 (missing bitmap) and bit 1 (label) are defined");
    assertInvalid(ImageCodecs.decode(with(binary, 18, 0x11), null, "k", TWO_BY_TWO), "bad-binary",
        "the missing bitmap sets padding bit 4 of its last byte");
    assertInvalid(ImageCodecs.decode(with(binary, 12, 0xc3), null, "k", TWO_BY_TWO), "bad-binary",
        "the id is not valid UTF-8");
    assertInvalid(ImageCodecs.decode(with(binary, 0, 'X'), "application/x-circuitstream-image", "k", TWO_BY_TWO),
        "bad-binary", "the value does not start with the magic \"CSI1\" (43 53 49 31)");
  }

  // --- wrong-size

  @Test
  void jsonWithSevenHundredPixelsIsWrongSize() {
    assertInvalid(decodeJson("{\"id\": \"a\", \"pixels\": [" + zeros(700) + "]}"), "wrong-size",
        "pixels has 700 values, expected 784 (28x28)");
  }

  @Test
  void jsonWidthOrHeightOtherThanTheLimitsIsWrongSize() {
    assertInvalid(decodeJson("{\"width\": 30, \"height\": 28, \"pixels\": [" + zeros(840) + "]}"), "wrong-size",
        "image is 30x28, expected 28x28");
  }

  @Test
  void pngAndBinaryOfAnotherSizeAreWrongSize() {
    ImageMessage small = new ImageMessage("a", 2, 2, new int[] {1, 2, 3, 4}, null, null);

    assertInvalid(ImageCodecs.decode(ImageCodecs.encodePng(small), null, "k", Limits.MNIST), "wrong-size",
        "the PNG is 2x2, expected 28x28");
    assertInvalid(ImageCodecs.decode(ImageCodecs.encodeBinary(small), null, "k", Limits.MNIST), "wrong-size",
        "image is 2x2, expected 28x28");
  }

  // --- value-out-of-range

  @Test
  void pixelOutsideZeroTo255IsValueOutOfRange() {
    assertInvalid(decodeJsonPixel("300"), "value-out-of-range", "pixels[12] is 300, outside 0..255");
    assertInvalid(decodeJsonPixel("-1"), "value-out-of-range", "pixels[12] is -1, outside 0..255");
    assertInvalid(decodeJsonPixel("99999999999999999999"), "value-out-of-range");
  }

  // --- missing-id

  @Test
  void imageWithoutIdOrKeyIsMissingId() {
    String detail = "the image has no id: the record carries none and has no key";
    ImageMessage anonymous = mnist("", true, null);

    assertInvalid(decodeJson("{\"pixels\": [" + zeros(784) + "]}"), "missing-id", detail);
    assertInvalid(ImageCodecs.decode(ImageCodecs.encodePng(anonymous), null, null, Limits.MNIST), "missing-id", detail);
    assertInvalid(ImageCodecs.decode(ImageCodecs.encodeBinary(anonymous), null, "", Limits.MNIST), "missing-id");
    assertInvalid(ImageCodecs.decode(ImageCodecs.encodeJson(anonymous), null, " ", Limits.MNIST), "missing-id");
  }

  // --- bad-label

  @Test
  void negativeOrNonIntegerLabelIsBadLabel() {
    String pixels = "\"pixels\": [" + zeros(784) + "]";

    assertInvalid(decodeJson("{" + pixels + ", \"label\": -1}"), "bad-label",
        "label is -1, expected a non-negative integer");
    assertInvalid(decodeJson("{" + pixels + ", \"label\": 1.5}"), "bad-label");
    assertInvalid(decodeJson("{" + pixels + ", \"label\": \"7\"}"), "bad-label",
        "label is a string, expected a non-negative integer");
    assertInvalid(decodeJson("{" + pixels + ", \"label\": 4294967296}"), "bad-label");
  }

  // --- robustness

  @ParameterizedTest
  @EnumSource(Format.class)
  void neverThrowsOnTruncatedOrCorruptedInput(Format format) {
    byte[] value = ImageCodecs.encode(mnist("img-1", true, 7), format);
    Random random = new Random(SampleImages.SEED);

    for (int length = 0; length < value.length; length++) {
      byte[] prefix = Arrays.copyOf(value, length);
      assertDecodesWithoutThrowing(prefix, null);
      assertDecodesWithoutThrowing(prefix, format.contentType());
    }
    for (int trial = 0; trial < 300; trial++) {
      byte[] corrupt = value.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
      }
      assertDecodesWithoutThrowing(corrupt, null);
      assertDecodesWithoutThrowing(corrupt, format.contentType());
    }
  }

  @Test
  void everyReasonCodeIsListedOnce() {
    assertThat(Decoded.Invalid.REASONS).containsExactly("oversized", "unknown-format", "bad-json", "bad-png",
        "bad-binary", "wrong-size", "value-out-of-range", "missing-id", "bad-label");
  }

  private static void assertDecodesWithoutThrowing(byte[] value, @Nullable String contentType) {
    assertThatCode(() -> {
      Decoded decoded = ImageCodecs.decode(value, contentType, "k", Limits.MNIST);
      assertThat(decoded).isNotNull();
      if (decoded instanceof Decoded.Invalid invalid) {
        assertThat(Decoded.Invalid.REASONS).contains(invalid.reason());
        assertThat(invalid.detail()).isNotBlank().hasSizeLessThan(300);
      }
    }).doesNotThrowAnyException();
  }

  private static Decoded decodeJsonPixel(String pixel) {
    String pixels = zeros(784).replaceFirst("^(0,){12}0", "0,0,0,0,0,0,0,0,0,0,0,0," + pixel);
    return decodeJson("{\"id\": \"a\", \"pixels\": [" + pixels + "]}");
  }

  private static Decoded decodeJson(String json) {
    return ImageCodecs.decode(json.getBytes(StandardCharsets.UTF_8), null, null, Limits.MNIST);
  }

  private static void assertInvalid(Decoded decoded, String reason) {
    assertThat(decoded).isInstanceOfSatisfying(Decoded.Invalid.class,
        invalid -> assertThat(invalid.reason()).as(invalid.detail()).isEqualTo(reason));
  }

  private static void assertInvalid(Decoded decoded, String reason, String detail) {
    assertThat(decoded).isEqualTo(new Decoded.Invalid(reason, detail));
  }

  private static byte[] with(byte[] value, int index, int b) {
    byte[] copy = value.clone();
    copy[index] = (byte) b;
    return copy;
  }

  private static byte[] imageIoPng(int type) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(new BufferedImage(28, 28, type), "png", out)).isTrue();
    return out.toByteArray();
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
}
