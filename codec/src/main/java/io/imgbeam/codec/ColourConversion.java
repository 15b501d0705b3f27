package io.imgbeam.codec;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Brings decoded pixels into sRGB, so that an output without a profile looks like the input did
 * with its profile (Adobe RGB, Display P3, CMYK with or without a profile, grey with a profile of
 * its own); or, for {@link IccPolicy#KEEP}, hands the samples on unconverted, to be written with
 * the original profile.
 */
final class ColourConversion {
  private ColourConversion() {}

  /**
   * Whether pixels must be converted: a colour space that is not sRGB, and not the plain grey that
   * untagged grey JPEG and PNG decode to. That grey stays as it is: its samples are sRGB-encoded
   * already, whatever Java's linear grey says. Grey with an embedded profile is converted, since
   * its curve may be anything (CIE L*, gamma 1.8, ...).
   */
  static boolean needsConversion(BufferedImage image) {
    if (image.getColorModel() instanceof IndexColorModel) {
      return false;
    }
    ColorSpace cs = image.getColorModel().getColorSpace();
    return !cs.isCS_sRGB() && !isPlainGrey(cs);
  }

  private static boolean isPlainGrey(ColorSpace cs) {
    return cs == ColorSpace.getInstance(ColorSpace.CS_GRAY)
        || (cs.getType() == ColorSpace.TYPE_GRAY && !(cs instanceof ICC_ColorSpace));
  }

  /** Whether the decoded image carries an embedded (non-standard) ICC profile. */
  static boolean hasEmbeddedProfile(BufferedImage image) {
    ColorSpace cs = image.getColorModel().getColorSpace();
    return cs instanceof ICC_ColorSpace && !cs.isCS_sRGB() && !isPlainGrey(cs);
  }

  /**
   * Whether {@link IccPolicy#KEEP} can keep this image's profile: an embedded RGB or grey profile
   * on component samples. CMYK cannot be kept in an RGB or grey output.
   */
  static boolean canKeepProfile(BufferedImage image) {
    ColorSpace cs = image.getColorModel().getColorSpace();
    return image.getColorModel() instanceof ComponentColorModel
        && hasEmbeddedProfile(image)
        && (cs.getType() == ColorSpace.TYPE_RGB || cs.getType() == ColorSpace.TYPE_GRAY);
  }

  /** The embedded profile of an image for which {@link #hasEmbeddedProfile} holds. */
  static byte[] profileData(BufferedImage image) {
    return ((ICC_ColorSpace) image.getColorModel().getColorSpace()).getProfile().getData();
  }

  /**
   * The same samples, labelled sRGB (or plain grey): what the encoders write unconverted when the
   * original profile goes into the output beside them. Requires {@link #canKeepProfile}.
   */
  static BufferedImage untagged(BufferedImage image) {
    ComponentColorModel cm = (ComponentColorModel) image.getColorModel();
    ColorSpace plain =
        ColorSpace.getInstance(
            cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                ? ColorSpace.CS_GRAY
                : ColorSpace.CS_sRGB);
    ColorModel relabelled =
        new ComponentColorModel(
            plain,
            cm.hasAlpha(),
            cm.isAlphaPremultiplied(),
            cm.getTransparency(),
            cm.getTransferType());
    return new BufferedImage(relabelled, image.getRaster(), cm.isAlphaPremultiplied(), null);
  }

  /**
   * Returns an 8-bit sRGB copy (with alpha where the input has it), an 8-bit grey copy for opaque
   * grey with a profile, or the image unchanged.
   */
  static BufferedImage toSrgb(BufferedImage image) {
    if (!needsConversion(image)) {
      return image;
    }
    boolean alpha = Pixels.hasAlpha(image);
    int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
    new ColorConvertOp(null).filter(image, out);
    if (alpha || image.getColorModel().getColorSpace().getType() != ColorSpace.TYPE_GRAY) {
      return out;
    }
    // Grey in, grey out: sRGB's R = G = B for a neutral input, so one channel holds it.
    BufferedImage grey =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    Raster rgb = out.getRaster();
    WritableRaster g = grey.getRaster();
    int[] row = new int[image.getWidth()];
    for (int y = 0; y < image.getHeight(); y++) {
      rgb.getSamples(0, y, image.getWidth(), 1, 1, row);
      g.setSamples(0, y, image.getWidth(), 1, 0, row);
    }
    return grey;
  }
}
