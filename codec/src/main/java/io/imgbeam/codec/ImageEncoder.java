package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * One output format. Every encoder takes upright sRGB (or grey) pixels and returns the encoded
 * bytes with the exact pixels it encoded, so that {@link ImageCompressor} can verify the output.
 */
interface ImageEncoder {
  ImageFormat format();

  Encoded encode(BufferedImage image) throws IOException;

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
