package io.imgbeam.codec;

import static io.imgbeam.codec.Bytes.ascii;
import static io.imgbeam.codec.Bytes.pngChunk;
import static io.imgbeam.codec.Bytes.startsWith;
import static io.imgbeam.codec.Bytes.u16be;
import static io.imgbeam.codec.Bytes.u32be;
import static io.imgbeam.codec.Bytes.u32le;
import static io.imgbeam.codec.Bytes.u8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The metadata blocks of one image, as raw container payloads, independent of the container: what
 * {@link MetadataFilter} filters and what is written into an output.
 *
 * <p>Reading walks the container only (JPEG segments up to the first scan, PNG chunks, WebP
 * chunks); the blocks themselves are parsed by {@link MetadataFilter} with commons-imaging (EXIF,
 * IPTC) and the JDK's XML parser (XMP). Other formats yield no blocks. Extended XMP (JPEG's split
 * APP1 for packets over 64 KB) is not read, so it never reaches an output.
 *
 * @param exif a TIFF structure (byte-order mark first), or null
 * @param xmp the XMP packet, or null
 * @param photoshop a JPEG APP13 payload ({@code Photoshop 3.0\0} and its resource blocks: IPTC), or
 *     null
 * @param comments JPEG COM payloads
 * @param pngText PNG tEXt, zTXt and iTXt chunks other than XMP, as complete chunk payloads
 * @param pngTime a PNG tIME payload, or null
 * @param icc the ICC profile, or null
 */
record MetadataBlocks(
    byte[] exif,
    String xmp,
    byte[] photoshop,
    List<byte[]> comments,
    List<PngText> pngText,
    byte[] pngTime,
    byte[] icc) {

  /** A PNG text chunk: its type (tEXt, zTXt or iTXt) and payload. */
  record PngText(String type, byte[] payload) {
    /** The keyword: the Latin-1 text before the first NUL. */
    String keyword() {
      int end = 0;
      while (end < payload.length && payload[end] != 0) {
        end++;
      }
      return new String(payload, 0, end, StandardCharsets.ISO_8859_1);
    }
  }

  static final MetadataBlocks NONE =
      new MetadataBlocks(null, null, null, List.of(), List.of(), null, null);

  private static final byte[] EXIF_ID = ascii("Exif\0\0");
  private static final byte[] XMP_ID = ascii("http://ns.adobe.com/xap/1.0/\0");
  private static final byte[] ICC_ID = ascii("ICC_PROFILE\0");
  private static final byte[] PHOTOSHOP_ID = ascii("Photoshop 3.0\0");
  private static final String XMP_KEYWORD = "XML:com.adobe.xmp";

  /** ICC bytes per JPEG APP2 segment: 65535 - 2 (length) - 14 (identifier and sequence). */
  private static final int ICC_CHUNK = 65519;

  /** XMP in a JPEG APP1 segment is limited to 65535 - 2 - 29 bytes. */
  private static final int MAX_JPEG_XMP = 65504;

  boolean isEmpty() {
    return exif == null
        && xmp == null
        && photoshop == null
        && comments.isEmpty()
        && pngText.isEmpty()
        && pngTime == null
        && icc == null;
  }

  /** The kinds of block present, for messages: {@code exif, xmp, icc}. */
  String describe() {
    List<String> kinds = new ArrayList<>();
    if (exif != null) {
      kinds.add("exif");
    }
    if (xmp != null) {
      kinds.add("xmp");
    }
    if (photoshop != null) {
      kinds.add("iptc/photoshop");
    }
    if (!comments.isEmpty()) {
      kinds.add("comment");
    }
    if (!pngText.isEmpty()) {
      kinds.add("png-text");
    }
    if (pngTime != null) {
      kinds.add("png-time");
    }
    if (icc != null) {
      kinds.add("icc");
    }
    return String.join(", ", kinds);
  }

  MetadataBlocks withIcc(byte[] profile) {
    return new MetadataBlocks(exif, xmp, photoshop, comments, pngText, pngTime, profile);
  }

  /**
   * Reads the blocks of {@code data}. A structure too broken to walk yields what was found before
   * the break: decoding reports broken files, and a block that cannot be read is not carried.
   */
  static MetadataBlocks read(byte[] data, ImageFormat format) {
    Reader reader = new Reader();
    try {
      switch (format) {
        case JPEG -> reader.jpeg(data);
        case PNG -> reader.png(data);
        case WEBP -> reader.webp(data);
        default -> {}
      }
    } catch (IOException | RuntimeException e) {
      // Keep what was read before the structure broke.
    }
    return reader.blocks();
  }

  private static final class Reader {
    private byte[] exif;
    private String xmp;
    private byte[] photoshop;
    private final List<byte[]> comments = new ArrayList<>();
    private final List<PngText> pngText = new ArrayList<>();
    private byte[] pngTime;
    private final ByteArrayOutputStream iccChunks = new ByteArrayOutputStream();
    private byte[] icc;

    MetadataBlocks blocks() {
      byte[] profile = icc != null ? icc : iccChunks.size() > 0 ? iccChunks.toByteArray() : null;
      return new MetadataBlocks(
          exif, xmp, photoshop, List.copyOf(comments), List.copyOf(pngText), pngTime, profile);
    }

    void jpeg(byte[] d) {
      int pos = 2;
      while (pos + 4 <= d.length && u8(d, pos) == 0xFF) {
        int marker = u8(d, pos + 1);
        if (marker == 0xFF) {
          pos++;
          continue;
        }
        if (marker == 0xDA || marker == 0xD9) {
          return;
        }
        int length = u16be(d, pos + 2);
        int payload = pos + 4;
        int end = pos + 2 + length;
        if (length < 2 || end > d.length) {
          return;
        }
        int n = end - payload;
        if (marker == 0xE1 && exif == null && startsWith(d, payload, n, EXIF_ID)) {
          exif = Arrays.copyOfRange(d, payload + EXIF_ID.length, end);
        } else if (marker == 0xE1 && xmp == null && startsWith(d, payload, n, XMP_ID)) {
          xmp = new String(d, payload + XMP_ID.length, n - XMP_ID.length, StandardCharsets.UTF_8);
        } else if (marker == 0xE2 && startsWith(d, payload, n, ICC_ID) && n > ICC_ID.length + 2) {
          // Chunks are written in sequence order in practice; the sequence bytes are skipped.
          iccChunks.write(d, payload + ICC_ID.length + 2, n - ICC_ID.length - 2);
        } else if (marker == 0xED && photoshop == null && startsWith(d, payload, n, PHOTOSHOP_ID)) {
          photoshop = Arrays.copyOfRange(d, payload, end);
        } else if (marker == 0xFE) {
          comments.add(Arrays.copyOfRange(d, payload, end));
        }
        pos = end;
      }
    }

    void png(byte[] d) throws IOException {
      int pos = 8;
      while (pos + 12 <= d.length) {
        int length = (int) u32be(d, pos);
        String type = new String(d, pos + 4, 4, StandardCharsets.ISO_8859_1);
        int payload = pos + 8;
        int end = payload + length;
        if (length < 0 || end + 4 > d.length || type.equals("IEND")) {
          return;
        }
        byte[] body = Arrays.copyOfRange(d, payload, end);
        switch (type) {
          case "eXIf" -> exif = exif == null ? body : exif;
          case "tIME" -> pngTime = body;
          case "iCCP" -> icc = inflateIccp(body);
          case "tEXt", "zTXt", "iTXt" -> {
            PngText text = new PngText(type, body);
            if (type.equals("iTXt") && text.keyword().equals(XMP_KEYWORD)) {
              xmp = xmp == null ? itxtText(body) : xmp;
            } else {
              pngText.add(text);
            }
          }
          default -> {}
        }
        pos = end + 4;
      }
    }

    void webp(byte[] d) {
      int riffEnd = (int) Math.min(d.length, 8 + u32le(d, 4));
      int pos = 12;
      while (pos + 8 <= riffEnd) {
        String fourCc = new String(d, pos, 4, StandardCharsets.ISO_8859_1);
        long size = u32le(d, pos + 4);
        long end = pos + 8 + size;
        if (end > riffEnd) {
          return;
        }
        byte[] body = Arrays.copyOfRange(d, pos + 8, (int) end);
        switch (fourCc) {
          case "EXIF" ->
              exif =
                  startsWith(body, 0, body.length, EXIF_ID)
                      ? Arrays.copyOfRange(body, EXIF_ID.length, body.length)
                      : body;
          case "XMP " -> xmp = new String(body, StandardCharsets.UTF_8);
          case "ICCP" -> icc = body;
          default -> {}
        }
        pos = (int) (end + (size & 1));
      }
    }
  }

  /** The profile of an iCCP payload: name, NUL, method 0, zlib data. */
  private static byte[] inflateIccp(byte[] body) throws IOException {
    int nul = 0;
    while (nul < body.length && body[nul] != 0) {
      nul++;
    }
    return inflate(body, nul + 2, body.length - nul - 2);
  }

  /** The text of an uncompressed iTXt payload, or of a compressed one once inflated. */
  private static String itxtText(byte[] body) throws IOException {
    int pos = 0;
    while (body[pos] != 0) {
      pos++;
    }
    boolean compressed = body[pos + 1] != 0;
    pos += 3;
    for (int field = 0; field < 2; field++) {
      while (body[pos] != 0) {
        pos++;
      }
      pos++;
    }
    byte[] text =
        compressed
            ? inflate(body, pos, body.length - pos)
            : Arrays.copyOfRange(body, pos, body.length);
    return new String(text, StandardCharsets.UTF_8);
  }

  private static byte[] inflate(byte[] data, int offset, int length) throws IOException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(data, offset, length);
      ByteArrayOutputStream out = new ByteArrayOutputStream(length * 3);
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IOException("truncated deflate stream");
        }
        out.write(buffer, 0, n);
        if (out.size() > 64 << 20) {
          throw new IOException("inflated metadata over 64 MB");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IOException(e);
    } finally {
      inflater.end();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * Returns {@code file} with these blocks added. The file must carry none of them already (an
   * encoder's output, or a {@link MetadataStripper} result, whose kept ICC profile is why {@code
   * withIcc} can be false). A simple WebP (VP8 or VP8L only, as an encoder writes it) gets the
   * extended (VP8X) header that metadata needs when {@code withIcc}; a simple WebP kept original is
   * returned unchanged (its header is not rewritten), as is GIF.
   */
  byte[] writeInto(byte[] file, ImageFormat format, boolean withIcc) throws IOException {
    return switch (format) {
      case JPEG -> writeJpeg(file, withIcc);
      case PNG -> writePng(file, withIcc);
      case WEBP -> writeWebp(withIcc ? extendedWebp(file) : file, withIcc);
      default -> file;
    };
  }

  private byte[] writeJpeg(byte[] file, boolean withIcc) {
    ByteArrayOutputStream segments = new ByteArrayOutputStream();
    if (exif != null && exif.length + EXIF_ID.length <= 65533) {
      segment(segments, 0xE1, EXIF_ID, exif);
    }
    if (xmp != null) {
      byte[] packet = xmp.getBytes(StandardCharsets.UTF_8);
      if (packet.length <= MAX_JPEG_XMP) {
        segment(segments, 0xE1, XMP_ID, packet);
      }
    }
    if (withIcc && icc != null) {
      int count = (icc.length + ICC_CHUNK - 1) / ICC_CHUNK;
      for (int i = 0; i < count && count < 256; i++) {
        int from = i * ICC_CHUNK;
        byte[] head = Arrays.copyOf(ICC_ID, ICC_ID.length + 2);
        head[ICC_ID.length] = (byte) (i + 1);
        head[ICC_ID.length + 1] = (byte) count;
        segment(
            segments,
            0xE2,
            head,
            Arrays.copyOfRange(icc, from, Math.min(icc.length, from + ICC_CHUNK)));
      }
    }
    if (photoshop != null && photoshop.length <= 65533) {
      segment(segments, 0xED, new byte[0], photoshop);
    }
    for (byte[] comment : comments) {
      segment(segments, 0xFE, new byte[0], comment);
    }
    // After SOI and a JFIF APP0, which must come first.
    int at = 2;
    if (file.length > 6 && u8(file, 2) == 0xFF && u8(file, 3) == 0xE0) {
      at = 4 + u16be(file, 4);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + segments.size());
    out.write(file, 0, at);
    out.write(segments.toByteArray(), 0, segments.size());
    out.write(file, at, file.length - at);
    return out.toByteArray();
  }

  private static void segment(ByteArrayOutputStream out, int marker, byte[] head, byte[] body) {
    int length = 2 + head.length + body.length;
    out.write(0xFF);
    out.write(marker);
    out.write(length >> 8);
    out.write(length);
    out.writeBytes(head);
    out.writeBytes(body);
  }

  private byte[] writePng(byte[] file, boolean withIcc) {
    ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    if (withIcc && icc != null) {
      ByteArrayOutputStream iccp = new ByteArrayOutputStream();
      iccp.writeBytes(ascii("ICC Profile\0\0"));
      iccp.writeBytes(deflate(icc));
      pngChunk(chunks, "iCCP", iccp.toByteArray());
    }
    if (exif != null) {
      pngChunk(chunks, "eXIf", exif);
    }
    if (xmp != null) {
      ByteArrayOutputStream itxt = new ByteArrayOutputStream();
      itxt.writeBytes(ascii(XMP_KEYWORD + "\0\0\0\0\0"));
      itxt.writeBytes(xmp.getBytes(StandardCharsets.UTF_8));
      pngChunk(chunks, "iTXt", itxt.toByteArray());
    }
    for (PngText text : pngText) {
      pngChunk(chunks, text.type(), text.payload());
    }
    if (pngTime != null) {
      pngChunk(chunks, "tIME", pngTime);
    }
    // Right after IHDR: iCCP must precede PLTE and IDAT, and the others may.
    int at = 8 + 12 + (int) u32be(file, 8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + chunks.size());
    out.write(file, 0, at);
    out.write(chunks.toByteArray(), 0, chunks.size());
    out.write(file, at, file.length - at);
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(9);
    try {
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static final int VP8X_XMP_FLAG = 0x04;
  private static final int VP8X_EXIF_FLAG = 0x08;

  private static final int VP8X_ICC_FLAG = 0x20;
  private static final int VP8X_ALPHA_FLAG = 0x10;

  /**
   * A simple WebP (one VP8 or VP8L chunk, as libwebp writes it) with a VP8X header in front, so
   * that ICC, EXIF and XMP chunks may follow; an extended WebP is returned as it is. The canvas
   * size comes from the bitstream's own header.
   */
  static byte[] extendedWebp(byte[] file) throws IOException {
    if (file.length < 30 || startsWith(file, 12, 4, ascii("VP8X"))) {
      return file;
    }
    int width;
    int height;
    boolean alpha;
    if (startsWith(file, 12, 4, ascii("VP8 "))) {
      // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
      width = u16le(file, 26) & 0x3FFF;
      height = u16le(file, 28) & 0x3FFF;
      alpha = false;
    } else if (startsWith(file, 12, 4, ascii("VP8L")) && u8(file, 20) == 0x2F) {
      long bits = Bytes.u32le(file, 21);
      width = (int) (bits & 0x3FFF) + 1;
      height = (int) ((bits >> 14) & 0x3FFF) + 1;
      alpha = ((bits >> 28) & 1) != 0;
    } else {
      throw new IOException("not a simple WebP");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + 18);
    out.writeBytes(ascii("RIFF"));
    out.writeBytes(new byte[4]);
    out.writeBytes(ascii("WEBP"));
    byte[] vp8x = new byte[10];
    vp8x[0] = (byte) (alpha ? VP8X_ALPHA_FLAG : 0);
    for (int i = 0; i < 3; i++) {
      vp8x[4 + i] = (byte) ((width - 1) >> (8 * i));
      vp8x[7 + i] = (byte) ((height - 1) >> (8 * i));
    }
    webpChunk(out, "VP8X", vp8x);
    out.write(file, 12, file.length - 12);
    byte[] result = out.toByteArray();
    setRiffSize(result);
    return result;
  }

  private static int u16le(byte[] data, int pos) {
    return (data[pos] & 0xFF) | ((data[pos + 1] & 0xFF) << 8);
  }

  private static void setRiffSize(byte[] webp) {
    long riffSize = webp.length - 8L;
    for (int i = 0; i < 4; i++) {
      webp[4 + i] = (byte) (riffSize >> (8 * i));
    }
  }

  private byte[] writeWebp(byte[] file, boolean withIcc) {
    if (file.length < 30 || !startsWith(file, 12, 4, ascii("VP8X"))) {
      return file;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + 1024);
    int flags = u8(file, 20);
    if (withIcc && icc != null) {
      // ICCP must come right after VP8X, before the image data.
      int afterVp8x = 12 + 8 + 10;
      out.write(file, 0, afterVp8x);
      webpChunk(out, "ICCP", icc);
      out.write(file, afterVp8x, file.length - afterVp8x);
      flags |= VP8X_ICC_FLAG;
    } else {
      out.write(file, 0, file.length);
    }
    if (exif != null) {
      webpChunk(out, "EXIF", exif);
      flags |= VP8X_EXIF_FLAG;
    }
    if (xmp != null) {
      webpChunk(out, "XMP ", xmp.getBytes(StandardCharsets.UTF_8));
      flags |= VP8X_XMP_FLAG;
    }
    byte[] result = out.toByteArray();
    result[20] = (byte) flags;
    setRiffSize(result);
    return result;
  }

  private static void webpChunk(ByteArrayOutputStream out, String fourCc, byte[] payload) {
    out.writeBytes(ascii(fourCc));
    for (int i = 0; i < 4; i++) {
      out.write(payload.length >> (8 * i));
    }
    out.writeBytes(payload);
    if ((payload.length & 1) != 0) {
      out.write(0);
    }
  }

  // ---------------------------------------------------------------------------------------------

}
