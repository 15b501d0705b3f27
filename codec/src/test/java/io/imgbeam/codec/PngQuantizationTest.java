package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lossy PNG: at most 256 colours, alpha kept, and auto's score floor. */
class PngQuantizationTest {
  private static final int PALETTE = 3;

  private static PngOptions options(PngMode mode, double floor, double dither) {
    return PngOptions.DEFAULT.withMode(mode).withMinScore(floor).withDither(dither);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "photo/coffee.jpg",
        "photo/astronaut-gps.jpg",
        "png/rgba.png",
        "png/rgb16.png",
        "orientation/upright.png"
      })
  void quantisesToAtMost256ColoursAndStaysClose(String file) throws Exception {
    BufferedImage source = TestData.decode(file);
    for (double dither : new double[] {0, 0.5, 1}) {
      ImageEncoder.Encoded encoded =
          new PngEncoder(options(PngMode.LOSSY, 0.95, dither)).encode(source);
      byte[] png = encoded.bytes();
      assertEquals(PALETTE, png[25], file + " colour type");
      BufferedImage decoded = TestData.decode(png);
      Set<Integer> colours = new HashSet<>();
      for (int p : Pixels.argb(decoded)) {
        colours.add(p);
      }
      assertTrue(colours.size() <= 256, file + ": " + colours.size() + " colours");
      double score = Ssim.score(source, decoded);
      assertTrue(score >= 0.9, file + " dither " + dither + ": SSIM " + score);
      assertNotNull(encoded.quality(), "a lossy output says so");
      assertTrue(
          png.length < new PngEncoder().encode(source).bytes().length, file + " not smaller");
    }
  }

  @Test
  void keepsAlpha() throws Exception {
    BufferedImage source = TestData.decode("png/rgba.png");
    byte[] png = new PngEncoder(options(PngMode.LOSSY, 0.95, 1)).encode(source).bytes();
    int[] want = Pixels.argb(source);
    int[] got = Pixels.argb(TestData.decode(png));
    int worst = 0;
    for (int i = 0; i < want.length; i++) {
      int a = want[i] >>> 24;
      int b = got[i] >>> 24;
      if (a == 0 || a == 255) {
        // Fully transparent and fully opaque pixels stay exactly so.
        assertEquals(a, b, "alpha of pixel " + i);
      }
      worst = Math.max(worst, Math.abs(a - b));
    }
    assertTrue(worst <= 48, "alpha off by " + worst);
  }

  @Test
  void autoMeetsTheFloorOrStaysLossless() throws Exception {
    BufferedImage source = TestData.decode("photo/coffee.jpg");
    ImageEncoder.Encoded met = new PngEncoder(options(PngMode.AUTO, 0.9, 1)).encode(source);
    assertNotNull(met.quality(), "0.9 is reachable: quantised");
    assertTrue(Ssim.score(source, TestData.decode(met.bytes())) >= 0.9);
    ImageEncoder.Encoded kept = new PngEncoder(options(PngMode.AUTO, 0.9999, 1)).encode(source);
    assertNull(kept.quality(), "0.9999 is not reachable: lossless");
    assertTrue(PixelEquality.equal(source, TestData.decode(kept.bytes())));
  }

  @Test
  void anImageWithFewColoursStaysExact() throws Exception {
    BufferedImage source = TestData.decode("png/palette.png");
    ImageEncoder.Encoded encoded = new PngEncoder(options(PngMode.LOSSY, 0.95, 1)).encode(source);
    assertNull(encoded.quality());
    assertTrue(PixelEquality.equal(source, TestData.decode(encoded.bytes())));
  }

  /** Like pngquant's --quality maximum: a lower target means fewer colours, still reaching it. */
  @Test
  void usesTheFewestColoursThatReachTheMaxScore() throws Exception {
    BufferedImage source = TestData.decode("png/rgb16.png");
    PngOptions lossy = options(PngMode.LOSSY, 0.5, 0);
    ImageEncoder.Encoded full = new PngEncoder(lossy.withMaxScore(1)).encode(source);
    ImageEncoder.Encoded fewer = new PngEncoder(lossy.withMaxScore(0.97)).encode(source);
    assertTrue(full.quality() > 200, "1 is never reached: all the colours, " + full.quality());
    assertTrue(fewer.quality() < full.quality(), fewer.quality() + " colours");
    double score = Ssim.score(source, TestData.decode(fewer.bytes()));
    assertTrue(score >= 0.97, "SSIM " + score);
    assertTrue(fewer.bytes().length < full.bytes().length);
    Set<Integer> colours = new HashSet<>();
    for (int p : Pixels.argb(TestData.decode(fewer.bytes()))) {
      colours.add(p);
    }
    assertTrue(colours.size() <= fewer.quality(), colours.size() + " colours decoded");
  }

  @Test
  void checksTheMaxScoreRange() {
    CompressionSettings settings = CompressionSettings.create();
    assertEquals(
        "expected a value from 0 to 1 for pngMaxScore, got 1.5",
        assertThrows(IllegalArgumentException.class, () -> settings.withPngMaxScore(1.5))
            .getMessage());
  }
}
