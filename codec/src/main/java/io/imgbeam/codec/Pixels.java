package io.imgbeam.codec;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;

/**
 * Reads pixels the way the file meant them.
 *
 * <p>Java treats an untagged grey image as linear grey and brightens it on {@code getRGB}; PNG and
 * JPEG grey samples are sRGB-encoded, so grey rasters are read as raw samples here instead.
 */
final class Pixels {
  private Pixels() {}

  /**
   * Fails unless {@code a} and {@code b} have the same width and height (metrics compare pixels).
   */
  static void checkSameSize(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      throw new IllegalArgumentException(
          "expected images of equal size, got "
              + a.getWidth()
              + "x"
              + a.getHeight()
              + " and "
              + b.getWidth()
              + "x"
              + b.getHeight());
    }
  }

  static boolean isGrey(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    return !(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
  }

  /**
   * A new opaque 8-bit sRGB image whose bytes are interleaved in R, G, B order: the order the JDK's
   * JPEG reader decodes rows in, so that it copies each row into this image whole ({@code
   * TYPE_3BYTE_BGR}, its default, takes a copy sample by sample).
   */
  static BufferedImage rgbBytes(int w, int h) {
    ColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_BYTE);
    return new BufferedImage(
        cm,
        Raster.createInterleavedRaster(
            DataBuffer.TYPE_BYTE, w, h, 3 * w, 3, new int[] {0, 1, 2}, null),
        false,
        null);
  }

  /**
   * The band offsets of R, G and B in the pixels of an opaque 8-bit sRGB image of interleaved bytes
   * ({@code TYPE_3BYTE_BGR}, {@link #rgbBytes}), three bytes a pixel; null for any other layout.
   */
  static int[] rgbByteOffsets(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    if (cm instanceof ComponentColorModel
        && !cm.hasAlpha()
        && cm.getColorSpace().isCS_sRGB()
        && cm.getComponentSize(0) == 8
        && raster.getDataBuffer() instanceof DataBufferByte bytes
        && bytes.getNumBanks() == 1
        && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
        && sm.getNumBands() == 3
        && sm.getPixelStride() == 3) {
      return sm.getBandOffsets();
    }
    return null;
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
      if (!packedRow(image, y, out)) {
        image.getRGB(0, y, w, 1, out, 0, w);
      }
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

  /**
   * Every {@code step}-th pixel of row {@code y} from {@code x0} on, {@code count} of them, as
   * {@link #argbRow} gives them, into {@code out}; read straight from the array for the layouts of
   * {@link #packedRow}, so that a point-sampled reader pays for the pixels it keeps only. {@code
   * row} and {@code samples} are scratch space of {@link #argbRow} for the other layouts.
   */
  static void argbRowSampled(
      BufferedImage image,
      int y,
      int x0,
      int step,
      int count,
      int[] out,
      int[] row,
      int[] samples) {
    if (step == 1 && x0 == 0 && count == image.getWidth()) {
      argbRow(image, y, out, samples);
      return;
    }
    if (isGrey(image) || !packedRow(image, y, x0, step, count, out)) {
      argbRow(image, y, row, samples);
      for (int i = 0; i < count; i++) {
        out[i] = row[x0 + i * step];
      }
    }
  }

  private static boolean packedRow(BufferedImage image, int y, int[] out) {
    return packedRow(image, y, 0, 1, image.getWidth(), out);
  }

  /**
   * The row as {@code getRGB} returns it, read straight from the raster's array, for the layouts
   * decoders and this codebase produce (8-bit interleaved RGB/RGBA bytes, packed RGB/ARGB ints) in
   * sRGB without premultiplied alpha; false for anything else. {@code getRGB} goes through the
   * colour model pixel by pixel, which costs seconds on a 24 MP image; here nothing is converted,
   * since for these layouts the samples already are the sRGB values.
   */
  private static boolean packedRow(BufferedImage image, int y, int x0, int step, int w, int[] out) {
    ColorModel cm = image.getColorModel();
    if (!cm.getColorSpace().isCS_sRGB() || cm.isAlphaPremultiplied()) {
      return false;
    }
    Raster raster = image.getRaster();
    int ry = y - raster.getSampleModelTranslateY();
    int rx = -raster.getSampleModelTranslateX();
    if (cm instanceof ComponentColorModel
        && raster.getDataBuffer() instanceof DataBufferByte bytes
        && bytes.getNumBanks() == 1
        && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
        && (sm.getNumBands() == 3 || sm.getNumBands() == 4 && cm.hasAlpha())
        && cm.getComponentSize(0) == 8) {
      int[] offsets = sm.getBandOffsets();
      int stride = sm.getPixelStride();
      int start = bytes.getOffset() + ry * sm.getScanlineStride() + (rx + x0) * stride;
      int pixelStep = stride * step;
      byte[] data = bytes.getData();
      int r = start + offsets[0];
      int g = start + offsets[1];
      int b = start + offsets[2];
      if (sm.getNumBands() == 3) {
        for (int x = 0, o = 0; x < w; x++, o += pixelStep) {
          out[x] =
              0xFF000000
                  | (data[r + o] & 0xFF) << 16
                  | (data[g + o] & 0xFF) << 8
                  | (data[b + o] & 0xFF);
        }
      } else {
        int a = start + offsets[3];
        for (int x = 0, o = 0; x < w; x++, o += pixelStep) {
          out[x] =
              (data[a + o] & 0xFF) << 24
                  | (data[r + o] & 0xFF) << 16
                  | (data[g + o] & 0xFF) << 8
                  | (data[b + o] & 0xFF);
        }
      }
      return true;
    }
    if (cm instanceof DirectColorModel dcm
        && raster.getDataBuffer() instanceof DataBufferInt ints
        && ints.getNumBanks() == 1
        && raster.getSampleModel() instanceof SinglePixelPackedSampleModel sm
        && dcm.getRedMask() == 0xFF0000
        && dcm.getGreenMask() == 0xFF00
        && dcm.getBlueMask() == 0xFF
        && (dcm.getAlphaMask() == 0 || dcm.getAlphaMask() == 0xFF000000)) {
      int[] data = ints.getData();
      int start = ints.getOffset() + ry * sm.getScanlineStride() + rx + x0;
      int opaque = dcm.getAlphaMask() == 0 ? 0xFF000000 : 0;
      if (step == 1) {
        for (int x = 0; x < w; x++) {
          out[x] = data[start + x] | opaque;
        }
      } else {
        for (int x = 0; x < w; x++) {
          out[x] = data[start + x * step] | opaque;
        }
      }
      return true;
    }
    return false;
  }

  private static int to8(int sample, int max) {
    return max == 255 ? sample : (int) ((sample * 255L + max / 2) / max);
  }

  /** An opaque 8-bit RGB copy, composited over white where the image has alpha. */
  static BufferedImage toRgb8(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    // Written row by row into the new image's own array: no whole-image intermediate, and no
    // per-pixel trip through the colour model as setRGB would make.
    int[] dst = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
    int[] row = new int[w];
    int[] samples = new int[w * image.getRaster().getNumBands()];
    for (int y = 0; y < h; y++) {
      argbRow(image, y, row, samples);
      for (int x = 0; x < w; x++) {
        dst[y * w + x] = overWhite(row[x]);
      }
    }
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
