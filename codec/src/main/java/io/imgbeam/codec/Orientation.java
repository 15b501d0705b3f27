package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Applies an EXIF orientation (TIFF tag 274) to the pixels, so the output needs no tag to look
 * upright. Works on any raster layout (8/16-bit, palette, grey, alpha) by copying data elements.
 */
final class Orientation {
  private Orientation() {}

  /** Whether {@code orientation} swaps width and height (values 5 to 8). */
  static boolean swapsAxes(int orientation) {
    return orientation >= 5 && orientation <= 8;
  }

  /** Returns an upright copy, or {@code image} itself for orientation 1 or an unknown value. */
  static BufferedImage apply(BufferedImage image, int orientation) {
    if (orientation < 2 || orientation > 8) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    boolean swap = swapsAxes(orientation);
    int dw = swap ? h : w;
    int dh = swap ? w : h;
    ColorModel cm = image.getColorModel();
    Raster src = image.getRaster();
    WritableRaster dst = cm.createCompatibleWritableRaster(dw, dh);
    Object pixel = null;
    for (int y = 0; y < dh; y++) {
      for (int x = 0; x < dw; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> {
            sx = w - 1 - x;
            sy = y;
          }
          case 3 -> {
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case 4 -> {
            sx = x;
            sy = h - 1 - y;
          }
          case 5 -> {
            sx = y;
            sy = x;
          }
          case 6 -> {
            sx = y;
            sy = h - 1 - x;
          }
          case 7 -> {
            sx = w - 1 - y;
            sy = h - 1 - x;
          }
          default -> {
            sx = w - 1 - y;
            sy = x;
          }
        }
        pixel = src.getDataElements(sx, sy, pixel);
        dst.setDataElements(x, y, pixel);
      }
    }
    return new BufferedImage(cm, dst, cm.isAlphaPremultiplied(), null);
  }
}
