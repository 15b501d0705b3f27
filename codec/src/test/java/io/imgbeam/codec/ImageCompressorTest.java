package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageCompressorTest {
  private static final ImageCompressor DEFAULTS = ImageCompressor.of(CompressionSettings.create());
  private static final ImageCompressor TO_PNG =
      ImageCompressor.of(CompressionSettings.create().withOutputFormat(OutputFormat.PNG));

  @Test
  void compressesAPhotoAndRecordsWhatItDid() throws IOException {
    byte[] input = TestData.bytes("photo/coffee.jpg");
    CompressionResult result = DEFAULTS.compress(input);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    byte[] output = result.output().orElseThrow();
    assertTrue(output.length < input.length, output.length + " >= " + input.length);
    assertEquals(ImageFormat.JPEG, result.outputFormat().orElseThrow());
    assertEquals(600, result.width());
    assertEquals(400, result.height());
    assertEquals(600, result.outputWidth());
    assertEquals(400, result.outputHeight());
    assertEquals(80, result.qualitySetting().orElseThrow());
    assertEquals("ssim", result.scoreName().orElseThrow());
    // Verification scores the output's luma as the file stores it (its Y component), which is the
    // luma of its decoded RGB but for that RGB's rounding and clipping.
    BufferedImage decodedInput = TestData.decode(input);
    byte[] jpeg = output;
    double ofStoredLuma =
        TurboJpeg.luma(jpeg, TurboJpeg.plain(jpeg), (w, h, rows) -> Ssim.score(decodedInput, rows));
    assertEquals(ofStoredLuma, result.score().orElseThrow(), 0.0);
    double measured = Ssim.score(decodedInput, TestData.decode(output));
    assertEquals(measured, result.score().orElseThrow(), 0.002);
    // The default q80 scores like sharp's mozjpeg q80 (JpegQualityScale): SSIM 0.941 here.
    assertTrue(measured >= 0.93, "SSIM " + measured);
    assertTrue(result.qualityExact().isEmpty(), "no search, no fractional quality");
    assertEquals(Hashes.sha256(input), result.inputSha256());
    assertEquals(Hashes.sha256(output), result.outputSha256().orElseThrow());
  }

  /** --png=lossy and auto: the record says lossy (colours as quality, SSIM as score). */
  @Test
  void writesAQuantisedPngWhenAskedAndRecordsItsScore() {
    byte[] input = TestData.bytes("orientation/upright.png");
    CompressionSettings png = CompressionSettings.create().withOutputFormat(OutputFormat.PNG);
    CompressionResult lossless = ImageCompressor.of(png).compress(input);
    for (PngMode mode : List.of(PngMode.LOSSY, PngMode.AUTO)) {
      CompressionResult result =
          ImageCompressor.of(png.withPngMode(mode).withPngMinScore(0.9)).compress(input);
      assertEquals(Status.WRITTEN, result.status(), result.toString());
      byte[] output = result.output().orElseThrow();
      assertEquals(3, output[25], "palette");
      assertTrue(output.length < lossless.output().orElseThrow().length);
      assertTrue(result.qualitySetting().orElseThrow() <= 256);
      double measured = Ssim.score(TestData.decode(input), TestData.decode(output));
      assertEquals(measured, result.score().orElseThrow(), 0.001);
      assertTrue(measured >= 0.9, mode + ": SSIM " + measured);
    }
    CompressionResult strict =
        ImageCompressor.of(png.withPngMode(PngMode.AUTO).withPngMinScore(0.9999)).compress(input);
    assertEquals(1.0, strict.score().orElseThrow(), "below the floor: lossless");
  }

  /**
   * Every orientation comes out upright: the test rotates the upright reference into each stored
   * layout itself, checks the file really holds that layout, and compares the output with the
   * upright pixels.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void appliesEveryExifOrientation(int orientation) {
    BufferedImage upright = TestData.decode("orientation/upright.png");
    byte[] input = TestData.bytes("orientation/orientation-" + orientation + ".jpg");
    BufferedImage stored = TestData.decode(input);
    assertTrue(
        Ssim.score(storedLayout(upright, orientation), stored) > 0.9,
        "test image " + orientation + " is not stored as its tag says");

    CompressionResult result = TO_PNG.compress(input);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    BufferedImage output = TestData.decode(result.output().orElseThrow());
    assertEquals(300, output.getWidth());
    assertEquals(200, output.getHeight());
    double score = Ssim.score(upright, output);
    assertTrue(score > 0.9, "orientation " + orientation + ": SSIM to upright " + score);
    assertEquals(1, MetadataScan.of(result.output().orElseThrow()).orientation());
  }

  /** The stored pixels of an image with EXIF orientation n, made from the upright ones. */
  private static BufferedImage storedLayout(BufferedImage upright, int n) {
    int w = upright.getWidth();
    int h = upright.getHeight();
    boolean swap = n >= 5;
    BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // Where upright pixel (x, y) lives in the stored image, per the TIFF/EXIF definition.
        int sx;
        int sy;
        switch (n) {
          case 1 -> {
            sx = x;
            sy = y;
          }
          case 2 -> {
            sx = w - 1 - x;
            sy = y;
          }
          case 3 -> {
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case 4 -> {
            sx = x;
            sy = h - 1 - y;
          }
          case 5 -> {
            sx = y;
            sy = x;
          }
          case 6 -> {
            sx = y;
            sy = w - 1 - x;
          }
          case 7 -> {
            sx = h - 1 - y;
            sy = w - 1 - x;
          }
          default -> {
            sx = h - 1 - y;
            sy = x;
          }
        }
        out.setRGB(sx, sy, upright.getRGB(x, y));
      }
    }
    return out;
  }

  /** CMYK, YCCK and Adobe RGB inputs look the same in sRGB as ImageMagick renders them. */
  @ParameterizedTest
  @CsvSource({"cmyk", "ycck", "adobergb"})
  void convertsEmbeddedProfilesToSrgb(String name) {
    CompressionResult result = TO_PNG.compress(TestData.bytes("colour/" + name + ".jpg"));
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    int[] got = Pixels.argb(TestData.decode(result.output().orElseThrow()));
    int[] want = Pixels.argb(TestData.decode("colour/" + name + "-reference.png"));
    assertEquals(want.length, got.length);
    double total = 0;
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      double d = distance(want[i], got[i]);
      total += d;
      worst = Math.max(worst, d);
    }
    double mean = total / want.length;
    assertTrue(mean < 3, name + ": mean RGB distance " + mean);
    assertTrue(worst < 12, name + ": largest RGB distance " + worst);
    assertTrue(result.metadataRemoved().contains("icc"), result.metadataRemoved().toString());
  }

  private static double distance(int a, int b) {
    int dr = ((a >> 16) & 0xFF) - ((b >> 16) & 0xFF);
    int dg = ((a >> 8) & 0xFF) - ((b >> 8) & 0xFF);
    int db = (a & 0xFF) - (b & 0xFF);
    return Math.sqrt(dr * dr + dg * dg + db * db);
  }

  @ParameterizedTest
  @CsvSource({
    "bad/empty.jpg, FAILED, SNIFF, empty file",
    "bad/not-an-image.jpg, UNSUPPORTED, SNIFF, not a recognised image format",
    "bad/truncated.jpg, FAILED, DECODE, corrupt image data",
    "bad/truncated.png, FAILED, PROBE, truncated PNG",
    "bad/huge-header.png, REJECTED_LIMIT, PROBE, 60000x60000 is 3600000000 pixels",
    "bad/huge-header.jpg, REJECTED_LIMIT, PROBE, 60000x60000 is 3600000000 pixels",
  })
  void recordsBadInputWithStageAndMessage(String file, Status status, Stage stage, String message) {
    CompressionResult result = DEFAULTS.compress(TestData.bytes(file));
    assertEquals(status, result.status(), result.toString());
    assertEquals(stage, result.errorStage().orElseThrow());
    assertTrue(
        result.errorMessage().orElseThrow().contains(message), result.errorMessage().orElseThrow());
    assertFalse(result.output().isPresent());
    assertFalse(result.errorClass().orElseThrow().isBlank());
  }

  @Test
  void recognisedButUnsupportedFormatsSaySo() {
    byte[] svg = "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(StandardCharsets.UTF_8);
    CompressionResult result = DEFAULTS.compress(svg);
    assertEquals(Status.UNSUPPORTED, result.status());
    assertEquals(ImageFormat.SVG, result.inputFormat());
    assertEquals("svg input is not supported", result.errorMessage().orElseThrow());
  }

  @Test
  void appliesTheLimitsBeforeDecoding() {
    byte[] input = TestData.bytes("photo/coffee.jpg");
    CompressionResult pixels =
        ImageCompressor.of(CompressionSettings.create().withMaxInputPixels(600 * 400 - 1))
            .compress(input);
    assertEquals(Status.REJECTED_LIMIT, pixels.status());
    assertTrue(pixels.errorMessage().orElseThrow().contains("maxInputPixels=239999"));
    CompressionResult bytes =
        ImageCompressor.of(CompressionSettings.create().withMaxInputBytes(input.length - 1))
            .compress(input);
    assertEquals(Status.REJECTED_LIMIT, bytes.status());
    assertEquals(Stage.READ, bytes.errorStage().orElseThrow());
  }

  /**
   * A JPEG already at quality 100 re-encoded at 100 does not shrink: the input's own scans are
   * kept, and its metadata still goes.
   */
  @Test
  void keepsTheOriginalWhenReencodingDoesNotHelpButStripsIt() {
    byte[] input = TestData.bytes("photo/astronaut-gps.jpg");
    CompressionResult result =
        ImageCompressor.of(CompressionSettings.create().withJpegQuality(100)).compress(input);
    assertEquals(Status.KEPT_ORIGINAL, result.status(), result.toString());
    byte[] output = result.output().orElseThrow();
    assertTrue(output.length < input.length);
    assertTrue(PixelEquality.equal(TestData.decode(input), TestData.decode(output)));
    assertTrue(result.hadGps());
    assertEquals(
        List.of("comment", "exif", "gps", "iptc", "thumbnail", "xmp"), result.metadataRemoved());
    assertEquals(List.of(), MetadataScan.of(output).groups());
  }

  @Test
  void reencodedOutputsCarryNoPrivateMetadata() {
    CompressionResult result = DEFAULTS.compress(TestData.bytes("photo/astronaut-gps.jpg"));
    assertEquals(Status.WRITTEN, result.status());
    String text = new String(result.output().orElseThrow(), StandardCharsets.ISO_8859_1);
    assertFalse(text.contains("Exif"), "Exif block in output");
    assertFalse(text.contains("xmpmeta"), "XMP in output");
    assertTrue(result.hadGps());
  }

  @Test
  void keepsAnimationsWithFormatSameAndRefusesToFlattenThem() {
    byte[] gif = TestData.bytes("gif/animated.gif");
    CompressionResult same = DEFAULTS.compress(gif);
    assertEquals(Status.KEPT_ORIGINAL, same.status());
    assertEquals(List.of("comment"), same.metadataRemoved());
    CompressionResult jpeg =
        ImageCompressor.of(CompressionSettings.create().withOutputFormat(OutputFormat.JPEG))
            .compress(gif);
    assertEquals(Status.UNSUPPORTED, jpeg.status());
    assertTrue(jpeg.errorMessage().orElseThrow().contains("4 frames"));
  }

  @ParameterizedTest
  @CsvSource({"bmp/photo.bmp, PNG", "tiff/photo.tif, PNG", "gif/static.gif, PNG"})
  void writesLosslessSourcesWithoutAnEncoderAsPng(String file, ImageFormat expected) {
    byte[] input = TestData.bytes(file);
    CompressionResult result = DEFAULTS.compress(input);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertEquals(expected, result.outputFormat().orElseThrow());
    assertTrue(PixelEquality.equal(TestData.decode(input), TestData.decode(result.output().get())));
  }

  /** Same format for WebP: lossy WebP is re-encoded as lossy WebP, lossless as lossless. */
  @Test
  void keepsWebpAsWebpLossyOrLossless() {
    byte[] lossy = TestData.bytes("webp/lossy.webp");
    CompressionResult result = ImageCompressor.of(CompressionSettings.create()).compress(lossy);
    assertEquals(ImageFormat.WEBP, result.outputFormat().orElseThrow(), result.toString());
    assertTrue(result.output().orElseThrow().length <= lossy.length);
    if (result.status() == Status.WRITTEN) {
      assertFalse(ImageCompressor.isLosslessWebp(result.output().get()));
    }
    byte[] lossless = TestData.bytes("webp/lossless.webp");
    CompressionResult exact = ImageCompressor.of(CompressionSettings.create()).compress(lossless);
    assertEquals(ImageFormat.WEBP, exact.outputFormat().orElseThrow(), exact.toString());
    assertTrue(
        PixelEquality.equal(TestData.decode(lossless), TestData.decode(exact.output().get())));
  }
}
