package io.imgbeam.codec;

import static io.imgbeam.codec.Bytes.ascii;
import static io.imgbeam.codec.Bytes.pngChunk;
import static io.imgbeam.codec.Bytes.startsWith;
import static io.imgbeam.codec.Bytes.u16be;
import static io.imgbeam.codec.Bytes.u32be;
import static io.imgbeam.codec.Bytes.u32le;
import static io.imgbeam.codec.Bytes.u8;
import static io.imgbeam.codec.Bytes.writeU32le;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Removes private metadata from an encoded image without touching its pixels.
 *
 * <p>The container is walked structurally and the compressed image data is copied byte for byte;
 * nothing is decoded or re-encoded, so the output decodes to exactly the same pixels as the input.
 * What is kept is an allow-list per format: everything needed to decode and colour-manage the image
 * correctly (tables, colour profiles, animation control), nothing that describes the photographer,
 * the camera, the place or the editing history (Exif, GPS, XMP, IPTC, comments, text chunks, maker
 * notes, embedded thumbnails, trailers).
 *
 * <p>Because the pixels are not rotated, an EXIF orientation other than 1 is written back as a
 * minimal Exif block that holds only that tag: dropping it would make the image display sideways.
 * Orientation values outside 2 to 8 are treated like 1 (nothing written), as {@link Orientation}
 * does.
 */
final class MetadataStripper {
  private static final byte[] JFIF_ID = ascii("JFIF\0");
  private static final byte[] ICC_ID = ascii("ICC_PROFILE\0");
  private static final byte[] ADOBE_ID = ascii("Adobe");
  private static final byte[] EXIF_ID = ascii("Exif\0\0");

  /** The length of a JFIF APP0 payload (after the length field) without a thumbnail. */
  private static final int JFIF_BASE_LENGTH = 14;

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

  /** Critical chunks plus the ancillary ones that affect how the pixels look or animate. */
  private static final Set<String> PNG_KEPT =
      Set.of(
          "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "cHRM", "gAMA", "iCCP", "sBIT", "sRGB", "cICP",
          "mDCv", "cLLi", "bKGD", "hIST", "pHYs", "sPLT", "acTL", "fcTL", "fdAT");

  /** Application extensions that control animation or colour, identified by their first bytes. */
  private static final byte[][] GIF_KEPT_APPLICATIONS = {
    ascii("NETSCAPE2.0"), ascii("ANIMEXTS1.0"), ascii("ICCRGBG1")
  };

  private static final Set<String> WEBP_KEPT =
      Set.of("VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF", "ICCP");

  private static final int VP8X_XMP_FLAG = 0x04;
  private static final int VP8X_EXIF_FLAG = 0x08;

  private MetadataStripper() {}

  /**
   * Returns the file without private metadata.
   *
   * <p>JPEG: a file whose data ends without an EOI marker is rejected rather than repaired, since
   * without decoding the entropy-coded data there is no telling a complete last scan from a cut-off
   * one. Bytes after EOI (trailers such as MPF secondary images) are dropped. A JFIF APP0 is kept
   * but its embedded thumbnail, if any, is removed, because it may show content cropped out of the
   * main image.
   *
   * <p>PNG: the orientation eXIf chunk goes right before the first IDAT, or before the first fcTL
   * when an APNG has one ahead of its IDAT.
   *
   * <p>WebP: orientation can only be carried in the extended format, so for a simple (VP8 or VP8L
   * without VP8X) file the orientation is ignored and the output has none.
   *
   * <p>GIF has no orientation; the argument is ignored.
   *
   * @param data the complete encoded file
   * @param format the format of {@code data}, as sniffed from its magic bytes
   * @param orientation the EXIF orientation 1-8 the input had; since the pixels are not rotated, a
   *     value other than 1 is written back in a minimal Exif block carrying only that tag
   * @return a new array holding the stripped file
   * @throws IOException when the file's structure is broken (truncated, bad signature, missing end
   *     marker)
   * @throws IllegalArgumentException when {@code format} cannot be stripped losslessly
   */
  static byte[] strip(byte[] data, ImageFormat format, int orientation) throws IOException {
    int effectiveOrientation = orientation >= 2 && orientation <= 8 ? orientation : 1;
    return switch (format) {
      case JPEG -> stripJpeg(data, effectiveOrientation);
      case PNG -> stripPng(data, effectiveOrientation);
      case GIF -> stripGif(data);
      case WEBP -> stripWebp(data, effectiveOrientation);
      default ->
          throw new IllegalArgumentException("cannot strip metadata losslessly from " + format);
    };
  }

  // ---------------------------------------------------------------------------------------------
  // JPEG

  private static byte[] stripJpeg(byte[] data, int orientation) throws IOException {
    if (data.length < 2 || u8(data, 0) != 0xFF || u8(data, 1) != 0xD8) {
      throw new IOException("not a JPEG: missing SOI marker");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
    out.write(data, 0, 2);
    // Where the orientation block goes: after SOI, or after the JFIF APP0 once one is written,
    // because JFIF requires its APP0 to come first.
    int exifAt = out.size();
    boolean sawJfif = false;
    int pos = 2;
    while (true) {
      if (pos >= data.length) {
        throw new IOException("truncated JPEG: no EOI marker before the end of data");
      }
      if (u8(data, pos) != 0xFF) {
        throw new IOException(
            String.format(
                "corrupt JPEG: expected a marker at offset %d, found 0x%02X", pos, u8(data, pos)));
      }
      // Any number of 0xFF fill bytes may precede a marker.
      while (pos < data.length && u8(data, pos) == 0xFF) {
        pos++;
      }
      if (pos >= data.length) {
        throw new IOException("truncated JPEG: no EOI marker before the end of data");
      }
      int marker = u8(data, pos);
      int markerStart = pos - 1;
      pos++;
      if (marker == 0xD9) {
        out.write(0xFF);
        out.write(0xD9);
        break;
      }
      if (marker == 0xD8) {
        throw new IOException("corrupt JPEG: second SOI marker at offset " + markerStart);
      }
      if (marker == 0x00) {
        throw new IOException("corrupt JPEG: stuffed byte outside scan data at " + markerStart);
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        // Stand-alone markers without a length: TEM carries nothing, a stray RSTn is copied so
        // a decoder sees the same stream it would have seen.
        if (marker != 0x01) {
          out.write(0xFF);
          out.write(marker);
        }
        continue;
      }
      if (pos + 2 > data.length) {
        throw new IOException(
            String.format(
                "truncated JPEG: segment 0xFF%02X at offset %d has no length",
                marker, markerStart));
      }
      int length = u16be(data, pos);
      if (length < 2) {
        throw new IOException(
            String.format(
                "corrupt JPEG: segment 0xFF%02X at offset %d has length %d",
                marker, markerStart, length));
      }
      int end = pos + length;
      if (end > data.length) {
        throw new IOException(
            String.format(
                "truncated JPEG: segment 0xFF%02X at offset %d runs past the end of data",
                marker, markerStart));
      }
      int payload = pos + 2;
      int payloadLength = length - 2;
      if (marker == 0xE0 && startsWith(data, payload, payloadLength, JFIF_ID)) {
        writeJfifWithoutThumbnail(out, data, payload, payloadLength);
        if (!sawJfif) {
          sawJfif = true;
          exifAt = out.size();
        }
      } else if (keepJpegSegment(marker, data, payload, payloadLength)) {
        out.write(0xFF);
        out.write(marker);
        out.write(data, pos, length);
      }
      pos = end;
      if (marker == 0xDA) {
        int scanEnd = endOfScanData(data, pos);
        out.write(data, pos, scanEnd - pos);
        pos = scanEnd;
      }
    }
    byte[] stripped = out.toByteArray();
    if (orientation == 1) {
      return stripped;
    }
    byte[] tiff = orientationTiff(orientation);
    int segmentLength = 2 + EXIF_ID.length + tiff.length;
    ByteArrayOutputStream withExif = new ByteArrayOutputStream(stripped.length + segmentLength + 2);
    withExif.write(stripped, 0, exifAt);
    withExif.write(0xFF);
    withExif.write(0xE1);
    withExif.write(segmentLength >> 8);
    withExif.write(segmentLength);
    withExif.write(EXIF_ID, 0, EXIF_ID.length);
    withExif.write(tiff, 0, tiff.length);
    withExif.write(stripped, exifAt, stripped.length - exifAt);
    return withExif.toByteArray();
  }

  private static boolean keepJpegSegment(int marker, byte[] data, int payload, int payloadLength) {
    if (marker >= 0xC0 && marker <= 0xCF) {
      // SOF0-SOF15 plus DHT (C4) and DAC (CC); C8 is the reserved JPG extension marker.
      return marker != 0xC8;
    }
    return switch (marker) {
      // DQT, DNL, DRI, SOS, and DHP/EXP, which hierarchical files need to decode.
      case 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF -> true;
      case 0xE2 -> startsWith(data, payload, payloadLength, ICC_ID);
      // Adobe APP14 tells whether the components are YCbCr, YCCK or untransformed RGB/CMYK.
      case 0xEE -> startsWith(data, payload, payloadLength, ADOBE_ID);
      // JPEG-LS frame header (SOF55) and its parameters (LSE).
      case 0xF7, 0xF8 -> true;
      // Other APPn (Exif, XMP, MPF, FPXR, IPTC, ...), COM and reserved JPGn markers.
      default -> false;
    };
  }

  /** Writes a JFIF APP0 segment whose embedded thumbnail, if any, has been removed. */
  private static void writeJfifWithoutThumbnail(
      ByteArrayOutputStream out, byte[] data, int payload, int payloadLength) {
    out.write(0xFF);
    out.write(0xE0);
    if (payloadLength <= JFIF_BASE_LENGTH) {
      // No room for a thumbnail (or a malformed short segment): copy it as it is.
      out.write((payloadLength + 2) >> 8);
      out.write(payloadLength + 2);
      out.write(data, payload, payloadLength);
      return;
    }
    out.write((JFIF_BASE_LENGTH + 2) >> 8);
    out.write(JFIF_BASE_LENGTH + 2);
    // Version, units and densities, then a zero thumbnail width and height.
    out.write(data, payload, JFIF_BASE_LENGTH - 2);
    out.write(0);
    out.write(0);
  }

  /**
   * Returns the offset of the marker that ends the entropy-coded data starting at {@code pos}: the
   * 0xFF (first of any fill bytes) of the first marker that is neither a stuffed zero nor RSTn.
   */
  private static int endOfScanData(byte[] data, int pos) throws IOException {
    int i = pos;
    while (i < data.length) {
      if (u8(data, i) != 0xFF) {
        i++;
        continue;
      }
      int j = i + 1;
      while (j < data.length && u8(data, j) == 0xFF) {
        j++;
      }
      if (j >= data.length) {
        break;
      }
      int next = u8(data, j);
      if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
        i = j + 1;
        continue;
      }
      return i;
    }
    throw new IOException(
        "truncated JPEG: scan data runs to the end of data without an EOI marker");
  }

  // ---------------------------------------------------------------------------------------------
  // PNG

  private static byte[] stripPng(byte[] data, int orientation) throws IOException {
    if (!startsWith(data, 0, data.length, PNG_SIGNATURE)) {
      throw new IOException("not a PNG: missing PNG signature");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
    out.write(data, 0, PNG_SIGNATURE.length);
    boolean exifWritten = orientation == 1;
    boolean sawIdat = false;
    int pos = PNG_SIGNATURE.length;
    while (true) {
      if (pos + 8 > data.length) {
        throw new IOException("truncated PNG: no IEND chunk before the end of data");
      }
      long length = u32be(data, pos);
      String type = new String(data, pos + 4, 4, StandardCharsets.ISO_8859_1);
      if (!isChunkType(data, pos + 4)) {
        throw new IOException("corrupt PNG: invalid chunk type at offset " + pos);
      }
      long end = pos + 12 + length;
      if (length > Integer.MAX_VALUE || end > data.length) {
        throw new IOException(
            "truncated PNG: chunk " + type + " at offset " + pos + " runs past the end of data");
      }
      if (type.equals("IDAT") || type.equals("fcTL")) {
        sawIdat |= type.equals("IDAT");
        // Before the first fcTL too, so that an APNG's frame control stays next to its IDAT.
        if (!exifWritten) {
          pngChunk(out, "eXIf", orientationTiff(orientation));
          exifWritten = true;
        }
      }
      if (PNG_KEPT.contains(type)) {
        out.write(data, pos, (int) (end - pos));
      }
      pos = (int) end;
      if (type.equals("IEND")) {
        break;
      }
    }
    if (!sawIdat) {
      throw new IOException("corrupt PNG: no IDAT chunk");
    }
    return out.toByteArray();
  }

  private static boolean isChunkType(byte[] data, int pos) {
    for (int i = pos; i < pos + 4; i++) {
      int c = u8(data, i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // GIF

  private static byte[] stripGif(byte[] data) throws IOException {
    if (!startsWith(data, 0, data.length, ascii("GIF87a"))
        && !startsWith(data, 0, data.length, ascii("GIF89a"))) {
      throw new IOException("not a GIF: missing GIF87a/GIF89a header");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
    // Header (6) and logical screen descriptor (7).
    int pos = 13;
    requireGif(data, pos, "logical screen descriptor");
    pos += colorTableSize(u8(data, 10));
    requireGif(data, pos, "global colour table");
    out.write(data, 0, pos);
    while (true) {
      requireGif(data, pos + 1, "no trailer before the end of data");
      int introducer = u8(data, pos);
      if (introducer == 0x3B) {
        out.write(0x3B);
        break;
      }
      if (introducer == 0x2C) {
        int start = pos;
        requireGif(data, pos + 10, "image descriptor");
        pos += 10 + colorTableSize(u8(data, pos + 9));
        // The LZW minimum code size byte, then the data sub-blocks.
        requireGif(data, pos + 1, "image data");
        pos = skipSubBlocks(data, pos + 1);
        out.write(data, start, pos - start);
      } else if (introducer == 0x21) {
        int start = pos;
        requireGif(data, pos + 2, "extension");
        int label = u8(data, pos + 1);
        pos = skipSubBlocks(data, pos + 2);
        if (keepGifExtension(label, data, start + 2)) {
          out.write(data, start, pos - start);
        }
      } else {
        throw new IOException(
            String.format("corrupt GIF: unknown block 0x%02X at offset %d", introducer, pos));
      }
    }
    return out.toByteArray();
  }

  private static boolean keepGifExtension(int label, byte[] data, int firstSubBlock) {
    return switch (label) {
      // Graphic control (frame delay, disposal, transparency) and plain text (rendered content).
      case 0xF9, 0x01 -> true;
      case 0xFF -> {
        int size = u8(data, firstSubBlock);
        for (byte[] id : GIF_KEPT_APPLICATIONS) {
          if (startsWith(data, firstSubBlock + 1, size, id)) {
            yield true;
          }
        }
        yield false;
      }
      // Comments and unknown extensions.
      default -> false;
    };
  }

  /** Size in bytes of a colour table announced by a packed-fields byte (0 when not flagged). */
  private static int colorTableSize(int packed) {
    return (packed & 0x80) == 0 ? 0 : 3 << ((packed & 0x07) + 1);
  }

  /** Returns the offset just past the block terminator of the sub-blocks starting at pos. */
  private static int skipSubBlocks(byte[] data, int pos) throws IOException {
    while (true) {
      requireGif(data, pos + 1, "data sub-block");
      int size = u8(data, pos);
      pos++;
      if (size == 0) {
        return pos;
      }
      requireGif(data, pos + size, "data sub-block");
      pos += size;
    }
  }

  private static void requireGif(byte[] data, int end, String what) throws IOException {
    if (end > data.length) {
      throw new IOException("truncated GIF: " + what);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // WebP

  private static byte[] stripWebp(byte[] data, int orientation) throws IOException {
    if (!startsWith(data, 0, data.length, ascii("RIFF"))
        || !startsWith(data, 8, data.length - 8, ascii("WEBP"))) {
      throw new IOException("not a WebP: missing RIFF/WEBP header");
    }
    long riffEnd = 8 + u32le(data, 4);
    if (riffEnd > data.length) {
      throw new IOException("truncated WebP: RIFF size exceeds the data");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
    out.write(data, 0, 12);
    int vp8xFlagsAt = -1;
    int pos = 12;
    while (pos < riffEnd) {
      if (pos + 8 > riffEnd) {
        throw new IOException("truncated WebP: chunk header at offset " + pos);
      }
      String fourCc = new String(data, pos, 4, StandardCharsets.ISO_8859_1);
      long size = u32le(data, pos + 4);
      long end = pos + 8 + size + (size & 1);
      if (end > riffEnd) {
        throw new IOException(
            "truncated WebP: chunk " + fourCc.strip() + " at offset " + pos + " runs past the end");
      }
      if (WEBP_KEPT.contains(fourCc)) {
        if (fourCc.equals("VP8X") && vp8xFlagsAt < 0) {
          if (size < 1) {
            throw new IOException("corrupt WebP: empty VP8X chunk");
          }
          vp8xFlagsAt = out.size() + 8;
        }
        out.write(data, pos, (int) (end - pos));
      }
      pos = (int) end;
    }
    boolean writeExif = orientation != 1 && vp8xFlagsAt >= 0;
    if (writeExif) {
      // EXIF belongs after the image data, which is where the allow-listed chunks end.
      byte[] tiff = orientationTiff(orientation);
      out.write(ascii("EXIF"), 0, 4);
      writeU32le(out, tiff.length);
      out.write(tiff, 0, tiff.length);
      if ((tiff.length & 1) != 0) {
        out.write(0);
      }
    }
    byte[] stripped = out.toByteArray();
    if (vp8xFlagsAt >= 0) {
      int flags = u8(stripped, vp8xFlagsAt) & ~(VP8X_EXIF_FLAG | VP8X_XMP_FLAG);
      if (writeExif) {
        flags |= VP8X_EXIF_FLAG;
      }
      stripped[vp8xFlagsAt] = (byte) flags;
    }
    long riffSize = stripped.length - 8L;
    stripped[4] = (byte) riffSize;
    stripped[5] = (byte) (riffSize >> 8);
    stripped[6] = (byte) (riffSize >> 16);
    stripped[7] = (byte) (riffSize >> 24);
    return stripped;
  }

  // ---------------------------------------------------------------------------------------------
  // Shared helpers

  /**
   * A big-endian TIFF block with an IFD0 holding only the orientation tag (0x0112, SHORT, count 1)
   * and no next IFD: the smallest Exif that viewers honour.
   */
  private static byte[] orientationTiff(int orientation) {
    return new byte[] {
      'M',
      'M',
      0x00,
      0x2A,
      0x00,
      0x00,
      0x00,
      0x08, // header, IFD0 at offset 8
      0x00,
      0x01, // one entry
      0x01,
      0x12,
      0x00,
      0x03,
      0x00,
      0x00,
      0x00,
      0x01, // Orientation, SHORT, count 1
      (byte) (orientation >> 8),
      (byte) orientation,
      0x00,
      0x00, // value, left-justified
      0x00,
      0x00,
      0x00,
      0x00 // no next IFD
    };
  }
}
