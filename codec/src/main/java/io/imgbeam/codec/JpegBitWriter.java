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

  /** Appends the low {@code n} (0..24) bits of {@code value}, most significant first. */
  void bits(int value, int n) {
    acc = (acc << n) | (value & ((1L << n) - 1));
    accBits += n;
    while (accBits >= 8) {
      accBits -= 8;
      int b = (int) (acc >>> accBits) & 0xFF;
      ensure(2);
      buf[size++] = (byte) b;
      if (b == 0xFF) {
        buf[size++] = 0;
      }
    }
  }

  /** Pads the last byte of a scan with one bits. */
  void flushBits() {
    if (accBits > 0) {
      bits(0x7F, 8 - accBits);
    }
    acc = 0;
    accBits = 0;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
