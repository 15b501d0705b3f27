package io.imgbeam.codec;

import java.util.Locale;

/** The processing step an outcome ended in, recorded as {@code error_stage}. */
public enum Stage {
  READ,
  SNIFF,
  PROBE,
  METADATA,
  DECODE,
  ORIENT,
  COLOUR,
  RESIZE,
  ENCODE,
  VERIFY,
  DECIDE,
  WRITE;

  /** The lower-case name used in outcome records. */
  public String recordName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
