package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/** Exact pixel comparison, for lossless outputs. */
final class PixelEquality {
  private PixelEquality() {}

  /**
   * Whether two images show the same pixels: 16-bit RGBA when both are 16-bit, 8-bit ARGB
   * otherwise, so a palette, grey or direct layout of the same colours are equal.
   */
  static boolean equal(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      return false;
    }
    if (wide(a) && wide(b)) {
      return Arrays.equals(Pixels.rgba16(a), Pixels.rgba16(b));
    }
    return Arrays.equals(Pixels.argb(a), Pixels.argb(b));
  }

  private static boolean wide(BufferedImage image) {
    return Pixels.isHighBitDepth(image) && Pixels.isUshort(image);
  }
}
