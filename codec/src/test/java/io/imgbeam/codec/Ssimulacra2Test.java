package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Ssimulacra2Test {
  /**
   * How far from libjxl's scores ours may be. The reference computes in float with SIMD (its
   * horizontal blur unrolls the recursion four columns at a time, its sums run in another order,
   * its colour management linearises through a CMS), so bit-equal scores are not expected; the
   * worst difference measured on the 17 fixtures is 0.17 (JPEG q95, where the score is steepest),
   * most are under 0.06, and the test prints each one. Half a point is a tenth of the gap between
   * two JPEG qualities 5 apart near q75 on these images, so a bound this tight still catches a
   * wrong weight, scale or blur.
   */
  private static final double TOLERANCE = 0.5;

  /** One row of {@code testdata/metric/ssimulacra2-scores.tsv}. */
  record Fixture(String reference, String distorted, double score) {
    @Override
    public String toString() {
      return distorted;
    }
  }

  static Stream<Fixture> fixtures() throws IOException {
    Path file = TestData.root().resolve("testdata/metric/ssimulacra2-scores.tsv");
    List<String> lines = Files.readAllLines(file);
    assertTrue(lines.get(0).contains("libjxl-devtools"), "the tool and version: " + lines.get(0));
    return lines.stream()
        .skip(2)
        .map(l -> l.split("\t"))
        .map(f -> new Fixture(f[0], f[1], Double.parseDouble(f[2])));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void agreesWithLibjxl(Fixture fixture) throws IOException {
    double score = Ssimulacra2.score(read(fixture.reference()), read(fixture.distorted()));
    System.out.printf(
        "ssimulacra2 %s: libjxl %.4f, ours %.4f, diff %.4f%n",
        fixture.distorted(), fixture.score(), score, score - fixture.score());
    assertEquals(fixture.score(), score, TOLERANCE, fixture.distorted());
  }

  @Test
  void fixturesCoverTheRange() throws IOException {
    List<Fixture> all = fixtures().toList();
    assertTrue(all.size() >= 15, "fixtures: " + all.size());
    assertTrue(all.stream().anyMatch(f -> f.score() < 30), "a low score");
    assertTrue(all.stream().anyMatch(f -> f.score() > 80), "a high score");
    assertTrue(all.stream().anyMatch(f -> f.reference().endsWith("/rgba-original.png")), "alpha");
    assertTrue(all.stream().anyMatch(f -> f.reference().endsWith("/grey-original.png")), "grey");
  }

  @Test
  void identicalImagesScore100() {
    BufferedImage image = TestData.decode("photo/coffee.jpg");
    assertEquals(100.0, Ssimulacra2.score(image, image), 1e-9);
  }

  /** Every layout the decoders return (grey, 16-bit, palette, alpha, BGR, CMYK converted). */
  static Stream<String> images() {
    return TestData.allImages().stream().filter(p -> !p.startsWith("bad/"));
  }

  @ParameterizedTest
  @MethodSource("images")
  void everyTestImageScores100AgainstItselfAndLessAgainstItsJpeg(String name) throws IOException {
    BufferedImage image = TestData.decode(name);
    if (image.getWidth() < Ssimulacra2.MIN_SIDE || image.getHeight() < Ssimulacra2.MIN_SIDE) {
      return;
    }
    assertEquals(100.0, Ssimulacra2.score(image, image), 1e-9, name);
    BufferedImage jpeg = new JpegEncoder(30).decode(new JpegEncoder(30).encode(image).bytes());
    double score = Ssimulacra2.score(image, jpeg);
    assertTrue(score < 100 && Double.isFinite(score), name + ": " + score);
  }

  @Test
  void higherJpegQualityScoresHigher() throws IOException {
    BufferedImage image = TestData.decode("orientation/upright.png");
    double previous = Double.NEGATIVE_INFINITY;
    for (int quality : new int[] {20, 50, 80, 95}) {
      ImageEncoder encoder = new JpegEncoder(quality);
      ImageEncoder.Encoded encoded = encoder.encode(image);
      double score = Ssimulacra2.score(encoded.reference(), encoder.decode(encoded.bytes()));
      assertTrue(score > previous, "q" + quality + ": " + score + " after " + previous);
      previous = score;
    }
  }

  @Test
  void repeatedScoresThroughACacheEqualThoseAgainstFreshCopies() throws IOException {
    // A search scores every encode against one reference object: from its second score on, the
    // reference's rows come from the cache, from its third on its blurred statistics too, and the
    // scores must be exactly a fresh copy's.
    BufferedImage photo = Pixels.toRgb8(TestData.decode("photo/coffee.jpg"));
    BufferedImage translucent = copy(photo, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < translucent.getHeight(); y++) {
      for (int x = 0; x < translucent.getWidth(); x++) {
        int alpha = (x * 255 / translucent.getWidth()) << 24;
        translucent.setRGB(x, y, alpha | (translucent.getRGB(x, y) & 0xFFFFFF));
      }
    }
    try (Ssimulacra2.ReferenceCache cache = new Ssimulacra2.ReferenceCache()) {
      // The two references take turns, so each replaces the other's rows in the cache.
      for (int round = 0; round < 2; round++) {
        for (BufferedImage reference : List.of(photo, translucent)) {
          for (int quality : new int[] {30, 50, 70, 90}) {
            ImageEncoder encoder = new JpegEncoder(quality);
            BufferedImage decoded = encoder.decode(encoder.encode(reference).bytes());
            assertEquals(
                Ssimulacra2.score(copy(reference, reference.getType()), decoded),
                Ssimulacra2.score(reference, decoded, cache),
                0.0,
                "q" + quality + " round " + round);
          }
        }
      }
    }
  }

  @Test
  void aCacheHoldsItsRowsAndStatisticsInThePixelBudgetUntilClosed() {
    BufferedImage reference = Pixels.toRgb8(TestData.decode("photo/coffee.jpg"));
    BufferedImage distorted = copy(reference, BufferedImage.TYPE_INT_RGB);
    distorted.setRGB(10, 10, 0xFF0000);
    long free = PixelBudget.available();
    long pixels = (long) reference.getWidth() * reference.getHeight();
    try (Ssimulacra2.ReferenceCache cache = new Ssimulacra2.ReferenceCache()) {
      Ssimulacra2.score(reference, distorted, cache);
      assertEquals(free, PixelBudget.available(), "a first score keeps nothing");
      double second = Ssimulacra2.score(reference, distorted, cache);
      // 16 bytes a pixel of rows and 32 of blurred statistics, counted at the budget's 20 bytes a
      // pixel.
      long held = (pixels * 16 + 19) / 20 + (pixels * 32 + 19) / 20;
      assertEquals(free - held, PixelBudget.available());
      assertEquals(second, Ssimulacra2.score(reference, distorted, cache), 0.0);
      assertEquals(free - held, PixelBudget.available(), "nothing more from the third score on");
    }
    assertEquals(free, PixelBudget.available(), "closed: the rows' share is back");
  }

  @Test
  void aCacheKeepsNothingTheBudgetCannotSpareAndScoresTheSame() throws Exception {
    BufferedImage reference = Pixels.toRgb8(TestData.decode("photo/coffee.jpg"));
    BufferedImage distorted = copy(reference, BufferedImage.TYPE_INT_RGB);
    distorted.setRGB(10, 10, 0xFF0000);
    long pixels = (long) reference.getWidth() * reference.getHeight();
    double fresh = Ssimulacra2.score(reference, distorted);
    // Room for the rows but not for another image of this size beside them.
    PixelBudget.Lease taken = PixelBudget.acquire(PixelBudget.available() - pixels);
    try (Ssimulacra2.ReferenceCache cache = Ssimulacra2.ReferenceCache.forSearch()) {
      long free = PixelBudget.available();
      for (int i = 0; i < 3; i++) {
        assertEquals(fresh, Ssimulacra2.score(reference, distorted, cache), 0.0);
        assertEquals(free, PixelBudget.available(), "score " + i + " kept nothing");
      }
    } finally {
      taken.close();
    }
  }

  private static BufferedImage copy(BufferedImage image, int type) {
    BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), type);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        copy.setRGB(x, y, image.getRGB(x, y));
      }
    }
    return copy;
  }

  @Test
  void smallImagesUseFewerScales() {
    // 9x9: the second scale is 5x5, below 8, so only one scale counts; the score stays finite.
    BufferedImage a = new BufferedImage(9, 9, BufferedImage.TYPE_INT_RGB);
    BufferedImage b = new BufferedImage(9, 9, BufferedImage.TYPE_INT_RGB);
    b.setRGB(4, 4, 0xFFFFFF);
    double score = Ssimulacra2.score(a, b);
    assertTrue(score < 100 && !Double.isNaN(score), "score " + score);
    assertFalse(Double.isInfinite(score));
  }

  @Test
  void refusesDifferentSizesAndTinyImages() {
    IllegalArgumentException sizes =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Ssimulacra2.score(
                    new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB),
                    new BufferedImage(20, 21, BufferedImage.TYPE_INT_RGB)));
    assertEquals("expected images of equal size, got 20x20 and 20x21", sizes.getMessage());
    IllegalArgumentException tiny =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Ssimulacra2.score(
                    new BufferedImage(7, 20, BufferedImage.TYPE_INT_RGB),
                    new BufferedImage(7, 20, BufferedImage.TYPE_INT_RGB)));
    assertEquals("expected at least 8x8 pixels, got 7x20", tiny.getMessage());
  }

  @Test
  void cubeRootIsExactToFloatPrecision() {
    for (float v = 1e-6f; v < 2f; v *= 1.01f) {
      float expected = (float) Math.cbrt(v);
      assertEquals(expected, Ssimulacra2.cbrt(v), Math.ulp(expected), "cbrt " + v);
    }
    assertEquals(0f, Ssimulacra2.cbrt(-0.5f));
  }

  private static BufferedImage read(String underTestdata) throws IOException {
    BufferedImage image =
        ImageIO.read(TestData.root().resolve("testdata").resolve(underTestdata).toFile());
    assertTrue(image != null, underTestdata);
    return image;
  }
}
