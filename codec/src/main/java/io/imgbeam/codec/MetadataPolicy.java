package io.imgbeam.codec;

import java.util.Locale;

/**
 * What metadata an output keeps ({@code --metadata}).
 *
 * <ul>
 *   <li>{@link #STRIP}: none; only an orientation tag on a kept original, whose pixels are not
 *       rotated.
 *   <li>{@link #KEEP_COPYRIGHT}: the rights fields only: EXIF Artist and Copyright, XMP dc:creator,
 *       dc:rights, xmpRights:* and photoshop:Credit, IPTC By-line, Credit and CopyrightNotice, PNG
 *       Copyright and Author text; dates as well with {@code keepDates}.
 *   <li>{@link #KEEP}: everything EXIF, XMP, IPTC, comments and PNG text hold, minus what would be
 *       wrong after processing: the orientation of rotated pixels (reset to 1), thumbnails (they
 *       show the unprocessed image), stored pixel dimensions (updated).
 * </ul>
 */
public enum MetadataPolicy {
  STRIP,
  KEEP_COPYRIGHT,
  KEEP;

  /** The name on the command line: {@code strip}, {@code keep-copyright}, {@code keep}. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses an option name, with the uniform message on failure. */
  public static MetadataPolicy parse(String value) {
    for (MetadataPolicy policy : values()) {
      if (policy.optionName().equalsIgnoreCase(String.valueOf(value))) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "expected strip, keep-copyright or keep for metadata, got " + value);
  }
}
