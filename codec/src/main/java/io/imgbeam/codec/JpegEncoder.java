package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Optional;

/**
 * JPEG through our own encoder ({@link JpegWriter}): progressive scans with optimised Huffman
 * tables, trellis quantisation, chroma sampling chosen per image, a JFIF header and nothing else.
 * Grey input stays a one-channel JPEG; alpha is flattened over white.
 */
final class JpegEncoder implements ImageEncoder {
  /**
   * Chroma detail (mean squared Cb/Cr deviation inside 2x2 groups, 8-bit units) above which the
   * chroma keeps full resolution. Measured at equal SSIMULACRA 2 (50 to 90): 4:2:0 is smaller for
   * every photo and graphic of the test data (details 0.1 to 28, by 5 to 30 %), 4:4:4 for coloured
   * text (detail 1023, by 35 % at score 70).
   */
  static final double CHROMA_DETAIL_FOR_444 = 100;

  /** Quality steps per unit of a quality search: quarters. */
  static final int QUALITY_STEPS = 4;

  private final double quality;
  private final double encoderQuality;
  private final double encoderLowQuality;
  private final int effort;

  /** Work shared with the other encodes of the same image, or null. */
  private final Shared shared;

  JpegEncoder(double quality) {
    this(quality, CompressionSettings.DEFAULT_JPEG_EFFORT);
  }

  /**
   * @param quality 1 to 100 on the user's scale ({@link JpegQualityScale}: N scores like sharp's
   *     mozjpeg at N), fractional allowed: a quality search steps in quarters (the record's quality
   *     setting is then the nearest integer)
   */
  JpegEncoder(double quality, int effort) {
    this(quality, quality, effort);
  }

  /**
   * An encoder whose lowest steps (the DC and the first AC pair, {@link JpegWriter#LOW_STEPS}) are
   * those of another quality ({@code lowQuality}, same scale), every other step {@code quality}'s:
   * what a quality search's second phase tries ({@link #lowSteps}).
   */
  JpegEncoder(double quality, double lowQuality, int effort) {
    this(
        checkQuality(quality),
        JpegQualityScale.encoderQuality(quality),
        JpegQualityScale.encoderQuality(checkQuality(lowQuality)),
        effort);
  }

  private JpegEncoder(double quality, double encoderQuality, double encoderLowQuality, int effort) {
    this(quality, encoderQuality, encoderLowQuality, effort, null);
  }

  private JpegEncoder(
      double quality, double encoderQuality, double encoderLowQuality, int effort, Shared shared) {
    CompressionSettings.checkRange("jpegEffort", effort, 0, 1);
    this.quality = quality;
    this.encoderQuality = encoderQuality;
    this.encoderLowQuality = encoderLowQuality;
    this.effort = effort;
    this.shared = shared;
  }

  /**
   * This encoder, its encodes done with {@code shared}'s work on the image: for the encoders of one
   * quality search, which all encode the same image.
   */
  JpegEncoder sharing(Shared shared) {
    return new JpegEncoder(quality, encoderQuality, encoderLowQuality, effort, shared);
  }

  /**
   * An encoder at a quality of {@link JpegWriter}'s own table scale, bypassing the user scale: for
   * the bench that calibrates that scale.
   */
  static JpegEncoder onEncoderScale(double encoderQuality, int effort) {
    return new JpegEncoder(checkQuality(encoderQuality), encoderQuality, encoderQuality, effort);
  }

  /**
   * The lowest steps (DC and first AC pair) of a quality on the user's scale as one number, before
   * any step of a source JPEG replaces them ({@link JpegWriter#lowSteps}); the qualities sharing
   * them form one range. Where the DC step changes between two adjacent quarter qualities the score
   * jumps by up to 5 points of SSIMULACRA 2 on photos, while a quarter step of the other steps
   * moves it by at most about 1.
   */
  static int lowSteps(double quality) {
    return JpegWriter.lowSteps(JpegQualityScale.encoderQuality(quality));
  }

  private static double checkQuality(double quality) {
    if (!(quality >= 1 && quality <= 100)) {
      throw new IllegalArgumentException(
          "expected a value from 1 to 100 for quality, got "
              + (quality == Math.rint(quality) ? Long.toString((long) quality) : quality));
    }
    return quality;
  }

  @Override
  public int qualitySteps() {
    return QUALITY_STEPS;
  }

  @Override
  public ImageFormat format() {
    return ImageFormat.JPEG;
  }

  @Override
  public boolean keepsAlpha() {
    return false;
  }

  @Override
  public Optional<String> refusal(int width, int height) {
    if (width > 65535 || height > 65535) {
      return Optional.of("JPEG holds at most 65535 x 65535 pixels, got " + width + " x " + height);
    }
    return Optional.empty();
  }

  @Override
  public Encoded encode(BufferedImage image) throws IOException {
    checkSize(image);
    if (shared != null) {
      return shared.encode(image, this);
    }
    BufferedImage pixels = eightBit(image);
    return new Encoded(
        JpegWriter.encode(pixels, encoderQuality, encoderLowQuality, effort, CHROMA_DETAIL_FOR_444),
        pixels,
        (int) Math.round(quality));
  }

  /**
   * The work of one image's encodes that does not depend on the quality, done by the first encode
   * and kept for the others until {@link #close}: a quality search encodes the same pixels up to
   * {@code --maxEncodes} times. It keeps the 8-bit pixels (the encodes' reference, converted once
   * when the image is not 8-bit already) and the {@link JpegWriter.Prepared} image: planes loaded
   * in the chosen chroma sampling, texture weights and every block's DCT, one copy that every
   * encode reads. Those take 6 bytes per pixel in 4:2:0 (12 in 4:4:4, 4 for grey; {@link
   * JpegWriter.Prepared#bytes}) of the decoded-pixel budget ({@link PixelBudget}) while kept; when
   * the budget cannot spare them ({@link PixelBudget#tryAcquireSpare}: an image waits for it, or no
   * room would be left for another image of this size), every encode starts from the pixels
   * instead. The bytes are the same either way. One image, one effort and one thread per instance.
   */
  static final class Shared implements AutoCloseable {
    private BufferedImage image;
    private BufferedImage pixels;
    private int effort;
    private JpegWriter.Prepared prepared;
    private PixelBudget.Lease lease;

    /** Encodes {@code image} with {@code encoder}'s settings, reusing what earlier encodes did. */
    private Encoded encode(BufferedImage image, JpegEncoder encoder) {
      byte[] bytes;
      if (this.image == null) {
        this.image = image;
        pixels = eightBit(image);
        effort = encoder.effort;
        JpegWriter.Prepared p = JpegWriter.prepare(pixels, effort, CHROMA_DETAIL_FOR_444);
        lease = PixelBudget.tryAcquireSpare(p.bytes(), (long) image.getWidth() * image.getHeight());
        prepared = lease == null ? null : p;
        bytes = JpegWriter.encode(p, encoder.encoderQuality, encoder.encoderLowQuality);
      } else {
        if (image != this.image || encoder.effort != effort) {
          throw new IllegalArgumentException(
              "expected the image and effort of the first encode for a shared JPEG encode, got "
                  + (image != this.image ? "another image" : "effort " + encoder.effort));
        }
        bytes =
            prepared != null
                ? JpegWriter.encode(prepared, encoder.encoderQuality, encoder.encoderLowQuality)
                : JpegWriter.encode(
                    pixels,
                    encoder.encoderQuality,
                    encoder.encoderLowQuality,
                    effort,
                    CHROMA_DETAIL_FOR_444);
      }
      return new Encoded(bytes, pixels, (int) Math.round(encoder.quality));
    }

    /** Whether the prepared image is kept for the next encodes. */
    boolean prepared() {
      return prepared != null;
    }

    /** Drops the prepared image and gives its share of the pixel budget back. */
    @Override
    public void close() {
      prepared = null;
      if (lease != null) {
        lease.close();
        lease = null;
      }
    }
  }

  /**
   * The image as opaque 8-bit RGB or grey: itself when it already is (no copy; decoded JPEGs are
   * interleaved RGB bytes, {@link Pixels#rgbByteOffsets}), else converted.
   */
  private static BufferedImage eightBit(BufferedImage image) {
    int type = image.getType();
    if (type == BufferedImage.TYPE_INT_RGB
        || type == BufferedImage.TYPE_BYTE_GRAY
        || Pixels.rgbByteOffsets(image) != null) {
      return image;
    }
    return Pixels.isGrey(image) ? Pixels.toGrey8(image) : Pixels.toRgb8(image);
  }
}
