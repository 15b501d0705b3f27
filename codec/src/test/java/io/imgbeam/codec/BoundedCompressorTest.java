package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class BoundedCompressorTest {
  @Test
  void abandonsAnImageThatRunsPastItsTimeAndStopsItsThread() throws Exception {
    // The image compressed after the abandoned one must finish inside the same 1 s limit, so the
    // classes and native libraries of its path are loaded first, outside any limit: cold, on a
    // loaded machine, that alone can take a second.
    assertEquals(
        Status.WRITTEN,
        ImageCompressor.of(CompressionSettings.create())
            .compress(TestData.bytes("photo/coffee.jpg"))
            .status());

    // 2500x2500 of noise: decode, three deflate trials and the lossless check take seconds.
    BufferedImage noise = new BufferedImage(2500, 2500, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(8);
    for (int y = 0; y < noise.getHeight(); y++) {
      for (int x = 0; x < noise.getWidth(); x++) {
        noise.setRGB(x, y, random.nextInt());
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(noise, "png", png);

    try (BoundedCompressor compressor =
        BoundedCompressor.of(CompressionSettings.create().withTimeoutSeconds(1))) {
      CompressionResult result = compressor.compress(png.toByteArray());
      assertEquals(Status.REJECTED_LIMIT, result.status(), result.toString());
      String message = result.errorMessage().orElseThrow();
      assertTrue(message.startsWith("timed out after 1 s in stage "), message);
      assertTrue(message.endsWith("over the limit perImageTimeoutSeconds=1"), message);
      assertEquals(2500, result.width());

      // The abandoned work stops by itself (interrupt, abort, row checks), well before it would
      // have finished; then the next image runs normally on the same instance.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (compressor.busyThreads() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, compressor.busyThreads(), "the abandoned thread is still running");
      CompressionResult next = compressor.compress(TestData.bytes("photo/coffee.jpg"));
      assertEquals(Status.WRITTEN, next.status(), next.toString());
    }
  }

  @Test
  void namesEveryLimitInItsRecord() throws IOException {
    CompressionSettings defaults = CompressionSettings.create();
    CompressionResult metadata =
        ImageCompressor.of(defaults.withMaxMetadataBytes(1000))
            .compress(TestData.bytes("photo/astronaut-gps.jpg"));
    assertEquals(Status.REJECTED_LIMIT, metadata.status());
    assertEquals(Stage.METADATA, metadata.errorStage().orElseThrow());
    assertTrue(
        metadata.errorMessage().orElseThrow().contains("over the limit maxMetadataBytes=1000"));

    CompressionResult frames =
        ImageCompressor.of(defaults.withMaxFrames(3)).compress(TestData.bytes("gif/animated.gif"));
    assertEquals(Status.REJECTED_LIMIT, frames.status());
    assertTrue(
        frames.errorMessage().orElseThrow().contains("4 frames, over the limit maxFrames=3"));

    CompressionResult bytes =
        ImageCompressor.of(defaults.withMaxInputBytes(100))
            .compress(TestData.bytes("photo/coffee.jpg"));
    assertEquals(Status.REJECTED_LIMIT, bytes.status());
    assertTrue(bytes.errorMessage().orElseThrow().contains("maxInputBytes=100"));
  }

  @Test
  void checksEverySettingWithTheUniformMessage() {
    CompressionSettings s = CompressionSettings.create();
    assertEquals(
        "expected at least 1 for maxFrames, got 0",
        assertThrows(IllegalArgumentException.class, () -> s.withMaxFrames(0)).getMessage());
    assertEquals(
        "expected a value from 1 to 86400 for perImageTimeoutSeconds, got 0",
        assertThrows(IllegalArgumentException.class, () -> s.withTimeoutSeconds(0)).getMessage());
    assertEquals(
        "expected at least 0 for maxMetadataBytes, got -1",
        assertThrows(IllegalArgumentException.class, () -> s.withMaxMetadataBytes(-1))
            .getMessage());
    assertEquals(
        "expected warning or error for failOn, got none",
        assertThrows(IllegalArgumentException.class, () -> FailOn.parse("none")).getMessage());
    assertEquals(
        "codec=8 format=same quality=80 failOn=warning metadata=strip keepDates=false"
            + " iccProfile=srgb jpegEffort=1 webpQuality=77 webpEffort=4"
            + " webpLossless=false"
            + " webpSharpYuv=false avifQuality=55 avifEffort=2 avifChroma=420 avifBitDepth=8"
            + " formats=webp,avif,jpeg png=lossless pngEffort=2 pngCleanTransparent=false"
            + " pngMinScore=0.95 pngDither=0.25 pngMaxScore=0.993 pngInterlace=false",
        CompressionSettings.create().fingerprint());
    assertEquals(
        "expected a value from 0 to 4 for pngEffort, got 5",
        assertThrows(IllegalArgumentException.class, () -> s.withPngEffort(5)).getMessage());
    assertEquals(
        "expected a value from 0 to 1 for pngDither, got 1.5",
        assertThrows(IllegalArgumentException.class, () -> s.withPngDither(1.5)).getMessage());
    assertEquals(
        "expected lossless, lossy or auto for png, got fast",
        assertThrows(IllegalArgumentException.class, () -> PngMode.parse("fast")).getMessage());
    for (CompressionSettings changed :
        List.of(
            s.withPngMode(PngMode.AUTO),
            s.withPngEffort(3),
            s.withPngCleanTransparent(true),
            s.withPngMinScore(0.9),
            s.withPngDither(0.75),
            s.withPngMaxScore(1),
            s.withPngInterlace(true))) {
      assertNotEquals(s.fingerprint(), changed.fingerprint());
    }
    // What decides an output's bytes changes the fingerprint, so incremental runs redo the image.
    assertNotEquals(
        CompressionSettings.create().fingerprint(),
        CompressionSettings.create().withMetadata(MetadataPolicy.KEEP).fingerprint());
  }
}
