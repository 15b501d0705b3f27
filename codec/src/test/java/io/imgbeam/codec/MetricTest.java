package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricTest {
  @Test
  void parsesNamesCaseInsensitively() {
    assertEquals(Metric.SSIM, Metric.parse("SSIM", "scoreMetric"));
    assertEquals(Metric.SSIMULACRA2, Metric.parse(" ssimulacra2 ", "scoreMetric"));
  }

  @Test
  void refusesUnknownNamesWithTheUniformMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Metric.parse("butteraugli", "scoreMetric"));
    assertEquals(
        "expected one of ssim, ssimulacra2 for scoreMetric, got butteraugli", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "ssimulacra2:80, SSIMULACRA2, 80, ssimulacra2:80",
    "ssim:0.985, SSIM, 0.985, ssim:0.985",
    "SSIMULACRA2:72.50, SSIMULACRA2, 72.5, ssimulacra2:72.5",
    "ssimulacra2:-10, SSIMULACRA2, -10, ssimulacra2:-10",
    "ssim:1, SSIM, 1, ssim:1",
  })
  void parsesTargets(String text, Metric metric, double value, String shown) {
    Metric.Target target = Metric.Target.parse(text);
    assertEquals(metric, target.metric());
    assertEquals(value, target.value(), 0);
    assertEquals(shown, target.toString());
    assertEquals(target, Metric.Target.parse(target.toString()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ssimulacra2 | expected METRIC:VALUE (ssim:0.985, ssimulacra2:80) for targetScore, got"
            + " ssimulacra2",
        "ssimulacra2:high | expected METRIC:VALUE (ssim:0.985, ssimulacra2:80) for targetScore,"
            + " got ssimulacra2:high",
        "psnr:40 | expected one of ssim, ssimulacra2 for targetScore, got psnr",
        "ssim:1.5 | expected a value above 0 up to 1 for targetScore ssim, got 1.5",
        "ssim:0 | expected a value above 0 up to 1 for targetScore ssim, got 0",
        "ssimulacra2:101 | expected a value up to 100 for targetScore ssimulacra2, got 101",
        "ssimulacra2:NaN | expected a value up to 100 for targetScore ssimulacra2, got NaN",
      })
  void refusesBadTargetsSayingWhatWasExpected(String text, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Metric.Target.parse(text));
    assertEquals(message, e.getMessage());
  }

  @Test
  void bothMetricsGrowWithQuality() {
    for (Metric metric : Metric.values()) {
      assertTrue(metric.higherIsBetter());
      assertTrue(metric.meets(metric.perfect(), metric.perfect()));
      Metric.Target target = new Metric.Target(metric, metric.perfect() * 0.9);
      assertTrue(target.metBy(metric.perfect()));
      assertFalse(target.metBy(metric.perfect() * 0.5));
    }
  }

  @Test
  void identicalImagesScorePerfect() {
    BufferedImage image = TestData.decode("orientation/upright.png");
    for (Metric metric : Metric.values()) {
      assertEquals(metric.perfect(), metric.score(image, image), 1e-9, metric.toString());
    }
  }

  @Test
  void ssimulacra2ScoresImagesUnder8PixelsAfterPadding() {
    BufferedImage a = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
    BufferedImage b = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
    assertEquals(100.0, Metric.SSIMULACRA2.score(a, b), 1e-9);
    b.setRGB(2, 1, 0xFFFFFF);
    double score = Metric.SSIMULACRA2.score(a, b);
    assertTrue(score < 100 && score > Metric.SSIMULACRA2.brokenBelow(), "score " + score);
  }

  @Test
  void jpegAtQuality1IsLossyNotBroken() throws Exception {
    // Verification fails outputs under brokenBelow(); the worst legitimate JPEG must stay above.
    for (String name : new String[] {"orientation/upright.png", "png/grey.png"}) {
      BufferedImage image = TestData.decode(name);
      JpegEncoder encoder = new JpegEncoder(1);
      ImageEncoder.Encoded encoded = encoder.encode(image);
      BufferedImage decoded = encoder.decode(encoded.bytes());
      for (Metric metric : Metric.values()) {
        double score = metric.score(encoded.reference(), decoded);
        assertTrue(score > metric.brokenBelow(), name + " " + metric + " " + score);
      }
    }
  }
}
