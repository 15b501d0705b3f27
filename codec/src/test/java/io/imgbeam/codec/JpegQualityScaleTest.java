package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/**
 * The calibrated JPEG quality scale's properties: whole range, fixed ends, never falling, and used
 * by the encoder. How well it matches sharp's mozjpeg is measured by {@code bench/jpeg.sh}, which
 * generates the table and prints the match at q75.
 */
class JpegQualityScaleTest {
  @Test
  void endsAreFixedAndTheMapNeverFalls() {
    assertEquals(1, JpegQualityScale.encoderQuality(1), 0);
    assertEquals(100, JpegQualityScale.encoderQuality(100), 0);
    double last = 0;
    for (int step = 4; step <= 400; step++) {
      double q = JpegQualityScale.encoderQuality(step / 4.0);
      assertTrue(q >= last, "user " + step / 4.0 + " -> " + q + " after " + last);
      assertTrue(q >= 1 && q <= 100, "user " + step / 4.0 + " -> " + q);
      last = q;
    }
  }

  @Test
  void theTableRowsAreInterpolatedLinearly() {
    double[][] table = JpegQualityScale.table();
    assertTrue(table[0].length >= 10, "rows " + table[0].length);
    for (int i = 0; i < table[0].length; i++) {
      assertEquals(table[1][i], JpegQualityScale.encoderQuality(table[0][i]), 1e-9);
      if (i > 0) {
        double mid = (table[0][i - 1] + table[0][i]) / 2;
        assertEquals(
            (table[1][i - 1] + table[1][i]) / 2, JpegQualityScale.encoderQuality(mid), 1e-9);
      }
    }
  }

  @Test
  void qualitiesOutsideOneToHundredAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new JpegEncoder(0.75));
    assertEquals("expected a value from 1 to 100 for quality, got 0.75", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JpegQualityScale.encoderQuality(100.25));
  }

  @Test
  void aBrokenTableIsRefused() {
    assertEquals(
        "expected rising qualities in jpeg-quality-scale.tsv, got row 50.0 -> 40.0",
        assertThrows(
                IllegalStateException.class,
                () -> parse("# comment\n1\t1\n40\t45\n50\t40\n100\t100\n"))
            .getMessage());
    assertTrue(
        assertThrows(IllegalStateException.class, () -> parse("1\t2\n100\t100\n"))
            .getMessage()
            .startsWith("expected rows from 1 -> 1 to 100 -> 100"));
  }

  @Test
  void theEncoderUsesTheScale() throws IOException {
    // The user quality and its encoder quality on the encoder's own scale give the same image.
    BufferedImage photo = TestData.decode("orientation/upright.png");
    double encoderQuality = JpegQualityScale.encoderQuality(75);
    JpegEncoder user = new JpegEncoder(75);
    byte[] viaScale = user.encode(photo).bytes();
    byte[] direct =
        JpegEncoder.onEncoderScale(encoderQuality, CompressionSettings.DEFAULT_JPEG_EFFORT)
            .encode(photo)
            .bytes();
    BufferedImage a = user.decode(viaScale);
    BufferedImage b = user.decode(direct);
    assertEquals(1.0, Ssim.score(a, b), 1e-9);
    assertEquals(75, (int) user.encode(photo).quality(), "the record's quality is the user's");
  }

  private static double[][] parse(String text) throws IOException {
    return JpegQualityScale.parse(new BufferedReader(new StringReader(text)));
  }
}
