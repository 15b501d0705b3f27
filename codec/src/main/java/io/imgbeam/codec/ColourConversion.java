package io.imgbeam.codec;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.IndexColorModel;

/**
 * Brings decoded pixels into sRGB, so that an output without a profile looks like the input did
 * with its profile (Adobe RGB, Display P3, CMYK with or without a profile).
 */
final class ColourConversion {
  private ColourConversion() {}

  /**
   * Whether pixels must be converted: a colour space that is neither sRGB nor grey. Grey stays as
   * it is: JPEG and PNG grey samples are sRGB-encoded already, whatever Java's linear grey says.
   */
  static boolean needsConversion(BufferedImage image) {
    if (image.getColorModel() instanceof IndexColorModel) {
      return false;
    }
    ColorSpace cs = image.getColorModel().getColorSpace();
    return !cs.isCS_sRGB() && cs.getType() != ColorSpace.TYPE_GRAY;
  }

  /** Whether the decoded image carries an embedded (non-standard) ICC profile. */
  static boolean hasEmbeddedProfile(BufferedImage image) {
    ColorSpace cs = image.getColorModel().getColorSpace();
    return cs instanceof ICC_ColorSpace && !cs.isCS_sRGB() && cs.getType() != ColorSpace.TYPE_GRAY;
  }

  /** Returns an 8-bit sRGB copy (with alpha where the input has it), or the image unchanged. */
  static BufferedImage toSrgb(BufferedImage image) {
    if (!needsConversion(image)) {
      return image;
    }
    int type = Pixels.hasAlpha(image) ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
    new ColorConvertOp(null).filter(image, out);
    return out;
  }
}
