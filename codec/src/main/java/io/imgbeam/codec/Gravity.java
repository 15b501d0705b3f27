package io.imgbeam.codec;

import java.util.Locale;

/**
 * Which part of the image {@link Fit#COVER} keeps when it crops, and where {@link Fit#EXACT} places
 * the image on its canvas ({@code --gravity}): the centre, a side or a corner, as compass points.
 */
public enum Gravity {
  CENTRE(0.5, 0.5),
  NORTH(0.5, 0),
  NORTHEAST(1, 0),
  EAST(1, 0.5),
  SOUTHEAST(1, 1),
  SOUTH(0.5, 1),
  SOUTHWEST(0, 1),
  WEST(0, 0.5),
  NORTHWEST(0, 0);

  private final double x;
  private final double y;

  Gravity(double x, double y) {
    this.x = x;
    this.y = y;
  }

  /** Where the kept window sits along the width: 0 left, 0.5 centre, 1 right. */
  double x() {
    return x;
  }

  /** Where the kept window sits along the height: 0 top, 0.5 centre, 1 bottom. */
  double y() {
    return y;
  }

  /** The lower-case name used on the command line. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses an option name ({@code center} is accepted too), with the uniform message. */
  public static Gravity parse(String value) {
    String name = String.valueOf(value).toLowerCase(Locale.ROOT);
    if (name.equals("center")) {
      return CENTRE;
    }
    for (Gravity gravity : values()) {
      if (gravity.optionName().equals(name)) {
        return gravity;
      }
    }
    throw new IllegalArgumentException(
        "expected centre, north, northeast, east, southeast, south, southwest, west or northwest"
            + " for gravity, got "
            + value);
  }
}
