package io.imgbeam.codec;

import java.util.Locale;

/**
 * An image container format, recognised by its magic bytes and never by a file name.
 *
 * <p>Formats we can read are {@link #isDecodable() decodable}; the others are recognised only so
 * that their outcome record can say what they were ({@code UNSUPPORTED}).
 */
public enum ImageFormat {
  JPEG("jpg", true),
  PNG("png", true),
  GIF("gif", true),
  WEBP("webp", true),
  TIFF("tif", true),
  BMP("bmp", true),
  AVIF("avif", false),
  HEIF("heic", false),
  JXL("jxl", false),
  SVG("svg", false),
  PDF("pdf", false),
  UNKNOWN("", false);

  /** How many leading bytes {@link #sniff} needs to tell every format apart. */
  public static final int SNIFF_BYTES = 512;

  private final String extension;
  private final boolean decodable;

  ImageFormat(String extension, boolean decodable) {
    this.extension = extension;
    this.decodable = decodable;
  }

  /** The usual file extension, without a dot ({@code "jpg"}); empty for {@link #UNKNOWN}. */
  public String extension() {
    return extension;
  }

  /** Whether the codec can decode this format. */
  public boolean isDecodable() {
    return decodable;
  }

  /** The lower-case name used in outcome records ({@code "jpeg"}). */
  public String recordName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Chooses the format from the first bytes of a file; {@link #UNKNOWN} when nothing matches. */
  public static ImageFormat sniff(byte[] head) {
    if (startsWith(head, 0, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (startsWith(head, 0, 'G', 'I', 'F', '8', '7', 'a')
        || startsWith(head, 0, 'G', 'I', 'F', '8', '9', 'a')) {
      return GIF;
    }
    if (startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'E', 'B', 'P')) {
      return WEBP;
    }
    if (startsWith(head, 0, 'I', 'I', 42, 0)
        || startsWith(head, 0, 'M', 'M', 0, 42)
        || startsWith(head, 0, 'I', 'I', 43, 0)
        || startsWith(head, 0, 'M', 'M', 0, 43)) {
      return TIFF;
    }
    if (startsWith(head, 0, 'B', 'M') && head.length >= 26) {
      return BMP;
    }
    if (startsWith(head, 4, 'f', 't', 'y', 'p')) {
      return isoBrand(head);
    }
    if (startsWith(head, 0, 0xFF, 0x0A) || startsWith(head, 0, 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ')) {
      return JXL;
    }
    if (startsWith(head, 0, '%', 'P', 'D', 'F', '-')) {
      return PDF;
    }
    if (looksLikeSvg(head)) {
      return SVG;
    }
    return UNKNOWN;
  }

  private static ImageFormat isoBrand(byte[] head) {
    if (head.length < 12) {
      return UNKNOWN;
    }
    String brand = new String(head, 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
    return switch (brand) {
      case "avif", "avis" -> AVIF;
      case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1" -> HEIF;
      default -> UNKNOWN;
    };
  }

  private static boolean looksLikeSvg(byte[] head) {
    String text =
        new String(
                head,
                0,
                Math.min(head.length, SNIFF_BYTES),
                java.nio.charset.StandardCharsets.ISO_8859_1)
            .stripLeading()
            .toLowerCase(Locale.ROOT);
    return text.startsWith("<svg") || (text.startsWith("<?xml") && text.contains("<svg"));
  }

  private static boolean startsWith(byte[] data, int offset, int... expected) {
    if (data.length < offset + expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if ((data[offset + i] & 0xFF) != expected[i]) {
        return false;
      }
    }
    return true;
  }
}
