package io.circuitstream.stream.codec;

import static io.circuitstream.stream.codec.SampleImages.assertSameImage;
import static io.circuitstream.stream.codec.SampleImages.mnist;
import static io.circuitstream.stream.codec.SampleImages.withIdAndNoLabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.circuitstream.stream.message.ImageMessage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ImageCodecsRoundTripTest {

  private static final String KEY = "record-key";

  static Stream<Arguments> formatsImagesAndHeaders() {
    List<Arguments> cases = new ArrayList<>();
    for (Format format : Format.values()) {
      for (boolean withMissing : new boolean[] {false, true}) {
        for (Integer label : new Integer[] {null, 7}) {
          for (boolean withHeader : new boolean[] {false, true}) {
            cases.add(Arguments.of(format, withMissing, label, withHeader));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, missing={1}, label={2}, header={3}")
  @MethodSource("formatsImagesAndHeaders")
  void decodingAnEncodedImageGivesItBack(Format format, boolean withMissing, @Nullable Integer label,
      boolean withHeader) {
    ImageMessage image = mnist("img-1", withMissing, label);
    byte[] value = ImageCodecs.encode(image, format);

    Decoded decoded = ImageCodecs.decode(value, withHeader ? ImageCodecs.contentType(format) : null, KEY,
        Limits.MNIST);

    assertThat(decoded).isInstanceOf(Decoded.Ok.class);
    ImageMessage back = ((Decoded.Ok) decoded).image();
    // PNG carries neither id nor label: the key is the id.
    assertSameImage(back, format == Format.PNG ? withIdAndNoLabel(image, KEY) : image);
    if (!withMissing) {
      assertThat(back.missing()).isNull();
    } else {
      assertThat(back.missingCount()).isEqualTo(112);
    }
  }

  @Test
  void headerWinsOverSniffing() {
    ImageMessage image = mnist("img-1", false, null);
    byte[] png = ImageCodecs.encodePng(image);

    assertThat(ImageCodecs.decode(png, null, KEY, Limits.MNIST)).isInstanceOf(Decoded.Ok.class);
    assertThat(ImageCodecs.decode(png, "application/json", KEY, Limits.MNIST))
        .isInstanceOfSatisfying(Decoded.Invalid.class, invalid -> assertThat(invalid.reason()).isEqualTo("bad-json"));
    assertThat(ImageCodecs.decode(ImageCodecs.encodeBinary(image), "image/png", KEY, Limits.MNIST))
        .isInstanceOfSatisfying(Decoded.Invalid.class, invalid -> assertThat(invalid.reason()).isEqualTo("bad-png"));
    assertThat(ImageCodecs.decode(ImageCodecs.encodeJson(image), "application/x-circuitstream-image", KEY,
        Limits.MNIST))
        .isInstanceOfSatisfying(Decoded.Invalid.class,
            invalid -> assertThat(invalid.reason()).isEqualTo("bad-binary"));
  }

  @Test
  void contentTypeHeaderIgnoresCaseAndParameters() {
    ImageMessage image = mnist("img-1", true, 3);

    assertThat(ImageCodecs.decode(ImageCodecs.encodeJson(image), " Application/JSON; charset=utf-8", null,
        Limits.MNIST)).isInstanceOf(Decoded.Ok.class);
    assertThat(ImageCodecs.decode(ImageCodecs.encodeBinary(image), "APPLICATION/X-CIRCUITSTREAM-IMAGE;v=1", null,
        Limits.MNIST)).isInstanceOf(Decoded.Ok.class);
  }

  @Test
  void blankHeaderMeansSniffing() {
    byte[] json = ImageCodecs.encodeJson(mnist("img-1", false, null));

    assertThat(ImageCodecs.decode(json, "  ", null, Limits.MNIST)).isInstanceOf(Decoded.Ok.class);
  }

  @Test
  void jsonAfterLeadingWhitespaceIsSniffed() {
    byte[] json = ImageCodecs.encodeJson(mnist("img-1", false, null));
    byte[] padded = new byte[json.length + 4];
    padded[0] = ' ';
    padded[1] = '\n';
    padded[2] = '\t';
    padded[3] = '\r';
    System.arraycopy(json, 0, padded, 4, json.length);

    assertThat(ImageCodecs.decode(padded, null, null, Limits.MNIST)).isInstanceOf(Decoded.Ok.class);
  }

  @Test
  void idInTheRecordWinsOverTheKeyAndTheKeyFillsIn() {
    String pixels = zeros(784);
    byte[] withId = ("{\"id\": \"in-json\", \"pixels\": [" + pixels + "]}").getBytes(StandardCharsets.UTF_8);
    byte[] withoutId = ("{\"pixels\": [" + pixels + "]}").getBytes(StandardCharsets.UTF_8);
    byte[] blankId = ("{\"id\": \" \", \"pixels\": [" + pixels + "]}").getBytes(StandardCharsets.UTF_8);
    ImageMessage binaryImage = mnist("", false, null);

    assertThat(idOf(ImageCodecs.decode(withId, null, KEY, Limits.MNIST))).isEqualTo("in-json");
    assertThat(idOf(ImageCodecs.decode(withoutId, null, KEY, Limits.MNIST))).isEqualTo(KEY);
    assertThat(idOf(ImageCodecs.decode(blankId, null, KEY, Limits.MNIST))).isEqualTo(KEY);
    assertThat(idOf(ImageCodecs.decode(ImageCodecs.encodeBinary(binaryImage), null, KEY, Limits.MNIST)))
        .isEqualTo(KEY);
  }

  @Test
  void nullPixelsAndTheMissingListBothMarkPixelsMissing() {
    StringBuilder pixels = new StringBuilder("null");
    for (int i = 1; i < 784; i++) {
      pixels.append(i == 5 ? ",null" : "," + (i % 256));
    }
    byte[] json = ("{\"id\": \"a\", \"width\": 28, \"height\": 28, \"pixels\": [" + pixels
        + "], \"missing\": [5, 783, 9]}").getBytes(StandardCharsets.UTF_8);

    ImageMessage image = ((Decoded.Ok) ImageCodecs.decode(json, null, null, Limits.MNIST)).image();

    assertThat(image.missingCount()).isEqualTo(4);
    assertThat(image.missing()[0]).isTrue();
    assertThat(image.missing()[5]).isTrue();
    assertThat(image.missing()[9]).isTrue();
    assertThat(image.missing()[783]).isTrue();
    assertThat(image.pixels()[1]).isEqualTo(1);
    assertThat(image.pixels()[0]).isZero();
  }

  @Test
  void widthAndHeightMayBeOmittedInJson() {
    byte[] json = ("{\"id\": \"a\", \"pixels\": [" + zeros(784) + "], \"missing\": []}")
        .getBytes(StandardCharsets.UTF_8);

    ImageMessage image = ((Decoded.Ok) ImageCodecs.decode(json, null, null, Limits.MNIST)).image();

    assertThat(image.width()).isEqualTo(28);
    assertThat(image.height()).isEqualTo(28);
    assertThat(image.missing()).isNull();
  }

  @Test
  void largeLabelsArePassedOn() {
    byte[] json = ("{\"id\": \"a\", \"pixels\": [" + zeros(784) + "], \"label\": 42}").getBytes(StandardCharsets.UTF_8);

    assertThat(((Decoded.Ok) ImageCodecs.decode(json, null, null, Limits.MNIST)).image().label()).isEqualTo(42);
  }

  @Test
  void pngWithoutMissingPixelsIsPlainGrayAndWithMissingPixelsIsGrayAlpha() throws IOException {
    byte[] plain = ImageCodecs.encodePng(mnist("a", false, null));
    byte[] withAlpha = ImageCodecs.encodePng(mnist("a", true, null));

    // IHDR color type is byte 25.
    assertThat(plain[25]).isEqualTo((byte) 0);
    assertThat(withAlpha[25]).isEqualTo((byte) 4);
    // Another decoder agrees: ImageIO reads one band, and two with alpha 0 at missing pixels.
    BufferedImage gray = ImageIO.read(new java.io.ByteArrayInputStream(plain));
    BufferedImage grayAlpha = ImageIO.read(new java.io.ByteArrayInputStream(withAlpha));
    assertThat(gray.getRaster().getNumBands()).isEqualTo(1);
    assertThat(gray.getRaster().getSample(1, 0, 0)).isEqualTo(mnist("a", false, null).pixels()[1]);
    assertThat(grayAlpha.getRaster().getNumBands()).isEqualTo(2);
    assertThat(grayAlpha.getRaster().getSample(3, 0, 1)).isZero();
    assertThat(grayAlpha.getRaster().getSample(4, 0, 1)).isEqualTo(255);
  }

  @Test
  void decodesGrayPngWrittenByImageIo() throws IOException {
    BufferedImage image = grayImage();

    Decoded decoded = ImageCodecs.decode(writePng(image, false), null, KEY, Limits.MNIST);

    ImageMessage back = ((Decoded.Ok) decoded).image();
    assertThat(back.pixels()[2 * 28 + 5]).isEqualTo(image.getRaster().getSample(5, 2, 0));
    assertThat(back.missing()).isNull();
  }

  @Test
  void decodesInterlacedPngWrittenByImageIo() throws IOException {
    BufferedImage image = grayImage();
    byte[] interlaced = writePng(image, true);
    assertThat(interlaced[28]).as("IHDR interlace method").isEqualTo((byte) 1);

    ImageMessage back = ((Decoded.Ok) ImageCodecs.decode(interlaced, "image/png", KEY, Limits.MNIST)).image();

    for (int i = 0; i < 784; i++) {
      assertThat(back.pixels()[i]).isEqualTo(image.getRaster().getSample(i % 28, i / 28, 0));
    }
  }

  @Test
  void encodeChoosesTheFormatAndContentTypeNamesIt() {
    ImageMessage image = mnist("img-1", false, null);

    assertThat(ImageCodecs.encode(image, Format.JSON)).isEqualTo(ImageCodecs.encodeJson(image));
    assertThat(ImageCodecs.encode(image, Format.PNG)).isEqualTo(ImageCodecs.encodePng(image));
    assertThat(ImageCodecs.encode(image, Format.BINARY)).isEqualTo(ImageCodecs.encodeBinary(image));
    assertThat(ImageCodecs.contentType(Format.JSON)).isEqualTo("application/json");
    assertThat(ImageCodecs.contentType(Format.PNG)).isEqualTo("image/png");
    assertThat(ImageCodecs.contentType(Format.BINARY)).isEqualTo("application/x-circuitstream-image");
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void formatByNameFindsEachFormatIgnoringCase(Format format) {
    assertThat(Format.byName(format.formatName())).isSameAs(format);
    assertThat(Format.byName(format.formatName().toUpperCase(java.util.Locale.ROOT))).isSameAs(format);
  }

  @Test
  void formatByNameListsTheValidNamesWhenTheNameIsUnknown() {
    assertThatThrownBy(() -> Format.byName("gif"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown image format \"gif\"; valid names: json, png, binary");
  }

  @Test
  void encodersRejectWhatTheirFormatCannotCarry() {
    ImageMessage bigLabel = mnist("a", false, 300);
    ImageMessage negativeLabel = mnist("a", false, -1);

    assertThatThrownBy(() -> ImageCodecs.encodeBinary(bigLabel))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label must be 0..255 to be encoded, got 300");
    assertThatThrownBy(() -> ImageCodecs.encodeJson(negativeLabel))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label must be non-negative to be encoded, got -1");
    assertThat(ImageCodecs.decode(ImageCodecs.encodeJson(bigLabel), null, null, Limits.MNIST))
        .isInstanceOf(Decoded.Ok.class);
  }

  @Test
  void limitsRejectNonPositiveSizesNamingTheField() {
    assertThatThrownBy(() -> new Limits(0, 28, 100)).hasMessage("width must be positive, got 0");
    assertThatThrownBy(() -> new Limits(28, -1, 100)).hasMessage("height must be positive, got -1");
    assertThatThrownBy(() -> new Limits(28, 28, 0)).hasMessage("maxBytes must be positive, got 0");
    assertThat(Limits.MNIST).isEqualTo(new Limits(28, 28, 65536));
  }

  static String idOf(Decoded decoded) {
    assertThat(decoded).isInstanceOf(Decoded.Ok.class);
    return ((Decoded.Ok) decoded).image().id();
  }

  static String zeros(int count) {
    return String.join(",", java.util.Collections.nCopies(count, "0"));
  }

  private static BufferedImage grayImage() {
    BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        image.getRaster().setSample(x, y, 0, (x * 9 + y * 5) % 256);
      }
    }
    return image;
  }

  private static byte[] writePng(BufferedImage image, boolean interlaced) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (interlaced) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
