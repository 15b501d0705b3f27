package io.imgbeam.codec;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;

/**
 * Carries out a {@link Resize.Plan}: a separable Lanczos3 filter (three lobes, widened by the
 * reduction factor when shrinking, so it also is the anti-aliasing filter), applied in linear light
 * to premultiplied alpha.
 *
 * <p>Linear light: sRGB samples are decoded with the sRGB curve before filtering and encoded again
 * after, so that averaging a black and a white pixel gives the grey of their mean light (188), not
 * the too dark 128 of averaging the coded values; fine bright-on-dark detail keeps its brightness.
 * Samples kept in another profile ({@code --iccProfile=keep}) are treated with the sRGB curve too:
 * Display P3 uses that curve, and Adobe RGB's gamma 2.2 is close to it.
 *
 * <p>Premultiplied alpha: colour is weighted by its alpha while filtering, so transparent pixels
 * (whose colour is often black) do not darken the edges of what is opaque.
 *
 * <p>The horizontal pass runs row by row over the source, so only the source image and an
 * intermediate of source height x output width are held, never a float copy of the source. Output:
 * 8-bit (or 16-bit when the source is), grey stays grey, alpha where the source has it or the
 * canvas has bars; bars are transparent.
 */
final class Resizer {
  private static final int LOBES = 3;

  private Resizer() {}

  /**
   * The resized image; {@code source} may be smaller than the plan's source (subsampled decode).
   */
  static BufferedImage apply(BufferedImage source, Resize.Plan plan) {
    int sw = source.getWidth();
    int sh = source.getHeight();
    boolean grey = Pixels.isGrey(source);
    boolean alpha = Pixels.hasAlpha(source) || plan.pads();
    boolean wide = Pixels.isHighBitDepth(source) && Pixels.isUshort(source);
    int colours = grey ? 1 : 3;
    int n = colours + (alpha ? 1 : 0);

    Weights across = Weights.lanczos3(sw, plan.scaledWidth(), plan.cropX(), plan.cropWidth());
    Weights down = Weights.lanczos3(sh, plan.scaledHeight(), plan.cropY(), plan.cropHeight());
    int firstRow = down.first();
    int rows = down.last() - firstRow;
    int cw = plan.cropWidth();

    // Horizontal pass: each needed source row, linear and premultiplied, to the output width.
    float[] mid = new float[rows * cw * n];
    float[] line = new float[sw * n];
    RowReader reader = new RowReader(source, wide, grey, alpha);
    for (int r = 0; r < rows; r++) {
      reader.read(firstRow + r, line, n);
      int base = r * cw * n;
      for (int x = 0; x < cw; x++) {
        int start = across.start[x];
        int offset = across.offset[x];
        int count = across.count[x];
        for (int c = 0; c < n; c++) {
          float sum = 0;
          for (int t = 0; t < count; t++) {
            sum += across.weight[offset + t] * line[(start + t) * n + c];
          }
          mid[base + x * n + c] = sum;
        }
      }
    }

    // Vertical pass, then back to coded samples.
    BufferedImage out = create(plan.canvasWidth(), plan.canvasHeight(), grey, alpha, wide);
    RowWriter writer = new RowWriter(out, grey, alpha, wide, cw);
    float[] acc = new float[cw * n];
    for (int y = 0; y < plan.cropHeight(); y++) {
      java.util.Arrays.fill(acc, 0f);
      int start = down.start[y] - firstRow;
      int offset = down.offset[y];
      for (int t = 0; t < down.count[y]; t++) {
        float w = down.weight[offset + t];
        int base = (start + t) * cw * n;
        for (int i = 0; i < acc.length; i++) {
          acc[i] += w * mid[base + i];
        }
      }
      writer.write(plan.padX(), plan.padY() + y, acc, n);
    }
    return out;
  }

  private static BufferedImage create(int w, int h, boolean grey, boolean alpha, boolean wide) {
    if (!wide && !grey) {
      return new BufferedImage(
          w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    }
    if (!wide && !alpha) {
      return new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    }
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(grey ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB),
            alpha,
            false,
            alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
            wide ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
    return new BufferedImage(cm, raster, false, null);
  }

  /** Filter taps for every output index along one axis. */
  static final class Weights {
    final int[] start;
    final int[] offset;
    final int[] count;
    final float[] weight;

    private Weights(int[] start, int[] offset, int[] count, float[] weight) {
      this.start = start;
      this.offset = offset;
      this.count = count;
      this.weight = weight;
    }

    /**
     * Taps for output indexes {@code from} to {@code from + length - 1} of a {@code source}-long
     * axis scaled to {@code scaled}. Pixel centres map as {@code (i + 0.5) / scale - 0.5}; taps
     * outside the source are left out and the rest renormalised (the edge is not extended).
     */
    static Weights lanczos3(int source, int scaled, int from, int length) {
      double scale = (double) scaled / source;
      double stretch = Math.max(1, 1 / scale);
      double support = LOBES * stretch;
      int[] start = new int[length];
      int[] offset = new int[length];
      int[] count = new int[length];
      float[] weight = new float[(int) (length * (2 * Math.ceil(support) + 2))];
      int used = 0;
      for (int i = 0; i < length; i++) {
        double centre = (i + from + 0.5) / scale;
        int lo = Math.max(0, (int) Math.floor(centre - support));
        int hi = Math.min(source, (int) Math.ceil(centre + support));
        double total = 0;
        for (int j = lo; j < hi; j++) {
          total += kernel((j + 0.5 - centre) / stretch);
        }
        start[i] = lo;
        offset[i] = used;
        count[i] = hi - lo;
        for (int j = lo; j < hi; j++) {
          weight[used++] = (float) (kernel((j + 0.5 - centre) / stretch) / total);
        }
      }
      return new Weights(start, offset, count, weight);
    }

    int first() {
      return start.length == 0 ? 0 : start[0];
    }

    int last() {
      return start.length == 0 ? 0 : start[start.length - 1] + count[count.length - 1];
    }

    static double kernel(double x) {
      if (x == 0) {
        return 1;
      }
      if (x <= -LOBES || x >= LOBES) {
        return 0;
      }
      double px = Math.PI * x;
      return LOBES * Math.sin(px) * Math.sin(px / LOBES) / (px * px);
    }
  }

  /** One source row as linear-light, premultiplied floats, colour channels then alpha. */
  private static final class RowReader {
    private final BufferedImage image;
    private final boolean wide;
    private final boolean grey;
    private final boolean alpha;
    private final int[] row;
    private final int[] samples;

    RowReader(BufferedImage image, boolean wide, boolean grey, boolean alpha) {
      this.image = image;
      this.wide = wide;
      this.grey = grey;
      this.alpha = alpha;
      int w = image.getWidth();
      this.row = new int[wide ? w * 4 : w];
      this.samples = new int[w * image.getRaster().getNumBands()];
    }

    void read(int y, float[] out, int n) {
      int w = image.getWidth();
      if (wide) {
        Pixels.rgba16Row(image, y, row, samples);
      } else {
        Pixels.argbRow(image, y, row, samples);
      }
      for (int x = 0; x < w; x++) {
        float r;
        float g;
        float b;
        float a;
        if (wide) {
          r = Srgb.toLinear16(row[x * 4]);
          g = Srgb.toLinear16(row[x * 4 + 1]);
          b = Srgb.toLinear16(row[x * 4 + 2]);
          a = row[x * 4 + 3] / 65535f;
        } else {
          int p = row[x];
          r = Srgb.toLinear8((p >> 16) & 0xFF);
          g = Srgb.toLinear8((p >> 8) & 0xFF);
          b = Srgb.toLinear8(p & 0xFF);
          a = (p >>> 24) / 255f;
        }
        int o = x * n;
        if (grey) {
          out[o] = r * a;
        } else {
          out[o] = r * a;
          out[o + 1] = g * a;
          out[o + 2] = b * a;
        }
        if (alpha) {
          out[o + n - 1] = a;
        }
      }
    }
  }

  /** Writes filtered rows back as coded 8- or 16-bit samples. */
  private static final class RowWriter {
    private final BufferedImage image;
    private final boolean grey;
    private final boolean alpha;
    private final boolean wide;
    private final boolean packed;
    private final int[] row;

    RowWriter(BufferedImage image, boolean grey, boolean alpha, boolean wide, int width) {
      this.image = image;
      this.grey = grey;
      this.alpha = alpha;
      this.wide = wide;
      this.packed = !wide && !grey;
      int bands = (grey ? 1 : 3) + (alpha ? 1 : 0);
      this.row = new int[packed ? width : width * bands];
    }

    void write(int x0, int y, float[] acc, int n) {
      int width = acc.length / n;
      int max = wide ? 65535 : 255;
      for (int x = 0; x < width; x++) {
        int o = x * n;
        float a = alpha ? clamp(acc[o + n - 1]) : 1f;
        float unpremultiply = a > 1e-6f ? 1 / a : 0;
        int alphaSample = Math.round(a * max);
        if (packed) {
          int r = Srgb.fromLinear8(acc[o] * unpremultiply);
          int g = Srgb.fromLinear8(acc[o + 1] * unpremultiply);
          int b = Srgb.fromLinear8(acc[o + 2] * unpremultiply);
          row[x] = (alpha ? alphaSample << 24 : 0xFF000000) | (r << 16) | (g << 8) | b;
          continue;
        }
        for (int c = 0; c < n - (alpha ? 1 : 0); c++) {
          float v = acc[o + c] * unpremultiply;
          row[o + c] = wide ? Srgb.fromLinear16(v) : Srgb.fromLinear8(v);
        }
        if (alpha) {
          row[o + n - 1] = alphaSample;
        }
      }
      if (packed) {
        image.setRGB(x0, y, width, 1, row, 0, width);
      } else {
        image.getRaster().setPixels(x0, y, width, 1, row);
      }
    }

    private static float clamp(float v) {
      return v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }

  /** The sRGB transfer curve, both ways, through tables. */
  static final class Srgb {
    private static final float[] LINEAR8 = new float[256];
    private static final int STEPS = 1 << 16;
    private static final int[] CODED16 = new int[STEPS + 1];

    static {
      for (int i = 0; i < 256; i++) {
        LINEAR8[i] = (float) toLinear(i / 255.0);
      }
      for (int i = 0; i <= STEPS; i++) {
        CODED16[i] = (int) Math.round(fromLinear((double) i / STEPS) * 65535);
      }
    }

    private Srgb() {}

    static double toLinear(double v) {
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    static double fromLinear(double v) {
      return v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
    }

    static float toLinear8(int v) {
      return LINEAR8[v];
    }

    static float toLinear16(int v) {
      return Sixteen.LINEAR[v];
    }

    static int fromLinear16(float v) {
      return CODED16[Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * STEPS)];
    }

    static int fromLinear8(float v) {
      return (fromLinear16(v) * 255 + 32767) / 65535;
    }

    /** The 16-bit table, built only when a 16-bit image is resized. */
    private static final class Sixteen {
      private static final float[] LINEAR = new float[65536];

      static {
        for (int i = 0; i < LINEAR.length; i++) {
          LINEAR[i] = (float) toLinear(i / 65535.0);
        }
      }
    }
  }
}
