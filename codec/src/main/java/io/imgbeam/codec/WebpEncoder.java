package io.imgbeam.codec;

import com.luciad.imageio.webp.CompressionType;
import com.luciad.imageio.webp.WebPImageReaderSpi;
import com.luciad.imageio.webp.WebPImageWriterSpi;
import com.luciad.imageio.webp.WebPWriteParam;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * WebP through libwebp (bundled in {@code com.github.usefulness:webp-imageio}): lossy VP8 at a
 * quality with a method (effort) and optional sharp RGB-to-YUV conversion, or lossless VP8L. Alpha
 * is kept (losslessly compressed in both modes); an opaque image is written without it. Grey images
 * are written as RGB, since WebP has no grey mode.
 */
final class WebpEncoder implements ImageEncoder {
  /** WebP stores width and height in 14 bits: at most 16383 pixels per side. */
  static final int MAX_SIDE = 16383;

  private final int quality;
  private final int method;
  private final boolean lossless;
  private final boolean sharpYuv;

  WebpEncoder(int quality, int method, boolean lossless, boolean sharpYuv) {
    CompressionSettings.checkRange("webpQuality", quality, 1, 100);
    CompressionSettings.checkRange("webpEffort", method, 0, 6);
    this.quality = quality;
    this.method = method;
    this.lossless = lossless;
    this.sharpYuv = sharpYuv;
  }

  @Override
  public ImageFormat format() {
    return ImageFormat.WEBP;
  }

  /** Whether outputs are VP8L: then there is no quality to search. */
  boolean lossless() {
    return lossless;
  }

  @Override
  public Optional<String> refusal(int width, int height) {
    if (width > MAX_SIDE || height > MAX_SIDE) {
      return Optional.of(
          "WebP holds at most "
              + MAX_SIDE
              + " pixels per side, the image is "
              + width
              + "x"
              + height);
    }
    return Optional.empty();
  }

  @Override
  public Encoded encode(BufferedImage image) throws IOException {
    checkSize(image);
    int[] argb = Pixels.argb(image);
    boolean opaque = true;
    for (int p : argb) {
      if (p >>> 24 != 255) {
        opaque = false;
        break;
      }
    }
    // The writer reads packed sRGB ints; an opaque image goes without an alpha channel.
    BufferedImage pixels =
        new BufferedImage(
            image.getWidth(),
            image.getHeight(),
            opaque ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
    pixels.setRGB(0, 0, image.getWidth(), image.getHeight(), argb, 0, image.getWidth());
    ImageWriter writer = new WebPImageWriterSpi().createWriterInstance(null);
    WebPWriteParam param = (WebPWriteParam) writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setMethod(method);
    if (lossless) {
      param.setCompressionType(CompressionType.Lossless);
      // Keep the colour under transparent pixels, so that the output decodes to exactly the input.
      param.setExact(true);
    } else {
      param.setCompressionType(CompressionType.Lossy);
      param.setCompressionQuality(quality / 100f);
      param.setUseSharpYUV(sharpYuv);
    }
    byte[] bytes = ImageWriting.write(writer, pixels, param);
    return new Encoded(bytes, pixels, lossless ? null : quality);
  }

  /**
   * Decodes with libwebp itself (webp-imageio's reader, fancy chroma upsampling, as browsers
   * decode), so the recorded score is what viewers see. Only imgbeam's own outputs come here; WebP
   * inputs are read by TwelveMonkeys' pure-Java reader.
   */
  @Override
  public BufferedImage decode(byte[] bytes) throws IOException {
    ImageReader reader = new WebPImageReaderSpi().createReaderInstance(null);
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      return reader.read(0);
    } finally {
      reader.dispose();
    }
  }
}
