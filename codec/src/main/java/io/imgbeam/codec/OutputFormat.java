package io.imgbeam.codec;

import java.util.Locale;

/**
 * The format to write.
 *
 * <p>{@link #SAME} keeps JPEG as JPEG, PNG as PNG and WebP as WebP (lossless WebP stays lossless).
 * Inputs whose format has no encoder of its own are written as lossless PNG (BMP, TIFF, still GIF),
 * and animations of any format are kept as they are with their private metadata removed, since a
 * single-image encoder would lose their frames. {@link #AUTO} encodes every candidate format (see
 * {@link CompressionSettings#withAutoFormats}) and keeps the smallest.
 */
public enum OutputFormat {
  SAME,
  JPEG,
  PNG,
  WEBP,
  AVIF,
  AUTO;

  /** The lower-case name used on the command line and in outcome records. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format whose {@link #optionName()} is {@code value}, ignoring case; null when none. */
  public static OutputFormat fromOptionName(String value) {
    for (OutputFormat format : values()) {
      if (format.optionName().equalsIgnoreCase(value == null ? "" : value.strip())) {
        return format;
      }
    }
    return null;
  }
}
