package io.imgbeam.codec;

import java.io.Serializable;
import java.util.Objects;

/**
 * What to do with each image: immutable; {@link #create()} holds every default in one place and
 * each {@code withX} checks its argument and returns a copy.
 */
public final class CompressionSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Default JPEG quality, on the libjpeg 1-100 scale. */
  public static final int DEFAULT_JPEG_QUALITY = 80;

  /** Default pixel limit: 100 megapixels, as sharp's {@code limitInputPixels} order of size. */
  public static final long DEFAULT_MAX_INPUT_PIXELS = 100_000_000L;

  /** Default input size limit: 200 MB. */
  public static final long DEFAULT_MAX_INPUT_BYTES = 200L * 1024 * 1024;

  private final OutputFormat outputFormat;
  private final int jpegQuality;
  private final long maxInputPixels;
  private final long maxInputBytes;

  private CompressionSettings(
      OutputFormat outputFormat, int jpegQuality, long maxInputPixels, long maxInputBytes) {
    this.outputFormat = outputFormat;
    this.jpegQuality = jpegQuality;
    this.maxInputPixels = maxInputPixels;
    this.maxInputBytes = maxInputBytes;
  }

  /** Same format, JPEG quality 80, 100 MP and 200 MB limits. */
  public static CompressionSettings create() {
    return new CompressionSettings(
        OutputFormat.SAME, DEFAULT_JPEG_QUALITY, DEFAULT_MAX_INPUT_PIXELS, DEFAULT_MAX_INPUT_BYTES);
  }

  /** The output format; default {@link OutputFormat#SAME}. */
  public CompressionSettings withOutputFormat(OutputFormat format) {
    Objects.requireNonNull(format, "format");
    return new CompressionSettings(format, jpegQuality, maxInputPixels, maxInputBytes);
  }

  /** JPEG quality, 1 (smallest) to 100 (best); default 80. */
  public CompressionSettings withJpegQuality(int quality) {
    checkRange("quality", quality, 1, 100);
    return new CompressionSettings(outputFormat, quality, maxInputPixels, maxInputBytes);
  }

  /**
   * Largest accepted image area (width x height x frames), checked on the header before any pixel
   * buffer is allocated; default 100,000,000.
   */
  public CompressionSettings withMaxInputPixels(long pixels) {
    checkRange("maxInputPixels", pixels, 1, Long.MAX_VALUE);
    return new CompressionSettings(outputFormat, jpegQuality, pixels, maxInputBytes);
  }

  /** Largest accepted input file, in bytes, checked before the file is read; default 200 MB. */
  public CompressionSettings withMaxInputBytes(long bytes) {
    checkRange("maxInputBytes", bytes, 1, Integer.MAX_VALUE - 64);
    return new CompressionSettings(outputFormat, jpegQuality, maxInputPixels, bytes);
  }

  public OutputFormat outputFormat() {
    return outputFormat;
  }

  public int jpegQuality() {
    return jpegQuality;
  }

  public long maxInputPixels() {
    return maxInputPixels;
  }

  public long maxInputBytes() {
    return maxInputBytes;
  }

  /** Fails with the one message every range check uses: expected X for NAME, got Y. */
  static void checkRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      String expected =
          max == Long.MAX_VALUE ? "at least " + min : "a value from " + min + " to " + max;
      throw new IllegalArgumentException(
          "expected " + expected + " for " + name + ", got " + value);
    }
  }

  @Override
  public String toString() {
    return "CompressionSettings{format="
        + outputFormat.optionName()
        + ", quality="
        + jpegQuality
        + ", maxInputPixels="
        + maxInputPixels
        + ", maxInputBytes="
        + maxInputBytes
        + "}";
  }
}
