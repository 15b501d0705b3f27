package io.imgbeam.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A walk over a PNG file's chunks, for the facts ImageIO does not report. */
final class PngChunks {
  private static final int SIGNATURE_LENGTH = 8;

  private PngChunks() {}

  /** The frame count of an APNG ({@code acTL} before the first {@code IDAT}), else 1. */
  static int animationFrames(byte[] png) throws IOException {
    int pos = SIGNATURE_LENGTH;
    while (pos + 8 <= png.length) {
      long length = readInt(png, pos) & 0xFFFFFFFFL;
      String type = new String(png, pos + 4, 4, StandardCharsets.US_ASCII);
      if (pos + 12 + length > png.length) {
        throw new IOException("truncated PNG: chunk " + type + " runs past the end of the file");
      }
      if (type.equals("acTL") && length >= 8) {
        return Math.max(1, readInt(png, pos + 8));
      }
      if (type.equals("IDAT") || type.equals("IEND")) {
        return 1;
      }
      pos += 12 + (int) length;
    }
    return 1;
  }

  private static int readInt(byte[] b, int pos) {
    return ((b[pos] & 0xFF) << 24)
        | ((b[pos + 1] & 0xFF) << 16)
        | ((b[pos + 2] & 0xFF) << 8)
        | (b[pos + 3] & 0xFF);
  }
}
