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

  /**
   * A thumbnail shows the image as the Lanczos resizer (in linear light, from every pixel) shrinks
   * it: a photo, a grey image (which Java2D would brighten if it saw it as linear grey) and one
   * with transparency (judged over white, as the JPEG thumbnail composites it); and a crop is the
   * image's own pixels, losslessly.
   */
  @Test
  void thumbnailsLookLikeTheImageAndCropsAreItsPixels() throws Exception {
    for (String file : List.of("photo/coffee.jpg", "png/grey.png", "png/rgba.png")) {
      BufferedImage image = ColourConversion.toSrgb(TestData.decode(TestData.bytes(file)));
      Preview.Images pictures = Preview.of(image, image);
      BufferedImage thumbnail = TestData.decode(pictures.before());
      Resize.Plan plan =
          Resize.NONE
              .withMaxWidth(Preview.THUMBNAIL)
              .withMaxHeight(Preview.THUMBNAIL)
              .plan(image.getWidth(), image.getHeight());
      BufferedImage reference = Resizer.apply(image, plan);
      assertEquals(reference.getWidth(), thumbnail.getWidth(), file);
      assertEquals(reference.getHeight(), thumbnail.getHeight(), file);
      double ssim = Ssim.score(reference, thumbnail);
      assertTrue(ssim > 0.85, file + ": SSIM " + ssim);
      assertTrue(
          meanLuma(thumbnail) - meanLuma(reference) < 4
              && meanLuma(reference) - meanLuma(thumbnail) < 4,
          file + ": mean luma " + meanLuma(thumbnail) + " against " + meanLuma(reference));
      BufferedImage crop = TestData.decode(pictures.beforeCrop());
      int[] spot = Preview.mostDifferent(image, image, crop.getWidth());
      // Both read through Pixels: getRGB would brighten grey (a grey PNG too) as linear grey.
      int[] row = new int[image.getWidth()];
      int[] samples = new int[image.getWidth() * image.getRaster().getNumBands()];
      int[] cropRow = new int[crop.getWidth()];
      int[] cropSamples = new int[crop.getWidth() * crop.getRaster().getNumBands()];
      for (int y = 0; y < crop.getHeight(); y++) {
        Pixels.argbRow(image, spot[1] + y, row, samples);
        Pixels.argbRow(crop, y, cropRow, cropSamples);
        for (int x = 0; x < crop.getWidth(); x++) {
          assertEquals(
              Pixels.overWhite(row[spot[0] + x]) & 0xFFFFFF,
              Pixels.overWhite(cropRow[x]) & 0xFFFFFF,
              file + ": crop pixel " + x + "," + y);
        }
      }
    }
  }

  /** The mean Rec.601 luma of the image over white, 0-255, read through {@link Pixels}. */
  private static double meanLuma(BufferedImage image) {
    double sum = 0;
    int[] row = new int[image.getWidth()];
    int[] samples = new int[image.getWidth() * image.getRaster().getNumBands()];
    for (int y = 0; y < image.getHeight(); y++) {
      Pixels.argbRow(image, y, row, samples);
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = Pixels.overWhite(row[x]);
        sum += 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
      }
    }
    return sum / ((double) image.getWidth() * image.getHeight());
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
