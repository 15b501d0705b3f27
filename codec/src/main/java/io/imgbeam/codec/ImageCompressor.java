package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Compresses one encoded image. Thread-safe and cheap to create; holds only its settings.
 *
 * <p>The steps run in a fixed order, each returning early when it does not apply:
 *
 * <ol>
 *   <li>sniff the format from the magic bytes (never the file name);
 *   <li>probe the header and apply the size limits before any pixel buffer exists;
 *   <li>scan metadata: orientation, the privacy audit (GPS, serials, owners), and read the blocks
 *       the metadata policy may keep;
 *   <li>decode; decoder warnings count as errors;
 *   <li>orient: the EXIF orientation goes into the pixels, since the output has no tag to carry it;
 *   <li>colour: convert to sRGB, after orientation, because both are per-pixel and independent, and
 *       before encoding, since the output carries no profile; or, with {@link IccPolicy#KEEP}, keep
 *       the samples and the profile;
 *   <li>resize ({@code --maxWidth}, {@code --maxHeight}, {@code --fit}): after orientation, so the
 *       limits apply to the displayed width and height, and after colour, so the filter works on
 *       sRGB samples it can linearise; before encoding, which must see the final pixels. When the
 *       target is much smaller, decoding already skipped pixels (see {@link #subsampling});
 *   <li>encode the target format;
 *   <li>verify: decode the output again and compare it with what was encoded; this runs before the
 *       metadata goes in, so that a profile in the output cannot change what the decoder returns;
 *   <li>metadata: write the blocks the policy keeps (orientation reset to 1, since the pixels are
 *       upright now) and the kept profile into the encoded file;
 *   <li>decide: when the output is not smaller than an input of the same format and was not
 *       resized, keep the input's own bytes with its metadata filtered losslessly by the same
 *       policy. A resized output is never replaced by the unresized input.
 * </ol>
 *
 * <p>Data errors (corrupt files, unsupported formats, limits) end in a {@link CompressionResult}
 * with their status, stage and message; this method does not throw for them.
 */
public final class ImageCompressor {
  private static final String SCORE_NAME = "ssim";

  /** Below this SSIM a JPEG output is treated as broken rather than merely lossy. */
  private static final double MIN_VERIFIED_SSIM = 0.5;

  /** How many times the target size a subsampled decode keeps; see {@link #subsampling}. */
  private static final int KEPT_BEFORE_FILTER = 4;

  private final CompressionSettings settings;

  private ImageCompressor(CompressionSettings settings) {
    this.settings = settings;
  }

  /** A compressor with the given settings. */
  public static ImageCompressor of(CompressionSettings settings) {
    return new ImageCompressor(settings);
  }

  public CompressionSettings settings() {
    return settings;
  }

  /** Compresses {@code input}; never returns null, never throws for bad data. */
  public CompressionResult compress(byte[] input) {
    long start = System.nanoTime();
    CompressionResult.Builder result =
        CompressionResult.builder().inputBytes(input.length).inputSha256(Hashes.sha256(input));
    try {
      run(input, result);
    } catch (CodecException e) {
      result.status(e.status()).error(e.stage(), e.errorClass(), e.getMessage());
    }
    return result.totalMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).build();
  }

  private void run(byte[] input, CompressionResult.Builder result) throws CodecException {
    if (input.length > settings.maxInputBytes()) {
      throw new CodecException(
          Status.REJECTED_LIMIT,
          Stage.READ,
          "input is "
              + input.length
              + " bytes, over the limit maxInputBytes="
              + settings.maxInputBytes());
    }

    // 1. Sniff.
    ImageFormat format = sniff(input, result);

    // 2. Probe.
    ImageReading.Header header = probe(input, format);
    result.inputSize(header.width(), header.height());

    // 3. Metadata. The blocks are read only when something may be kept.
    MetadataScan metadata = MetadataScan.of(input);
    result.privacy(metadata.hasGps(), metadata.hasSerial(), metadata.hasOwner());
    MetadataBlocks blocks =
        settings.metadata() == MetadataPolicy.STRIP && settings.iccProfile() == IccPolicy.SRGB
            ? MetadataBlocks.NONE
            : MetadataBlocks.read(input, format);

    // Animations, and WebP until a WebP encoder exists, are kept as they are: a single-image
    // encoder would lose frames, and re-encoding lossy WebP as JPEG only adds bytes.
    ImageFormat target = targetFormat(format, header);
    boolean swap = Orientation.swapsAxes(metadata.orientation());
    Resize.Plan plan =
        settings
            .resize()
            .plan(swap ? header.height() : header.width(), swap ? header.width() : header.height());
    boolean resized = !plan.isIdentity();
    if (target == null) {
      if (resized) {
        throw cannotResize(format, header);
      }
      keepOriginal(input, format, header, metadata, blocks, result);
      return;
    }

    // 4. Decode.
    BufferedImage image;
    try {
      image =
          ImageReading.decode(
              input,
              format,
              settings.iccProfile() == IccPolicy.KEEP,
              subsampling(header.width(), swap ? plan.scaledHeight() : plan.scaledWidth()),
              subsampling(header.height(), swap ? plan.scaledWidth() : plan.scaledHeight()));
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.DECODE, e);
    }

    // 5. Orient.
    image = Orientation.apply(image, metadata.orientation());

    // 6. Colour.
    byte[] keptProfile = null;
    try {
      if (settings.iccProfile() == IccPolicy.KEEP && ColourConversion.canKeepProfile(image)) {
        keptProfile = blocks.icc() != null ? blocks.icc() : ColourConversion.profileData(image);
        image = ColourConversion.untagged(image);
      } else {
        image = ColourConversion.toSrgb(image);
      }
    } catch (RuntimeException e) {
      throw CodecException.failed(Stage.COLOUR, e);
    }

    // 7. Resize.
    if (resized) {
      try {
        image = Resizer.apply(image, plan);
      } catch (RuntimeException e) {
        throw CodecException.failed(Stage.RESIZE, e);
      }
    }

    // 8. Encode.
    ImageEncoder encoder =
        target == ImageFormat.JPEG ? new JpegEncoder(settings.jpegQuality()) : new PngEncoder();
    long encodeStart = System.nanoTime();
    ImageEncoder.Encoded encoded;
    try {
      encoded = encoder.encode(image);
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.ENCODE, e);
    }
    result.encodeMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - encodeStart));

    // 9. Verify.
    double score = verify(encoded, target);

    // 10. Metadata.
    BufferedImage reference = encoded.reference();
    MetadataBlocks kept =
        MetadataFilter.apply(
                blocks,
                settings.metadata(),
                settings.keepDates(),
                new MetadataFilter.Target(1, reference.getWidth(), reference.getHeight()))
            .withIcc(keptProfile);
    byte[] output;
    try {
      output = kept.isEmpty() ? encoded.bytes() : kept.writeInto(encoded.bytes(), target, true);
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.ENCODE, e);
    }

    // 11. Decide. A resized output stays, even when larger: the input does not have the size asked.
    if (target == format && !resized && output.length >= input.length) {
      keepOriginal(input, format, header, metadata, blocks, result);
      return;
    }
    result
        .status(Status.WRITTEN)
        .output(target, output, reference.getWidth(), reference.getHeight())
        .quality(encoded.quality())
        .score(SCORE_NAME, score)
        .metadataRemoved(metadata.removedIn(MetadataScan.of(output)));
  }

  /**
   * The decode step along one stored axis: how many source pixels to skip per pixel kept so that at
   * least four times the {@code target} size remains, or 1 when the reduction is less than 8 times.
   * Subsampling is point sampling, so what it drops aliases; at four times the target the final
   * Lanczos pass still sets the quality (SSIM 0.995 against a full decode's reference on photos),
   * while at twice the target the aliasing showed (0.983).
   */
  static int subsampling(int stored, int target) {
    return Math.max(1, stored / (KEPT_BEFORE_FILTER * Math.max(1, target)));
  }

  /**
   * Inputs kept in their own format (animations, WebP until it has an encoder) cannot be resized;
   * passing them on unresized would break the size promise, so they are refused instead.
   */
  private static CodecException cannotResize(ImageFormat format, ImageReading.Header header) {
    String message =
        header.frames() > 1
            ? "cannot resize an animated "
                + format.recordName()
                + " ("
                + header.frames()
                + " frames) without losing frames"
            : "cannot resize "
                + format.recordName()
                + " with --format=same: there is no "
                + format.recordName()
                + " encoder yet; --format=jpeg or --format=png resizes it";
    return new CodecException(Status.UNSUPPORTED, Stage.RESIZE, message);
  }

  private static ImageFormat sniff(byte[] input, CompressionResult.Builder result)
      throws CodecException {
    if (input.length == 0) {
      throw new CodecException(Status.FAILED, Stage.SNIFF, "empty file (0 bytes)");
    }
    ImageFormat format = ImageFormat.sniff(input);
    result.inputFormat(format);
    if (format == ImageFormat.UNKNOWN) {
      int n = Math.min(8, input.length);
      throw new CodecException(
          Status.UNSUPPORTED,
          Stage.SNIFF,
          "not a recognised image format (first bytes "
              + HexFormat.ofDelimiter(" ").formatHex(input, 0, n)
              + ")");
    }
    if (!format.isDecodable()) {
      throw new CodecException(
          Status.UNSUPPORTED, Stage.SNIFF, format.recordName() + " input is not supported");
    }
    return format;
  }

  private ImageReading.Header probe(byte[] input, ImageFormat format) throws CodecException {
    ImageReading.Header header;
    try {
      header = ImageReading.probe(input, format);
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.PROBE, e);
    }
    if (header.width() <= 0 || header.height() <= 0) {
      throw new CodecException(
          Status.FAILED,
          Stage.PROBE,
          "invalid dimensions " + header.width() + "x" + header.height());
    }
    if (header.pixels() > settings.maxInputPixels()) {
      throw new CodecException(
          Status.REJECTED_LIMIT,
          Stage.PROBE,
          header.width()
              + "x"
              + header.height()
              + (header.frames() > 1 ? "x" + header.frames() + " frames" : "")
              + " is "
              + header.pixels()
              + " pixels, over the limit maxInputPixels="
              + settings.maxInputPixels());
    }
    return header;
  }

  /**
   * The format to encode, or null to keep the input's bytes (animations and WebP with {@link
   * OutputFormat#SAME}).
   */
  private ImageFormat targetFormat(ImageFormat format, ImageReading.Header header)
      throws CodecException {
    OutputFormat wanted = settings.outputFormat();
    boolean strippable = format != ImageFormat.TIFF && format != ImageFormat.BMP;
    if (header.frames() > 1) {
      if (wanted == OutputFormat.SAME && strippable) {
        return null;
      }
      throw new CodecException(
          Status.UNSUPPORTED,
          Stage.PROBE,
          format.recordName()
              + " with "
              + header.frames()
              + " frames cannot be written as "
              + (wanted == OutputFormat.SAME ? "a single image" : wanted.optionName())
              + " without losing frames"
              + (strippable ? "; --format=same keeps it (metadata removed)" : ""));
    }
    return switch (wanted) {
      case JPEG -> ImageFormat.JPEG;
      case PNG -> ImageFormat.PNG;
      case SAME ->
          switch (format) {
            case JPEG -> ImageFormat.JPEG;
            case WEBP -> null;
            default -> ImageFormat.PNG;
          };
    };
  }

  /** Decodes the output and checks it against what was encoded; returns the score. */
  private static double verify(ImageEncoder.Encoded encoded, ImageFormat format)
      throws CodecException {
    BufferedImage decoded;
    try {
      decoded = ImageReading.decode(encoded.bytes(), format);
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.VERIFY, e);
    }
    BufferedImage reference = encoded.reference();
    if (decoded.getWidth() != reference.getWidth()
        || decoded.getHeight() != reference.getHeight()) {
      throw new CodecException(
          Status.FAILED,
          Stage.VERIFY,
          "output decodes to "
              + decoded.getWidth()
              + "x"
              + decoded.getHeight()
              + ", expected "
              + reference.getWidth()
              + "x"
              + reference.getHeight());
    }
    if (encoded.lossless()) {
      if (!PixelEquality.equal(reference, decoded)) {
        throw new CodecException(
            Status.FAILED, Stage.VERIFY, "lossless output does not decode to the same pixels");
      }
      return 1.0;
    }
    double score = Ssim.score(reference, decoded);
    if (score < MIN_VERIFIED_SSIM) {
      throw new CodecException(
          Status.FAILED, Stage.VERIFY, "output SSIM " + score + " is below " + MIN_VERIFIED_SSIM);
    }
    return score;
  }

  /**
   * The input's own bytes, metadata filtered losslessly: everything the policy does not keep is
   * removed, and what it keeps goes back in. The orientation stays as it was, since the pixels are
   * not rotated; it lives in the kept EXIF block, or, when there is none, in a minimal one.
   */
  private void keepOriginal(
      byte[] input,
      ImageFormat format,
      ImageReading.Header header,
      MetadataScan metadata,
      MetadataBlocks blocks,
      CompressionResult.Builder result)
      throws CodecException {
    byte[] output;
    try {
      if (format == ImageFormat.GIF && settings.metadata() == MetadataPolicy.KEEP) {
        // GIF's metadata (comments, XMP application blocks) has nothing that becomes wrong.
        output = input;
      } else {
        MetadataBlocks kept =
            MetadataFilter.apply(
                blocks,
                settings.metadata(),
                settings.keepDates(),
                new MetadataFilter.Target(metadata.orientation(), header.width(), header.height()));
        boolean exifKept = kept.exif() != null && format != ImageFormat.GIF;
        output = MetadataStripper.strip(input, format, exifKept ? 1 : metadata.orientation());
        if (!kept.isEmpty()) {
          output = kept.writeInto(output, format, false);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.DECIDE, e);
    }
    boolean swap = Orientation.swapsAxes(metadata.orientation());
    result
        .status(Status.KEPT_ORIGINAL)
        .output(
            format,
            output,
            swap ? header.height() : header.width(),
            swap ? header.width() : header.height())
        .score(SCORE_NAME, 1.0)
        .metadataRemoved(metadata.removedIn(MetadataScan.of(output)));
  }
}
