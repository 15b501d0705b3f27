package io.imgbeam.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Reduces an image to at most 256 colours, alpha included, as pngquant does: a palette from a
 * variance-based median cut refined by k-means, both in Oklab with premultiplied alpha, then
 * Floyd-Steinberg error diffusion at a chosen strength.
 *
 * <p>Colours are counted exactly, or in coarser buckets (fewer bits per channel) when an image has
 * over 131,072, each bucket holding the mean of its pixels, so the work grows with the colours
 * rather than the pixels. Fully transparent pixels get their own entry, transparent black, and take
 * no part in the palette search or the error diffusion.
 */
final class PaletteQuantizer {
  private static final int MAX_COLOURS = 256;
  private static final int MAX_BUCKETS = 1 << 17;
  private static final int KMEANS_ROUNDS = 6;

  /**
   * Weight of alpha against Oklab lightness (0 to 1 each) in the distance. With {@link
   * #colourScale}'s weaker premultiplication, 2 (rather than 1 with plain premultiplied colours)
   * gave the translucent testdata image a higher SSIM in fewer bytes.
   */
  private static final double ALPHA_WEIGHT = 2.0;

  /** Squared 8-bit RGBA error above which only three quarters of it are diffused. */
  private static final float MAX_DITHER_ERROR = 24 * 24;

  /**
   * Luma step between neighbours (0-255) from which a pixel diffuses no error; between 0 and this
   * the strength falls linearly. 32 measured best on testdata's photos (mean SSIM against 48 and 64
   * at the same bytes).
   */
  private static final double EDGE_CONTRAST = 32;

  private static final double[] LINEAR = new double[256];

  static {
    for (int i = 0; i < 256; i++) {
      double c = i / 255.0;
      LINEAR[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
  }

  private PaletteQuantizer() {}

  /**
   * A palette and one index per pixel.
   *
   * @param palette ARGB entries, at most 256
   * @param index the entry of each pixel, row by row
   */
  record Result(int[] palette, int[] index) {}

  /**
   * The colours of an image, counted once for several palette sizes.
   *
   * @param buckets {count, L, a, b, alpha} per bucket (see {@link #buckets})
   * @param transparent whether some pixel is fully transparent (it takes an entry of its own)
   */
  record Histogram(double[][] buckets, boolean transparent) {}

  static Histogram histogram(int[] argb) {
    boolean transparent = false;
    for (int p : argb) {
      transparent |= (p >>> 24) == 0;
    }
    return new Histogram(buckets(argb), transparent);
  }

  static Result quantise(int[] argb, int width, int height, double dither) {
    return quantise(histogram(argb), argb, width, height, dither, MAX_COLOURS);
  }

  /** At most {@code colours} entries (2 to 256), a fully transparent one included. */
  static Result quantise(
      Histogram histogram, int[] argb, int width, int height, double dither, int colours) {
    boolean transparent = histogram.transparent();
    int budget = Math.min(colours, MAX_COLOURS) - (transparent ? 1 : 0);
    double[][] buckets = histogram.buckets();
    if (buckets.length == 0) {
      return new Result(new int[] {0}, new int[argb.length]);
    }
    double[][] centres = medianCut(buckets, Math.max(1, budget));
    kMeans(buckets, centres);
    List<Integer> entries = new ArrayList<>();
    if (transparent) {
      entries.add(0);
    }
    for (double[] centre : centres) {
      int colour = toArgb(centre);
      if ((colour >>> 24) != 0 && !entries.contains(colour)) {
        entries.add(colour);
      }
    }
    int[] palette = entries.stream().mapToInt(Integer::intValue).toArray();
    return new Result(palette, remap(argb, width, height, palette, dither));
  }

  /** Pixel counts per bucket: {count, L, a, b, alpha} as sums of premultiplied Oklab and alpha. */
  private static double[][] buckets(int[] argb) {
    for (int shift = 0; ; shift++) {
      Map<Integer, double[]> map = new HashMap<>();
      boolean fits = true;
      for (int p : argb) {
        if ((p >>> 24) == 0) {
          continue;
        }
        int key =
            ((p >>> 24) >> shift) << 24
                | (((p >> 16) & 0xFF) >> shift) << 16
                | (((p >> 8) & 0xFF) >> shift) << 8
                | ((p & 0xFF) >> shift);
        double[] sum = map.get(key);
        if (sum == null) {
          if (map.size() >= MAX_BUCKETS && shift < 5) {
            fits = false;
            break;
          }
          sum = new double[5];
          map.put(key, sum);
        }
        double[] lab = oklab(p);
        sum[0]++;
        for (int i = 0; i < 4; i++) {
          sum[i + 1] += lab[i];
        }
      }
      if (!fits) {
        continue;
      }
      double[][] out = map.values().toArray(new double[0][]);
      for (double[] sum : out) {
        for (int i = 1; i < 5; i++) {
          sum[i] /= sum[0];
        }
      }
      return out;
    }
  }

  /**
   * Oklab of a colour with premultiplied alpha: {L*s, a*s, b*s, alpha * weight} with s = {@link
   * #colourScale}(alpha), so transparent colours are close whatever their RGB.
   */
  static double[] oklab(int argb) {
    double alpha = (argb >>> 24) / 255.0;
    double r = LINEAR[(argb >> 16) & 0xFF];
    double g = LINEAR[(argb >> 8) & 0xFF];
    double b = LINEAR[argb & 0xFF];
    double l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
    double m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
    double s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
    double scale = colourScale(alpha);
    return new double[] {
      scale * (0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s),
      scale * (1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s),
      scale * (0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s),
      alpha * ALPHA_WEIGHT
    };
  }

  /** The sRGB colour of a premultiplied Oklab point, rounded to 8 bits. */
  static int toArgb(double[] lab) {
    double alpha = Math.max(0, Math.min(1, lab[lab.length - 1] / ALPHA_WEIGHT));
    int a = (int) Math.round(alpha * 255);
    if (a >= 252) {
      // Near-opaque clusters become opaque: a 1% alpha step is invisible, a lost opaque is not.
      a = 255;
    }
    if (a == 0) {
      return 0;
    }
    double scale = colourScale(alpha);
    double ll = lab[lab.length - 4] / scale;
    double aa = lab[lab.length - 3] / scale;
    double bb = lab[lab.length - 2] / scale;
    double l = cube(ll + 0.3963377774 * aa + 0.2158037573 * bb);
    double m = cube(ll - 0.1055613458 * aa - 0.0638541728 * bb);
    double s = cube(ll - 0.0894841775 * aa - 1.2914855480 * bb);
    double r = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
    double g = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
    double b = -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s;
    return a << 24 | toSrgb(r) << 16 | toSrgb(g) << 8 | toSrgb(b);
  }

  /**
   * How much of a colour's Oklab counts at {@code alpha}: its fourth root, rather than alpha itself
   * (plain premultiplication). SSIM is contrast-normalised, so the faint texture of a nearly
   * transparent area over a background weighs more than its share of the composited colour; with
   * plain premultiplication the quantiser gave such areas too few entries (testdata's translucent
   * {@code rgba.png}: SSIM 0.962 against pngquant's 0.970; with the fourth root 0.966, 1 % fewer
   * bytes).
   */
  private static double colourScale(double alpha) {
    return Math.sqrt(Math.sqrt(alpha));
  }

  private static double cube(double x) {
    return x * x * x;
  }

  private static int toSrgb(double linear) {
    double c = Math.max(0, Math.min(1, linear));
    double v = c <= 0.0031308 ? c * 12.92 : 1.055 * Math.pow(c, 1 / 2.4) - 0.055;
    return (int) Math.round(v * 255);
  }

  /**
   * Splits the box with the largest weighted squared error, along its widest axis, at the point
   * that leaves the least error, until there are {@code colours} boxes; returns their means.
   */
  private static double[][] medianCut(double[][] buckets, int colours) {
    PriorityQueue<Box> boxes = new PriorityQueue<>((x, y) -> Double.compare(y.error, x.error));
    boxes.add(new Box(buckets));
    List<Box> done = new ArrayList<>();
    while (!boxes.isEmpty() && boxes.size() + done.size() < colours) {
      Box box = boxes.poll();
      Box[] halves = box.split();
      if (halves == null) {
        done.add(box);
        continue;
      }
      boxes.add(halves[0]);
      boxes.add(halves[1]);
    }
    done.addAll(boxes);
    double[][] centres = new double[done.size()][];
    for (int i = 0; i < centres.length; i++) {
      centres[i] = done.get(i).mean;
    }
    return centres;
  }

  private static final class Box {
    final double[][] members;
    final double[] mean = new double[4];
    final double error;
    final int axis;

    Box(double[][] members) {
      this.members = members;
      double weight = 0;
      for (double[] m : members) {
        weight += m[0];
        for (int i = 0; i < 4; i++) {
          mean[i] += m[0] * m[i + 1];
        }
      }
      double[] variance = new double[4];
      for (int i = 0; i < 4; i++) {
        mean[i] /= weight;
      }
      for (double[] m : members) {
        for (int i = 0; i < 4; i++) {
          double d = m[i + 1] - mean[i];
          variance[i] += m[0] * d * d;
        }
      }
      int widest = 0;
      double total = 0;
      for (int i = 0; i < 4; i++) {
        total += variance[i];
        if (variance[i] > variance[widest]) {
          widest = i;
        }
      }
      this.error = members.length > 1 ? total : 0;
      this.axis = widest;
    }

    Box[] split() {
      if (members.length < 2) {
        return null;
      }
      double[][] sorted = members.clone();
      int k = axis + 1;
      Arrays.sort(sorted, (x, y) -> Double.compare(x[k], y[k]));
      // The cut that minimises the two halves' squared error along the axis.
      int n = sorted.length;
      double[] prefixW = new double[n + 1];
      double[] prefixS = new double[n + 1];
      double[] prefixQ = new double[n + 1];
      for (int i = 0; i < n; i++) {
        double w = sorted[i][0];
        double v = sorted[i][k];
        prefixW[i + 1] = prefixW[i] + w;
        prefixS[i + 1] = prefixS[i] + w * v;
        prefixQ[i + 1] = prefixQ[i] + w * v * v;
      }
      int cut = 1;
      double bestError = Double.MAX_VALUE;
      for (int i = 1; i < n; i++) {
        double wl = prefixW[i];
        double wr = prefixW[n] - wl;
        double sl = prefixS[i];
        double sr = prefixS[n] - sl;
        double e = prefixQ[n] - sl * sl / wl - sr * sr / wr;
        if (e < bestError) {
          bestError = e;
          cut = i;
        }
      }
      return new Box[] {
        new Box(Arrays.copyOfRange(sorted, 0, cut)), new Box(Arrays.copyOfRange(sorted, cut, n))
      };
    }
  }

  /** Lloyd's iterations over the buckets, weighted by their pixel counts. */
  private static void kMeans(double[][] buckets, double[][] centres) {
    Palette search = new Palette(centres);
    for (int round = 0; round < KMEANS_ROUNDS; round++) {
      Progress.checkInterrupted();
      double[][] sums = new double[centres.length][5];
      for (double[] b : buckets) {
        int nearest = search.nearest(b[1], b[2], b[3], b[4]);
        double[] sum = sums[nearest];
        sum[0] += b[0];
        for (int i = 1; i < 5; i++) {
          sum[i] += b[0] * b[i];
        }
      }
      for (int c = 0; c < centres.length; c++) {
        if (sums[c][0] > 0) {
          for (int i = 0; i < 4; i++) {
            centres[c][i] = sums[c][i + 1] / sums[c][0];
          }
        }
      }
      search = new Palette(centres);
    }
  }

  /** Nearest-entry search, entries sorted by lightness so the search can stop early. */
  private static final class Palette {
    final double[][] entries;
    final int[] order;

    Palette(double[][] centres) {
      Integer[] boxed = new Integer[centres.length];
      for (int i = 0; i < boxed.length; i++) {
        boxed[i] = i;
      }
      Arrays.sort(boxed, (x, y) -> Double.compare(centres[x][0], centres[y][0]));
      order = new int[boxed.length];
      entries = new double[boxed.length][];
      for (int i = 0; i < boxed.length; i++) {
        order[i] = boxed[i];
        entries[i] = centres[boxed[i]];
      }
    }

    int nearest(double l, double a, double b, double alpha) {
      int lo = 0;
      int hi = entries.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (entries[mid][0] < l) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      int best = -1;
      double bestDistance = Double.MAX_VALUE;
      for (int up = lo, down = lo - 1; up < entries.length || down >= 0; up++, down--) {
        boolean any = false;
        if (up < entries.length) {
          double dl = entries[up][0] - l;
          if (dl * dl < bestDistance) {
            any = true;
            double d = distance(entries[up], l, a, b, alpha);
            if (d < bestDistance) {
              bestDistance = d;
              best = up;
            }
          }
        }
        if (down >= 0) {
          double dl = entries[down][0] - l;
          if (dl * dl < bestDistance) {
            any = true;
            double d = distance(entries[down], l, a, b, alpha);
            if (d < bestDistance) {
              bestDistance = d;
              best = down;
            }
          }
        }
        if (!any) {
          break;
        }
      }
      return order[best];
    }

    private static double distance(double[] e, double l, double a, double b, double alpha) {
      double dl = e[0] - l;
      double da = e[1] - a;
      double db = e[2] - b;
      double dt = e[3] - alpha;
      return dl * dl + da * da + db * db + dt * dt;
    }
  }

  /**
   * Maps every pixel to its nearest entry, diffusing {@code dither} times the error (in 8-bit sRGB
   * and alpha) to the right and next-row neighbours with Floyd-Steinberg's weights.
   */
  private static int[] remap(int[] argb, int width, int height, int[] palette, double dither) {
    double[][] labs = new double[palette.length][];
    for (int i = 0; i < palette.length; i++) {
      labs[i] = oklab(palette[i]);
    }
    // Opaque pixels search only opaque entries, so that opaque stays exactly opaque.
    List<Integer> opaque = new ArrayList<>();
    List<Integer> visible = new ArrayList<>();
    for (int i = 0; i < palette.length; i++) {
      if ((palette[i] >>> 24) == 255) {
        opaque.add(i);
      }
      if ((palette[i] >>> 24) != 0) {
        visible.add(i);
      }
    }
    Search all = new Search(labs, visible);
    Search opaqueOnly = opaque.isEmpty() ? all : new Search(labs, opaque);
    int[] index = new int[argb.length];
    float[] current = new float[(width + 2) * 4];
    float[] next = new float[(width + 2) * 4];
    float[] strength = ditherMap(argb, width, height, dither);
    for (int y = 0; y < height; y++) {
      Progress.checkInterrupted();
      // Serpentine order: every other row right to left, so errors do not drift one way.
      boolean reverse = (y & 1) == 1;
      int step = reverse ? -4 : 4;
      for (int i = 0; i < width; i++) {
        int x = reverse ? width - 1 - i : i;
        int p = argb[y * width + x];
        if ((p >>> 24) == 0) {
          index[y * width + x] = 0;
          continue;
        }
        int e = (x + 1) * 4;
        boolean isOpaque = (p >>> 24) == 255;
        int a = isOpaque ? 255 : Math.max(1, clamp((p >>> 24) + current[e]));
        int r = clamp(((p >> 16) & 0xFF) + current[e + 1]);
        int g = clamp(((p >> 8) & 0xFF) + current[e + 2]);
        int b = clamp((p & 0xFF) + current[e + 3]);
        double[] lab = oklab(a << 24 | r << 16 | g << 8 | b);
        int chosen = (isOpaque ? opaqueOnly : all).nearest(lab);
        index[y * width + x] = chosen;
        float weight = strength[y * width + x];
        if (weight > 0) {
          int q = palette[chosen];
          float[] error = {
            a - (q >>> 24), r - ((q >> 16) & 0xFF), g - ((q >> 8) & 0xFF), b - (q & 0xFF)
          };
          float squared = 0;
          for (float c : error) {
            squared += c * c;
          }
          // A large error means the palette lacks the colour: spreading it all only adds noise.
          float scale = weight * (squared > MAX_DITHER_ERROR ? 0.75f : 1f);
          for (int c = 0; c < 4; c++) {
            float v = error[c] * scale;
            current[e + step + c] += v * 7 / 16;
            next[e - step + c] += v * 3 / 16;
            next[e + c] += v * 5 / 16;
            next[e + step + c] += v / 16;
          }
        }
      }
      float[] swap = current;
      current = next;
      next = swap;
      Arrays.fill(next, 0);
    }
    return index;
  }

  /** Nearest search over a subset of the palette, returning palette indices. */
  private static final class Search {
    final Palette palette;
    final int[] indices;

    Search(double[][] labs, List<Integer> subset) {
      double[][] chosen = new double[subset.size()][];
      indices = new int[subset.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = subset.get(i);
        chosen[i] = labs[indices[i]];
      }
      palette = new Palette(chosen);
    }

    int nearest(double[] lab) {
      return indices[palette.nearest(lab[0], lab[1], lab[2], lab[3])];
    }
  }

  /**
   * How much error each pixel diffuses: {@code dither} in flat areas, less on edges and texture,
   * which hide banding themselves and where dithering only adds noise (as libimagequant's dithering
   * map does).
   */
  private static float[] ditherMap(int[] argb, int width, int height, double dither) {
    float[] map = new float[argb.length];
    if (dither <= 0) {
      return map;
    }
    int[] luma = new int[argb.length];
    for (int i = 0; i < argb.length; i++) {
      int p = argb[i];
      luma[i] = (299 * ((p >> 16) & 0xFF) + 587 * ((p >> 8) & 0xFF) + 114 * (p & 0xFF)) / 1000;
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        int contrast = 0;
        if (x > 0) {
          contrast = Math.max(contrast, Math.abs(luma[i] - luma[i - 1]));
        }
        if (x + 1 < width) {
          contrast = Math.max(contrast, Math.abs(luma[i] - luma[i + 1]));
        }
        if (y > 0) {
          contrast = Math.max(contrast, Math.abs(luma[i] - luma[i - width]));
        }
        if (y + 1 < height) {
          contrast = Math.max(contrast, Math.abs(luma[i] - luma[i + width]));
        }
        map[i] = (float) (dither * Math.max(0, 1 - contrast / EDGE_CONTRAST));
      }
    }
    return map;
  }

  private static int clamp(float v) {
    return Math.max(0, Math.min(255, Math.round(v)));
  }
}
