package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.Arrays;

/** Exact pixel comparison, for lossless outputs. */
final class PixelEquality {
  private PixelEquality() {}

  /**
   * Whether two images hold the same pixels: raw samples when both are 16-bit, 8-bit ARGB otherwise
   * (so a palette and a direct layout of the same colours are equal).
   */
  static boolean equal(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      return false;
    }
    if (Pixels.isHighBitDepth(a) || Pixels.isHighBitDepth(b)) {
      Raster ra = a.getRaster();
      Raster rb = b.getRaster();
      if (ra.getNumBands() != rb.getNumBands()) {
        return false;
      }
      int w = a.getWidth();
      int[] rowA = new int[w * ra.getNumBands()];
      int[] rowB = new int[w * rb.getNumBands()];
      for (int y = 0; y < a.getHeight(); y++) {
        if (!Arrays.equals(ra.getPixels(0, y, w, 1, rowA), rb.getPixels(0, y, w, 1, rowB))) {
          return false;
        }
      }
      return true;
    }
    return Arrays.equals(Pixels.argb(a), Pixels.argb(b));
  }
}
