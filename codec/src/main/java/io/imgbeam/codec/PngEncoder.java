package io.imgbeam.codec;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/**
 * Lossless PNG: the smallest exact colour type and bit depth, then deflate at its best level.
 *
 * <p>Exact reductions only: an alpha channel that is opaque everywhere is dropped, RGB whose pixels
 * are all grey becomes grey (1, 2, 4 or 8 bits when the values allow it), 16-bit samples that are
 * 8-bit values scaled by 257 become 8-bit, and at most 256 colours become a palette (with alpha in
 * tRNS). When a palette is possible it is written beside the best direct layout and the smaller
 * file wins. The JDK writer picks a filter per row by the minimum sum of absolute differences.
 */
final class PngEncoder implements ImageEncoder {
  private static final int MAX_PALETTE = 256;

  @Override
  public ImageFormat format() {
    return ImageFormat.PNG;
  }

  @Override
  public Encoded encode(BufferedImage image) throws IOException {
    if (Pixels.isUshort(image) && Pixels.isHighBitDepth(image) && !fitsIn8Bits(image)) {
      BufferedImage wide = reduce16(image);
      return new Encoded(write(wide), wide, null);
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = Pixels.argb(image);
    boolean opaque = true;
    boolean grey = true;
    for (int p : argb) {
      opaque &= (p >>> 24) == 255;
      int r = (p >> 16) & 0xFF;
      grey &= r == ((p >> 8) & 0xFF) && r == (p & 0xFF);
    }
    List<BufferedImage> candidates = new ArrayList<>();
    candidates.add(direct(argb, w, h, opaque, grey));
    int[] palette = palette(argb);
    if (palette != null) {
      candidates.add(indexed(argb, w, h, palette));
    }
    byte[] best = null;
    BufferedImage bestImage = null;
    for (BufferedImage candidate : candidates) {
      byte[] bytes = write(candidate);
      if (best == null || bytes.length < best.length) {
        best = bytes;
        bestImage = candidate;
      }
    }
    return new Encoded(best, bestImage, null);
  }

  private static byte[] write(BufferedImage image) throws IOException {
    ImageWriter writer = ImageWriting.jdkWriter("png");
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0f); // deflate level 9
    return ImageWriting.write(writer, image, param);
  }

  /** Whether every 16-bit sample is an 8-bit value scaled by 257, so 8 bits hold it exactly. */
  private static boolean fitsIn8Bits(BufferedImage image) {
    Raster raster = image.getRaster();
    int w = raster.getWidth();
    int[] row = new int[w * raster.getNumBands()];
    for (int y = 0; y < raster.getHeight(); y++) {
      raster.getPixels(0, y, w, 1, row);
      for (int s : row) {
        if ((s >> 8) != (s & 0xFF)) {
          return false;
        }
      }
    }
    return true;
  }

  /** A 16-bit image without an opaque alpha channel and with grey stored once. */
  private static BufferedImage reduce16(BufferedImage image) {
    Raster raster = image.getRaster();
    int w = raster.getWidth();
    int h = raster.getHeight();
    int bands = raster.getNumBands();
    boolean alpha = image.getColorModel().hasAlpha();
    int colourBands = alpha ? bands - 1 : bands;
    int[] samples = raster.getPixels(0, 0, w, h, (int[]) null);
    boolean opaque = !alpha;
    if (alpha) {
      opaque = true;
      for (int i = colourBands; i < samples.length && opaque; i += bands) {
        opaque = samples[i] == 0xFFFF;
      }
    }
    boolean grey = colourBands == 1;
    if (colourBands == 3) {
      grey = true;
      for (int i = 0; i < samples.length && grey; i += bands) {
        grey = samples[i] == samples[i + 1] && samples[i] == samples[i + 2];
      }
    }
    boolean keepAlpha = alpha && !opaque;
    int outColour = grey ? 1 : 3;
    int outBands = outColour + (keepAlpha ? 1 : 0);
    ColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(grey ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB),
            keepAlpha,
            false,
            keepAlpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster out = cm.createCompatibleWritableRaster(w, h);
    int[] outSamples = new int[w * h * outBands];
    for (int p = 0, i = 0, o = 0; p < w * h; p++, i += bands, o += outBands) {
      outSamples[o] = samples[i];
      if (!grey) {
        outSamples[o + 1] = samples[i + 1];
        outSamples[o + 2] = samples[i + 2];
      }
      if (keepAlpha) {
        outSamples[o + outColour] = samples[i + colourBands];
      }
    }
    out.setPixels(0, 0, w, h, outSamples);
    return new BufferedImage(cm, out, false, null);
  }

  /** The best layout without a palette: grey (narrowest exact depth), grey+alpha, RGB or RGBA. */
  private static BufferedImage direct(int[] argb, int w, int h, boolean opaque, boolean grey) {
    if (grey && opaque) {
      int depth = greyDepth(argb);
      if (depth < 8) {
        int levels = 1 << depth;
        int[] ramp = new int[levels];
        for (int i = 0; i < levels; i++) {
          int v = i * 255 / (levels - 1);
          ramp[i] = 0xFF000000 | (v << 16) | (v << 8) | v;
        }
        return indexed(argb, w, h, ramp);
      }
      BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      byte[] g = new byte[argb.length];
      for (int i = 0; i < argb.length; i++) {
        g[i] = (byte) argb[i];
      }
      out.getRaster().setDataElements(0, 0, w, h, g);
      return out;
    }
    if (grey) {
      ColorModel cm =
          new ComponentColorModel(
              ColorSpace.getInstance(ColorSpace.CS_GRAY),
              true,
              false,
              Transparency.TRANSLUCENT,
              DataBuffer.TYPE_BYTE);
      WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
      byte[] ga = new byte[argb.length * 2];
      for (int i = 0; i < argb.length; i++) {
        ga[2 * i] = (byte) argb[i];
        ga[2 * i + 1] = (byte) (argb[i] >>> 24);
      }
      raster.setDataElements(0, 0, w, h, ga);
      return new BufferedImage(cm, raster, false, null);
    }
    BufferedImage out =
        new BufferedImage(
            w, h, opaque ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_4BYTE_ABGR);
    out.setRGB(0, 0, w, h, argb, 0, w);
    return out;
  }

  /** The narrowest grey bit depth (1, 2, 4 or 8) whose levels contain every value exactly. */
  private static int greyDepth(int[] argb) {
    for (int depth = 1; depth < 8; depth *= 2) {
      int step = 255 / ((1 << depth) - 1);
      boolean exact = true;
      for (int i = 0; i < argb.length && exact; i++) {
        exact = (argb[i] & 0xFF) % step == 0;
      }
      if (exact) {
        return depth;
      }
    }
    return 8;
  }

  /**
   * The distinct colours when there are at most 256, translucent entries first (so tRNS stays
   * short), then in ARGB order; null when there are more.
   */
  private static int[] palette(int[] argb) {
    int[] table = new int[1024];
    boolean[] used = new boolean[table.length];
    int count = 0;
    for (int p : argb) {
      int slot = (p * 0x9E3779B9) >>> 22;
      while (used[slot] && table[slot] != p) {
        slot = (slot + 1) & (table.length - 1);
      }
      if (!used[slot]) {
        if (++count > MAX_PALETTE) {
          return null;
        }
        used[slot] = true;
        table[slot] = p;
      }
    }
    Integer[] colours = new Integer[count];
    for (int i = 0, n = 0; i < table.length; i++) {
      if (used[i]) {
        colours[n++] = table[i];
      }
    }
    Arrays.sort(
        colours,
        (a, b) -> {
          boolean ta = (a >>> 24) != 255;
          boolean tb = (b >>> 24) != 255;
          return ta != tb ? (ta ? -1 : 1) : Integer.compareUnsigned(a, b);
        });
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = colours[i];
    }
    return out;
  }

  private static BufferedImage indexed(int[] argb, int w, int h, int[] palette) {
    int size = palette.length;
    byte[] r = new byte[size];
    byte[] g = new byte[size];
    byte[] b = new byte[size];
    byte[] a = new byte[size];
    boolean alpha = false;
    for (int i = 0; i < size; i++) {
      r[i] = (byte) (palette[i] >> 16);
      g[i] = (byte) (palette[i] >> 8);
      b[i] = (byte) palette[i];
      a[i] = (byte) (palette[i] >>> 24);
      alpha |= (palette[i] >>> 24) != 255;
    }
    int bits = size <= 2 ? 1 : size <= 4 ? 2 : size <= 16 ? 4 : 8;
    IndexColorModel icm =
        alpha
            ? new IndexColorModel(bits, size, r, g, b, a)
            : new IndexColorModel(bits, size, r, g, b);
    BufferedImage out =
        new BufferedImage(
            w, h, bits < 8 ? BufferedImage.TYPE_BYTE_BINARY : BufferedImage.TYPE_BYTE_INDEXED, icm);
    Map<Integer, Integer> lookup = new HashMap<>(size * 2);
    for (int i = 0; i < size; i++) {
      lookup.put(palette[i], i);
    }
    int[] index = new int[argb.length];
    for (int i = 0; i < argb.length; i++) {
      Integer found = lookup.get(argb[i]);
      if (found == null) {
        throw new IllegalStateException(
            "colour " + Integer.toHexString(argb[i]) + " is missing from the palette");
      }
      index[i] = found;
    }
    out.getRaster().setPixels(0, 0, w, h, index);
    return out;
  }
}
