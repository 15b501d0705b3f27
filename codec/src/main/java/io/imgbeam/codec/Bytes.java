package io.imgbeam.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/** Byte-level reading and writing shared by the container walkers. */
final class Bytes {
  private Bytes() {}

  static boolean startsWith(byte[] data, int pos, int available, byte[] prefix) {
    if (available < prefix.length || pos < 0 || pos + prefix.length > data.length) {
      return false;
    }
    return Arrays.equals(data, pos, pos + prefix.length, prefix, 0, prefix.length);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static int u8(byte[] data, int pos) {
    return data[pos] & 0xFF;
  }

  static int u16be(byte[] data, int pos) {
    return (u8(data, pos) << 8) | u8(data, pos + 1);
  }

  static long u32be(byte[] data, int pos) {
    return ((long) u16be(data, pos) << 16) | u16be(data, pos + 2);
  }

  static long u32le(byte[] data, int pos) {
    return (long) u8(data, pos)
        | ((long) u8(data, pos + 1) << 8)
        | ((long) u8(data, pos + 2) << 16)
        | ((long) u8(data, pos + 3) << 24);
  }

  static void writeU32be(ByteArrayOutputStream out, long value) {
    out.write((int) (value >> 24));
    out.write((int) (value >> 16));
    out.write((int) (value >> 8));
    out.write((int) value);
  }

  static void writeU32le(ByteArrayOutputStream out, long value) {
    out.write((int) value);
    out.write((int) (value >> 8));
    out.write((int) (value >> 16));
    out.write((int) (value >> 24));
  }

  /** Writes one PNG chunk: length, type, payload and the CRC of type and payload. */
  static void pngChunk(ByteArrayOutputStream out, String type, byte[] payload) {
    byte[] typeBytes = ascii(type);
    writeU32be(out, payload.length);
    out.write(typeBytes, 0, 4);
    out.write(payload, 0, payload.length);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(payload);
    writeU32be(out, crc.getValue());
  }
}
