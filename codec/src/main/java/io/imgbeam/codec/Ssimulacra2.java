package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SSIMULACRA 2 (Jon Sneyers, Cloudinary, 2022-2023), implemented from the published algorithm of
 * libjxl's {@code tools/ssimulacra2.cc}: a score up to 100 (identical) that falls as visible damage
 * grows; about 90 is "visually lossless at 1:1", 70 "high quality", 50 "medium", 30 "low".
 *
 * <p>The steps, as the reference takes them:
 *
 * <ol>
 *   <li>alpha: an image with an alpha channel is composited over a dark (0.1) and a bright (0.9)
 *       grey, in sRGB-encoded values, and the worse of the two scores counts;
 *   <li>colour: sRGB to linear light, then to XYB (the opsin absorbance mix, a cube root) shifted
 *       and scaled into about 0-1 ({@code X*14+0.42}, {@code Y+0.01}, {@code B-Y+0.55});
 *   <li>six scales, each halving the previous one with a 2x2 box in linear RGB (while the side is
 *       at least 8 pixels);
 *   <li>per scale and channel, a recursive Gaussian blur (sigma 1.5, Charalampidis'
 *       truncated-cosine IIR) gives local means, variances and covariance; from them an SSIM map
 *       without the luminance denominator (1 - SSIM, clamped at 0), and from the blurred and sharp
 *       images an edge map split into "artifact" (edges the original lacks) and "detail lost";
 *   <li>each of the 54 maps is pooled as a mean (1-norm) and as a 4-norm; 108 published weights
 *       combine them, and a fixed polynomial and power map the sum to the score.
 * </ol>
 *
 * <p>The computation streams rows: per scale only rings of rows (the blur's reach) and the
 * half-size linear planes of the next scale are held, so memory grows with about 6 bytes a pixel on
 * top of the images. Float arithmetic as in the reference; sums in double. The loop checks for
 * interruption once a row, so that the per-image time limit can stop it.
 *
 * <p>A target search scores every encode against the same reference image: given a {@link
 * ReferenceCache}, the reference's XYB rows of every scale and its blurred local statistics are
 * kept (about 48 bytes a pixel, from the pixel budget, until the cache is closed), and only the
 * distorted image is converted, downsampled and blurred; the scores are the same to the last bit.
 */
public final class Ssimulacra2 {
  /** The smallest side the reference accepts. */
  static final int MIN_SIDE = 8;

  private static final int SCALES = 6;
  private static final float C2 = 0.0009f;

  private static final float[] BACKGROUNDS = {0.1f, 0.9f};

  /** The blur of every scale's local statistics: sigma 1.5. */
  private static final Blur BLUR = new Blur(1.5);

  /**
   * Heap bytes of a {@link ReferenceCache}'s rows per reference pixel and background: 3 floats, and
   * a third more for the smaller scales.
   */
  private static final int ROW_BYTES_PER_PIXEL = 16;

  /**
   * Heap bytes of a {@link ReferenceCache}'s blurred statistics per reference pixel and background:
   * the local mean and the blurred square of each of the 3 channels (6 floats), and a third more
   * for the smaller scales.
   */
  static final int STATS_BYTES_PER_PIXEL = 32;

  // The opsin absorbance matrix and bias of XYB (libjxl lib/jxl/cms/opsin_params.h).
  private static final float M00 = 0.30f;
  private static final float M02 = 0.078f;
  private static final float M01 = 1.0f - M02 - M00;
  private static final float M10 = 0.23f;
  private static final float M12 = 0.078f;
  private static final float M11 = 1.0f - M12 - M10;
  private static final float M20 = 0.24342268924547819f;
  private static final float M21 = 0.20476744424496821f;
  private static final float M22 = 1.0f - M20 - M21;
  private static final float BIAS = 0.0037930732552754493f;
  private static final float CBRT_BIAS = (float) Math.cbrt(BIAS);

  /**
   * The weights of the 108 pooled values, in the reference's order: channel (X, Y, B), then scale,
   * then norm (1, 4), then map (SSIM, artifact, detail lost).
   */
  private static final double[] WEIGHTS = {
    0.0,
    0.0007376606707406586,
    0.0,
    0.0,
    0.0007793481682867309,
    0.0,
    0.0,
    0.0004371155730107379,
    0.0,
    1.1041726426657346,
    0.00066284834129271,
    0.00015231632783718752,
    0.0,
    0.0016406437456599754,
    0.0,
    1.8422455520539298,
    11.441172603757666,
    0.0,
    0.0007989109436015163,
    0.000176816438078653,
    0.0,
    1.8787594979546387,
    10.94906990605142,
    0.0,
    0.0007289346991508072,
    0.9677937080626833,
    0.0,
    0.00014003424285435884,
    0.9981766977854967,
    0.00031949755934435053,
    0.0004550992113792063,
    0.0,
    0.0,
    0.0013648766163243398,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    7.466890328078848,
    0.0,
    17.445833984131262,
    0.0006235601634041466,
    0.0,
    0.0,
    6.683678146179332,
    0.00037724407979611296,
    1.027889937768264,
    225.20515300849274,
    0.0,
    0.0,
    19.213238186143016,
    0.0011401524586618361,
    0.001237755635509985,
    176.39317598450694,
    0.0,
    0.0,
    24.43300999870476,
    0.28520802612117757,
    0.0004485436923833408,
    0.0,
    0.0,
    0.0,
    34.77906344483772,
    44.835625328877896,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0008680556573291698,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0005313191874358747,
    0.0,
    0.00016533814161379112,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0004179171803251336,
    0.0017290828234722833,
    0.0,
    0.0020827005846636437,
    0.0,
    0.0,
    8.826982764996862,
    23.19243343998926,
    0.0,
    95.1080498811086,
    0.9863978034400682,
    0.9834382792465353,
    0.0012286405048278493,
    171.2667255897307,
    0.9807858872435379,
    0.0,
    0.0,
    0.0,
    0.0005130064588990679,
    0.0,
    0.00010854057858411537
  };

  /** sRGB-encoded 8-bit value to linear light. */
  private static final float[] LINEAR = new float[256];

  static {
    for (int i = 0; i < 256; i++) {
      LINEAR[i] = (float) toLinear(i / 255.0);
    }
  }

  private Ssimulacra2() {}

  /**
   * The SSIMULACRA 2 score of {@code distorted} against {@code reference}: 100 for identical
   * images, lower for worse (it can go below 0). Both must have the same size, at least 8x8.
   */
  public static double score(BufferedImage reference, BufferedImage distorted) {
    return score(reference, distorted, null);
  }

  /**
   * The score, with the reference's rows kept in {@code cache} between scores against the same
   * reference (see {@link ReferenceCache}); {@code cache} may be null.
   */
  static double score(BufferedImage reference, BufferedImage distorted, ReferenceCache cache) {
    int w = reference.getWidth();
    int h = reference.getHeight();
    Pixels.checkSameSize(reference, distorted);
    if (w < MIN_SIDE || h < MIN_SIDE) {
      throw new IllegalArgumentException(
          "expected at least " + MIN_SIDE + "x" + MIN_SIDE + " pixels, got " + w + "x" + h);
    }
    if (cache != null) {
      cache.scoring(reference);
    }
    if (!Pixels.hasAlpha(reference) && !Pixels.hasAlpha(distorted)) {
      return new Computation(reference, distorted, Float.NaN, cache).run();
    }
    double worst = Double.POSITIVE_INFINITY;
    for (float background : BACKGROUNDS) {
      worst = Math.min(worst, new Computation(reference, distorted, background, cache).run());
    }
    return worst;
  }

  /**
   * The quality-independent half of scoring against one reference image, for a caller that scores
   * several images against the same reference object, as a target search scores every encode: from
   * the second score on (from the first with {@link #forSearch}), the reference's XYB rows at every
   * scale are read instead of computed; the first score that reads them also records the blurred
   * local mean and square of each of the reference's channels, and the scores after it read those
   * too, so that only the distorted image's three quantities (its mean, square and product with the
   * reference) are blurred. The same float values, so the same scores to the last bit. The rows
   * take about 16 bytes a pixel and the statistics 32 (twice that for an image with alpha, scored
   * over two backgrounds); they are held in the JVM's decoded-pixel budget ({@link PixelBudget})
   * while the cache is open, and when the budget cannot spare them (room left for another image of
   * the reference's size, {@link PixelBudget#tryAcquireSpare}) the scores compute them instead. A
   * cache serves one thread; the reference must not change while it is open, and a different
   * reference object replaces the rows.
   */
  static final class ReferenceCache implements AutoCloseable {
    private final Map<Float, float[][][][]> rows = new HashMap<>();

    /** Complete blurred statistics per background: [scale][row][2 x channel + 0 or 1][column]. */
    private final Map<Float, float[][][][]> stats = new HashMap<>();

    /** Statistics being recorded, per background. */
    private final Map<Float, float[][][][]> unfinished = new HashMap<>();

    private final List<PixelBudget.Lease> leases = new ArrayList<>();
    private BufferedImage reference;
    private int scores;

    /** The score from which the reference's rows are kept: 1 or 2. */
    private final int keepFrom;

    /** A cache that keeps nothing from a first score: a single score costs no more than without. */
    ReferenceCache() {
      this(2);
    }

    private ReferenceCache(int keepFrom) {
      this.keepFrom = keepFrom;
    }

    /**
     * A cache for a caller that will score several images against the reference: the first score
     * already keeps the rows and records the statistics (a single score then costs a pass more).
     */
    static ReferenceCache forSearch() {
      return new ReferenceCache(1);
    }

    /** Counts a score against {@code image}, forgetting the rows of any other reference. */
    private void scoring(BufferedImage image) {
      if (image != reference) {
        close();
        reference = image;
        scores = 0;
      }
      scores++;
    }

    /**
     * The rows for {@code background} from the score {@link #keepFrom} on; null to compute them.
     */
    private float[][][][] rows(float background) {
      if (scores < keepFrom) {
        return null;
      }
      float[][][][] kept = rows.get(background);
      if (kept == null) {
        if (!lease(ROW_BYTES_PER_PIXEL)) {
          return null;
        }
        kept = pyramid(reference, background);
        rows.put(background, kept);
      }
      return kept;
    }

    /**
     * The reference's blurred statistics for {@code background} when a score has recorded them;
     * null before.
     */
    private float[][][][] stats(float background) {
      return stats.get(background);
    }

    /**
     * Empty arrays for a score to record the reference's blurred statistics into (then {@link
     * #recorded}), from the score {@link #keepFrom} on and while the budget has room for them; else
     * null.
     */
    private float[][][][] recording(float background, int[][] sizes) {
      if (scores < keepFrom || stats.containsKey(background)) {
        return null;
      }
      // A score stopped while recording leaves its arrays (and their lease) to the next one.
      float[][][][] out = unfinished.get(background);
      if (out == null) {
        if (!lease(STATS_BYTES_PER_PIXEL)) {
          return null;
        }
        out = new float[sizes.length][][][];
        for (int s = 0; s < sizes.length; s++) {
          out[s] = new float[sizes[s][1]][2 * 3][sizes[s][0]];
        }
        unfinished.put(background, out);
      }
      return out;
    }

    /** Keeps statistics a score has recorded completely. */
    private void recorded(float background, float[][][][] complete) {
      unfinished.remove(background);
      stats.put(background, complete);
    }

    /**
     * Takes the share of the pixel budget that {@code bytesPerPixel} of the reference make, if it
     * is spare now ({@link PixelBudget#tryAcquireSpare}: room left for another image of its size).
     */
    private boolean lease(int bytesPerPixel) {
      long pixels = (long) reference.getWidth() * reference.getHeight();
      PixelBudget.Lease lease = PixelBudget.tryAcquireSpare(pixels * bytesPerPixel, pixels);
      if (lease != null) {
        leases.add(lease);
      }
      return lease != null;
    }

    /** Drops the rows and gives their share of the pixel budget back. */
    @Override
    public void close() {
      rows.clear();
      stats.clear();
      unfinished.clear();
      leases.forEach(PixelBudget.Lease::close);
      leases.clear();
    }
  }

  /**
   * Every scale's XYB rows of {@code image} at {@code background}, as {@link ScalePass} computes
   * them while streaming: [scale][row][channel][column], padded like its rings.
   */
  private static float[][][][] pyramid(BufferedImage image, float background) {
    int radius = BLUR.radius;
    int pad = 2 * radius;
    int[][] sizes = scaleSizes(image.getWidth(), image.getHeight());
    float[][][][] scales = new float[sizes.length][][][];
    Source source = new ImageSource(image, background);
    for (int s = 0; s < sizes.length; s++) {
      int w = sizes[s][0];
      int h = sizes[s][1];
      Planes next = s == sizes.length - 1 ? null : new Planes((w + 1) / 2, (h + 1) / 2);
      float[][][] rows = new float[h][3][w + 2 * pad];
      float[] lr = new float[w];
      float[] lg = new float[w];
      float[] lb = new float[w];
      for (int y = 0; y < h; y++) {
        Progress.checkInterrupted();
        source.row(y, lr, lg, lb);
        if (next != null) {
          next.accumulate(y, h, lr, lg, lb);
        }
        toXyb(lr, lg, lb, rows[y], pad);
      }
      scales[s] = rows;
      source = next;
    }
    return scales;
  }

  /**
   * The width and height of every scale that counts: the image, then each half (rounded up) of the
   * one before while that one is at least {@link #MIN_SIDE} on both sides, at most {@link #SCALES}.
   */
  private static int[][] scaleSizes(int w, int h) {
    List<int[]> sizes = new ArrayList<>();
    sizes.add(new int[] {w, h});
    while (sizes.size() < SCALES && w >= MIN_SIDE && h >= MIN_SIDE) {
      w = (w + 1) / 2;
      h = (h + 1) / 2;
      sizes.add(new int[] {w, h});
    }
    return sizes.toArray(new int[0][]);
  }

  /** The score from the 108 pooled values, as the reference maps them. */
  static double combine(double[] pooled) {
    double sum = 0;
    for (int i = 0; i < pooled.length; i++) {
      sum += WEIGHTS[i] * Math.abs(pooled[i]);
    }
    double s = sum * 0.9562382616834844;
    s = 2.326765642916932 * s - 0.020884521182843837 * s * s + 6.248496625763138e-05 * s * s * s;
    return s > 0 ? 100.0 - 10.0 * Math.pow(s, 0.6276336467831387) : 100.0;
  }

  private static double toLinear(double v) {
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }

  /** One score: both images at one background (NaN when neither has alpha). */
  private static final class Computation {
    private final BufferedImage reference;
    private final BufferedImage distorted;
    private final float background;
    private final ReferenceCache cache;
    private final double[] pooled = new double[WEIGHTS.length];
    private int next;

    Computation(
        BufferedImage reference, BufferedImage distorted, float background, ReferenceCache cache) {
      this.reference = reference;
      this.distorted = distorted;
      this.background = background;
      this.cache = cache;
    }

    double run() {
      int[][] sizes = scaleSizes(reference.getWidth(), reference.getHeight());
      int scales = sizes.length;
      // Per channel c and scale s the reference stores six values; they are laid out here as the
      // weights expect them, channel-major.
      double[][][] perScale = new double[scales][][];
      float[][][][] rows = cache == null ? null : cache.rows(background);
      float[][][][] stats = cache == null ? null : cache.stats(background);
      float[][][][] record =
          rows == null || stats != null ? null : cache.recording(background, sizes);
      Source a = rows != null ? null : new ImageSource(reference, background);
      Source b = new ImageSource(distorted, background);
      for (int s = 0; s < scales; s++) {
        int w = sizes[s][0];
        int h = sizes[s][1];
        boolean last = s == scales - 1;
        Planes nextA = last || rows != null ? null : new Planes((w + 1) / 2, (h + 1) / 2);
        Planes nextB = last ? null : new Planes((w + 1) / 2, (h + 1) / 2);
        perScale[s] =
            new ScalePass(
                    w,
                    h,
                    a,
                    b,
                    nextA,
                    nextB,
                    rows != null ? rows[s] : null,
                    stats != null ? stats[s] : null,
                    record != null ? record[s] : null)
                .run();
        a = nextA;
        b = nextB;
      }
      if (record != null) {
        cache.recorded(background, record);
      }
      for (int c = 0; c < 3; c++) {
        for (int s = 0; s < scales; s++) {
          double[] v = perScale[s][c];
          for (int n = 0; n < 2; n++) {
            pooled[next++] = v[n]; // SSIM
            pooled[next++] = v[2 + n]; // artifact
            pooled[next++] = v[4 + n]; // detail lost
          }
        }
      }
      return combine(pooled);
    }
  }

  /** Linear RGB rows of one image at one scale. */
  private interface Source {
    void row(int y, float[] r, float[] g, float[] b);
  }

  /** Scale 0: the 8-bit image, composited over the background when it has alpha. */
  private static final class ImageSource implements Source {
    private final BufferedImage image;
    private final float background;
    private final boolean alpha;
    private final int[] argb;
    private final int[] samples;

    ImageSource(BufferedImage image, float background) {
      this.image = image;
      this.background = background;
      this.alpha = !Float.isNaN(background) && Pixels.hasAlpha(image);
      this.argb = new int[image.getWidth()];
      this.samples = new int[image.getWidth() * image.getRaster().getNumBands()];
      ColorModel cm = image.getColorModel();
      int bands = image.getRaster().getNumBands();
      boolean eightBit = true;
      for (int bits : cm.getComponentSize()) {
        eightBit &= bits == 8;
      }
      this.rgbSamples =
          !(cm instanceof IndexColorModel)
              && cm.getColorSpace().isCS_sRGB()
              && !cm.isAlphaPremultiplied()
              && eightBit
              && bands == (cm.hasAlpha() ? 4 : 3);
    }

    /** Whether the raster's samples are plain R, G, B (and A) bytes: read them without ARGB. */
    private final boolean rgbSamples;

    @Override
    public void row(int y, float[] r, float[] g, float[] b) {
      if (rgbSamples) {
        int bands = samples.length / argb.length;
        image.getRaster().getPixels(0, y, argb.length, 1, samples);
        for (int x = 0, i = 0; x < argb.length; x++, i += bands) {
          int a = bands == 4 ? samples[i + 3] : 255;
          argb[x] = (a << 24) | (samples[i] << 16) | (samples[i + 1] << 8) | samples[i + 2];
        }
      } else {
        Pixels.argbRow(image, y, argb, samples);
      }
      for (int x = 0; x < argb.length; x++) {
        int p = argb[x];
        int a = p >>> 24;
        if (!alpha || a == 255) {
          r[x] = LINEAR[(p >> 16) & 0xFF];
          g[x] = LINEAR[(p >> 8) & 0xFF];
          b[x] = LINEAR[p & 0xFF];
        } else {
          float af = a / 255f;
          r[x] = blend((p >> 16) & 0xFF, af);
          g[x] = blend((p >> 8) & 0xFF, af);
          b[x] = blend(p & 0xFF, af);
        }
      }
    }

    private float blend(int v, float a) {
      return (float) toLinear(a * (v / 255f) + (1f - a) * background);
    }
  }

  /** Linear RGB planes of a downsampled scale, filled while the scale above streams past. */
  private static final class Planes implements Source {
    final int width;
    final int height;
    final float[] r;
    final float[] g;
    final float[] b;

    Planes(int width, int height) {
      this.width = width;
      this.height = height;
      this.r = new float[width * height];
      this.g = new float[width * height];
      this.b = new float[width * height];
    }

    @Override
    public void row(int y, float[] rr, float[] gg, float[] bb) {
      System.arraycopy(r, y * width, rr, 0, width);
      System.arraycopy(g, y * width, gg, 0, width);
      System.arraycopy(b, y * width, bb, 0, width);
    }

    /**
     * Adds a quarter of row {@code y} of the scale above, 2x2 box; the last column and row repeat
     * when the size is odd, as the reference clamps.
     */
    void accumulate(int y, int sourceHeight, float[] rr, float[] gg, float[] bb) {
      int times = (y == sourceHeight - 1 && (sourceHeight & 1) == 1) ? 2 : 1;
      int offset = (y / 2) * width;
      int last = rr.length - 1;
      for (int t = 0; t < times; t++) {
        for (int ox = 0; ox < width; ox++) {
          int x0 = 2 * ox;
          int x1 = Math.min(x0 + 1, last);
          r[offset + ox] += 0.25f * (rr[x0] + rr[x1]);
          g[offset + ox] += 0.25f * (gg[x0] + gg[x1]);
          b[offset + ox] += 0.25f * (bb[x0] + bb[x1]);
        }
      }
    }
  }

  /**
   * One scale: XYB rows of both images enter at the bottom of the blur's reach, are blurred
   * horizontally into rings, and the vertical recursive filter emits the blurred row {@code n},
   * which is pooled against the sharp row {@code n} at once.
   */
  private static final class ScalePass {
    // The five blurred quantities per channel: mu1, mu2, E[x1^2], E[x2^2], E[x1 x2].
    private static final int QUANTITIES = 5;

    /** Every quantity of every channel, as c * QUANTITIES + q. */
    private static final int[] ALL = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};

    /** Those that involve the distorted image (mu2, E[x2^2], E[x1 x2]) of every channel. */
    private static final int[] DISTORTED = {1, 3, 4, 6, 8, 9, 11, 13, 14};

    private final int w;
    private final int h;
    private final Source a;
    private final Source b;
    private final Planes nextA;
    private final Planes nextB;
    private final Blur blur = BLUR;
    private final float[][][] referenceRows;
    private final float[][][] referenceStats;
    private final float[][][] record;

    /** The quantities blurred here: {@link #ALL}, or {@link #DISTORTED} with referenceStats. */
    private final int[] blurredHere;

    private final int ring;
    private final float[][][] xyb1;
    private final float[][][] xyb2;
    private final float[][][][] horizontal;
    private final float[][][][][] state;
    private final float[][][] blurred;
    private final float[] lr;
    private final float[] lg;
    private final float[] lb;
    private final float[][] taps;
    private final int pad;
    private final float[] zeros;
    private final double[][] sums = new double[3][6];

    /**
     * @param referenceRows the reference's XYB rows at this scale ({@link #pyramid}), or null to
     *     compute them from {@code a}
     * @param referenceStats the reference's blurred mean and square of each channel at this scale,
     *     per row (channel c's at 2c and 2c + 1), as an earlier pass recorded them; or null to blur
     *     them here
     * @param record rows to record the reference's blurred mean and square into, or null
     */
    ScalePass(
        int w,
        int h,
        Source a,
        Source b,
        Planes nextA,
        Planes nextB,
        float[][][] referenceRows,
        float[][][] referenceStats,
        float[][][] record) {
      this.w = w;
      this.h = h;
      this.a = a;
      this.b = b;
      this.nextA = nextA;
      this.nextB = nextB;
      this.referenceRows = referenceRows;
      this.referenceStats = referenceStats;
      this.record = record;
      this.blurredHere = referenceStats != null ? DISTORTED : ALL;
      int radius = blur.radius;
      this.ring = 2 * radius + 2;
      // XYB rows carry 2 * radius zeros on both sides, so the blur's taps never leave the array.
      this.pad = 2 * radius;
      this.xyb1 = referenceRows != null ? new float[ring][][] : new float[ring][3][w + 2 * pad];
      this.xyb2 = new float[ring][3][w + 2 * pad];
      this.taps = new float[3 * QUANTITIES][w + radius - 1];
      this.horizontal = new float[ring][3][QUANTITIES][w];
      // Per channel, quantity and filter component: the previous two outputs of the recursion.
      this.state = new float[3][QUANTITIES][3][2][w];
      this.blurred = new float[3][QUANTITIES][w];
      this.lr = new float[w];
      this.lg = new float[w];
      this.lb = new float[w];
      this.zeros = new float[w];
    }

    /** Per channel: SSIM 1- and 4-norm, artifact 1- and 4-norm, detail lost 1- and 4-norm. */
    double[][] run() {
      int radius = blur.radius;
      for (int n = -radius + 1; n < h; n++) {
        Progress.checkInterrupted();
        int bottom = n + radius - 1;
        if (bottom < h) {
          load(bottom);
        }
        int top = n - radius - 1;
        vertical(top >= 0 ? top % ring : -1, bottom < h ? bottom % ring : -1, n >= 0);
        if (n >= 0) {
          if (record != null) {
            for (int c = 0; c < 3; c++) {
              System.arraycopy(blurred[c][0], 0, record[n][2 * c], 0, w);
              System.arraycopy(blurred[c][2], 0, record[n][2 * c + 1], 0, w);
            }
          }
          pool(n, n % ring);
        }
      }
      double pixels = (double) w * h;
      double[][] out = new double[3][6];
      for (int c = 0; c < 3; c++) {
        for (int m = 0; m < 3; m++) {
          out[c][2 * m] = sums[c][2 * m] / pixels;
          out[c][2 * m + 1] = Math.sqrt(Math.sqrt(sums[c][2 * m + 1] / pixels));
        }
      }
      return out;
    }

    /** Reads row {@code y} of both images into the rings: XYB and its horizontal blurs. */
    private void load(int y) {
      int slot = y % ring;
      if (referenceRows != null) {
        xyb1[slot] = referenceRows[y];
      } else {
        a.row(y, lr, lg, lb);
        if (nextA != null) {
          nextA.accumulate(y, h, lr, lg, lb);
        }
        toXyb(lr, lg, lb, xyb1[slot], pad);
      }
      b.row(y, lr, lg, lb);
      if (nextB != null) {
        nextB.accumulate(y, h, lr, lg, lb);
      }
      toXyb(lr, lg, lb, xyb2[slot], pad);
      // The two taps of every output column, for the quantities blurred here of the three
      // channels (the reference's own, mu1 and E[x1^2], only without recorded statistics); then
      // the recursions run three rows at a time, so that they do not wait on each other.
      int span = w + blur.radius - 1;
      for (int c = 0; c < 3; c++) {
        float[] x1 = xyb1[slot][c];
        float[] x2 = xyb2[slot][c];
        float[] mu2 = taps[c * QUANTITIES + 1];
        float[] s22 = taps[c * QUANTITIES + 3];
        float[] s12 = taps[c * QUANTITIES + 4];
        if (referenceStats == null) {
          float[] mu1 = taps[c * QUANTITIES];
          float[] s11 = taps[c * QUANTITIES + 2];
          for (int i = 0; i < span; i++) {
            float l1 = x1[i];
            float r1 = x1[i + pad];
            mu1[i] = l1 + r1;
            s11[i] = l1 * l1 + r1 * r1;
          }
        }
        for (int i = 0; i < span; i++) {
          float l1 = x1[i];
          float r1 = x1[i + pad];
          float l2 = x2[i];
          float r2 = x2[i + pad];
          mu2[i] = l2 + r2;
          s22[i] = l2 * l2 + r2 * r2;
          s12[i] = l1 * l2 + r1 * r2;
        }
      }
      float[][][] out = horizontal[slot];
      int[] q = blurredHere;
      for (int i = 0; i < q.length; i += 3) {
        blur.horizontal(
            taps[q[i]],
            taps[q[i + 1]],
            taps[q[i + 2]],
            out[q[i] / QUANTITIES][q[i] % QUANTITIES],
            out[q[i + 1] / QUANTITIES][q[i + 1] % QUANTITIES],
            out[q[i + 2] / QUANTITIES][q[i + 2] % QUANTITIES],
            w);
      }
    }

    /** One step of the vertical recursion for every quantity blurred here. */
    private void vertical(int topSlot, int bottomSlot, boolean emit) {
      for (int cq : blurredHere) {
        int c = cq / QUANTITIES;
        int q = cq % QUANTITIES;
        float[] top = topSlot >= 0 ? horizontal[topSlot][c][q] : zeros;
        float[] bottom = bottomSlot >= 0 ? horizontal[bottomSlot][c][q] : zeros;
        blur.verticalStep(top, bottom, state[c][q], emit ? blurred[c][q] : null, w);
      }
    }

    /** Pools row {@code n} (ring slot {@code slot}) of the SSIM and edge maps. */
    private void pool(int n, int slot) {
      for (int c = 0; c < 3; c++) {
        float[] x1 = xyb1[slot][c];
        float[] x2 = xyb2[slot][c];
        int o = pad;
        float[] mu1 = referenceStats != null ? referenceStats[n][2 * c] : blurred[c][0];
        float[] mu2 = blurred[c][1];
        float[] s11 = referenceStats != null ? referenceStats[n][2 * c + 1] : blurred[c][2];
        float[] s22 = blurred[c][3];
        float[] s12 = blurred[c][4];
        double ssim = 0;
        double ssim4 = 0;
        double artifact = 0;
        double artifact4 = 0;
        double lost = 0;
        double lost4 = 0;
        for (int x = 0; x < w; x++) {
          float m1 = mu1[x];
          float m2 = mu2[x];
          float m11 = m1 * m1;
          float m22 = m2 * m2;
          float m12 = m1 * m2;
          float diff = m1 - m2;
          float numM = (float) (1.0 - diff * diff);
          float numS = 2 * (s12[x] - m12) + C2;
          float denS = (s11[x] - m11) + (s22[x] - m22) + C2;
          // Float like the reference's maps; branch-free, since the sign of an edge is noise.
          float d = Math.max(1f - (numM * numS / denS), 0f);
          float d2 = d * d;
          ssim += d;
          ssim4 += d2 * d2;
          float edge = (1f + Math.abs(x2[x + o] - m2)) / (1f + Math.abs(x1[x + o] - m1)) - 1f;
          float more = Math.max(edge, 0f);
          float less = Math.max(-edge, 0f);
          float more2 = more * more;
          float less2 = less * less;
          artifact += more;
          artifact4 += more2 * more2;
          lost += less;
          lost4 += less2 * less2;
        }
        double[] s = sums[c];
        s[0] += ssim;
        s[1] += ssim4;
        s[2] += artifact;
        s[3] += artifact4;
        s[4] += lost;
        s[5] += lost4;
      }
    }
  }

  /** Linear RGB to XYB made positive, as the reference's ToXYB and MakePositiveXYB. */
  private static void toXyb(float[] r, float[] g, float[] b, float[][] out, int offset) {
    float[] ox = out[0];
    float[] oy = out[1];
    float[] ob = out[2];
    for (int x = 0; x < r.length; x++) {
      float mixed0 = M00 * r[x] + M01 * g[x] + M02 * b[x] + BIAS;
      float mixed1 = M10 * r[x] + M11 * g[x] + M12 * b[x] + BIAS;
      float mixed2 = M20 * r[x] + M21 * g[x] + M22 * b[x] + BIAS;
      float l = cbrt(mixed0) - CBRT_BIAS;
      float m = cbrt(mixed1) - CBRT_BIAS;
      float s = cbrt(mixed2) - CBRT_BIAS;
      float xx = 0.5f * (l - m);
      float yy = 0.5f * (l + m);
      ob[x + offset] = (s - yy) + 0.55f;
      ox[x + offset] = xx * 14f + 0.42f;
      oy[x + offset] = yy + 0.01f;
    }
  }

  /**
   * The cube root of a non-negative float (negative values clamp to 0, as the reference does): the
   * inverse cube root from a bit-level first guess (within 4%), three Newton steps in double
   * without a division (4% -> 0.3% -> 1e-5 -> 1e-10), then {@code v * r * r}; exact to float
   * precision and several times faster than {@link Math#cbrt}.
   */
  static float cbrt(float v) {
    if (!(v > 0)) {
      return 0f;
    }
    double x = v;
    double r = Float.intBitsToFloat(0x54a2fa8c - Float.floatToRawIntBits(v) / 3);
    r = r * (4.0 - x * r * r * r) * (1.0 / 3.0);
    r = r * (4.0 - x * r * r * r) * (1.0 / 3.0);
    r = r * (4.0 - x * r * r * r) * (1.0 / 3.0);
    return (float) (x * r * r);
  }

  /**
   * The recursive Gaussian of Charalampidis (2016, "Recursive implementation of the Gaussian filter
   * using truncated cosine functions"), three cosine terms, as libjxl sets it up for a sigma.
   */
  static final class Blur {
    final int radius;
    private final float[] n2 = new float[3];
    private final float[] d1 = new float[3];

    Blur(double sigma) {
      double r = Math.round(3.2795 * sigma + 0.2546);
      double piOver2r = Math.PI / (2.0 * r);
      double[] omega = {piOver2r, 3.0 * piOver2r, 5.0 * piOver2r};
      double p1 = 1.0 / Math.tan(0.5 * omega[0]);
      double p3 = -1.0 / Math.tan(0.5 * omega[1]);
      double p5 = 1.0 / Math.tan(0.5 * omega[2]);
      double r1 = p1 * p1 / Math.sin(omega[0]);
      double r3 = -p3 * p3 / Math.sin(omega[1]);
      double r5 = p5 * p5 / Math.sin(omega[2]);
      double[] rho = new double[3];
      for (int i = 0; i < 3; i++) {
        rho[i] = Math.exp(-0.5 * sigma * sigma * omega[i] * omega[i]) / r;
      }
      double d13 = p1 * r3 - r1 * p3;
      double d35 = p3 * r5 - r3 * p5;
      double d51 = p5 * r1 - r5 * p1;
      double zeta15 = d35 / d13;
      double zeta35 = d51 / d13;
      double[][] matrix = {{p1, p3, p5}, {r1, r3, r5}, {zeta15, zeta35, 1}};
      double[] gamma = {1, r * r - sigma * sigma, zeta15 * rho[0] + zeta35 * rho[1] + rho[2]};
      double[] beta = solve(matrix, gamma);
      radius = (int) r;
      for (int i = 0; i < 3; i++) {
        n2[i] = (float) (-beta[i] * Math.cos(omega[i] * (r + 1.0)));
        d1[i] = (float) (-2.0 * Math.cos(omega[i]));
      }
    }

    /**
     * Blurs three rows at once. Input {@code i} of a row is the sum of its two taps for output
     * column {@code i - radius + 1}, that is {@code in[n - radius - 1] + in[n + radius - 1]} for
     * column {@code n}, zero outside the row; the first {@code radius - 1} steps only warm up the
     * recursion.
     */
    void horizontal(float[] ta, float[] tb, float[] tc, float[] oa, float[] ob, float[] oc, int w) {
      float a1 = n2[0];
      float a3 = n2[1];
      float a5 = n2[2];
      float b1 = d1[0];
      float b3 = d1[1];
      float b5 = d1[2];
      float pa1 = 0;
      float pa3 = 0;
      float pa5 = 0;
      float qa1 = 0;
      float qa3 = 0;
      float qa5 = 0;
      float pb1 = 0;
      float pb3 = 0;
      float pb5 = 0;
      float qb1 = 0;
      float qb3 = 0;
      float qb5 = 0;
      float pc1 = 0;
      float pc3 = 0;
      float pc5 = 0;
      float qc1 = 0;
      float qc3 = 0;
      float qc5 = 0;
      int span = w + radius - 1;
      int skip = radius - 1;
      for (int i = 0; i < span; i++) {
        float sa = ta[i];
        float sb = tb[i];
        float sc = tc[i];
        float ya1 = a1 * sa - b1 * pa1 - qa1;
        float ya3 = a3 * sa - b3 * pa3 - qa3;
        float ya5 = a5 * sa - b5 * pa5 - qa5;
        float yb1 = a1 * sb - b1 * pb1 - qb1;
        float yb3 = a3 * sb - b3 * pb3 - qb3;
        float yb5 = a5 * sb - b5 * pb5 - qb5;
        float yc1 = a1 * sc - b1 * pc1 - qc1;
        float yc3 = a3 * sc - b3 * pc3 - qc3;
        float yc5 = a5 * sc - b5 * pc5 - qc5;
        qa1 = pa1;
        qa3 = pa3;
        qa5 = pa5;
        pa1 = ya1;
        pa3 = ya3;
        pa5 = ya5;
        qb1 = pb1;
        qb3 = pb3;
        qb5 = pb5;
        pb1 = yb1;
        pb3 = yb3;
        pb5 = yb5;
        qc1 = pc1;
        qc3 = pc3;
        qc5 = pc5;
        pc1 = yc1;
        pc3 = yc3;
        pc5 = yc5;
        if (i >= skip) {
          oa[i - skip] = ya1 + ya3 + ya5;
          ob[i - skip] = yb1 + yb3 + yb5;
          oc[i - skip] = yc1 + yc3 + yc5;
        }
      }
    }

    /**
     * One output row of the vertical pass, every column at once: {@code top} and {@code bottom} are
     * the input rows {@code n - radius - 1} and {@code n + radius - 1} (null outside the image),
     * {@code state[k][0]} and {@code state[k][1]} the previous two outputs of component {@code k}
     * (rotated here), {@code out} the row, or null before the first row.
     */
    void verticalStep(float[] top, float[] bottom, float[][][] state, float[] out, int w) {
      for (int k = 0; k < 3; k++) {
        float a = n2[k];
        float b = d1[k];
        float[] prev = state[k][0];
        float[] prev2 = state[k][1];
        // The new output replaces prev2, which becomes prev; prev becomes prev2.
        for (int x = 0; x < w; x++) {
          prev2[x] = a * (top[x] + bottom[x]) - b * prev[x] - prev2[x];
        }
        state[k][0] = prev2;
        state[k][1] = prev;
      }
      if (out != null) {
        float[] y1 = state[0][0];
        float[] y3 = state[1][0];
        float[] y5 = state[2][0];
        for (int x = 0; x < w; x++) {
          out[x] = y1[x] + y3[x] + y5[x];
        }
      }
    }

    /** Solves a 3x3 linear system by Cramer's rule. */
    private static double[] solve(double[][] m, double[] v) {
      double det = determinant(m[0], m[1], m[2]);
      double[] x = new double[3];
      for (int col = 0; col < 3; col++) {
        double[][] replaced = new double[3][];
        for (int row = 0; row < 3; row++) {
          replaced[row] = m[row].clone();
          replaced[row][col] = v[row];
        }
        x[col] = determinant(replaced[0], replaced[1], replaced[2]) / det;
      }
      return x;
    }

    private static double determinant(double[] r0, double[] r1, double[] r2) {
      return r0[0] * (r1[1] * r2[2] - r1[2] * r2[1])
          - r0[1] * (r1[0] * r2[2] - r1[2] * r2[0])
          + r0[2] * (r1[0] * r2[1] - r1[1] * r2[0]);
    }
  }
}
