package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Optional;

/**
 * One output format. Every encoder takes upright sRGB (or grey) pixels and returns the encoded
 * bytes with the exact pixels it encoded, so that {@link ImageCompressor} can verify the output; it
 * says which images it cannot hold before any pixel reaches it (native encoders must never see a
 * size they cannot handle), and it decodes its own output for that verification.
 */
interface ImageEncoder {
  ImageFormat format();

  Encoded encode(BufferedImage image) throws IOException;

  /**
   * Why this format cannot hold a {@code width} x {@code height} image, or empty when it can.
   * Checked on the probed header, before decoding, and again by {@link #encode}.
   */
  default Optional<String> refusal(int width, int height) {
    return Optional.empty();
  }

  /** Throws the {@link #refusal} of an image's size; encoders call it before any native code. */
  default void checkSize(BufferedImage image) throws IOException {
    Optional<String> refused = refusal(image.getWidth(), image.getHeight());
    if (refused.isPresent()) {
      throw new IOException(refused.get());
    }
  }

  /**
   * Quality steps per unit a quality search may use: 1 (whole qualities) unless the encoder takes
   * fractional qualities.
   */
  default int qualitySteps() {
    return 1;
  }

  /** Whether outputs keep an alpha channel (JPEG flattens it). */
  default boolean keepsAlpha() {
    return true;
  }

  /**
   * Whether {@link MetadataBlocks#writeInto} can put EXIF, XMP and an ICC profile into this
   * format's files.
   */
  default boolean carriesMetadata() {
    return true;
  }

  /** Decodes an output of this encoder, for verification. */
  default BufferedImage decode(byte[] bytes) throws IOException {
    return ImageReading.decodeOwn(bytes, format());
  }

  /**
   * An encoded image.
   *
   * @param bytes the file
   * @param reference the pixels the encoder was given after its own exact reductions (flattened
   *     alpha for JPEG, a palette for PNG): what a decoder of {@code bytes} should reproduce
   * @param quality the quality setting used, or null for lossless output
   */
  record Encoded(byte[] bytes, BufferedImage reference, Integer quality) {
    boolean lossless() {
      return quality == null;
    }
  }
}
