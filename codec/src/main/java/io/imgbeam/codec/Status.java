package io.imgbeam.codec;

/** How one input ended. Every input gets exactly one. */
public enum Status {
  /** A new, smaller (or converted) image was encoded and written. */
  WRITTEN,
  /**
   * Re-encoding did not help, so the input's own bytes were kept, with private metadata removed.
   */
  KEPT_ORIGINAL,
  /** The input had not changed since an earlier run (incremental mode). */
  SKIPPED_UNCHANGED,
  /** A safety limit (bytes, pixels) was exceeded; nothing was decoded. */
  REJECTED_LIMIT,
  /** Not an image format the codec reads (or a feature of it that it cannot keep). */
  UNSUPPORTED,
  /** Corrupt, truncated or unreadable input, or an output that could not be written. */
  FAILED;

  /** Whether this status means the input did not produce an output. */
  public boolean isFailure() {
    return this == REJECTED_LIMIT || this == UNSUPPORTED || this == FAILED;
  }
}
