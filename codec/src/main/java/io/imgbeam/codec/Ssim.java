package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;

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
  private static final double C1 = (0.01 * 255) * (0.01 * 255);
  private static final double C2 = (0.03 * 255) * (0.03 * 255);
  private static final double SIGMA = 1.5;
  private static final int RADIUS = 5;

  private Ssim() {}

  /** The mean SSIM of two images of equal size, from -1 to 1 (1 means identical). */
  public static double score(BufferedImage a, BufferedImage b) {
    int w = a.getWidth();
    int h = a.getHeight();
    Pixels.checkSameSize(a, b);
    int radius = Math.min(RADIUS, (Math.min(w, h) - 1) / 2);
    double[] kernel = gaussian(radius);
    int k = kernel.length;
    int vw = w - 2 * radius;
    int vh = h - 2 * radius;
    // One row at a time: the horizontal pass of the last k rows is kept in rings, so memory grows
    // with the width only. Each filter runs tap pair by tap pair over a whole row, a loop the JIT
    // vectorises; the sums differ from a tap-by-tap filter's only in rounding (below 1e-12).
    double[][] hx = new double[k][vw];
    double[][] hy = new double[k][vw];
    double[][] hxx = new double[k][vw];
    double[][] hyy = new double[k][vw];
    double[][] hxy = new double[k][vw];
    double[] x = new double[w];
    double[] y = new double[w];
    double[] xx = new double[w];
    double[] yy = new double[w];
    double[] xy = new double[w];
    double[] mx = new double[vw];
    double[] my = new double[vw];
    double[] mxx = new double[vw];
    double[] myy = new double[vw];
    double[] mxy = new double[vw];
    int[] argb = new int[w];
    int[] samplesA = new int[w * a.getRaster().getNumBands()];
    int[] samplesB = new int[w * b.getRaster().getNumBands()];
    double sum = 0;
    for (int row = 0; row < h; row++) {
      Progress.checkInterrupted();
      luma(a, row, argb, samplesA, x);
      luma(b, row, argb, samplesB, y);
      for (int i = 0; i < w; i++) {
        xx[i] = x[i] * x[i];
        yy[i] = y[i] * y[i];
        xy[i] = x[i] * y[i];
      }
      int slot = row % k;
      filter(kernel, x, hx[slot], vw);
      filter(kernel, y, hy[slot], vw);
      filter(kernel, xx, hxx[slot], vw);
      filter(kernel, yy, hyy[slot], vw);
      filter(kernel, xy, hxy[slot], vw);
      int top = row - (k - 1);
      if (top < 0) {
        continue;
      }
      filter(kernel, hx, top, mx, vw);
      filter(kernel, hy, top, my, vw);
      filter(kernel, hxx, top, mxx, vw);
      filter(kernel, hyy, top, myy, vw);
      filter(kernel, hxy, top, mxy, vw);
      for (int col = 0; col < vw; col++) {
        double vx = mxx[col] - mx[col] * mx[col];
        double vy = myy[col] - my[col] * my[col];
        double cxy = mxy[col] - mx[col] * my[col];
        sum +=
            ((2 * mx[col] * my[col] + C1) * (2 * cxy + C2))
                / ((mx[col] * mx[col] + my[col] * my[col] + C1) * (vx + vy + C2));
      }
    }
    return sum / ((double) vw * vh);
  }

  /**
   * The horizontal pass: {@code out[col]} is the kernel-weighted sum of {@code in[col..col+k)}. The
   * kernel is symmetric, so each pair of taps at equal distance from the centre shares one
   * multiply.
   */
  private static void filter(double[] kernel, double[] in, double[] out, int n) {
    int k = kernel.length;
    int r = k / 2;
    double centre = kernel[r];
    for (int col = 0; col < n; col++) {
      out[col] = centre * in[col + r];
    }
    for (int i = 0; i < r; i++) {
      double weight = kernel[i];
      int far = k - 1 - i;
      for (int col = 0; col < n; col++) {
        out[col] += weight * (in[col + i] + in[col + far]);
      }
    }
  }

  /** The vertical pass over the ring of rows, oldest ({@code top}) first, folded the same way. */
  private static void filter(double[] kernel, double[][] ring, int top, double[] out, int n) {
    int k = kernel.length;
    int r = k / 2;
    double centre = kernel[r];
    double[] middle = ring[(top + r) % k];
    for (int col = 0; col < n; col++) {
      out[col] = centre * middle[col];
    }
    for (int i = 0; i < r; i++) {
      double weight = kernel[i];
      double[] near = ring[(top + i) % k];
      double[] far = ring[(top + k - 1 - i) % k];
      for (int col = 0; col < n; col++) {
        out[col] += weight * (near[col] + far[col]);
      }
    }
  }

  /** Row {@code row} of {@code image} as Rec.601 luma over white, into {@code out}. */
  private static void luma(BufferedImage image, int row, int[] argb, int[] samples, double[] out) {
    // The two layouts verification compares (the encoder's TYPE_INT_RGB reference and the fast
    // decoder's TYPE_3BYTE_BGR output) are opaque sRGB: read straight from their arrays, the same
    // sums as below without packing each pixel into an int first.
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
        out[i] = 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
      }
      return;
    }
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
        && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm) {
      DataBufferByte buffer = (DataBufferByte) raster.getDataBuffer();
      byte[] data = buffer.getData();
      int base = buffer.getOffset() + ry * sm.getScanlineStride() + rx * 3;
      for (int i = 0, p = base; i < out.length; i++, p += 3) {
        out[i] =
            0.299 * (data[p + 2] & 0xFF) + 0.587 * (data[p + 1] & 0xFF) + 0.114 * (data[p] & 0xFF);
      }
      return;
    }
    genericLuma(image, row, argb, samples, out);
  }

  private static void genericLuma(
      BufferedImage image, int row, int[] argb, int[] samples, double[] out) {
    Pixels.argbRow(image, row, argb, samples);
    for (int i = 0; i < out.length; i++) {
      int rgb = Pixels.overWhite(argb[i]);
      out[i] = 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
    }
  }

  private static double[] gaussian(int radius) {
    double[] k = new double[2 * radius + 1];
    double total = 0;
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = Math.exp(-(i * i) / (2 * SIGMA * SIGMA));
      total += k[i + radius];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= total;
    }
    return k;
  }
}
