package io.imgbeam.codec;

import java.awt.image.BufferedImage;

/**
 * An image as full-range BT.601 Y'CbCr planes, the form the AV1 encoder takes and its decoder
 * returns, and the conversions to and from 8-bit ARGB.
 *
 * <p>Full range and the BT.601 matrix are what libavif writes by default for RGB sources, so the
 * output's {@code colr} box (sRGB primaries and transfer, BT.601 matrix, full range) describes what
 * every AVIF decoder expects. Samples are stored as ints at {@code bitDepth} bits, row by row
 * without padding.
 *
 * @param chromaShift 1 for 4:2:0 (chroma at half width and height), 0 for 4:4:4
 * @param u null for a monochrome image
 * @param alpha null for an opaque image
 */
record YuvPlanes(
    int width, int height, int bitDepth, int chromaShift, int[] y, int[] u, int[] v, int[] alpha) {

  int chromaWidth() {
    return (width + chromaShift) >> chromaShift;
  }

  int chromaHeight() {
    return (height + chromaShift) >> chromaShift;
  }

  boolean monochrome() {
    return u == null;
  }

  /**
   * Converts ARGB (non-premultiplied) to planes. Chroma of 4:2:0 is the mean of each 2x2 block's
   * chroma; grey images become one plane (AV1's monochrome mode), which keeps them exactly grey.
   */
  static YuvPlanes fromArgb(
      int[] argb, int width, int height, int bitDepth, boolean subsample, boolean grey) {
    int max = (1 << bitDepth) - 1;
    double scale = max / 255.0;
    int n = width * height;
    int[] y = new int[n];
    boolean hasAlpha = false;
    for (int p : argb) {
      if (p >>> 24 != 255) {
        hasAlpha = true;
        break;
      }
    }
    int[] alpha = hasAlpha ? new int[n] : null;
    double[] cb = grey ? null : new double[n];
    double[] cr = grey ? null : new double[n];
    for (int i = 0; i < n; i++) {
      int p = argb[i];
      double r = (p >> 16) & 0xFF;
      double g = (p >> 8) & 0xFF;
      double b = p & 0xFF;
      y[i] = clamp((int) Math.round((0.299 * r + 0.587 * g + 0.114 * b) * scale), max);
      if (!grey) {
        cb[i] = -0.168736 * r - 0.331264 * g + 0.5 * b;
        cr[i] = 0.5 * r - 0.418688 * g - 0.081312 * b;
      }
      if (alpha != null) {
        alpha[i] = (int) Math.round((p >>> 24) * scale);
      }
    }
    if (grey) {
      return new YuvPlanes(width, height, bitDepth, 0, y, null, null, alpha);
    }
    int shift = subsample ? 1 : 0;
    int cw = (width + shift) >> shift;
    int ch = (height + shift) >> shift;
    int[] u = new int[cw * ch];
    int[] v = new int[cw * ch];
    double mid = (max + 1) / 2.0;
    for (int cy = 0; cy < ch; cy++) {
      for (int cx = 0; cx < cw; cx++) {
        double su = 0;
        double sv = 0;
        int count = 0;
        for (int dy = 0; dy <= shift; dy++) {
          int yy = (cy << shift) + dy;
          if (yy >= height) {
            continue;
          }
          for (int dx = 0; dx <= shift; dx++) {
            int xx = (cx << shift) + dx;
            if (xx < width) {
              su += cb[yy * width + xx];
              sv += cr[yy * width + xx];
              count++;
            }
          }
        }
        u[cy * cw + cx] = clamp((int) Math.round(mid + su / count * scale), max);
        v[cy * cw + cx] = clamp((int) Math.round(mid + sv / count * scale), max);
      }
    }
    return new YuvPlanes(width, height, bitDepth, shift, y, u, v, alpha);
  }

  /** Back to an 8-bit image: ARGB, or grey when monochrome and opaque. */
  BufferedImage toImage() {
    int max = (1 << bitDepth) - 1;
    double scale = 255.0 / max;
    double mid = (max + 1) / 2.0;
    int n = width * height;
    if (monochrome() && alpha == null) {
      BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
      byte[] samples = new byte[n];
      for (int i = 0; i < n; i++) {
        samples[i] = (byte) clamp((int) Math.round(y[i] * scale), 255);
      }
      grey.getRaster().setDataElements(0, 0, width, height, samples);
      return grey;
    }
    int[] argb = new int[n];
    int cw = chromaWidth();
    for (int row = 0; row < height; row++) {
      for (int col = 0; col < width; col++) {
        int i = row * width + col;
        double luma = y[i];
        int r;
        int g;
        int b;
        if (monochrome()) {
          r = g = b = clamp((int) Math.round(luma * scale), 255);
        } else {
          int c = (row >> chromaShift) * cw + (col >> chromaShift);
          double pb = u[c] - mid;
          double pr = v[c] - mid;
          r = clamp((int) Math.round((luma + 1.402 * pr) * scale), 255);
          g = clamp((int) Math.round((luma - 0.344136 * pb - 0.714136 * pr) * scale), 255);
          b = clamp((int) Math.round((luma + 1.772 * pb) * scale), 255);
        }
        int a = alpha == null ? 255 : clamp((int) Math.round(alpha[i] * scale), 255);
        argb[i] = (a << 24) | (r << 16) | (g << 8) | b;
      }
    }
    BufferedImage image =
        new BufferedImage(
            width,
            height,
            alpha == null ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, width, height, argb, 0, width);
    return image;
  }

  private static int clamp(int value, int max) {
    return value < 0 ? 0 : Math.min(value, max);
  }
}
