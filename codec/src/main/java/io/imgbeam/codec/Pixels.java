package io.imgbeam.codec;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Reads pixels the way the file meant them.
 *
 * <p>Java treats an untagged grey image as linear grey and brightens it on {@code getRGB}; PNG and
 * JPEG grey samples are sRGB-encoded, so grey rasters are read as raw samples here instead.
 */
final class Pixels {
  private Pixels() {}

  static boolean isGrey(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    return !(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
  }

  static boolean hasAlpha(BufferedImage image) {
    return image.getColorModel().hasAlpha();
  }

  /** Whether samples are wider than 8 bits (16-bit PNG, TIFF). */
  static boolean isHighBitDepth(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    if (cm instanceof IndexColorModel) {
      return false;
    }
    for (int bits : cm.getComponentSize()) {
      if (bits > 8) {
        return true;
      }
    }
    return false;
  }

  /** Non-premultiplied 8-bit ARGB for every pixel, row by row. */
  static int[] argb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] out = new int[w * h];
    if (!isGrey(image)) {
      image.getRGB(0, 0, w, h, out, 0, w);
      return out;
    }
    int[] row = new int[w];
    int[] samples = new int[w * image.getRaster().getNumBands()];
    for (int y = 0; y < h; y++) {
      argbRow(image, y, row, samples);
      System.arraycopy(row, 0, out, y * w, w);
    }
    return out;
  }

  /** Row {@code y} of {@link #argb}, into {@code out} (at least the image's width long). */
  static void argbRow(BufferedImage image, int y, int[] out) {
    argbRow(image, y, out, new int[image.getWidth() * image.getRaster().getNumBands()]);
  }

  /**
   * Non-premultiplied 8-bit ARGB of row {@code y} into {@code out} (width entries); {@code samples}
   * is scratch space of width x bands entries.
   */
  static void argbRow(BufferedImage image, int y, int[] out, int[] samples) {
    int w = image.getWidth();
    if (!isGrey(image)) {
      image.getRGB(0, y, w, 1, out, 0, w);
      return;
    }
    Raster raster = image.getRaster();
    boolean alpha = hasAlpha(image);
    int bands = raster.getNumBands();
    int maxGrey = (1 << image.getColorModel().getComponentSize(0)) - 1;
    int maxAlpha = alpha ? (1 << image.getColorModel().getComponentSize(bands - 1)) - 1 : 1;
    raster.getPixels(0, y, w, 1, samples);
    for (int x = 0; x < w; x++) {
      int g = to8(samples[x * bands], maxGrey);
      int a = alpha ? to8(samples[x * bands + bands - 1], maxAlpha) : 255;
      out[x] = (a << 24) | (g << 16) | (g << 8) | g;
    }
  }

  private static int to8(int sample, int max) {
    return max == 255 ? sample : (int) ((sample * 255L + max / 2) / max);
  }

  /** An opaque 8-bit RGB copy, composited over white where the image has alpha. */
  static BufferedImage toRgb8(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] px = argb(image);
    for (int i = 0; i < px.length; i++) {
      px[i] = overWhite(px[i]);
    }
    BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(0, 0, w, h, px, 0, w);
    return rgb;
  }

  /** An 8-bit grey copy of a grey image, composited over white where it has alpha. */
  static BufferedImage toGrey8(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] px = argb(image);
    byte[] grey = new byte[w * h];
    for (int i = 0; i < px.length; i++) {
      grey[i] = (byte) overWhite(px[i]);
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    out.getRaster().setDataElements(0, 0, w, h, grey);
    return out;
  }

  /** Composites one non-premultiplied ARGB pixel over white; returns opaque RGB. */
  static int overWhite(int argb) {
    int a = argb >>> 24;
    if (a == 255) {
      return argb & 0xFFFFFF;
    }
    int r = blend((argb >> 16) & 0xFF, a);
    int g = blend((argb >> 8) & 0xFF, a);
    int b = blend(argb & 0xFF, a);
    return (r << 16) | (g << 8) | b;
  }

  private static int blend(int c, int a) {
    return (c * a + 255 * (255 - a) + 127) / 255;
  }

  /**
   * Red, green, blue and alpha (opaque is 65535) of every pixel of a 16-bit grey, grey+alpha, RGB
   * or RGBA image, four ints per pixel.
   */
  static int[] rgba16(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] samples = new int[w * image.getRaster().getNumBands()];
    int[] row = new int[w * 4];
    int[] out = new int[w * h * 4];
    for (int y = 0; y < h; y++) {
      rgba16Row(image, y, row, samples);
      System.arraycopy(row, 0, out, y * w * 4, w * 4);
    }
    return out;
  }

  /**
   * {@link #rgba16} for row {@code y} only, into {@code out} (width x 4 entries); {@code samples}
   * is scratch space of width x bands entries.
   */
  static void rgba16Row(BufferedImage image, int y, int[] out, int[] samples) {
    int w = image.getWidth();
    int bands = image.getRaster().getNumBands();
    boolean alpha = hasAlpha(image);
    boolean grey = isGrey(image);
    image.getRaster().getPixels(0, y, w, 1, samples);
    for (int x = 0; x < w; x++) {
      int s = x * bands;
      int o = x * 4;
      out[o] = samples[s];
      out[o + 1] = grey ? samples[s] : samples[s + 1];
      out[o + 2] = grey ? samples[s] : samples[s + 2];
      out[o + 3] = alpha ? samples[s + bands - 1] : 0xFFFF;
    }
  }

  /** Whether the raster stores 16-bit unsigned samples. */
  static boolean isUshort(BufferedImage image) {
    return image.getRaster().getDataBuffer().getDataType() == DataBuffer.TYPE_USHORT;
  }
}
