package io.imgbeam.codec;

import java.util.Locale;

/** How PNG outputs are made: exact pixels, a quantised palette, or the palette when it is good. */
public enum PngMode {
  /** Exact pixels, the smallest lossless layout (the default). */
  LOSSLESS,
  /** At most 256 colours (alpha included), chosen and dithered, whatever the score. */
  LOSSY,
  /** The quantised palette when its SSIM reaches the floor and it is smaller, else lossless. */
  AUTO;

  /** The lower-case name used on the command line and in the settings fingerprint. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code lossless}, {@code lossy} or {@code auto}, case-insensitively. */
  public static PngMode parse(String value) {
    for (PngMode mode : values()) {
      if (mode.optionName().equalsIgnoreCase(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("expected lossless, lossy or auto for png, got " + value);
  }
}
