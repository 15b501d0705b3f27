package io.imgbeam.codec;

import java.util.List;
import java.util.Optional;

/**
 * What the codec did with one input: the status, the bytes to write (if any) and the facts that go
 * into the outcome record. Immutable.
 */
public final class CompressionResult {
  private final Status status;
  private final ImageFormat inputFormat;
  private final ImageFormat outputFormat;
  private final long inputBytes;
  private final byte[] output;
  private final int width;
  private final int height;
  private final int outputWidth;
  private final int outputHeight;
  private final Integer qualitySetting;
  private final Double qualityExact;
  private final Double jpegLowFrequencyQuality;
  private final String scoreName;
  private final Double score;
  private final Integer encodesTried;
  private final String target;
  private final Boolean targetMet;
  private final long encodeMillis;
  private final long totalMillis;
  private final List<String> metadataRemoved;
  private final List<String> candidates;
  private final boolean hadGps;
  private final boolean hadSerial;
  private final boolean hadOwner;
  private final String inputSha256;
  private final String outputSha256;
  private final Stage errorStage;
  private final String errorClass;
  private final String errorMessage;
  private final Preview.Images previews;

  private CompressionResult(Builder b) {
    this.status = b.status;
    this.inputFormat = b.inputFormat;
    this.outputFormat = b.outputFormat;
    this.inputBytes = b.inputBytes;
    this.output = b.output;
    this.width = b.width;
    this.height = b.height;
    this.outputWidth = b.outputWidth;
    this.outputHeight = b.outputHeight;
    this.qualitySetting = b.qualitySetting;
    this.qualityExact = b.qualityExact;
    this.jpegLowFrequencyQuality = b.jpegLowFrequencyQuality;
    this.scoreName = b.scoreName;
    this.score = b.score;
    this.encodesTried = b.encodesTried;
    this.target = b.target;
    this.targetMet = b.targetMet;
    this.encodeMillis = b.encodeMillis;
    this.totalMillis = b.totalMillis;
    this.metadataRemoved = List.copyOf(b.metadataRemoved);
    this.candidates = b.candidates == null ? null : List.copyOf(b.candidates);
    this.hadGps = b.hadGps;
    this.hadSerial = b.hadSerial;
    this.hadOwner = b.hadOwner;
    this.inputSha256 = b.inputSha256;
    this.outputSha256 = b.output == null ? null : Hashes.sha256(b.output);
    this.errorStage = b.errorStage;
    this.errorClass = b.errorClass;
    this.errorMessage = b.errorMessage;
    this.previews = b.previews;
  }

  public Status status() {
    return status;
  }

  /** The sniffed input format; {@link ImageFormat#UNKNOWN} when not recognised. */
  public ImageFormat inputFormat() {
    return inputFormat;
  }

  /** The written format, present when {@link #output()} is. */
  public Optional<ImageFormat> outputFormat() {
    return Optional.ofNullable(outputFormat);
  }

  public long inputBytes() {
    return inputBytes;
  }

  /** The bytes to write: present for {@link Status#WRITTEN} and {@link Status#KEPT_ORIGINAL}. */
  public Optional<byte[]> output() {
    return Optional.ofNullable(output);
  }

  /** Input width as stored (before orientation); 0 when the header could not be read. */
  public int width() {
    return width;
  }

  /** Input height as stored (before orientation); 0 when the header could not be read. */
  public int height() {
    return height;
  }

  /** Output width as displayed; 0 when there is no output. */
  public int outputWidth() {
    return outputWidth;
  }

  /** Output height as displayed; 0 when there is no output. */
  public int outputHeight() {
    return outputHeight;
  }

  /** The encoder's quality setting (JPEG 1-100); empty for lossless output. */
  public Optional<Integer> qualitySetting() {
    return Optional.ofNullable(qualitySetting);
  }

  /**
   * The quality a search chose when it is not a whole number (JPEG searches step in quarters;
   * {@link #qualitySetting()} is it rounded); empty when {@link #qualitySetting()} is exact.
   */
  public Optional<Double> qualityExact() {
    return Optional.ofNullable(qualityExact);
  }

  /**
   * The quality whose lowest-frequency quantisation steps (the DC and the first AC pair, luma and
   * chroma) a JPEG output has when they are not its own quality's: where those steps change at a
   * target search's answer, its second phase keeps the answer's while the other steps take a lower
   * quality ({@link #qualityExact()}, else {@link #qualitySetting()}), so this quality and that one
   * together reproduce the output; empty when the output has its own quality's steps.
   */
  public Optional<Double> jpegLowFrequencyQuality() {
    return Optional.ofNullable(jpegLowFrequencyQuality);
  }

  /** The metric {@link #score()} is measured in ({@code "ssim"}). */
  public Optional<String> scoreName() {
    return Optional.ofNullable(scoreName);
  }

  /** Output against decoded input; 1.0 for pixel-identical output. */
  public Optional<Double> score() {
    return Optional.ofNullable(score);
  }

  /** How many encodes made the output: 1 without a search, 0 for a kept original. */
  public Optional<Integer> encodesTried() {
    return Optional.ofNullable(encodesTried);
  }

  /**
   * The goals of the quality search ({@link CompressionSettings#goals()}), when any were set and an
   * output was decided.
   */
  public Optional<String> target() {
    return Optional.ofNullable(target);
  }

  /** Whether the output meets the target score and fits the byte cap; empty without goals. */
  public Optional<Boolean> targetMet() {
    return Optional.ofNullable(targetMet);
  }

  public long encodeMillis() {
    return encodeMillis;
  }

  public long totalMillis() {
    return totalMillis;
  }

  /** The metadata groups the input had and the output does not ({@code exif}, {@code gps}...). */
  public List<String> metadataRemoved() {
    return metadataRemoved;
  }

  /**
   * With {@code --format=auto}: every candidate format as {@code "webp:12345"} (its output size in
   * bytes, metadata included) or {@code "jpeg:skipped (reason)"}, in the order tried; empty for a
   * fixed format.
   */
  public Optional<List<String>> candidates() {
    return Optional.ofNullable(candidates);
  }

  public boolean hadGps() {
    return hadGps;
  }

  /** The input named a camera body or lens serial number (EXIF, XMP or maker notes). */
  public boolean hadSerial() {
    return hadSerial;
  }

  /** The input named the camera's owner (EXIF, XMP or maker notes). */
  public boolean hadOwner() {
    return hadOwner;
  }

  public String inputSha256() {
    return inputSha256;
  }

  public Optional<String> outputSha256() {
    return Optional.ofNullable(outputSha256);
  }

  public Optional<Stage> errorStage() {
    return Optional.ofNullable(errorStage);
  }

  public Optional<String> errorClass() {
    return Optional.ofNullable(errorClass);
  }

  /**
   * The report's pictures of this image, made from its pixels while they were in memory; present
   * only for a written image the caller asked for (see {@link Preview.Wanted}).
   */
  public Optional<Preview.Images> previews() {
    return Optional.ofNullable(previews);
  }

  public Optional<String> errorMessage() {
    return Optional.ofNullable(errorMessage);
  }

  @Override
  public String toString() {
    return "CompressionResult{"
        + status
        + ", "
        + inputFormat.recordName()
        + " -> "
        + (outputFormat == null ? "-" : outputFormat.recordName())
        + ", "
        + inputBytes
        + " -> "
        + (output == null ? "-" : output.length)
        + (errorMessage == null ? "" : ", " + errorStage + ": " + errorMessage)
        + "}";
  }

  static Builder builder() {
    return new Builder();
  }

  /** Filled in step by step by {@link ImageCompressor}. */
  static final class Builder {
    private Status status;
    private ImageFormat inputFormat = ImageFormat.UNKNOWN;
    private ImageFormat outputFormat;
    private long inputBytes;
    private byte[] output;
    private int width;
    private int height;
    private int outputWidth;
    private int outputHeight;
    private Integer qualitySetting;
    private Double qualityExact;
    private Double jpegLowFrequencyQuality;
    private String scoreName;
    private Double score;
    private Integer encodesTried;
    private String target;
    private Boolean targetMet;
    private long encodeMillis;
    private long totalMillis;
    private List<String> metadataRemoved = List.of();
    private List<String> candidates;
    private boolean hadGps;
    private boolean hadSerial;
    private boolean hadOwner;
    private String inputSha256;
    private Stage errorStage;
    private String errorClass;
    private String errorMessage;
    private Preview.Images previews;

    Builder status(Status value) {
      status = value;
      return this;
    }

    Builder inputFormat(ImageFormat value) {
      inputFormat = value;
      return this;
    }

    Builder inputBytes(long value) {
      inputBytes = value;
      return this;
    }

    Builder inputSha256(String value) {
      inputSha256 = value;
      return this;
    }

    Builder inputSize(int w, int h) {
      width = w;
      height = h;
      return this;
    }

    Builder output(ImageFormat format, byte[] bytes, int w, int h) {
      outputFormat = format;
      output = bytes;
      outputWidth = w;
      outputHeight = h;
      return this;
    }

    Builder quality(Integer value) {
      qualitySetting = value;
      return this;
    }

    /** The searched quality, kept only when it is not a whole number. */
    Builder qualityExact(Double value) {
      qualityExact = value == null || value == Math.rint(value) ? null : value;
      return this;
    }

    /** The quality of a JPEG output's lowest-frequency steps, or null when it is its own. */
    Builder jpegLowFrequencyQuality(Double value) {
      jpegLowFrequencyQuality = value;
      return this;
    }

    Builder score(String name, double value) {
      scoreName = name;
      score = value;
      return this;
    }

    Builder encodesTried(int value) {
      encodesTried = value;
      return this;
    }

    /** The goals and whether the output meets them; a null {@code goals} leaves both empty. */
    Builder target(String goals, boolean met) {
      target = goals;
      targetMet = goals == null ? null : met;
      return this;
    }

    Builder encodeMillis(long value) {
      encodeMillis = value;
      return this;
    }

    Builder totalMillis(long value) {
      totalMillis = value;
      return this;
    }

    Builder privacy(boolean gps, boolean serial, boolean owner) {
      hadGps = gps;
      hadSerial = serial;
      hadOwner = owner;
      return this;
    }

    Builder metadataRemoved(List<String> removed) {
      metadataRemoved = removed;
      return this;
    }

    Builder candidates(List<String> value) {
      candidates = value;
      return this;
    }

    Builder previews(Preview.Images value) {
      previews = value;
      return this;
    }

    Builder error(Stage stage, String errorClassName, String message) {
      errorStage = stage;
      errorClass = errorClassName;
      errorMessage = message;
      return this;
    }

    CompressionResult build() {
      return new CompressionResult(this);
    }
  }
}
