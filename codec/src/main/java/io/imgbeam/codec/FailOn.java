package io.imgbeam.codec;

import java.util.Locale;

/**
 * How strict decoding is, as sharp's {@code failOn}: which decoder complaints end an image as
 * {@code FAILED}.
 */
public enum FailOn {
  /**
   * Warnings about the data count as errors (the default): a truncated JPEG that the decoder pads
   * with grey, a PNG chunk with a wrong CRC, image data past what the header calls for.
   */
  WARNING,
  /** Only errors fail an image; the decoder's warnings are accepted and the image goes on. */
  ERROR;

  /** The lower-case name used on the command line and in the settings fingerprint. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code warning} or {@code error}, case-insensitively. */
  public static FailOn parse(String value) {
    for (FailOn level : values()) {
      if (level.optionName().equalsIgnoreCase(value)) {
        return level;
      }
    }
    throw new IllegalArgumentException("expected warning or error for failOn, got " + value);
  }
}
