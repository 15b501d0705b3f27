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
    double[] x = luma(a);
    double[] y = luma(b);
    int radius = Math.min(RADIUS, (Math.min(w, h) - 1) / 2);
    double[] kernel = gaussian(radius);
    double[] xy = new double[x.length];
    double[] xx = new double[x.length];
    double[] yy = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      xx[i] = x[i] * x[i];
      yy[i] = y[i] * y[i];
      xy[i] = x[i] * y[i];
    }
    int vw = w - 2 * radius;
    int vh = h - 2 * radius;
    double[] mx = filterValid(x, w, h, kernel);
    double[] my = filterValid(y, w, h, kernel);
    double[] mxx = filterValid(xx, w, h, kernel);
    double[] myy = filterValid(yy, w, h, kernel);
    double[] mxy = filterValid(xy, w, h, kernel);
    double sum = 0;
    for (int i = 0; i < vw * vh; i++) {
      double vx = mxx[i] - mx[i] * mx[i];
      double vy = myy[i] - my[i] * my[i];
      double cxy = mxy[i] - mx[i] * my[i];
      sum +=
          ((2 * mx[i] * my[i] + C1) * (2 * cxy + C2))
              / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (vx + vy + C2));
    }
    return sum / ((double) vw * vh);
  }

  private static double[] luma(BufferedImage image) {
    int[] px = Pixels.argb(image);
    double[] out = new double[px.length];
    for (int i = 0; i < px.length; i++) {
      int rgb = Pixels.overWhite(px[i]);
      out[i] = 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
    }
    return out;
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

  /** Separable filtering, keeping only positions where the whole window lies inside. */
  private static double[] filterValid(double[] src, int w, int h, double[] k) {
    int r = k.length / 2;
    int vw = w - 2 * r;
    int vh = h - 2 * r;
    double[] rows = new double[vw * h];
    for (int y = 0; y < h; y++) {
      int base = y * w;
      for (int x = 0; x < vw; x++) {
        double s = 0;
        for (int i = 0; i < k.length; i++) {
          s += k[i] * src[base + x + i];
        }
        rows[y * vw + x] = s;
      }
    }
    double[] out = new double[vw * vh];
    for (int y = 0; y < vh; y++) {
      for (int x = 0; x < vw; x++) {
        double s = 0;
        for (int i = 0; i < k.length; i++) {
          s += k[i] * rows[(y + i) * vw + x];
        }
        out[y * vw + x] = s;
      }
    }
    return out;
  }
}
