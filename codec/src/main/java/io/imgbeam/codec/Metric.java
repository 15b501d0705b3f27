package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The quality metrics an output can be scored with, output against the decoded input: the {@code
 * score} of every outcome record and the metric of {@code --targetScore}.
 */
public enum Metric {
  /**
   * {@link Ssim}: structural similarity of luma, 0 to 1 (1 for identical pixels); cheap, and blind
   * to colour and to much of what compression artifacts look like.
   */
  SSIM(1.0, 0.5, 0.0),
  /**
   * {@link Ssimulacra2}: a perceptual score up to 100 (identical) in XYB colour over six scales;
   * about 90 is visually lossless at 1:1, 70 high, 50 medium and 30 low quality.
   */
  SSIMULACRA2(100.0, -100.0, Double.NEGATIVE_INFINITY);

  private final double perfect;
  private final double brokenBelow;
  private final double lowestTarget;

  Metric(double perfect, double brokenBelow, double lowestTarget) {
    this.perfect = perfect;
    this.brokenBelow = brokenBelow;
    this.lowestTarget = lowestTarget;
  }

  /** The lower-case name used on the command line, in targets and in the records. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The score of {@code distorted} against {@code reference} (same size). SSIMULACRA 2 needs 8x8
   * pixels: smaller images are scored after both are extended to 8 on each short side by repeating
   * their last row and column (libjxl's tool refuses them).
   */
  public double score(BufferedImage reference, BufferedImage distorted) {
    return score(reference, distorted, null);
  }

  /**
   * The score, with SSIMULACRA 2's reference rows kept in {@code cache} between scores against the
   * same reference object (a search's encodes); {@code cache} may be null, and SSIM does not use
   * it.
   */
  double score(BufferedImage reference, BufferedImage distorted, Ssimulacra2.ReferenceCache cache) {
    return switch (this) {
      case SSIM -> Ssim.score(reference, distorted);
      case SSIMULACRA2 -> Ssimulacra2.score(padded(reference), padded(distorted), cache);
    };
  }

  private static BufferedImage padded(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    if (w >= Ssimulacra2.MIN_SIDE && h >= Ssimulacra2.MIN_SIDE) {
      return image;
    }
    int pw = Math.max(w, Ssimulacra2.MIN_SIDE);
    int ph = Math.max(h, Ssimulacra2.MIN_SIDE);
    int[] argb = Pixels.argb(image);
    BufferedImage out =
        new BufferedImage(
            pw,
            ph,
            Pixels.hasAlpha(image) ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < ph; y++) {
      for (int x = 0; x < pw; x++) {
        out.setRGB(x, y, argb[Math.min(y, h - 1) * w + Math.min(x, w - 1)]);
      }
    }
    return out;
  }

  /** Both metrics here grow with quality: a higher score is better. */
  public boolean higherIsBetter() {
    return true;
  }

  /** Whether {@code score} reaches {@code target}. */
  public boolean meets(double score, double target) {
    return higherIsBetter() ? score >= target : score <= target;
  }

  /** The score of identical pixels (lossless outputs and kept originals). */
  public double perfect() {
    return perfect;
  }

  /**
   * Below this score a lossy output counts as broken rather than merely lossy (verification fails
   * it): SSIM 0.5; SSIMULACRA 2 -100, far under what JPEG quality 1 scores on a photo.
   */
  double brokenBelow() {
    return brokenBelow;
  }

  /**
   * Parses {@code ssim} or {@code ssimulacra2}, case-insensitively, for the option {@code name}.
   */
  public static Metric parse(String value, String name) {
    for (Metric metric : values()) {
      if (metric.optionName().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return metric;
      }
    }
    throw new IllegalArgumentException(
        "expected one of " + names() + " for " + name + ", got " + value);
  }

  private static String names() {
    return Arrays.stream(values()).map(Metric::optionName).collect(Collectors.joining(", "));
  }

  /**
   * A score to reach, as {@code --targetScore=METRIC:VALUE} writes it ({@code ssimulacra2:80},
   * {@code ssim:0.985}).
   *
   * @param metric the metric
   * @param value the score the output must reach (at least, since both metrics grow with quality)
   */
  public record Target(Metric metric, double value) implements java.io.Serializable {
    public Target {
      if (metric == null) {
        throw new IllegalArgumentException("expected a metric for targetScore, got null");
      }
      if (!(value <= metric.perfect && value > metric.lowestTarget) || Double.isNaN(value)) {
        throw new IllegalArgumentException(
            "expected "
                + (metric.lowestTarget == Double.NEGATIVE_INFINITY
                    ? "a value up to " + format(metric.perfect)
                    : "a value above "
                        + format(metric.lowestTarget)
                        + " up to "
                        + format(metric.perfect))
                + " for targetScore "
                + metric.optionName()
                + ", got "
                + format(value));
      }
    }

    /** Parses {@code METRIC:VALUE}; the message names what was expected and what came. */
    public static Target parse(String text) {
      String expected = "expected METRIC:VALUE (ssim:0.985, ssimulacra2:80) for targetScore, got ";
      if (text == null) {
        throw new IllegalArgumentException(expected + "nothing");
      }
      int colon = text.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(expected + text);
      }
      Metric metric = Metric.parse(text.substring(0, colon), "targetScore");
      double value;
      try {
        value = Double.parseDouble(text.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(expected + text, e);
      }
      return new Target(metric, value);
    }

    /** Whether {@code score} (in this target's metric) reaches the target. */
    public boolean metBy(double score) {
      return metric.meets(score, value);
    }

    /** {@code ssimulacra2:80}: parses back to this target. */
    @Override
    public String toString() {
      return metric.optionName() + ":" + format(value);
    }

    private static String format(double v) {
      if (!Double.isFinite(v)) {
        return Double.toString(v);
      }
      return v == Math.rint(v) && Math.abs(v) < 1e15
          ? Long.toString((long) v)
          : java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
  }
}
