package io.imgbeam.codec;

import java.util.Locale;

/**
 * How an image is fitted to {@code --maxWidth} x {@code --maxHeight} ({@code --fit}). With only one
 * of the two set, every mode scales to that one and keeps the aspect ratio, as {@link #INSIDE}.
 *
 * <ul>
 *   <li>{@link #INSIDE} (default): the largest size within both limits that keeps the aspect ratio;
 *       nothing is cut off, so one side may be shorter than its limit.
 *   <li>{@link #COVER}: the smallest size that covers both limits, keeping the aspect ratio, then
 *       cropped to exactly width x height at the {@link Gravity} (centre by default).
 *   <li>{@link #FILL}: exactly width x height, stretched: the aspect ratio is not kept.
 *   <li>{@link #EXACT}: exactly width x height, letterboxed: scaled as {@link #INSIDE}, then placed
 *       at the {@link Gravity} on a transparent canvas of the full size (JPEG, which has no alpha,
 *       shows the bars white). Always the exact size, also where enlarging is not allowed.
 * </ul>
 *
 * <p>Without {@code --enlarge} no image is scaled up: {@link #INSIDE} and {@link #COVER} keep the
 * scale at 1 at most ({@link #COVER} then only crops what is over the limits), {@link #FILL}
 * shrinks each side to its limit only where that side is over it, and {@link #EXACT} pads.
 */
public enum Fit {
  INSIDE,
  COVER,
  FILL,
  EXACT;

  /** The lower-case name used on the command line. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses an option name, with the uniform message on failure. */
  public static Fit parse(String value) {
    for (Fit fit : values()) {
      if (fit.optionName().equalsIgnoreCase(String.valueOf(value))) {
        return fit;
      }
    }
    throw new IllegalArgumentException(
        "expected inside, cover, fill or exact for fit, got " + value);
  }
}
