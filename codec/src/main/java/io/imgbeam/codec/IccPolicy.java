package io.imgbeam.codec;

import java.util.Locale;

/**
 * What happens to an embedded colour profile ({@code --iccProfile}).
 *
 * <ul>
 *   <li>{@link #SRGB}: pixels are converted from the embedded profile (RGB, grey or CMYK) to sRGB
 *       and the output carries no profile.
 *   <li>{@link #KEEP}: RGB and grey pixels are written as they are and the output carries the
 *       original profile. CMYK pixels are still converted to sRGB: JPEG and PNG outputs are RGB,
 *       and a CMYK profile cannot describe RGB samples.
 * </ul>
 *
 * <p>A kept original ({@link Status#KEPT_ORIGINAL}) keeps its profile either way, since its pixels
 * are the input's.
 */
public enum IccPolicy {
  SRGB,
  KEEP;

  /** The name on the command line: {@code srgb} or {@code keep}. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses an option name, with the uniform message on failure. */
  public static IccPolicy parse(String value) {
    for (IccPolicy policy : values()) {
      if (policy.optionName().equalsIgnoreCase(String.valueOf(value))) {
        return policy;
      }
    }
    throw new IllegalArgumentException("expected srgb or keep for iccProfile, got " + value);
  }
}
