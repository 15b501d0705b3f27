package io.imgbeam.codec;

import java.io.Serializable;
import java.util.Objects;

/**
 * What to do with each image: immutable; {@link #create()} holds every default in one place and
 * each {@code withX} checks its argument and returns a copy.
 */
public final class CompressionSettings implements Serializable {
  private static final long serialVersionUID = 3L;

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
  private final MetadataPolicy metadata;
  private final boolean keepDates;
  private final IccPolicy iccProfile;
  private final Resize resize;

  private CompressionSettings(
      OutputFormat outputFormat,
      int jpegQuality,
      long maxInputPixels,
      long maxInputBytes,
      MetadataPolicy metadata,
      boolean keepDates,
      IccPolicy iccProfile,
      Resize resize) {
    this.outputFormat = outputFormat;
    this.jpegQuality = jpegQuality;
    this.maxInputPixels = maxInputPixels;
    this.maxInputBytes = maxInputBytes;
    this.metadata = metadata;
    this.keepDates = keepDates;
    this.iccProfile = iccProfile;
    this.resize = resize;
  }

  /**
   * Same format, JPEG quality 80, 100 MP and 200 MB limits, metadata stripped (dates too), pixels
   * converted to sRGB, no resizing (when limits are set: fit inside, centre gravity, never
   * enlarge).
   */
  public static CompressionSettings create() {
    return new CompressionSettings(
        OutputFormat.SAME,
        DEFAULT_JPEG_QUALITY,
        DEFAULT_MAX_INPUT_PIXELS,
        DEFAULT_MAX_INPUT_BYTES,
        MetadataPolicy.STRIP,
        false,
        IccPolicy.SRGB,
        Resize.NONE);
  }

  /** The output format; default {@link OutputFormat#SAME}. */
  public CompressionSettings withOutputFormat(OutputFormat format) {
    Objects.requireNonNull(format, "format");
    return new CompressionSettings(
        format,
        jpegQuality,
        maxInputPixels,
        maxInputBytes,
        metadata,
        keepDates,
        iccProfile,
        resize);
  }

  /** JPEG quality, 1 (smallest) to 100 (best); default 80. */
  public CompressionSettings withJpegQuality(int quality) {
    checkRange("quality", quality, 1, 100);
    return new CompressionSettings(
        outputFormat,
        quality,
        maxInputPixels,
        maxInputBytes,
        metadata,
        keepDates,
        iccProfile,
        resize);
  }

  /**
   * Largest accepted image area (width x height x frames), checked on the header before any pixel
   * buffer is allocated; default 100,000,000.
   */
  public CompressionSettings withMaxInputPixels(long pixels) {
    checkRange("maxInputPixels", pixels, 1, Long.MAX_VALUE);
    return new CompressionSettings(
        outputFormat, jpegQuality, pixels, maxInputBytes, metadata, keepDates, iccProfile, resize);
  }

  /** Largest accepted input file, in bytes, checked before the file is read; default 200 MB. */
  public CompressionSettings withMaxInputBytes(long bytes) {
    checkRange("maxInputBytes", bytes, 1, Integer.MAX_VALUE - 64);
    return new CompressionSettings(
        outputFormat, jpegQuality, maxInputPixels, bytes, metadata, keepDates, iccProfile, resize);
  }

  /**
   * Which metadata outputs keep, re-encoded and kept originals alike; default {@link
   * MetadataPolicy#STRIP}. See {@link MetadataPolicy} for what each keeps.
   */
  public CompressionSettings withMetadata(MetadataPolicy policy) {
    Objects.requireNonNull(policy, "metadata");
    return new CompressionSettings(
        outputFormat,
        jpegQuality,
        maxInputPixels,
        maxInputBytes,
        policy,
        keepDates,
        iccProfile,
        resize);
  }

  /**
   * Whether {@link MetadataPolicy#KEEP_COPYRIGHT} also keeps the capture and modification dates
   * (EXIF, XMP, IPTC and PNG date fields); default false. {@link MetadataPolicy#KEEP} always keeps
   * them and {@link MetadataPolicy#STRIP} never does.
   */
  public CompressionSettings withKeepDates(boolean value) {
    return new CompressionSettings(
        outputFormat,
        jpegQuality,
        maxInputPixels,
        maxInputBytes,
        metadata,
        value,
        iccProfile,
        resize);
  }

  /**
   * Convert pixels to sRGB and drop the profile ({@link IccPolicy#SRGB}, the default), or keep the
   * pixels and embed the original profile ({@link IccPolicy#KEEP}).
   */
  public CompressionSettings withIccProfile(IccPolicy policy) {
    Objects.requireNonNull(policy, "iccProfile");
    return new CompressionSettings(
        outputFormat,
        jpegQuality,
        maxInputPixels,
        maxInputBytes,
        metadata,
        keepDates,
        policy,
        resize);
  }

  /**
   * The largest output width in pixels, 1 to 65535; default none. The image is scaled after it is
   * turned upright, so this is the displayed width. See {@link Fit} for how width and height limits
   * combine.
   */
  public CompressionSettings withMaxWidth(int pixels) {
    checkRange("maxWidth", pixels, 1, Resize.MAX_SIDE);
    return withResize(resize.withMaxWidth(pixels));
  }

  /** The largest output height in pixels, 1 to 65535; default none. See {@link #withMaxWidth}. */
  public CompressionSettings withMaxHeight(int pixels) {
    checkRange("maxHeight", pixels, 1, Resize.MAX_SIDE);
    return withResize(resize.withMaxHeight(pixels));
  }

  /**
   * How the image meets both limits: {@link Fit#INSIDE} (default), {@link Fit#COVER}, {@link
   * Fit#FILL} or {@link Fit#EXACT}; has an effect only when both limits are set.
   */
  public CompressionSettings withFit(Fit fit) {
    return withResize(resize.withFit(Objects.requireNonNull(fit, "fit")));
  }

  /**
   * What {@link Fit#COVER} keeps when it crops and where {@link Fit#EXACT} places the image;
   * default {@link Gravity#CENTRE}.
   */
  public CompressionSettings withGravity(Gravity gravity) {
    return withResize(resize.withGravity(Objects.requireNonNull(gravity, "gravity")));
  }

  /** Whether images smaller than the limits may be scaled up; default false (never enlarge). */
  public CompressionSettings withEnlarge(boolean value) {
    return withResize(resize.withEnlarge(value));
  }

  private CompressionSettings withResize(Resize value) {
    return new CompressionSettings(
        outputFormat,
        jpegQuality,
        maxInputPixels,
        maxInputBytes,
        metadata,
        keepDates,
        iccProfile,
        value);
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

  public MetadataPolicy metadata() {
    return metadata;
  }

  public boolean keepDates() {
    return keepDates;
  }

  public IccPolicy iccProfile() {
    return iccProfile;
  }

  /**
   * The geometry: limits, fit, gravity, enlarge; {@link Resize#requested()} is false by default.
   */
  public Resize resize() {
    return resize;
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
        + ", metadata="
        + metadata.optionName()
        + ", keepDates="
        + keepDates
        + ", iccProfile="
        + iccProfile.optionName()
        + (resize.requested() ? ", resize=" + resize : "")
        + "}";
  }
}
