package io.imgbeam.codec;

import java.util.Arrays;

/** A growable JPEG byte stream: marker segments, and entropy-coded bits with 0xFF stuffing. */
final class JpegBitWriter {
  private byte[] buf;
  private int size;
  private long acc;
  private int accBits;

  JpegBitWriter(int capacity) {
    buf = new byte[Math.max(1024, capacity)];
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }

  void byteOut(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  void shortOut(int v) {
    byteOut(v >>> 8);
    byteOut(v);
  }

  void marker(int code) {
    byteOut(0xFF);
    byteOut(code);
  }

  /**
   * Appends the low {@code n} (0..32) bits of {@code value}, most significant first. Whole bytes
   * leave the accumulator 32 bits at a time ({@link #flushBits} writes the rest), so most calls
   * only shift.
   */
  void bits(int value, int n) {
    acc = (acc << n) | (value & ((1L << n) - 1));
    accBits += n;
    if (accBits >= 32) {
      accBits -= 32;
      word((int) (acc >>> accBits));
    }
  }

  /** Writes four bytes, each 0xFF followed by a stuffed 0. */
  private void word(int w) {
    ensure(8);
    int inverse = ~w;
    if (((inverse - 0x01010101) & ~inverse & 0x80808080) == 0) { // no byte of w is 0xFF
      buf[size] = (byte) (w >>> 24);
      buf[size + 1] = (byte) (w >>> 16);
      buf[size + 2] = (byte) (w >>> 8);
      buf[size + 3] = (byte) w;
      size += 4;
      return;
    }
    for (int shift = 24; shift >= 0; shift -= 8) {
      int b = (w >>> shift) & 0xFF;
      buf[size++] = (byte) b;
      if (b == 0xFF) {
        buf[size++] = 0;
      }
    }
  }

  /** Writes the whole bytes held, then pads the last byte of a scan with one bits. */
  void flushBits() {
    if (accBits % 8 != 0) {
      bits(0x7F, 8 - accBits % 8);
    }
    ensure(8);
    while (accBits >= 8) {
      accBits -= 8;
      int b = (int) (acc >>> accBits) & 0xFF;
      buf[size++] = (byte) b;
      if (b == 0xFF) {
        buf[size++] = 0;
      }
    }
    acc = 0;
    accBits = 0;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
