package io.imgbeam.codec;

import java.awt.image.BufferedImage;

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
    if (w != b.getWidth() || h != b.getHeight()) {
      throw new IllegalArgumentException(
          "expected images of equal size, got "
              + w
              + "x"
              + h
              + " and "
              + b.getWidth()
              + "x"
              + b.getHeight());
    }
    int radius = Math.min(RADIUS, (Math.min(w, h) - 1) / 2);
    double[] kernel = gaussian(radius);
    int k = kernel.length;
    int vw = w - 2 * radius;
    int vh = h - 2 * radius;
    // One row at a time: the horizontal pass of the last k rows is kept in rings, so memory grows
    // with the width only. The sums run in the same order as a whole-image separable filter would.
    double[][] hx = new double[k][vw];
    double[][] hy = new double[k][vw];
    double[][] hxx = new double[k][vw];
    double[][] hyy = new double[k][vw];
    double[][] hxy = new double[k][vw];
    double[] x = new double[w];
    double[] y = new double[w];
    int[] argb = new int[w];
    double sum = 0;
    for (int row = 0; row < h; row++) {
      Progress.checkInterrupted();
      luma(a, row, argb, x);
      luma(b, row, argb, y);
      int slot = row % k;
      for (int col = 0; col < vw; col++) {
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int i = 0; i < k; i++) {
          double xi = x[col + i];
          double yi = y[col + i];
          sx += kernel[i] * xi;
          sy += kernel[i] * yi;
          sxx += kernel[i] * (xi * xi);
          syy += kernel[i] * (yi * yi);
          sxy += kernel[i] * (xi * yi);
        }
        hx[slot][col] = sx;
        hy[slot][col] = sy;
        hxx[slot][col] = sxx;
        hyy[slot][col] = syy;
        hxy[slot][col] = sxy;
      }
      int top = row - (k - 1);
      if (top < 0) {
        continue;
      }
      for (int col = 0; col < vw; col++) {
        double mx = 0;
        double my = 0;
        double mxx = 0;
        double myy = 0;
        double mxy = 0;
        for (int i = 0; i < k; i++) {
          int r = (top + i) % k;
          mx += kernel[i] * hx[r][col];
          my += kernel[i] * hy[r][col];
          mxx += kernel[i] * hxx[r][col];
          myy += kernel[i] * hyy[r][col];
          mxy += kernel[i] * hxy[r][col];
        }
        double vx = mxx - mx * mx;
        double vy = myy - my * my;
        double cxy = mxy - mx * my;
        sum += ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
      }
    }
    return sum / ((double) vw * vh);
  }

  /** Row {@code row} of {@code image} as Rec.601 luma over white, into {@code out}. */
  private static void luma(BufferedImage image, int row, int[] argb, double[] out) {
    Pixels.argbRow(image, row, argb);
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
