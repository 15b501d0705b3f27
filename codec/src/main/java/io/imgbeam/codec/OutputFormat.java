package io.imgbeam.codec;

import java.util.Locale;

/**
 * The format to write.
 *
 * <p>{@link #SAME} keeps JPEG as JPEG and PNG as PNG. Inputs whose format has no encoder of its own
 * are written as lossless PNG (BMP, TIFF, still GIF), or kept as they are with their private
 * metadata removed (WebP, and animations of any format, whose frames a single-image encoder would
 * lose).
 */
public enum OutputFormat {
  SAME,
  JPEG,
  PNG;

  /** The lower-case name used on the command line and in outcome records. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
