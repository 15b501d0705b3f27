package io.imgbeam.codec;

import static java.awt.image.BufferedImage.TYPE_INT_ARGB;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PNG, written by {@link PngWriter}: lossless by default, or quantised to at most 256 colours by
 * {@link PaletteQuantizer} under {@link PngMode#LOSSY} and {@link PngMode#AUTO}.
 *
 * <p>Lossless uses exact reductions only: an alpha channel that is opaque everywhere is dropped,
 * RGB whose pixels are all grey becomes grey (1, 2, 4 or 8 bits when the values allow it), 16-bit
 * samples that are 8-bit values scaled by 257 become 8-bit, and at most 256 colours become a
 * palette (with alpha in tRNS), also sorted by luminance and by frequency at effort 2 and more.
 * Every candidate is written and the smallest file wins. The colour under fully transparent pixels
 * is changed only when {@link PngOptions#cleanTransparent()} allows it.
 *
 * <p>A quantised file replaces the lossless one only when it is smaller and, under auto, when its
 * SSIM against the input reaches the floor; an image of at most 256 colours is never quantised.
 */
final class PngEncoder implements ImageEncoder {
  private static final int MAX_PALETTE = 256;

  private final PngOptions options;

  PngEncoder() {
    this(PngOptions.DEFAULT);
  }

  PngEncoder(PngOptions options) {
    this.options = options;
  }

  @Override
  public ImageFormat format() {
    return ImageFormat.PNG;
  }

  @Override
  public Encoded encode(BufferedImage image) {
    if (options.mode() == PngMode.LOSSLESS) {
      return lossless(image, options.effort());
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = Pixels.argb(image);
    boolean exactPalette =
        palette(argb) != null && !(Pixels.isHighBitDepth(image) && !fitsIn8Bits(image));
    if (exactPalette) {
      // At most 256 colours: the lossless palette is already exact, quantising loses nothing.
      return lossless(image, options.effort());
    }
    Quantised quantised = fewestColours(image, argb);
    if (options.mode() == PngMode.AUTO && quantised.score() < options.minScore()) {
      return lossless(image, options.effort());
    }
    byte[] bytes =
        smallest(
            paletteLayouts(w, h, quantised.pixels(), quantised.palette(), options.effort()),
            options.effort());
    // A lossless file is rarely a fifth smaller at full effort than at effort 0: when the palette
    // beats effort 0 by more, the full lossless search cannot win and is skipped.
    Encoded quick = lossless(image, 0);
    if (bytes.length * LOSSLESS_GAIN_BOUND >= quick.bytes().length) {
      Encoded lossless = options.effort() == 0 ? quick : lossless(image, options.effort());
      if (bytes.length >= lossless.bytes().length) {
        return lossless;
      }
    }
    // The input is the reference: verification scores the quantised output against it.
    return new Encoded(bytes, image, quantised.palette().length);
  }

  /** How much smaller than effort 0's lossless file the full effort's could be, at most. */
  private static final double LOSSLESS_GAIN_BOUND = 1.25;

  /** Palette sizes the search for the fewest colours tries, ascending. */
  private static final int[] COLOUR_STEPS = {
    2, 4, 8, 12, 16, 24, 32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256
  };

  /**
   * A quantised image: its distinct colours, sorted as {@link #palette(int[])} sorts them, each
   * pixel's colour, and the SSIM against the input.
   */
  private record Quantised(int[] palette, int[] pixels, double score) {}

  /**
   * The quantised image with the fewest colours whose SSIM reaches {@link PngOptions#maxScore()}
   * (as pngquant's {@code --quality=min-max} does with its maximum), found by bisection over {@link
   * #COLOUR_STEPS}; 256 colours when even they score lower.
   */
  private Quantised fewestColours(BufferedImage image, int[] argb) {
    PaletteQuantizer.Histogram histogram = PaletteQuantizer.histogram(argb);
    int lo = 0;
    int hi = COLOUR_STEPS.length - 1;
    Quantised best = quantise(image, argb, histogram, COLOUR_STEPS[hi]);
    // Under auto, fewer colours than the floor allows would only fall back to lossless.
    double target =
        options.mode() == PngMode.AUTO
            ? Math.max(options.maxScore(), options.minScore())
            : options.maxScore();
    if (best.score() < target) {
      return best;
    }
    // Invariant: COLOUR_STEPS[hi] reaches the target (best is its image); lo is untried or fails.
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      Quantised tried = quantise(image, argb, histogram, COLOUR_STEPS[mid]);
      if (tried.score() >= target) {
        hi = mid;
        best = tried;
      } else {
        lo = mid + 1;
      }
    }
    return best;
  }

  private Quantised quantise(
      BufferedImage image, int[] argb, PaletteQuantizer.Histogram histogram, int colours) {
    int w = image.getWidth();
    int h = image.getHeight();
    PaletteQuantizer.Result result =
        PaletteQuantizer.quantise(histogram, argb, w, h, options.dither(), colours);
    int[] out = new int[argb.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = result.palette()[result.index()[i]];
    }
    BufferedImage shown = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    shown.setRGB(0, 0, w, h, out, 0, w);
    return new Quantised(palette(out), out, Ssim.score(image, shown));
  }

  private static boolean fitsIn8Bits(BufferedImage image) {
    return !Pixels.isUshort(image) || fitsIn8Bits(Pixels.rgba16(image));
  }

  /** The smallest exact layout; the reference is the input, or its cleaned copy. */
  private Encoded lossless(BufferedImage image, int effort) {
    List<PngWriter.Layout> candidates = new ArrayList<>();
    int[] wide =
        Pixels.isHighBitDepth(image) && Pixels.isUshort(image) ? Pixels.rgba16(image) : null;
    BufferedImage reference = image;
    if (wide != null && !fitsIn8Bits(wide)) {
      if (options.cleanTransparent() && Pixels.hasAlpha(image)) {
        BufferedImage cleaned = cleanTransparent16(image);
        if (cleaned != null) {
          reference = cleaned;
          wide = Pixels.rgba16(cleaned);
        }
      }
      candidates.add(direct16(image.getWidth(), image.getHeight(), wide));
    } else {
      int[] argb = Pixels.argb(image);
      if (options.cleanTransparent() && cleanTransparent(argb)) {
        reference = new BufferedImage(image.getWidth(), image.getHeight(), TYPE_INT_ARGB);
        reference.setRGB(0, 0, image.getWidth(), image.getHeight(), argb, 0, image.getWidth());
      }
      candidates.add(direct8(image.getWidth(), image.getHeight(), argb));
      int[] palette = palette(argb);
      if (palette != null) {
        candidates.addAll(
            paletteLayouts(image.getWidth(), image.getHeight(), argb, palette, effort));
      }
    }
    // Every layout holds the reference's pixels exactly.
    return new Encoded(smallest(candidates, effort), reference, null);
  }

  /**
   * The smallest PNG of the candidates: each deflated with zlib at the effort's trials, then the
   * winner's filtering given to zopfli when the effort asks for it.
   */
  private byte[] smallest(List<PngWriter.Layout> candidates, int effort) {
    PngWriter.Stream best = null;
    int bestSize = Integer.MAX_VALUE;
    for (PngWriter.Layout candidate : candidates) {
      PngWriter.Stream stream = PngWriter.deflate(candidate, effort, options.interlace());
      // The whole file counts: a palette's PLTE and tRNS can outweigh a smaller zlib stream.
      int size = stream.png().length;
      if (size < bestSize) {
        best = stream;
        bestSize = size;
      }
    }
    return PngWriter.finish(best, effort).png();
  }

  /**
   * The palette image in each entry order the effort tries: translucent first then by ARGB value;
   * at effort 2 and more also by luminance, by frequency, and as a chain of nearest neighbours (so
   * that neighbouring pixels, usually similar colours, get close indices that filter well).
   */
  private static List<PngWriter.Layout> paletteLayouts(
      int w, int h, int[] argb, int[] palette, int effort) {
    List<PngWriter.Layout> layouts = new ArrayList<>();
    layouts.add(indexed(w, h, argb, palette));
    if (effort >= 2 && palette.length > 2) {
      layouts.add(indexed(w, h, argb, byLuminance(palette)));
      layouts.add(indexed(w, h, argb, byFrequency(palette, argb)));
      layouts.add(indexed(w, h, argb, byNeighbours(palette)));
    }
    return layouts;
  }

  /**
   * Sets every fully transparent pixel to transparent black, so that they share one colour; returns
   * whether any changed.
   */
  private static boolean cleanTransparent(int[] argb) {
    boolean changed = false;
    for (int i = 0; i < argb.length; i++) {
      if ((argb[i] >>> 24) == 0 && argb[i] != 0) {
        argb[i] = 0;
        changed = true;
      }
    }
    return changed;
  }

  /**
   * A copy of a 16-bit image whose fully transparent pixels have colour 0 (all samples but alpha),
   * or null when none needed it.
   */
  private static BufferedImage cleanTransparent16(BufferedImage image) {
    WritableRaster raster = image.copyData(null);
    int bands = raster.getNumBands();
    int[] pixel = new int[bands];
    boolean changed = false;
    for (int y = 0; y < raster.getHeight(); y++) {
      Progress.checkInterrupted();
      for (int x = 0; x < raster.getWidth(); x++) {
        raster.getPixel(x, y, pixel);
        if (pixel[bands - 1] != 0) {
          continue;
        }
        for (int b = 0; b < bands - 1; b++) {
          changed |= pixel[b] != 0;
          pixel[b] = 0;
        }
        raster.setPixel(x, y, pixel);
      }
    }
    if (!changed) {
      return null;
    }
    return new BufferedImage(
        image.getColorModel(), raster, image.getColorModel().isAlphaPremultiplied(), null);
  }

  /** Translucent entries first (tRNS stays short), then from dark to light. */
  private static int[] byLuminance(int[] palette) {
    return sorted(
        palette,
        Comparator.<Integer>comparingInt(p -> (p >>> 24) == 255 ? 1 : 0)
            .thenComparingInt(p -> (p >>> 24))
            .thenComparingInt(
                p -> 299 * ((p >> 16) & 0xFF) + 587 * ((p >> 8) & 0xFF) + 114 * (p & 0xFF))
            .thenComparingInt(p -> p));
  }

  /** Translucent entries first, each group from the most to the least used colour. */
  private static int[] byFrequency(int[] palette, int[] argb) {
    Map<Integer, Integer> counts = new HashMap<>(palette.length * 2);
    for (int p : argb) {
      counts.merge(p, 1, Integer::sum);
    }
    return sorted(
        palette,
        Comparator.<Integer>comparingInt(p -> (p >>> 24) == 255 ? 1 : 0)
            .thenComparingInt(p -> -counts.get(p))
            .thenComparingInt(p -> p));
  }

  private static int[] sorted(int[] palette, Comparator<Integer> order) {
    Integer[] boxed = new Integer[palette.length];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = palette[i];
    }
    Arrays.sort(boxed, order);
    int[] out = new int[boxed.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = boxed[i];
    }
    return out;
  }

  /**
   * Translucent entries first, then each group as a chain: from its darkest entry, always on to the
   * nearest unused colour (squared ARGB distance).
   */
  private static int[] byNeighbours(int[] palette) {
    int[] lum = byLuminance(palette);
    int[] out = new int[lum.length];
    boolean[] used = new boolean[lum.length];
    int n = 0;
    for (boolean translucent : new boolean[] {true, false}) {
      int current = -1;
      while (true) {
        int next = -1;
        long nearest = Long.MAX_VALUE;
        for (int i = 0; i < lum.length; i++) {
          if (used[i] || ((lum[i] >>> 24) != 255) != translucent) {
            continue;
          }
          // byLuminance's order makes the first candidate the darkest when a chain starts.
          long d = current < 0 ? 0 : distance(current, lum[i]);
          if (d < nearest) {
            nearest = d;
            next = i;
          }
          if (current < 0) {
            break;
          }
        }
        if (next < 0) {
          break;
        }
        used[next] = true;
        current = lum[next];
        out[n++] = current;
      }
    }
    return out;
  }

  private static long distance(int a, int b) {
    long d = 0;
    for (int shift = 0; shift < 32; shift += 8) {
      long c = ((a >>> shift) & 0xFF) - ((b >>> shift) & 0xFF);
      d += c * c;
    }
    return d;
  }

  /** Whether every 16-bit sample is an 8-bit value scaled by 257, so 8 bits hold it exactly. */
  private static boolean fitsIn8Bits(int[] rgba16) {
    for (int s : rgba16) {
      if ((s >> 8) != (s & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  private static PngWriter.Layout direct16(int w, int h, int[] rgba) {
    boolean opaque = true;
    boolean grey = true;
    for (int i = 0; i < rgba.length; i += 4) {
      opaque &= rgba[i + 3] == 0xFFFF;
      grey &= rgba[i] == rgba[i + 1] && rgba[i] == rgba[i + 2];
    }
    int type = colourType(opaque, grey);
    int channels = (grey ? 1 : 3) + (opaque ? 0 : 1);
    byte[] raw = new byte[w * h * channels * 2];
    int o = 0;
    for (int i = 0; i < rgba.length; i += 4) {
      o = put16(raw, o, rgba[i]);
      if (!grey) {
        o = put16(raw, o, rgba[i + 1]);
        o = put16(raw, o, rgba[i + 2]);
      }
      if (!opaque) {
        o = put16(raw, o, rgba[i + 3]);
      }
    }
    return new PngWriter.Layout(w, h, type, 16, null, raw);
  }

  private static int put16(byte[] raw, int pos, int value) {
    raw[pos] = (byte) (value >> 8);
    raw[pos + 1] = (byte) value;
    return pos + 2;
  }

  private static int colourType(boolean opaque, boolean grey) {
    if (grey) {
      return opaque ? PngWriter.GREY : PngWriter.GREY_ALPHA;
    }
    return opaque ? PngWriter.RGB : PngWriter.RGBA;
  }

  /** The best layout without a palette: grey (narrowest exact depth), grey+alpha, RGB or RGBA. */
  static PngWriter.Layout direct8(int w, int h, int[] argb) {
    boolean opaque = true;
    boolean grey = true;
    for (int p : argb) {
      opaque &= (p >>> 24) == 255;
      int r = (p >> 16) & 0xFF;
      grey &= r == ((p >> 8) & 0xFF) && r == (p & 0xFF);
    }
    int type = colourType(opaque, grey);
    if (type == PngWriter.GREY) {
      int depth = greyDepth(argb);
      int step = 255 / ((1 << depth) - 1);
      int[] levels = new int[argb.length];
      for (int i = 0; i < argb.length; i++) {
        levels[i] = (argb[i] & 0xFF) / step;
      }
      return new PngWriter.Layout(w, h, type, depth, null, pack(levels, w, h, depth));
    }
    int channels = type == PngWriter.GREY_ALPHA ? 2 : type == PngWriter.RGB ? 3 : 4;
    byte[] raw = new byte[argb.length * channels];
    int o = 0;
    for (int p : argb) {
      if (grey) {
        raw[o++] = (byte) p;
      } else {
        raw[o++] = (byte) (p >> 16);
        raw[o++] = (byte) (p >> 8);
        raw[o++] = (byte) p;
      }
      if (!opaque) {
        raw[o++] = (byte) (p >>> 24);
      }
    }
    return new PngWriter.Layout(w, h, type, 8, null, raw);
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

  private static PngWriter.Layout indexed(int w, int h, int[] argb, int[] palette) {
    Map<Integer, Integer> lookup = new HashMap<>(palette.length * 2);
    for (int i = 0; i < palette.length; i++) {
      lookup.put(palette[i], i);
    }
    int[] index = new int[argb.length];
    for (int i = 0; i < argb.length; i++) {
      index[i] = lookup.get(argb[i]);
    }
    int size = palette.length;
    int depth = size <= 2 ? 1 : size <= 4 ? 2 : size <= 16 ? 4 : 8;
    return new PngWriter.Layout(w, h, PngWriter.PALETTE, depth, palette, pack(index, w, h, depth));
  }

  /** Packs one sample per pixel at 1, 2, 4 or 8 bits, most significant bits first, per row. */
  private static byte[] pack(int[] values, int w, int h, int depth) {
    int rowBytes = (w * depth + 7) / 8;
    byte[] raw = new byte[rowBytes * h];
    int perByte = 8 / depth;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int shift = 8 - depth * (x % perByte + 1);
        raw[y * rowBytes + x / perByte] |= (byte) (values[y * w + x] << shift);
      }
    }
    return raw;
  }
}
