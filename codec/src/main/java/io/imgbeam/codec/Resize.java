package io.imgbeam.codec;

import java.io.Serializable;
import java.util.Objects;

/**
 * The geometry part of {@link CompressionSettings}: limits, fit mode, gravity and whether to
 * enlarge. Immutable; {@link #plan} turns it into the sizes for one image.
 */
public final class Resize implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Largest accepted limit: wider than any image the pixel limit lets through in practice. */
  static final int MAX_SIDE = 65535;

  /** No resizing: no limits, {@link Fit#INSIDE}, {@link Gravity#CENTRE}, never enlarge. */
  static final Resize NONE = new Resize(0, 0, Fit.INSIDE, Gravity.CENTRE, false);

  private final int maxWidth;
  private final int maxHeight;
  private final Fit fit;
  private final Gravity gravity;
  private final boolean enlarge;

  private Resize(int maxWidth, int maxHeight, Fit fit, Gravity gravity, boolean enlarge) {
    this.maxWidth = maxWidth;
    this.maxHeight = maxHeight;
    this.fit = Objects.requireNonNull(fit, "fit");
    this.gravity = Objects.requireNonNull(gravity, "gravity");
    this.enlarge = enlarge;
  }

  Resize withMaxWidth(int value) {
    return new Resize(value, maxHeight, fit, gravity, enlarge);
  }

  Resize withMaxHeight(int value) {
    return new Resize(maxWidth, value, fit, gravity, enlarge);
  }

  Resize withFit(Fit value) {
    return new Resize(maxWidth, maxHeight, value, gravity, enlarge);
  }

  Resize withGravity(Gravity value) {
    return new Resize(maxWidth, maxHeight, fit, value, enlarge);
  }

  Resize withEnlarge(boolean value) {
    return new Resize(maxWidth, maxHeight, fit, gravity, value);
  }

  /** The width limit, 0 for none. */
  public int maxWidth() {
    return maxWidth;
  }

  /** The height limit, 0 for none. */
  public int maxHeight() {
    return maxHeight;
  }

  public Fit fit() {
    return fit;
  }

  public Gravity gravity() {
    return gravity;
  }

  public boolean enlarge() {
    return enlarge;
  }

  /** Whether any limit is set. */
  public boolean requested() {
    return maxWidth > 0 || maxHeight > 0;
  }

  /**
   * What to do with an upright image of {@code width} x {@code height}: scale it to {@code
   * scaledWidth} x {@code scaledHeight}, keep the window {@code cropX, cropY, width(), height()} of
   * the scaled image (cover), and place that at {@code padX, padY} on a canvas of {@code
   * canvasWidth} x {@code canvasHeight} (exact). For inside and fill the window is the whole scaled
   * image and the canvas its size. The image's position from the gravity is rounded half up (a crop
   * of 17.5 pixels cuts 17, a bar of 11.5 pixels is 12), as ImageMagick's {@code -gravity center
   * -extent} does.
   */
  record Plan(
      int sourceWidth,
      int sourceHeight,
      int scaledWidth,
      int scaledHeight,
      int cropX,
      int cropY,
      int cropWidth,
      int cropHeight,
      int canvasWidth,
      int canvasHeight,
      int padX,
      int padY) {

    /** Whether the plan leaves the image as it is. */
    boolean isIdentity() {
      return scaledWidth == sourceWidth
          && scaledHeight == sourceHeight
          && cropWidth == scaledWidth
          && cropHeight == scaledHeight
          && canvasWidth == cropWidth
          && canvasHeight == cropHeight;
    }

    /** Whether the canvas has bars around the image (letterboxing). */
    boolean pads() {
      return canvasWidth != cropWidth || canvasHeight != cropHeight;
    }

    static Plan identity(int width, int height) {
      return new Plan(width, height, width, height, 0, 0, width, height, width, height, 0, 0);
    }
  }

  /** The plan for an upright image of {@code width} x {@code height}. */
  Plan plan(int width, int height) {
    if (!requested()) {
      return Plan.identity(width, height);
    }
    boolean both = maxWidth > 0 && maxHeight > 0;
    Fit mode = both ? fit : Fit.INSIDE;
    double sx = maxWidth > 0 ? (double) maxWidth / width : Double.POSITIVE_INFINITY;
    double sy = maxHeight > 0 ? (double) maxHeight / height : Double.POSITIVE_INFINITY;
    switch (mode) {
      case FILL -> {
        int w = enlarge ? maxWidth : Math.min(maxWidth, width);
        int h = enlarge ? maxHeight : Math.min(maxHeight, height);
        return new Plan(width, height, w, h, 0, 0, w, h, w, h, 0, 0);
      }
      case COVER -> {
        double s = limit(Math.max(sx, sy));
        int w = scaled(width, s, sx == s ? maxWidth : 0);
        int h = scaled(height, s, sy == s ? maxHeight : 0);
        int cw = Math.min(maxWidth, w);
        int ch = Math.min(maxHeight, h);
        int cx = (int) -Math.round(-(w - cw) * gravity.x());
        int cy = (int) -Math.round(-(h - ch) * gravity.y());
        return new Plan(width, height, w, h, cx, cy, cw, ch, cw, ch, 0, 0);
      }
      case EXACT -> {
        double s = limit(Math.min(sx, sy));
        int w = scaled(width, s, sx == s ? maxWidth : 0);
        int h = scaled(height, s, sy == s ? maxHeight : 0);
        int px = (int) Math.round((maxWidth - w) * gravity.x());
        int py = (int) Math.round((maxHeight - h) * gravity.y());
        return new Plan(width, height, w, h, 0, 0, w, h, maxWidth, maxHeight, px, py);
      }
      default -> {
        double s = limit(Math.min(sx, sy));
        int w = scaled(width, s, sx == s ? maxWidth : 0);
        int h = scaled(height, s, sy == s ? maxHeight : 0);
        return new Plan(width, height, w, h, 0, 0, w, h, w, h, 0, 0);
      }
    }
  }

  private double limit(double scale) {
    return enlarge ? scale : Math.min(1, scale);
  }

  /**
   * A side scaled by {@code scale}; the side whose limit decided the scale gets the limit itself,
   * so that rounding never leaves it one pixel short.
   */
  private static int scaled(int side, double scale, int decidingLimit) {
    if (scale == 1) {
      return side;
    }
    if (decidingLimit > 0) {
      return decidingLimit;
    }
    return (int) Math.max(1, Math.min(MAX_SIDE, Math.round(side * scale)));
  }

  @Override
  public String toString() {
    return (maxWidth > 0 ? maxWidth : "-")
        + "x"
        + (maxHeight > 0 ? maxHeight : "-")
        + " "
        + fit.optionName()
        + " "
        + gravity.optionName()
        + (enlarge ? " enlarge" : "");
  }
}
