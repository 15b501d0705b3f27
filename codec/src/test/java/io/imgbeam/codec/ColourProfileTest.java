package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --iccProfile}: srgb converts to what ImageMagick (LittleCMS) renders, measured in
 * CIEDE2000; keep writes the samples unconverted beside the original profile.
 */
class ColourProfileTest {
  private static final CompressionSettings PNG =
      CompressionSettings.create().withOutputFormat(OutputFormat.PNG);

  /**
   * Bounds: mean CIEDE2000 under 1 (below a just noticeable difference) and the 99th percentile
   * under 3. The two pipelines decode the JPEG with different IDCTs and chroma upsampling (libjpeg
   * 6b in Java, libjpeg-turbo in ImageMagick), which alone accounts for about one 8-bit level.
   */
  @ParameterizedTest
  @CsvSource({"p3", "adobergb", "cmyk", "grey-icc"})
  void srgbMatchesTheReferenceConversion(String name) {
    CompressionResult result =
        ImageCompressor.of(PNG).compress(TestData.bytes("colour/" + name + ".jpg"));
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertTrue(result.metadataRemoved().contains("icc"), result.metadataRemoved().toString());
    byte[] output = result.output().orElseThrow();
    assertFalse(MetadataScan.of(output).groups().contains("icc"), "srgb output has a profile");
    double[] e =
        deltaE(TestData.decode("colour/" + name + "-reference.png"), TestData.decode(output));
    System.out.printf(
        Locale.ROOT, "%s: CIEDE2000 mean %.3f, p99 %.3f, max %.3f%n", name, e[0], e[1], e[2]);
    assertTrue(e[0] < 1.0, name + ": mean CIEDE2000 " + e[0]);
    assertTrue(e[1] < 3.0, name + ": 99th percentile CIEDE2000 " + e[1]);
  }

  /** The test can tell: P3 samples read as sRGB are at least 3 times further off. */
  @Test
  void p3SamplesReadAsSrgbAreFarFromTheReference() {
    BufferedImage reference = TestData.decode("colour/p3-reference.png");
    double raw =
        deltaE(reference, ColourConversion.untagged(decodeKeepingProfile("colour/p3.jpg")))[0];
    CompressionResult result = ImageCompressor.of(PNG).compress(TestData.bytes("colour/p3.jpg"));
    double converted = deltaE(reference, TestData.decode(result.output().orElseThrow()))[0];
    assertTrue(raw > 3 * converted, "unconverted " + raw + ", converted " + converted);
  }

  @ParameterizedTest
  @CsvSource({"p3, PNG", "p3, JPEG", "adobergb, PNG", "grey-icc, PNG", "grey-icc, JPEG"})
  void keepEmbedsTheOriginalProfileAndKeepsTheSamples(String name, OutputFormat format)
      throws Exception {
    byte[] input = TestData.bytes("colour/" + name + ".jpg");
    CompressionResult result =
        ImageCompressor.of(
                CompressionSettings.create()
                    .withOutputFormat(format)
                    .withIccProfile(IccPolicy.KEEP))
            .compress(input);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    byte[] output = result.output().orElseThrow();
    ImageFormat outFormat = result.outputFormat().orElseThrow();
    assertFalse(result.metadataRemoved().contains("icc"), result.metadataRemoved().toString());
    byte[] want = MetadataBlocks.read(input, ImageFormat.JPEG).icc();
    assertArrayEquals(want, MetadataBlocks.read(output, outFormat).icc(), "embedded profile");
    BufferedImage samples =
        ColourConversion.untagged(decodeKeepingProfile("colour/" + name + ".jpg"));
    BufferedImage written =
        ColourConversion.untagged(ImageReading.decode(output, outFormat, FailOn.WARNING, true));
    if (format == OutputFormat.PNG) {
      assertArrayEquals(Pixels.argb(samples), Pixels.argb(written), "samples changed");
    } else {
      double score = Ssim.score(samples, written);
      assertTrue(score > 0.9, "samples changed: SSIM " + score);
    }
    // Decoded with colour management, the output looks like the reference (within JPEG q80 loss).
    if (format == OutputFormat.JPEG && !name.startsWith("grey")) {
      double[] e =
          deltaE(
              TestData.decode("colour/" + name + "-reference.png"),
              ImageReading.decode(output, ImageFormat.JPEG));
      assertTrue(e[0] < 3.0, name + ": managed output mean CIEDE2000 " + e[0]);
    }
  }

  @Test
  void cmykIsConvertedEvenWhenProfilesAreKept() {
    CompressionResult result =
        ImageCompressor.of(PNG.withIccProfile(IccPolicy.KEEP))
            .compress(TestData.bytes("colour/cmyk.jpg"));
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertTrue(result.metadataRemoved().contains("icc"), result.metadataRemoved().toString());
  }

  private static BufferedImage decodeKeepingProfile(String name) {
    try {
      BufferedImage image =
          ImageReading.decode(TestData.bytes(name), ImageFormat.JPEG, FailOn.WARNING, true);
      assertTrue(ColourConversion.canKeepProfile(image), name + " decodes without its profile");
      return image;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Mean, 99th percentile and maximum CIEDE2000 between two images of the same size. */
  private static double[] deltaE(BufferedImage want, BufferedImage got) {
    assertEquals(want.getWidth(), got.getWidth());
    assertEquals(want.getHeight(), got.getHeight());
    int[] a = Pixels.argb(want);
    int[] b = Pixels.argb(got);
    double[] d = new double[a.length];
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      d[i] = DeltaE.ciede2000(a[i], b[i]);
      sum += d[i];
    }
    Arrays.sort(d);
    return new double[] {sum / d.length, d[(int) (d.length * 0.99)], d[d.length - 1]};
  }
}
