package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Optional;

/**
 * Still-picture AVIF through FFmpeg and libaom ({@link AvifNative}): 8- or 10-bit, 4:2:0 or 4:4:4
 * chroma (grey images as one monochrome plane), alpha as a lossless auxiliary image.
 *
 * <p>Quality maps to libaom's constant-quality level as libavif maps its quality: {@code crf =
 * ((100 - quality) * 63 + 50) / 100}, so quality 100 is crf 0 and quality 1 is crf 62. Effort maps
 * to libaom's speed: {@code cpu-used = 8 - effort}.
 */
final class AvifEncoder implements ImageEncoder {
  /** AV1 level 6.3's largest frame side; larger images would need a grid of tiles. */
  static final int MAX_SIDE = 16384;

  /** AV1 level 6.3's largest frame area (MaxPicSize), about 35.7 megapixels. */
  static final long MAX_PIXELS = 35_651_584L;

  private final int quality;
  private final int effort;
  private final boolean chroma444;
  private final int bitDepth;

  AvifEncoder(int quality, int effort, boolean chroma444, int bitDepth) {
    CompressionSettings.checkRange("avifQuality", quality, 1, 100);
    CompressionSettings.checkRange("avifEffort", effort, 0, 8);
    if (bitDepth != 8 && bitDepth != 10) {
      throw new IllegalArgumentException("expected 8 or 10 for avifBitDepth, got " + bitDepth);
    }
    this.quality = quality;
    this.effort = effort;
    this.chroma444 = chroma444;
    this.bitDepth = bitDepth;
  }

  /** libaom's constant-quality level for a quality on the 1-100 scale (libavif's mapping). */
  static int crf(int quality) {
    return ((100 - quality) * 63 + 50) / 100;
  }

  @Override
  public ImageFormat format() {
    return ImageFormat.AVIF;
  }

  @Override
  public boolean carriesMetadata() {
    // FFmpeg's avif muxer writes no Exif or XMP items and no ICC colr box.
    return false;
  }

  @Override
  public Optional<String> refusal(int width, int height) {
    if (width > MAX_SIDE || height > MAX_SIDE || (long) width * height > MAX_PIXELS) {
      return Optional.of(
          "AVIF (one AV1 frame, level 6.3) holds at most "
              + MAX_SIDE
              + " pixels per side and "
              + MAX_PIXELS
              + " pixels, the image is "
              + width
              + "x"
              + height);
    }
    return Optional.empty();
  }

  @Override
  public Encoded encode(BufferedImage image) throws IOException {
    checkSize(image);
    YuvPlanes planes =
        YuvPlanes.fromArgb(
            Pixels.argb(image),
            image.getWidth(),
            image.getHeight(),
            bitDepth,
            !chroma444,
            Pixels.isGrey(image));
    byte[] bytes = AvifNative.encode(planes, new AvifNative.Params(crf(quality), 8 - effort));
    // The reference is the input itself: the score covers the conversion to Y'CbCr and chroma
    // subsampling as well as the codec.
    return new Encoded(bytes, image, quality);
  }

  @Override
  public BufferedImage decode(byte[] bytes) throws IOException {
    return AvifNative.decode(bytes).toImage();
  }
}
