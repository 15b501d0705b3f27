package io.imgbeam.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes small PNGs of any colour type and bit depth, unfiltered, with a deterministic pattern that
 * uses every sample value the depth allows (PngSuite-style cases the JDK writer cannot make).
 */
final class SyntheticPng {
  private SyntheticPng() {}

  /**
   * A {@code width} x {@code height} PNG; with {@code trns}, a tRNS chunk (one transparent grey or
   * RGB value, or alpha for the first palette entries) that some pixels match.
   */
  static byte[] make(int type, int depth, boolean trns, int width, int height) throws Exception {
    int channels =
        switch (type) {
          case 0, 3 -> 1;
          case 4 -> 2;
          case 2 -> 3;
          default -> 4;
        };
    int max = (1 << depth) - 1;
    int rowBytes = (width * channels * depth + 7) / 8;
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (int y = 0; y < height; y++) {
      raw.write(0);
      byte[] row = new byte[rowBytes];
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < channels; c++) {
          int v = sample(x, y, c, channels, max, type);
          int bit = (x * channels + c) * depth;
          if (depth == 16) {
            row[bit / 8] = (byte) (v >> 8);
            row[bit / 8 + 1] = (byte) v;
          } else {
            row[bit / 8] |= (byte) (v << (8 - depth - bit % 8));
          }
        }
      }
      raw.write(row);
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = (byte) depth;
    ihdr[9] = (byte) type;
    chunk(png, "IHDR", ihdr);
    if (type == 3) {
      int entries = 1 << depth;
      byte[] plte = new byte[entries * 3];
      for (int i = 0; i < entries; i++) {
        plte[3 * i] = (byte) (i * 37);
        plte[3 * i + 1] = (byte) (255 - i * 11);
        plte[3 * i + 2] = (byte) (i * 91);
      }
      chunk(png, "PLTE", plte);
    }
    if (trns) {
      byte[] value =
          switch (type) {
            case 0 -> new byte[] {0, 0};
            case 2 -> new byte[6];
            default -> new byte[] {0, (byte) 128, (byte) 200};
          };
      chunk(png, "tRNS", value);
    }
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(idat)) {
      z.write(raw.toByteArray());
    }
    chunk(png, "IDAT", idat.toByteArray());
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  /** Gradients, a checker pattern and zeros (which a tRNS value matches) mixed per channel. */
  private static int sample(int x, int y, int c, int channels, int max, int type) {
    if ((x + y) % 7 == 0) {
      return type == 4 || type == 6 ? (c == channels - 1 ? max : 0) : 0;
    }
    long v =
        switch (c) {
          case 0 -> (long) x * max / 36 + y;
          case 1 -> (long) y * max / 28;
          case 2 -> ((x / 3 + y / 3) % 2) * max;
          default -> (long) (x * y) * max / (36 * 28);
        };
    return (int) (v % (max + 1));
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] header = new byte[8];
    putInt(header, 0, data.length);
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, header, 4, 4);
    out.write(header, 0, 8);
    out.write(data, 0, data.length);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
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
