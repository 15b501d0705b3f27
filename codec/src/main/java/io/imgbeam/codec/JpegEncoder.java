package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;

/**
 * JPEG through the JDK's writer (IJG libjpeg 6b): progressive scans with optimised Huffman tables,
 * 4:2:0 chroma, a JFIF header and nothing else. Grey input stays a one-channel JPEG; alpha is
 * flattened over white.
 */
final class JpegEncoder implements ImageEncoder {
  private final int quality;

  JpegEncoder(int quality) {
    CompressionSettings.checkRange("quality", quality, 1, 100);
    this.quality = quality;
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
  public Encoded encode(BufferedImage image) throws IOException {
    BufferedImage pixels = Pixels.isGrey(image) ? Pixels.toGrey8(image) : Pixels.toRgb8(image);
    ImageWriter writer = ImageWriting.jdkWriter("jpeg");
    JPEGImageWriteParam param = (JPEGImageWriteParam) writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    // The JDK scales the IJG tables exactly as libjpeg's quality Q does for Q/100.
    param.setCompressionQuality(quality / 100f);
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    param.setOptimizeHuffmanTables(true);
    return new Encoded(ImageWriting.write(writer, pixels, param), pixels, quality);
  }
}
