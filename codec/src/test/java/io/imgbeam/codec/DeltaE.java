package io.imgbeam.codec;

/** CIEDE2000 colour difference between sRGB pixels (D65 white, 2-degree observer). */
final class DeltaE {
  private DeltaE() {}

  /** CIE L*a*b* of an 8-bit sRGB pixel. */
  static double[] lab(int rgb) {
    double r = linear((rgb >> 16) & 0xFF);
    double g = linear((rgb >> 8) & 0xFF);
    double b = linear(rgb & 0xFF);
    double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
    double fx = f(x);
    double fy = f(y);
    double fz = f(z);
    return new double[] {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
  }

  private static double linear(int c) {
    double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }

  private static double f(double t) {
    return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
  }

  /** CIEDE2000 (Sharma, Wu and Dalal 2005), kL = kC = kH = 1. */
  static double ciede2000(int rgb1, int rgb2) {
    double[] p = lab(rgb1);
    double[] q = lab(rgb2);
    double c1 = Math.hypot(p[1], p[2]);
    double c2 = Math.hypot(q[1], q[2]);
    double cMean = (c1 + c2) / 2;
    double c7 = Math.pow(cMean, 7);
    double g = 0.5 * (1 - Math.sqrt(c7 / (c7 + Math.pow(25, 7))));
    double a1 = (1 + g) * p[1];
    double a2 = (1 + g) * q[1];
    double cp1 = Math.hypot(a1, p[2]);
    double cp2 = Math.hypot(a2, q[2]);
    double h1 = hue(a1, p[2]);
    double h2 = hue(a2, q[2]);
    double dL = q[0] - p[0];
    double dC = cp2 - cp1;
    double dh = 0;
    if (cp1 * cp2 != 0) {
      dh = h2 - h1;
      if (dh > 180) {
        dh -= 360;
      } else if (dh < -180) {
        dh += 360;
      }
    }
    double dH = 2 * Math.sqrt(cp1 * cp2) * Math.sin(Math.toRadians(dh / 2));
    double lMean = (p[0] + q[0]) / 2;
    double cpMean = (cp1 + cp2) / 2;
    double hMean = h1 + h2;
    if (cp1 * cp2 != 0) {
      hMean =
          Math.abs(h1 - h2) <= 180
              ? (h1 + h2) / 2
              : (h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2);
    }
    double t =
        1
            - 0.17 * Math.cos(Math.toRadians(hMean - 30))
            + 0.24 * Math.cos(Math.toRadians(2 * hMean))
            + 0.32 * Math.cos(Math.toRadians(3 * hMean + 6))
            - 0.20 * Math.cos(Math.toRadians(4 * hMean - 63));
    double dTheta = 30 * Math.exp(-Math.pow((hMean - 275) / 25, 2));
    double cp7 = Math.pow(cpMean, 7);
    double rc = 2 * Math.sqrt(cp7 / (cp7 + Math.pow(25, 7)));
    double l50 = (lMean - 50) * (lMean - 50);
    double sl = 1 + 0.015 * l50 / Math.sqrt(20 + l50);
    double sc = 1 + 0.045 * cpMean;
    double sh = 1 + 0.015 * cpMean * t;
    double rt = -Math.sin(Math.toRadians(2 * dTheta)) * rc;
    double l = dL / sl;
    double c = dC / sc;
    double h = dH / sh;
    return Math.sqrt(l * l + c * c + h * h + rt * c * h);
  }

  private static double hue(double a, double b) {
    if (a == 0 && b == 0) {
      return 0;
    }
    double h = Math.toDegrees(Math.atan2(b, a));
    return h < 0 ? h + 360 : h;
  }
}
