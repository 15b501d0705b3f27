package io.imgbeam.codec;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A walk over the container's structure after the header probe and before the metadata parser or
 * the decoder see the file. It measures what the header does not say and a hostile file can
 * inflate: the metadata bytes (with compressed PNG text and ICC profiles counted inflated, a
 * decompression bomb of their own), the number of JPEG scans (each one is a pass over the whole
 * coefficient buffer), and for PNG the chunk CRCs, which the JDK's reader never checks, and image
 * data that inflates past what the header calls for. Nothing here allocates more than a small
 * scratch buffer.
 *
 * <p>TIFF and BMP are not walked: their metadata is bounded by the file size and the decoders read
 * only what the header points at.
 */
final class ContainerCheck {
  /**
   * Most scans a JPEG may have: a real progressive JPEG has about ten, and every scan makes the
   * decoder pass over all of the image's coefficients once more.
   */
  static final int MAX_JPEG_SCANS = 500;

  /** PNG ancillary chunks that control display or animation, not metadata. */
  private static final Set<String> PNG_DISPLAY_CHUNKS =
      Set.of(
          "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD", "hIST", "pHYs", "acTL", "fcTL", "fdAT",
          "cICP", "mDCv", "cLLi");

  private static final Set<String> WEBP_IMAGE_CHUNKS =
      Set.of("VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF");

  private final FailOn failOn;
  private final long maxMetadataBytes;
  private long metadataBytes;

  private ContainerCheck(FailOn failOn, long maxMetadataBytes) {
    this.failOn = failOn;
    this.maxMetadataBytes = maxMetadataBytes;
  }

  /**
   * Checks {@code data}; returns the metadata bytes counted.
   *
   * @throws CodecException {@link Status#REJECTED_LIMIT} over {@code maxMetadataBytes} or {@link
   *     #MAX_JPEG_SCANS}; {@link Status#FAILED} for corrupt structure (a critical PNG chunk with a
   *     wrong CRC, a broken zlib stream; with {@link FailOn#WARNING} also an ancillary chunk's CRC
   *     and image data past the end of the image)
   */
  static long check(byte[] data, ImageFormat format, CompressionSettings settings)
      throws CodecException {
    ContainerCheck check = new ContainerCheck(settings.failOn(), settings.maxMetadataBytes());
    switch (format) {
      case JPEG -> check.jpeg(data);
      case PNG -> check.png(data);
      case GIF -> check.gif(data);
      case WEBP -> check.webp(data);
      default -> {}
    }
    return check.metadataBytes;
  }

  private void addMetadata(long bytes, String what) throws CodecException {
    metadataBytes += bytes;
    if (metadataBytes > maxMetadataBytes) {
      throw new CodecException(
          Status.REJECTED_LIMIT,
          Stage.METADATA,
          "metadata is over "
              + metadataBytes
              + " bytes (at "
              + what
              + "), over the limit maxMetadataBytes="
              + maxMetadataBytes);
    }
  }

  private void jpeg(byte[] d) throws CodecException {
    int scans = 0;
    int pos = 2;
    while (pos + 4 <= d.length) {
      if ((d[pos] & 0xFF) != 0xFF) {
        return; // Not a marker where one must be: the decoder reports the damage.
      }
      int marker = d[pos + 1] & 0xFF;
      if (marker == 0xFF) {
        pos++;
        continue;
      }
      if (marker == 0xD9) {
        return;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        pos += 2;
        continue;
      }
      int length = u16(d, pos + 2);
      if (length < 2) {
        return;
      }
      if ((marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE) {
        addMetadata(length - 2, String.format("JPEG marker 0x%02X", marker));
      }
      pos += 2 + length;
      if (marker == 0xDA) {
        scans++;
        if (scans > MAX_JPEG_SCANS) {
          throw new CodecException(
              Status.REJECTED_LIMIT,
              Stage.PROBE,
              "JPEG has more than "
                  + MAX_JPEG_SCANS
                  + " scans, over the limit maxJpegScans="
                  + MAX_JPEG_SCANS
                  + " (each scan is a pass over the whole image)");
        }
        // Entropy-coded data runs to the next marker that is neither a stuffed 0 nor a restart.
        while (pos + 1 < d.length) {
          if ((d[pos] & 0xFF) == 0xFF) {
            int next = d[pos + 1] & 0xFF;
            if (next != 0 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
              break;
            }
          }
          pos++;
        }
      }
    }
  }

  private void png(byte[] d) throws CodecException {
    CRC32 crc = new CRC32();
    Idat idat = null;
    int pos = 8;
    while (pos + 12 <= d.length) {
      long length = u32(d, pos);
      if (pos + 12 + length > d.length) {
        return; // Truncated: the decoder reports it.
      }
      int len = (int) length;
      String type = new String(d, pos + 4, 4, StandardCharsets.ISO_8859_1);
      boolean critical = Character.isUpperCase(type.charAt(0));
      crc.reset();
      crc.update(d, pos + 4, 4 + len);
      if ((int) crc.getValue() != (int) u32(d, pos + 8 + len)
          && (critical || failOn == FailOn.WARNING)) {
        throw new CodecException(
            Status.FAILED, Stage.PROBE, "corrupt PNG: CRC mismatch in chunk " + printable(type));
      }
      int body = pos + 8;
      switch (type) {
        case "IHDR" -> idat = len >= 13 ? idatFor(d, body) : null;
        case "IDAT" -> {
          if (idat != null) {
            idat.feed(d, body, len);
          }
        }
        case "IEND" -> {
          if (idat != null) {
            idat.finish();
          }
          return;
        }
        case "zTXt" -> compressedText(d, body, len, type, 1);
        case "iCCP" -> compressedText(d, body, len, type, 1);
        case "iTXt" -> internationalText(d, body, len);
        default -> {
          if (!critical && !PNG_DISPLAY_CHUNKS.contains(type)) {
            addMetadata(len, "PNG chunk " + printable(type));
          }
        }
      }
      pos += 12 + len;
    }
  }

  /** zTXt and iCCP: a keyword, a NUL, a method byte, then zlib data counted inflated. */
  private void compressedText(byte[] d, int body, int len, String type, int methodBytes)
      throws CodecException {
    int nul = indexOfNul(d, body, body + len);
    if (nul < 0) {
      addMetadata(len, "PNG chunk " + type);
      return;
    }
    int start = nul + 1 + methodBytes;
    addMetadata(start - body, "PNG chunk " + type);
    inflateCounted(d, start, body + len - start, type);
  }

  /** iTXt: keyword NUL flag method language NUL translated-keyword NUL text (maybe zlib). */
  private void internationalText(byte[] d, int body, int len) throws CodecException {
    int end = body + len;
    int nul = indexOfNul(d, body, end);
    if (nul < 0 || nul + 3 > end) {
      addMetadata(len, "PNG chunk iTXt");
      return;
    }
    boolean compressed = d[nul + 1] == 1;
    int lang = indexOfNul(d, nul + 3, end);
    int translated = lang < 0 ? -1 : indexOfNul(d, lang + 1, end);
    if (!compressed || translated < 0) {
      addMetadata(len, "PNG chunk iTXt");
      return;
    }
    addMetadata(translated + 1 - body, "PNG chunk iTXt");
    inflateCounted(d, translated + 1, end - translated - 1, "iTXt");
  }

  private void inflateCounted(byte[] d, int off, int len, String type) throws CodecException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(d, off, Math.max(0, len));
      byte[] scratch = new byte[16 * 1024];
      while (!inflater.finished() && !inflater.needsInput() && !inflater.needsDictionary()) {
        int n = inflater.inflate(scratch);
        if (n == 0 && (inflater.needsInput() || inflater.finished())) {
          break;
        }
        addMetadata(n, "inflated PNG chunk " + type);
        Progress.checkInterrupted();
      }
    } catch (DataFormatException e) {
      // A broken compressed text chunk is the metadata parser's problem, not the pixels'.
      addMetadata(0, "PNG chunk " + type);
    } finally {
      inflater.end();
    }
  }

  /** An IDAT check for the image the IHDR at {@code ihdr} describes; null when it is invalid. */
  private Idat idatFor(byte[] d, int ihdr) {
    long w = u32(d, ihdr);
    long h = u32(d, ihdr + 4);
    int depth = d[ihdr + 8] & 0xFF;
    int channels =
        switch (d[ihdr + 9]) {
          case 0, 3 -> 1;
          case 2 -> 3;
          case 4 -> 2;
          case 6 -> 4;
          default -> 0;
        };
    if (w == 0 || h == 0 || channels == 0 || depth == 0) {
      return null;
    }
    long bits = (long) depth * channels;
    long expected;
    if (d[ihdr + 12] == 1) {
      int[][] passes = {
        {0, 0, 8, 8},
        {4, 0, 8, 8},
        {0, 4, 4, 8},
        {2, 0, 4, 4},
        {0, 2, 2, 4},
        {1, 0, 2, 2},
        {0, 1, 1, 2}
      };
      expected = 0;
      for (int[] p : passes) {
        long pw = w > p[0] ? (w - p[0] + p[2] - 1) / p[2] : 0;
        long ph = h > p[1] ? (h - p[1] + p[3] - 1) / p[3] : 0;
        if (pw > 0 && ph > 0) {
          expected += ph * (1 + (pw * bits + 7) / 8);
        }
      }
    } else {
      expected = h * (1 + (w * bits + 7) / 8);
    }
    return new Idat(expected);
  }

  /** Inflates the IDAT stream into a scratch buffer, counting, to see that it ends on time. */
  private final class Idat {
    private final long expected;
    private final Inflater inflater = new Inflater();
    private final byte[] scratch = new byte[64 * 1024];
    private long inflated;
    private boolean done;

    private Idat(long expected) {
      this.expected = expected;
    }

    void feed(byte[] d, int off, int len) throws CodecException {
      if (done) {
        if (len > 0) {
          extra("compressed data continues after the end of the zlib stream");
        }
        return;
      }
      inflater.setInput(d, off, len);
      try {
        while (!inflater.needsInput() && !inflater.finished()) {
          int n = inflater.inflate(scratch);
          inflated += n;
          if (inflated > expected) {
            done = true;
            extra("image data inflates past the " + expected + " bytes its header calls for");
            return;
          }
          if (n == 0 && inflater.needsDictionary()) {
            throw new DataFormatException("preset dictionary");
          }
          Progress.checkInterrupted();
        }
        done = inflater.finished();
      } catch (DataFormatException e) {
        done = true;
        throw new CodecException(
            Status.FAILED, Stage.PROBE, "corrupt PNG: image data is not a valid zlib stream");
      }
    }

    void finish() {
      inflater.end();
    }

    private void extra(String what) throws CodecException {
      inflater.end();
      if (failOn == FailOn.WARNING) {
        throw new CodecException(Status.FAILED, Stage.PROBE, "corrupt PNG: " + what);
      }
    }
  }

  private void gif(byte[] d) throws CodecException {
    if (d.length < 13) {
      return;
    }
    int pos = 13;
    if ((d[10] & 0x80) != 0) {
      pos += 3 << ((d[10] & 7) + 1);
    }
    while (pos < d.length) {
      int block = d[pos] & 0xFF;
      if (block == 0x3B) {
        return;
      } else if (block == 0x21 && pos + 1 < d.length) {
        int label = d[pos + 1] & 0xFF;
        pos += 2;
        boolean animation =
            label == 0xFF
                && pos + 12 <= d.length
                && d[pos] == 11
                && (startsWith(d, pos + 1, "NETSCAPE2.0") || startsWith(d, pos + 1, "ANIMEXTS1.0"));
        int start = pos;
        pos = skipSubBlocks(d, pos);
        if ((label == 0xFE || label == 0x01 || label == 0xFF) && !animation) {
          addMetadata(pos - start, String.format("GIF extension 0x%02X", label));
        }
      } else if (block == 0x2C && pos + 10 <= d.length) {
        int packed = d[pos + 9] & 0xFF;
        pos += 10;
        if ((packed & 0x80) != 0) {
          pos += 3 << ((packed & 7) + 1);
        }
        pos = skipSubBlocks(d, pos + 1);
      } else {
        return; // Damaged: the decoder reports it.
      }
    }
  }

  private static int skipSubBlocks(byte[] d, int pos) {
    while (pos < d.length) {
      int size = d[pos] & 0xFF;
      pos += 1 + size;
      if (size == 0) {
        break;
      }
    }
    return pos;
  }

  private void webp(byte[] d) throws CodecException {
    int pos = 12;
    while (pos + 8 <= d.length) {
      String type = new String(d, pos, 4, StandardCharsets.ISO_8859_1);
      long size = (d[pos + 4] & 0xFFL) | (d[pos + 5] & 0xFFL) << 8 | (d[pos + 6] & 0xFFL) << 16;
      size |= (d[pos + 7] & 0xFFL) << 24;
      if (!WEBP_IMAGE_CHUNKS.contains(type)) {
        addMetadata(size, "WebP chunk " + printable(type));
      }
      long next = pos + 8L + size + (size & 1);
      if (next > d.length) {
        return;
      }
      pos = (int) next;
    }
  }

  private static boolean startsWith(byte[] d, int pos, String ascii) {
    if (pos + ascii.length() > d.length) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (d[pos + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOfNul(byte[] d, int from, int to) {
    for (int i = from; i < to; i++) {
      if (d[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static String printable(String type) {
    return type.chars().allMatch(c -> c >= 0x20 && c < 0x7F)
        ? type
        : "0x" + java.util.HexFormat.of().formatHex(type.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static int u16(byte[] d, int pos) {
    return ((d[pos] & 0xFF) << 8) | (d[pos + 1] & 0xFF);
  }

  private static long u32(byte[] d, int pos) {
    return ((d[pos] & 0xFFL) << 24)
        | ((d[pos + 1] & 0xFFL) << 16)
        | ((d[pos + 2] & 0xFFL) << 8)
        | (d[pos + 3] & 0xFFL);
  }
}
