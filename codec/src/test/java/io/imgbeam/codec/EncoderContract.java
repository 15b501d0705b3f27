package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every output format must do. One subclass per encoder. */
abstract class EncoderContract {
  abstract ImageEncoder encoder();

  /** The lowest SSIM against the source that this encoder may produce at its defaults. */
  abstract double minScore();

  ImageEncoder.Encoded encode(String testImage) throws Exception {
    return encoder().encode(TestData.decode(testImage));
  }

  /**
   * Decodes an output with a reference decoder, independent of the encoder's own: ImageIO's readers
   * by default.
   */
  BufferedImage decode(byte[] output) throws Exception {
    return TestData.decode(output);
  }

  @Test
  void roundTripsAPhotoAtTheDefaultQuality() throws Exception {
    for (String photo : List.of("photo/coffee.jpg", "photo/astronaut-gps.jpg")) {
      BufferedImage source = TestData.decode(photo);
      ImageEncoder.Encoded encoded = encoder().encode(source);
      BufferedImage decoded = decode(encoded.bytes());
      assertEquals(source.getWidth(), decoded.getWidth(), photo);
      assertEquals(source.getHeight(), decoded.getHeight(), photo);
      double score = Ssim.score(source, decoded);
      assertTrue(score >= minScore(), photo + ": SSIM " + score + " < " + minScore());
      assertEquals(encoder().format(), ImageFormat.sniff(encoded.bytes()));
    }
  }

  @Test
  void writesNoMetadata() throws Exception {
    ImageEncoder.Encoded encoded = encode("photo/astronaut-gps.jpg");
    MetadataScan scan = MetadataScan.of(encoded.bytes());
    assertEquals(List.of(), scan.groups(), "metadata groups in the output");
    assertEquals(1, scan.orientation());
  }

  @Test
  void handlesAlphaAsTheFormatAllows() throws Exception {
    BufferedImage source = TestData.decode("png/rgba.png");
    ImageEncoder.Encoded encoded = encoder().encode(source);
    BufferedImage decoded = decode(encoded.bytes());
    assertEquals(source.getWidth(), decoded.getWidth());
    if (decoded.getColorModel().hasAlpha()) {
      int[] want = Pixels.argb(source);
      int[] got = Pixels.argb(decoded);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i] >>> 24, got[i] >>> 24, "alpha of pixel " + i);
      }
    }
    // Either way, what a viewer shows over white must match.
    double score = Ssim.score(Pixels.toRgb8(source), Pixels.toRgb8(decoded));
    assertTrue(score >= minScore(), "SSIM over white " + score);
  }

  /**
   * How far apart red, green and blue of a grey input may decode: 0, except for formats without a
   * grey mode whose decoders' fixed-point YUV-to-RGB rounds the channels differently.
   */
  int greyChannelTolerance() {
    return 0;
  }

  @Test
  void keepsGreyImagesGrey() throws Exception {
    ImageEncoder.Encoded encoded = encode("png/grey.png");
    int worst = 0;
    for (int pixel : Pixels.argb(decode(encoded.bytes()))) {
      int r = (pixel >> 16) & 0xFF;
      int g = (pixel >> 8) & 0xFF;
      int b = pixel & 0xFF;
      worst =
          Math.max(worst, Math.max(Math.abs(r - g), Math.max(Math.abs(r - b), Math.abs(g - b))));
    }
    assertTrue(
        worst <= greyChannelTolerance(), "colour in grey output: channels " + worst + " apart");
  }
}
