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
