package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.nio.ByteBuffer;

/**
 * Structural similarity (Wang, Bovik, Sheikh and Simoncelli, 2004) on luma.
 *
 * <p>Both images are composited over white and reduced to Rec.601 luma on the 0-255 scale; the
 * local statistics use an 11x11 Gaussian window with sigma 1.5 (population variances, K1 0.01, K2
 * 0.03), and the mean is taken over the positions where the whole window fits, as scikit-image's
 * {@code structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False)} does
 * after cropping its padded border.
 *
 * <p>Colour: only luma is compared, so a hue or saturation shift that keeps luma scores 1, and
 * translucent pixels are judged as they look over white. Images smaller than 11 pixels on a side
 * use the largest odd window that fits. {@link Ssimulacra2} sees colour and artifacts; {@link
 * Metric} chooses between them.
 */
public final class Ssim {
  private static final float C1 = (0.01f * 255) * (0.01f * 255);
  private static final float C2 = (0.03f * 255) * (0.03f * 255);
  private static final double SIGMA = 1.5;
  private static final int RADIUS = 5;

  /**
   * Luma is stored minus this, so that the squares the variances come from stay below 2^14 and
   * float sums keep them to about 1e-3; variance and covariance do not move with the offset, and it
   * is added back to the means.
   */
  private static final float OFFSET = 128;

  /**
   * The products of Rec.601's luma weights with every 8-bit value (see {@link #luma(int, int,
   * int)}).
   */
  private static final double[] RED = weights(0.299);

  private static final double[] GREEN = weights(0.587);
  private static final double[] BLUE = weights(0.114);

  private Ssim() {}

  /**
   * The mean SSIM of two images of equal size, from -1 to 1 (1 means identical).
   *
   * <p>Precision: the local statistics are float sums (twice the lanes of double in the loops the
   * JIT vectorises) on luma centred at 128, and the mean is summed in double: scikit-image's
   * fixtures in {@code SsimTest} agree within 7e-8 (asserted 1e-6; the issue asks 0.005), and a 24
   * MP photo against its q50 JPEG moved by 4e-7 from the double computation (measured with five
   * sums).
   */
  public static double score(BufferedImage a, BufferedImage b) {
    Pixels.checkSameSize(a, b);
    return score(new ImageLuma(a), new ImageLuma(b), a.getWidth(), a.getHeight());
  }

  /**
   * The mean SSIM of {@code reference} against an image of its size given by its luma: {@code luma}
   * holds its 8-bit rows one after another, from its position ({@link TurboJpeg#luma}: a JPEG's Y
   * component as the file stores it). Rec.601 luma is what JFIF's Y is, so this is {@link
   * #score(BufferedImage, BufferedImage)} of the decoded image but for the decoder's rounding of
   * each pixel to 8-bit RGB (under half a level of luma) and its clipping of colours outside RGB.
   *
   * @throws IllegalArgumentException when {@code luma} holds fewer bytes than the image has pixels
   */
  static double score(BufferedImage reference, ByteBuffer luma) {
    int w = reference.getWidth();
    int h = reference.getHeight();
    if (luma.remaining() < (long) w * h) {
      throw new IllegalArgumentException(
          "expected "
              + (long) w * h
              + " luma bytes for "
              + w
              + "x"
              + h
              + ", got "
              + luma.remaining());
    }
    return score(new ImageLuma(reference), new PlaneLuma(luma, w), w, h);
  }

  private static double score(Luma a, Luma b, int w, int h) {
    int radius = Math.min(RADIUS, (Math.min(w, h) - 1) / 2);
    Rows rows = new Rows(a, b, w, gaussian(radius));
    double sum = 0;
    for (int row = 0; row < h; row++) {
      Progress.checkInterrupted();
      sum += rows.next(row);
    }
    return sum / ((double) rows.vw * (h - 2 * radius));
  }

  /** Where a comparison's rows of luma come from. */
  private interface Luma {
    /** Row {@code row} as Rec.601 luma over white, minus {@link #OFFSET}, into {@code out}. */
    void row(int row, float[] out);
  }

  /** The rows of an image's pixels. */
  private static final class ImageLuma implements Luma {
    private final BufferedImage image;
    private final int[] argb;
    private final int[] samples;

    ImageLuma(BufferedImage image) {
      this.image = image;
      int w = image.getWidth();
      argb = new int[w];
      samples = new int[w * image.getRaster().getNumBands()];
    }

    @Override
    public void row(int row, float[] out) {
      luma(image, row, argb, samples, out);
    }
  }

  /** The rows of a plane of 8-bit luma. */
  private static final class PlaneLuma implements Luma {
    private final ByteBuffer plane;
    private final int start;
    private final byte[] bytes;

    PlaneLuma(ByteBuffer plane, int width) {
      this.plane = plane;
      this.start = plane.position();
      this.bytes = new byte[width];
    }

    @Override
    public void row(int row, float[] out) {
      plane.get(start + row * bytes.length, bytes);
      for (int i = 0; i < out.length; i++) {
        out[i] = (bytes[i] & 0xFF) - OFFSET;
      }
    }
  }

  /**
   * The rows of one comparison. Each step of a row is a small method of its own (each a loop the
   * JIT compiles on its own), and a row one call: C2 then compiles each once, instead of compiling
   * all of them inlined into one large method again for each on-stack replacement of its loop
   * (three compilations of about 50 kB of code, about 1 s each, in every run).
   */
  private static final class Rows {
    private final Luma a;
    private final Luma b;
    private final float[] kernel;
    private final int k;
    private final int vw;

    /**
     * The horizontal pass of the last k rows of the four local sums (x, y, x^2 + y^2, xy), in
     * rings, so that memory grows with the width only. Variances enter SSIM only as their sum, so
     * x^2 and y^2 are filtered together.
     */
    private final float[][][] rings;

    private final float[] x;
    private final float[] y;
    private final float[] squares;
    private final float[] products;

    /** Scratch rows of the horizontal pass. */
    private final float[][] scratch;

    private final float[] mx;
    private final float[] my;
    private final float[] msquares;
    private final float[] mproducts;

    Rows(Luma a, Luma b, int w, float[] kernel) {
      this.a = a;
      this.b = b;
      this.kernel = kernel;
      k = kernel.length;
      vw = w - (k - 1);
      rings = new float[4][k][vw];
      x = new float[w];
      y = new float[w];
      squares = new float[w];
      products = new float[w];
      scratch = new float[4][vw];
      mx = new float[vw];
      my = new float[vw];
      msquares = new float[vw];
      mproducts = new float[vw];
    }

    /** Takes in row {@code row}; the sum of the SSIM map's row it completes, or 0. */
    double next(int row) {
      a.row(row, x);
      b.row(row, y);
      squaresAndProducts(x, y, squares, products);
      int slot = row % k;
      filter(kernel, x, rings[0][slot], vw, scratch);
      filter(kernel, y, rings[1][slot], vw, scratch);
      filter(kernel, squares, rings[2][slot], vw, scratch);
      filter(kernel, products, rings[3][slot], vw, scratch);
      int top = row - (k - 1);
      if (top < 0) {
        return 0;
      }
      filter(kernel, rings[0], top, mx, vw);
      filter(kernel, rings[1], top, my, vw);
      filter(kernel, rings[2], top, msquares, vw);
      filter(kernel, rings[3], top, mproducts, vw);
      map(mx, my, msquares, mproducts, vw);
      return rowSum(mx, vw);
    }
  }

  private static void squaresAndProducts(float[] x, float[] y, float[] squares, float[] products) {
    for (int i = 0; i < x.length; i++) {
      squares[i] = x[i] * x[i] + y[i] * y[i];
      products[i] = x[i] * y[i];
    }
  }

  /**
   * The SSIM map of a row from its local sums, into {@code mx}: {@code ((2 ux uy + C1) (2
   * covariance + C2)) / ((ux^2 + uy^2 + C1) (variances + C2))}, in two loops of independent lanes,
   * the denominators first (into {@code msquares}). As one loop HotSpot 17 left it scalar (1.46 ns
   * a column in a microbenchmark, against 0.15 for the two), and it vectorises the numerator only
   * with the doublings written as additions ({@code x + x} is {@code 2 * x} exactly): the same
   * float operations on the same values, so the same map.
   */
  private static void map(float[] mx, float[] my, float[] msquares, float[] mproducts, int n) {
    denominators(mx, my, msquares, n);
    ratios(mx, my, mproducts, msquares, n);
  }

  /** {@code (ux^2 + uy^2 + C1) (variances + C2)} of each column, into {@code msquares}. */
  private static void denominators(float[] mx, float[] my, float[] msquares, int n) {
    for (int col = 0; col < n; col++) {
      float cx = mx[col];
      float cy = my[col];
      // Grouped so that identical images give variances of exactly twice the covariance: SSIM 1.
      float variances = msquares[col] - (cx * cx + cy * cy);
      float ux = cx + OFFSET;
      float uy = cy + OFFSET;
      msquares[col] = (ux * ux + uy * uy + C1) * (variances + C2);
    }
  }

  /** {@code (2 ux uy + C1) (2 covariance + C2)} over each column's denominator, into {@code mx}. */
  private static void ratios(
      float[] mx, float[] my, float[] mproducts, float[] denominators, int n) {
    for (int col = 0; col < n; col++) {
      float cx = mx[col];
      float cy = my[col];
      float covariance = mproducts[col] - cx * cy;
      float ux = cx + OFFSET;
      float uy = cy + OFFSET;
      mx[col] = ((ux + ux) * uy + C1) * ((covariance + covariance) + C2) / denominators[col];
    }
  }

  /** The sum of {@code values[0..n)} in double, in four independent chains. */
  private static double rowSum(float[] values, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += values[i];
      s1 += values[i + 1];
      s2 += values[i + 2];
      s3 += values[i + 3];
    }
    for (; i < n; i++) {
      s0 += values[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * The horizontal pass: {@code out[col]} is the kernel-weighted sum of {@code in[col..col+k)}. The
   * kernel is symmetric, so each pair of taps at equal distance from the centre shares one
   * multiply. The inputs of each loop are first copied to the start of rows of {@code scratch}:
   * HotSpot 17 vectorises a loop over arrays read at the loop's own index, not one that reads an
   * array at an offset, and the copies cost far less than the scalar loop (SSIM of 24 MP: 0.5 s in
   * double without copies, 0.28 s in float with them). The loops are those of the vertical pass.
   */
  private static void filter(float[] kernel, float[] in, float[] out, int n, float[][] scratch) {
    int k = kernel.length;
    int r = k / 2;
    float[] a = scratch[0];
    float[] b = scratch[1];
    float[] c = scratch[2];
    float[] d = scratch[3];
    System.arraycopy(in, r, a, 0, n);
    if (r == 0) {
      centre(kernel[0], a, out, n);
      return;
    }
    System.arraycopy(in, 0, b, 0, n);
    System.arraycopy(in, k - 1, c, 0, n);
    centreAndPair(kernel[r], a, kernel[0], b, c, out, n);
    for (int i = 1; i < r; i += 2) {
      System.arraycopy(in, i, a, 0, n);
      System.arraycopy(in, k - 1 - i, b, 0, n);
      if (i + 1 < r) {
        System.arraycopy(in, i + 1, c, 0, n);
        System.arraycopy(in, k - 2 - i, d, 0, n);
        twoPairs(kernel[i], a, b, kernel[i + 1], c, d, out, n);
      } else {
        pair(kernel[i], a, b, out, n);
      }
    }
  }

  /**
   * The vertical pass over the ring of rows, oldest ({@code top}) first, folded the same way: the
   * centre with the outermost pair in one loop, then the other pairs two at a time (each output
   * gets the same additions in the same order as one pair a time; HotSpot 17 vectorises these
   * loops, and they ran 17 % faster than a loop per pair in a microbenchmark, where one loop over
   * all eleven rows ran scalar, five times slower).
   */
  private static void filter(float[] kernel, float[][] ring, int top, float[] out, int n) {
    int k = kernel.length;
    int r = k / 2;
    float[] middle = ring[(top + r) % k];
    if (r == 0) {
      centre(kernel[0], middle, out, n);
      return;
    }
    centreAndPair(kernel[r], middle, kernel[0], ring[top % k], ring[(top + k - 1) % k], out, n);
    for (int i = 1; i < r; i += 2) {
      float[] near = ring[(top + i) % k];
      float[] far = ring[(top + k - 1 - i) % k];
      if (i + 1 < r) {
        float[] near2 = ring[(top + i + 1) % k];
        float[] far2 = ring[(top + k - 2 - i) % k];
        twoPairs(kernel[i], near, far, kernel[i + 1], near2, far2, out, n);
      } else {
        pair(kernel[i], near, far, out, n);
      }
    }
  }

  private static void centre(float weight, float[] middle, float[] out, int n) {
    for (int col = 0; col < n; col++) {
      out[col] = weight * middle[col];
    }
  }

  private static void centreAndPair(
      float centre, float[] middle, float weight, float[] near, float[] far, float[] out, int n) {
    for (int col = 0; col < n; col++) {
      float sum = centre * middle[col];
      sum += weight * (near[col] + far[col]);
      out[col] = sum;
    }
  }

  private static void pair(float weight, float[] near, float[] far, float[] out, int n) {
    for (int col = 0; col < n; col++) {
      out[col] += weight * (near[col] + far[col]);
    }
  }

  private static void twoPairs(
      float weight,
      float[] near,
      float[] far,
      float weight2,
      float[] near2,
      float[] far2,
      float[] out,
      int n) {
    for (int col = 0; col < n; col++) {
      float sum = out[col];
      sum += weight * (near[col] + far[col]);
      sum += weight2 * (near2[col] + far2[col]);
      out[col] = sum;
    }
  }

  /** Row {@code row} of {@code image} as Rec.601 luma over white, minus {@link #OFFSET}. */
  private static void luma(BufferedImage image, int row, int[] argb, int[] samples, float[] out) {
    // The layouts verification compares (TYPE_INT_RGB, the fast decoder's TYPE_3BYTE_BGR output,
    // decoded inputs' RGB bytes) are opaque sRGB: read straight from their arrays, the same sums
    // as below without packing each pixel into an int first.
    Raster raster = image.getRaster();
    if (!image.getColorModel().getColorSpace().isCS_sRGB()) {
      genericLuma(image, row, argb, samples, out);
      return;
    }
    int rx = -raster.getSampleModelTranslateX();
    int ry = row - raster.getSampleModelTranslateY();
    if (image.getType() == BufferedImage.TYPE_INT_RGB
        && raster.getSampleModel() instanceof SinglePixelPackedSampleModel sm) {
      DataBufferInt buffer = (DataBufferInt) raster.getDataBuffer();
      int[] data = buffer.getData();
      int base = buffer.getOffset() + ry * sm.getScanlineStride() + rx;
      for (int i = 0; i < out.length; i++) {
        int rgb = data[base + i];
        out[i] = luma((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
      }
      return;
    }
    int[] offsets = Pixels.rgbByteOffsets(image);
    if (offsets != null) {
      PixelInterleavedSampleModel sm = (PixelInterleavedSampleModel) raster.getSampleModel();
      DataBufferByte buffer = (DataBufferByte) raster.getDataBuffer();
      byte[] data = buffer.getData();
      int base = buffer.getOffset() + ry * sm.getScanlineStride() + rx * 3;
      int r = base + offsets[0];
      int g = base + offsets[1];
      int b = base + offsets[2];
      for (int i = 0, p = 0; i < out.length; i++, p += 3) {
        out[i] = luma(data[r + p] & 0xFF, data[g + p] & 0xFF, data[b + p] & 0xFF);
      }
      return;
    }
    genericLuma(image, row, argb, samples, out);
  }

  private static void genericLuma(
      BufferedImage image, int row, int[] argb, int[] samples, float[] out) {
    Pixels.argbRow(image, row, argb, samples);
    for (int i = 0; i < out.length; i++) {
      int rgb = Pixels.overWhite(argb[i]);
      out[i] = luma((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
    }
  }

  /**
   * Rec.601 luma of 8-bit sRGB, minus {@link #OFFSET}: every layout's one formula, {@code 0.299 r +
   * 0.587 g + 0.114 b} in double; the three products come from tables (the same doubles), which
   * saves the conversions and multiplies of every pixel.
   */
  private static float luma(int r, int g, int b) {
    return (float) (RED[r] + GREEN[g] + BLUE[b]) - OFFSET;
  }

  private static double[] weights(double weight) {
    double[] table = new double[256];
    for (int i = 0; i < 256; i++) {
      table[i] = weight * i;
    }
    return table;
  }

  private static float[] gaussian(int radius) {
    double[] k = new double[2 * radius + 1];
    double total = 0;
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = Math.exp(-(i * i) / (2 * SIGMA * SIGMA));
      total += k[i + radius];
    }
    float[] weights = new float[k.length];
    for (int i = 0; i < k.length; i++) {
      weights[i] = (float) (k[i] / total);
    }
    return weights;
  }
}
