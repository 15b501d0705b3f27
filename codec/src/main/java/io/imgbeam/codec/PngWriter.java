package io.imgbeam.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes PNG files from unfiltered scanlines: IHDR, PLTE and tRNS when there is a palette, IDAT,
 * IEND, and no other chunk.
 *
 * <p>Filtering follows libpng's advice: no filter for palette and sub-byte images, whose bytes are
 * not magnitudes; otherwise, per row, the filter whose output has the smallest sum of absolute
 * (signed) byte values, or no filter at all when that deflates smaller. Deflate runs at level 9.
 */
final class PngWriter {
  static final int GREY = 0;
  static final int RGB = 2;
  static final int PALETTE = 3;
  static final int GREY_ALPHA = 4;
  static final int RGBA = 6;

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final int IDAT_SIZE = 1 << 18;

  private PngWriter() {}

  /**
   * An image ready to write.
   *
   * @param raw the unfiltered scanlines, each {@link #rowBytes()} long, packed as PNG stores them
   * @param palette ARGB entries, for {@link #PALETTE} only (else null)
   */
  record Layout(int width, int height, int colourType, int bitDepth, int[] palette, byte[] raw) {
    int channels() {
      return switch (colourType) {
        case GREY, PALETTE -> 1;
        case GREY_ALPHA -> 2;
        case RGB -> 3;
        default -> 4;
      };
    }

    int rowBytes() {
      return (width * channels() * bitDepth + 7) / 8;
    }

    /**
     * Bytes per complete pixel, at least 1: the distance the Sub, Average and Paeth filters use.
     */
    int filterDistance() {
      return Math.max(1, channels() * bitDepth / 8);
    }
  }

  static byte[] write(Layout layout) {
    byte[] best = smallestStream(layout);
    ByteArrayOutputStream out = new ByteArrayOutputStream(best.length + 1024);
    out.writeBytes(SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, layout.width());
    putInt(ihdr, 4, layout.height());
    ihdr[8] = (byte) layout.bitDepth();
    ihdr[9] = (byte) layout.colourType();
    chunk(out, "IHDR", ihdr, 0, ihdr.length);
    if (layout.colourType() == PALETTE) {
      writePalette(out, layout.palette());
    }
    for (int pos = 0; pos < best.length || pos == 0; pos += IDAT_SIZE) {
      chunk(out, "IDAT", best, pos, Math.min(IDAT_SIZE, best.length - pos));
    }
    chunk(out, "IEND", new byte[0], 0, 0);
    return out.toByteArray();
  }

  private static void writePalette(ByteArrayOutputStream out, int[] palette) {
    byte[] plte = new byte[palette.length * 3];
    int translucent = 0;
    for (int i = 0; i < palette.length; i++) {
      plte[3 * i] = (byte) (palette[i] >> 16);
      plte[3 * i + 1] = (byte) (palette[i] >> 8);
      plte[3 * i + 2] = (byte) palette[i];
      if ((palette[i] >>> 24) != 255) {
        translucent = i + 1;
      }
    }
    chunk(out, "PLTE", plte, 0, plte.length);
    if (translucent > 0) {
      // tRNS may stop at the last translucent entry; the rest default to opaque.
      byte[] trns = new byte[translucent];
      for (int i = 0; i < translucent; i++) {
        trns[i] = (byte) (palette[i] >>> 24);
      }
      chunk(out, "tRNS", trns, 0, trns.length);
    }
  }

  /** Per-row choice by the minimum sum of absolute values; 0 to 4 fix one filter for all rows. */
  private static final int ADAPTIVE = -1;

  private static final int NONE = 0;

  /**
   * The smallest zlib stream of three trials: adaptive filtering deflated with the default and the
   * "filtered" strategy, and unfiltered rows with the default strategy (best for noisy data, such
   * as the low bytes of 16-bit photos). Palette and sub-byte images are never filtered.
   */
  private static byte[] smallestStream(Layout layout) {
    byte[] unfiltered = filter(layout, NONE);
    byte[] best = deflate(unfiltered, Deflater.DEFAULT_STRATEGY);
    if (layout.colourType() == PALETTE || layout.bitDepth() < 8) {
      return best;
    }
    byte[] adaptive = filter(layout, ADAPTIVE);
    for (int strategy : new int[] {Deflater.DEFAULT_STRATEGY, Deflater.FILTERED}) {
      byte[] compressed = deflate(adaptive, strategy);
      if (compressed.length < best.length) {
        best = compressed;
      }
    }
    return best;
  }

  private static byte[] filter(Layout layout, int mode) {
    int rowBytes = layout.rowBytes();
    int bpp = layout.filterDistance();
    byte[] raw = layout.raw();
    byte[] out = new byte[(rowBytes + 1) * layout.height()];
    boolean adaptive = mode == ADAPTIVE;
    byte[] candidate = new byte[rowBytes];
    byte[] best = new byte[rowBytes];
    for (int y = 0; y < layout.height(); y++) {
      Progress.checkInterrupted();
      int row = y * rowBytes;
      int prev = row - rowBytes;
      int dst = y * (rowBytes + 1);
      long bestSum = Long.MAX_VALUE;
      int bestType = 0;
      for (int type = adaptive ? 0 : mode; type <= (adaptive ? 4 : mode); type++) {
        long sum = 0;
        for (int i = 0; i < rowBytes; i++) {
          int x = raw[row + i] & 0xFF;
          int a = i >= bpp ? raw[row + i - bpp] & 0xFF : 0;
          int b = y > 0 ? raw[prev + i] & 0xFF : 0;
          int c = y > 0 && i >= bpp ? raw[prev + i - bpp] & 0xFF : 0;
          int predicted =
              switch (type) {
                case 0 -> 0;
                case 1 -> a;
                case 2 -> b;
                case 3 -> (a + b) >>> 1;
                default -> paeth(a, b, c);
              };
          byte value = (byte) (x - predicted);
          candidate[i] = value;
          sum += Math.abs(value);
          if (sum >= bestSum) {
            break;
          }
        }
        if (sum < bestSum) {
          bestSum = sum;
          bestType = type;
          byte[] swap = best;
          best = candidate;
          candidate = swap;
        }
      }
      out[dst] = (byte) bestType;
      System.arraycopy(best, 0, out, dst + 1, rowBytes);
    }
    return out;
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) {
      return a;
    }
    return pb <= pc ? b : c;
  }

  private static byte[] deflate(byte[] data, int strategy) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      deflater.setStrategy(strategy);
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
      byte[] buffer = new byte[1 << 16];
      while (!deflater.finished()) {
        Progress.checkInterrupted();
        int n = deflater.deflate(buffer);
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int off, int len) {
    byte[] header = new byte[8];
    putInt(header, 0, len);
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, header, 4, 4);
    out.write(header, 0, 8);
    out.write(data, off, len);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data, off, len);
    byte[] tail = new byte[4];
    putInt(tail, 0, (int) crc.getValue());
    out.write(tail, 0, 4);
  }

  private static void putInt(byte[] b, int pos, int value) {
    b[pos] = (byte) (value >>> 24);
    b[pos + 1] = (byte) (value >>> 16);
    b[pos + 2] = (byte) (value >>> 8);
    b[pos + 3] = (byte) value;
  }
}
