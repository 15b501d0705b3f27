package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreviewTest {
  private static final ImageCompressor JPEG =
      ImageCompressor.of(CompressionSettings.create().withOutputFormat(OutputFormat.JPEG));

  @Test
  void noPicturesUnlessAsked() {
    CompressionResult result = JPEG.compress(TestData.bytes("photo/coffee.jpg"));
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertTrue(result.previews().isEmpty());
  }

  /**
   * The crop lands on the one damaged patch, on a large and on a small image, though only every
   * fourth pixel of every fourth row is compared.
   */
  @Test
  void theCropCoversWhereTheImagesDifferMost() {
    for (int[] c : new int[][] {{2400, 1600, 1517, 981, 20}, {160, 120, 97, 31, 9}}) {
      BufferedImage before = Warmup.photo();
      BufferedImage large = new BufferedImage(c[0], c[1], BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < c[1]; y++) {
        for (int x = 0; x < c[0]; x++) {
          large.setRGB(x, y, before.getRGB(x % before.getWidth(), y % before.getHeight()));
        }
      }
      BufferedImage after = new BufferedImage(c[0], c[1], BufferedImage.TYPE_INT_RGB);
      after.setData(large.getData());
      for (int y = c[3]; y < c[3] + c[4]; y++) {
        for (int x = c[2]; x < c[2] + c[4]; x++) {
          after.setRGB(x, y, ~large.getRGB(x, y));
        }
      }
      int[] spot = Preview.mostDifferent(large, after, Preview.CROP);
      int centreX = c[2] + c[4] / 2;
      int centreY = c[3] + c[4] / 2;
      assertTrue(
          spot[0] <= centreX && centreX < spot[0] + Preview.CROP,
          c[0] + "x" + c[1] + ": x " + spot[0]);
      assertTrue(
          spot[1] <= centreY && centreY < spot[1] + Preview.CROP,
          c[0] + "x" + c[1] + ": y " + spot[1]);
    }
  }

  /**
   * Pictures made from the pixels in memory show what those made from the files show: the same
   * thumbnails (perceptually) and crops of the same spot.
   */
  @Test
  void picturesMadeDuringCompressionMatchThoseMadeFromTheFiles() throws Exception {
    byte[] input = TestData.bytes("photo/coffee.jpg");
    List<Double> asked = new ArrayList<>();
    CompressionResult result =
        JPEG.compress(
            input,
            new Progress(),
            (millis, score) -> {
              assertTrue(millis >= 0);
              asked.add(score);
              return true;
            });
    assertEquals(List.of(result.score().orElseThrow()), asked);
    Preview.Images during = result.previews().orElseThrow();
    Preview.Images after = Preview.of(input, result.output().orElseThrow(), Long.MAX_VALUE);
    assertSimilar(after.before(), during.before());
    assertSimilar(after.after(), during.after());
    assertNotNull(during.beforeCrop());
    assertSimilar(after.beforeCrop(), during.beforeCrop());
    assertSimilar(after.afterCrop(), during.afterCrop());
  }

  @Test
  void aCallerSayingNoGetsNoPictures() {
    List<Long> asked = new ArrayList<>();
    CompressionResult result =
        JPEG.compress(
            TestData.bytes("photo/coffee.jpg"),
            new Progress(),
            (millis, score) -> asked.add(millis) && false);
    assertEquals(1, asked.size());
    assertTrue(result.previews().isEmpty());
  }

  /** A resized image's pictures are left to the report, which knows only the files. */
  @Test
  void noPicturesOfAResizedImage() {
    CompressionResult result =
        ImageCompressor.of(
                CompressionSettings.create().withOutputFormat(OutputFormat.JPEG).withMaxWidth(200))
            .compress(TestData.bytes("photo/coffee.jpg"), new Progress(), (millis, score) -> true);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertEquals(200, result.outputWidth());
    assertTrue(result.previews().isEmpty());
  }

  private static void assertSimilar(byte[] expected, byte[] actual) {
    BufferedImage a = TestData.decode(expected);
    BufferedImage b = TestData.decode(actual);
    assertEquals(a.getWidth(), b.getWidth());
    assertEquals(a.getHeight(), b.getHeight());
    double ssim = Ssim.score(a, b);
    assertTrue(ssim > 0.98, "SSIM " + ssim);
  }
}
