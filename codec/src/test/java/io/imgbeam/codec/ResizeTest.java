package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.ImageMagick;
import io.imgbeam.testing.TestData;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Resizing: the exact sizes of every fit mode, with and without enlarging, through every EXIF
 * orientation; and the pixels against ImageMagick's Lanczos (3 lobes) in linear light.
 */
class ResizeTest {
  @TempDir Path dir;

  /** Output sizes for a source of the given size; "-" for a limit that is not set. */
  @ParameterizedTest(name = "{0}x{1} into {2}x{3} {4} enlarge={5} -> {6}x{7}")
  @CsvSource({
    // Shrinking: 600x400 into 300x300.
    "600, 400, 300, 300, inside, false, 300, 200",
    "600, 400, 300, 300, cover, false, 300, 300",
    "600, 400, 300, 300, fill, false, 300, 300",
    "600, 400, 300, 300, exact, false, 300, 300",
    // One limit only: every mode scales to it and keeps the aspect ratio.
    "600, 400, 150, 0, cover, false, 150, 100",
    "600, 400, 0, 100, fill, false, 150, 100",
    "600, 400, 0, 100, exact, false, 150, 100",
    // Already small enough: nothing changes in inside; cover only crops; fill only shrinks the side
    // that is over; exact pads.
    "300, 200, 600, 600, inside, false, 300, 200",
    "300, 200, 600, 100, cover, false, 300, 100",
    "300, 200, 600, 100, fill, false, 300, 100",
    "300, 200, 600, 600, exact, false, 600, 600",
    // Enlarging when asked.
    "300, 200, 600, 600, inside, true, 600, 400",
    "300, 200, 600, 600, cover, true, 600, 600",
    "300, 200, 600, 600, fill, true, 600, 600",
    "300, 200, 600, 600, exact, true, 600, 600",
    // Rounding: the limiting side gets its limit exactly.
    "1001, 667, 100, 100, inside, false, 100, 67",
    "667, 1001, 100, 100, cover, false, 100, 100",
    "1, 1000, 10, 10, inside, false, 1, 10",
  })
  void plansTheSizeOfEachFitMode(
      int w, int h, int maxW, int maxH, String fit, boolean enlarge, int outW, int outH) {
    Resize.Plan plan = settings(maxW, maxH, Fit.parse(fit), enlarge).resize().plan(w, h);
    assertEquals(outW, plan.canvasWidth(), plan.toString());
    assertEquals(outH, plan.canvasHeight(), plan.toString());
    if (!enlarge) {
      assertTrue(plan.scaledWidth() <= w && plan.scaledHeight() <= h, "enlarged: " + plan);
    }
  }

  @Test
  void coverCropsAtTheGravityAndExactPadsAtIt() {
    // 600x400 covers 300x300 at 450x300: 150 columns to cut.
    CompressionSettings base = settings(300, 300, Fit.COVER, false);
    assertEquals(75, base.resize().plan(600, 400).cropX());
    assertEquals(0, base.withGravity(Gravity.WEST).resize().plan(600, 400).cropX());
    assertEquals(75, base.withGravity(Gravity.parse("center")).resize().plan(600, 400).cropX());
    assertEquals(150, base.withGravity(Gravity.SOUTHEAST).resize().plan(600, 400).cropX());
    assertEquals(0, base.withGravity(Gravity.SOUTHEAST).resize().plan(600, 400).cropY());
    Resize.Plan exact = base.withFit(Fit.EXACT).withGravity(Gravity.NORTH).resize().plan(600, 400);
    // 600x400 inside 300x300 is 300x200, on a 300x300 canvas, at the top.
    assertEquals(0, exact.padY());
    assertEquals(0, exact.padX());
    assertEquals(300, exact.canvasHeight());
    assertEquals(50, base.withFit(Fit.EXACT).resize().plan(600, 400).padY());
  }

  /**
   * Every orientation, every fit: the output has the exact size, measured on the displayed
   * (upright) image, and shows the upright picture.
   */
  @ParameterizedTest
  @EnumSource(Fit.class)
  void resizesEveryOrientationToTheExactSize(Fit fit) throws IOException {
    // Displayed 300x200 into 150x120: inside 150x100, cover/fill/exact 150x120.
    int wantH = fit == Fit.INSIDE ? 100 : 120;
    Path reference = reference(TestData.path("orientation/upright.png"), 150, 120, fit);
    BufferedImage expected = ImageIO.read(reference.toFile());
    for (int orientation = 1; orientation <= 8; orientation++) {
      CompressionResult result =
          ImageCompressor.of(settings(150, 120, fit, false).withOutputFormat(OutputFormat.PNG))
              .compress(TestData.bytes("orientation/orientation-" + orientation + ".jpg"));
      assertEquals(Status.WRITTEN, result.status(), result.toString());
      BufferedImage output = TestData.decode(result.output().orElseThrow());
      String what = fit + " orientation " + orientation;
      assertEquals(150, output.getWidth(), what);
      assertEquals(wantH, output.getHeight(), what);
      assertEquals(150, result.outputWidth(), what);
      assertEquals(wantH, result.outputHeight(), what);
      double score = Ssim.score(expected, output);
      // The stored images are JPEG q92 of the upright picture, so not identical to it.
      assertTrue(score > 0.9, what + ": SSIM to the upright reference " + score);
    }
  }

  @Test
  void neverEnlargesUnlessAsked() {
    byte[] input = TestData.bytes("photo/coffee.jpg");
    for (Fit fit : new Fit[] {Fit.INSIDE, Fit.COVER, Fit.FILL}) {
      CompressionResult result =
          ImageCompressor.of(settings(1200, 900, fit, false)).compress(input);
      assertEquals(600, result.outputWidth(), fit.toString());
      assertEquals(400, result.outputHeight(), fit.toString());
    }
    CompressionResult exact =
        ImageCompressor.of(settings(1200, 900, Fit.EXACT, false)).compress(input);
    assertEquals(Status.WRITTEN, exact.status());
    assertEquals(1200, TestData.decode(exact.output().orElseThrow()).getWidth());
    CompressionResult enlarged =
        ImageCompressor.of(settings(1200, 900, Fit.INSIDE, true)).compress(input);
    assertEquals(1200, enlarged.outputWidth());
    assertEquals(800, enlarged.outputHeight());
  }

  /**
   * A resized JPEG is written even when the quality setting makes it larger than the input: the
   * unresized input is never passed off as the resized output.
   */
  @Test
  void neverKeepsTheUnresizedOriginal() {
    byte[] input = TestData.bytes("photo/coffee.jpg");
    CompressionResult result =
        ImageCompressor.of(settings(590, 0, Fit.INSIDE, false).withJpegQuality(100))
            .compress(input);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertTrue(result.output().orElseThrow().length > input.length, "expected a larger output");
    assertEquals(590, TestData.decode(result.output().orElseThrow()).getWidth());
  }

  /**
   * Animations kept in their own format cannot be resized, and say so instead of staying large;
   * WebP, which has an encoder, is resized like any still image.
   */
  @Test
  void refusesToPassOnWhatItCannotResize() {
    CompressionResult webp =
        ImageCompressor.of(settings(100, 0, Fit.INSIDE, false))
            .compress(TestData.bytes("webp/lossy.webp"));
    assertEquals(Status.WRITTEN, webp.status(), webp.toString());
    assertEquals(100, webp.outputWidth());
    CompressionResult gif =
        ImageCompressor.of(settings(100, 0, Fit.INSIDE, false))
            .compress(TestData.bytes("gif/animated.gif"));
    assertEquals(Status.UNSUPPORTED, gif.status(), gif.toString());
    assertTrue(gif.errorMessage().orElseThrow().contains("without losing frames"));
    CompressionResult fits =
        ImageCompressor.of(settings(1000, 0, Fit.INSIDE, false))
            .compress(TestData.bytes("gif/animated.gif"));
    assertEquals(Status.KEPT_ORIGINAL, fits.status(), "nothing to resize: kept");
    CompressionResult asPng =
        ImageCompressor.of(settings(100, 0, Fit.INSIDE, false).withOutputFormat(OutputFormat.PNG))
            .compress(TestData.bytes("webp/lossy.webp"));
    assertEquals(100, asPng.outputWidth(), asPng.toString());
  }

  /**
   * The resized pixels against ImageMagick's Lanczos in linear light ({@code -colorspace RGB
   * -filter Lanczos ... -colorspace sRGB}) on the same source pixels, lossless output. Measured
   * SSIM (luma over white) is about 0.999 for every mode, opaque and translucent; 0.995 is the bar.
   */
  @ParameterizedTest
  @CsvSource({
    "photo/coffee.jpg, inside",
    "photo/coffee.jpg, cover",
    "photo/coffee.jpg, fill",
    "photo/coffee.jpg, exact",
    "png/rgba.png, inside",
    "png/rgba.png, exact",
    "png/grey.png, cover",
  })
  void matchesImageMagickLanczosInLinearLight(String file, String fitName) throws IOException {
    Fit fit = Fit.parse(fitName);
    Path source = dir.resolve("source.png");
    ImageIO.write(TestData.decode(file), "png", source.toFile());
    byte[] sourceBytes = Files.readAllBytes(source);
    CompressionResult result =
        ImageCompressor.of(settings(160, 130, fit, false).withOutputFormat(OutputFormat.PNG))
            .compress(sourceBytes);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    BufferedImage ours = TestData.decode(result.output().orElseThrow());
    BufferedImage theirs = ImageIO.read(reference(source, 160, 130, fit).toFile());
    double score = Ssim.score(theirs, ours);
    System.out.printf(Locale.ROOT, "resize SSIM vs ImageMagick %s %s: %.5f%n", file, fit, score);
    assertTrue(score >= 0.995, file + " " + fit + ": SSIM " + score);
  }

  /**
   * The fast path (decoding every k-th pixel when the target is at least 4 times smaller) against a
   * full decode resized by ImageMagick: a 2400x1600 mosaic of real photos at their own resolution,
   * shrunk to 300x200 (k = 4).
   */
  @Test
  void theSubsampledDecodeStaysCloseToTheFullReference() throws IOException {
    BufferedImage mosaic = new BufferedImage(2400, 1600, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = mosaic.createGraphics();
    String[] tiles = {
      "photo/coffee.jpg", "photo/astronaut-gps.jpg", "colour/adobergb-reference.png",
      "orientation/upright.png", "png/text-chunks.png", "colour/cmyk-reference.png"
    };
    int i = 0;
    for (int y = 0; y < 1600; y += 400) {
      for (int x = 0; x < 2400; x += 600) {
        g.drawImage(TestData.decode(tiles[i++ % tiles.length]), x, y, null);
      }
    }
    g.dispose();
    Path source = dir.resolve("mosaic.png");
    ImageIO.write(mosaic, "png", source.toFile());
    assertEquals(4, ImageCompressor.subsampling(2400, 150));
    assertEquals(1, ImageCompressor.subsampling(2400, 301));
    CompressionResult result =
        ImageCompressor.of(settings(150, 100, Fit.INSIDE, false).withOutputFormat(OutputFormat.PNG))
            .compress(Files.readAllBytes(source));
    BufferedImage ours = TestData.decode(result.output().orElseThrow());
    BufferedImage theirs = ImageIO.read(reference(source, 150, 100, Fit.INSIDE).toFile());
    double score = Ssim.score(theirs, ours);
    System.out.printf(Locale.ROOT, "resize SSIM vs ImageMagick, subsampled decode: %.5f%n", score);
    assertTrue(score >= 0.99, "SSIM " + score);
  }

  /**
   * Premultiplied alpha: transparent black next to opaque white must not make a grey seam. Every
   * pixel that is not fully transparent stays white.
   */
  @Test
  void transparentPixelsDoNotDarkenTheEdges() {
    BufferedImage half = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 32; x < 64; x++) {
        half.setRGB(x, y, 0xFFFFFFFF);
      }
    }
    CompressionResult result =
        ImageCompressor.of(settings(21, 0, Fit.INSIDE, false)).compress(png(half));
    BufferedImage out = TestData.decode(result.output().orElseThrow());
    assertEquals(21, out.getWidth());
    int edgeAlpha = 0;
    for (int x = 0; x < out.getWidth(); x++) {
      int p = out.getRGB(x, 10);
      if ((p >>> 24) > 0) {
        assertEquals(0xFFFFFF, p & 0xFFFFFF, "colour at x=" + x + ", alpha " + (p >>> 24));
        edgeAlpha = (p >>> 24) < 255 ? p >>> 24 : edgeAlpha;
      }
    }
    assertTrue(edgeAlpha > 0, "expected a partly transparent edge");
  }

  private static CompressionSettings settings(int maxW, int maxH, Fit fit, boolean enlarge) {
    CompressionSettings settings = CompressionSettings.create().withFit(fit).withEnlarge(enlarge);
    if (maxW > 0) {
      settings = settings.withMaxWidth(maxW);
    }
    if (maxH > 0) {
      settings = settings.withMaxHeight(maxH);
    }
    return settings;
  }

  /** ImageMagick's resize of {@code source} in linear light, as the fit mode defines it. */
  private Path reference(Path source, int w, int h, Fit fit) throws IOException {
    Path out = dir.resolve("reference-" + fit.optionName() + "-" + source.getFileName());
    String box = w + "x" + h;
    String[] geometry =
        switch (fit) {
          case INSIDE -> new String[] {"-resize", box};
          case COVER -> new String[] {"-resize", box + "^", "-gravity", "center", "-extent", box};
          case FILL -> new String[] {"-resize", box + "!"};
          case EXACT ->
              new String[] {
                "-resize", box, "-background", "none", "-gravity", "center", "-extent", box
              };
        };
    String[] args = new String[geometry.length + 8];
    args[0] = source.toString();
    args[1] = "-colorspace";
    args[2] = "RGB";
    args[3] = "-filter";
    args[4] = "Lanczos";
    System.arraycopy(geometry, 0, args, 5, geometry.length);
    args[5 + geometry.length] = "-colorspace";
    args[6 + geometry.length] = "sRGB";
    args[7 + geometry.length] = "PNG32:" + out;
    ImageMagick.convert(args);
    return out;
  }

  static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
