package io.circuitstream.stream.codec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An input image format, named on the command line and announced by the {@code content-type}
 * record header.
 */
public enum Format {
  /** A JSON object with a flat pixel array; content type {@code application/json}. */
  JSON("json", "application/json"),
  /** An 8-bit grayscale PNG, with alpha 0 marking missing pixels; content type {@code image/png}. */
  PNG("png", "image/png"),
  /** The compact binary form starting with {@code CSI1}; content type {@code application/x-circuitstream-image}. */
  BINARY("binary", "application/x-circuitstream-image");

  private final String formatName;
  private final String contentType;

  Format(String formatName, String contentType) {
    this.formatName = formatName;
    this.contentType = contentType;
  }

  /** Returns the short lower-case name: {@code json}, {@code png} or {@code binary}. */
  public String formatName() {
    return formatName;
  }

  /** Returns the value of the {@code content-type} header that announces this format. */
  public String contentType() {
    return contentType;
  }

  /**
   * Returns the format with the given short name, ignoring case.
   *
   * @param name {@code json}, {@code png} or {@code binary}
   * @return the format
   * @throws IllegalArgumentException if the name is none of these; the message lists the valid names
   */
  public static Format byName(String name) {
    Objects.requireNonNull(name, "name");
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Format format : values()) {
      if (format.formatName.equals(wanted)) {
        return format;
      }
    }
    throw new IllegalArgumentException("unknown image format \"" + name + "\"; valid names: " + validNames());
  }

  /** Returns the valid short names separated by commas, for messages. */
  static String validNames() {
    return Arrays.stream(values()).map(Format::formatName).collect(Collectors.joining(", "));
  }

  /** Returns the valid content types separated by commas, for messages. */
  static String validContentTypes() {
    return Arrays.stream(values()).map(Format::contentType).collect(Collectors.joining(", "));
  }
}
