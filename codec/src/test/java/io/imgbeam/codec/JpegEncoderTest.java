package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import org.junit.jupiter.api.Test;

class JpegEncoderTest extends EncoderContract {
  @Override
  ImageEncoder encoder() {
    return new JpegEncoder(CompressionSettings.DEFAULT_JPEG_QUALITY);
  }

  @Override
  double minScore() {
    return 0.95;
  }

  @Test
  void writesProgressiveScansWithAJfifHeaderOnly() throws Exception {
    byte[] jpeg = encode("photo/coffee.jpg").bytes();
    assertTrue(hasMarker(jpeg, 0xC2), "SOF2 (progressive)");
    assertFalse(hasMarker(jpeg, 0xC0), "no SOF0 (baseline)");
    assertFalse(hasMarker(jpeg, 0xE1), "no APP1");
    assertFalse(hasMarker(jpeg, 0xFE), "no COM");
    assertEquals(0xE0, jpeg[3] & 0xFF, "APP0 JFIF first");
  }

  @Test
  void lowerQualityMeansFewerBytes() throws Exception {
    var source = TestData.decode("photo/coffee.jpg");
    int q50 = new JpegEncoder(50).encode(source).bytes().length;
    int q90 = new JpegEncoder(90).encode(source).bytes().length;
    assertTrue(q50 < q90, q50 + " >= " + q90);
  }

  @Test
  void flattensAlphaOverWhite() throws Exception {
    ImageEncoder.Encoded encoded = encode("png/rgba.png");
    assertFalse(TestData.decode(encoded.bytes()).getColorModel().hasAlpha());
    int[] reference = Pixels.argb(encoded.reference());
    int[] source = Pixels.argb(TestData.decode("png/rgba.png"));
    for (int i = 0; i < source.length; i++) {
      if (source[i] >>> 24 == 0) {
        assertEquals(0xFFFFFFFF, reference[i], "fully transparent pixel " + i + " becomes white");
      }
    }
  }

  @Test
  void rejectsQualityOutOfRange() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new JpegEncoder(0));
    assertEquals("expected a value from 1 to 100 for quality, got 0", e.getMessage());
  }

  /** Whether a marker segment appears before the first scan. */
  private static boolean hasMarker(byte[] jpeg, int marker) {
    int pos = 2;
    while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
      int type = jpeg[pos + 1] & 0xFF;
      if (type == marker) {
        return true;
      }
      if (type == 0xDA) {
        return false;
      }
      pos += 2 + (((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF));
    }
    return false;
  }
}
