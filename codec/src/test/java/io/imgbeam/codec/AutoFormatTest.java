package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** {@code --format=auto}, and the size limits that keep native encoders safe. */
class AutoFormatTest {
  private static final CompressionSettings AUTO =
      CompressionSettings.create().withOutputFormat(OutputFormat.AUTO);

  @Test
  void keepsTheSmallestCandidateAndListsThemAll() {
    CompressionResult result = ImageCompressor.of(AUTO).compress(TestData.bytes("tiff/photo.tif"));
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    List<String> candidates = result.candidates().orElseThrow();
    assertEquals(3, candidates.size(), candidates.toString());
    long smallest = Long.MAX_VALUE;
    String winner = null;
    for (String candidate : candidates) {
      String[] parts = candidate.split(":");
      long bytes = Long.parseLong(parts[1]);
      if (bytes < smallest) {
        smallest = bytes;
        winner = parts[0];
      }
    }
    assertEquals(
        List.of("webp", "avif", "jpeg"), candidates.stream().map(c -> c.split(":")[0]).toList());
    assertEquals(winner, result.outputFormat().orElseThrow().recordName());
    assertEquals(smallest, result.output().orElseThrow().length);
    assertTrue(result.score().orElseThrow() > 0.9);
  }

  @Test
  void followsTheCandidateListAndItsOrder() {
    CompressionResult result =
        ImageCompressor.of(AUTO.withAutoFormats(List.of(OutputFormat.JPEG, OutputFormat.PNG)))
            .compress(TestData.bytes("bmp/photo.bmp"));
    assertEquals(
        List.of("jpeg", "png"),
        result.candidates().orElseThrow().stream().map(c -> c.split(":")[0]).toList());
    assertEquals(ImageFormat.JPEG, result.outputFormat().orElseThrow());
  }

  @Test
  void skipsJpegForTranslucentImages() throws Exception {
    CompressionResult result = ImageCompressor.of(AUTO).compress(TestData.bytes("png/rgba.png"));
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertTrue(
        result.candidates().orElseThrow().contains("jpeg:skipped (it has no alpha channel)"),
        result.candidates().toString());
    ImageFormat format = result.outputFormat().orElseThrow();
    assertTrue(format == ImageFormat.WEBP || format == ImageFormat.AVIF, format.toString());
  }

  @Test
  void skipsAvifWhenThePolicyKeepsMetadata() {
    CompressionResult result =
        ImageCompressor.of(AUTO.withMetadata(MetadataPolicy.KEEP_COPYRIGHT))
            .compress(TestData.bytes("privacy/camera.jpg"));
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertTrue(
        result.candidates().orElseThrow().stream()
            .anyMatch(c -> c.startsWith("avif:skipped (it cannot carry the metadata")),
        result.candidates().toString());
    assertFalse(result.metadataRemoved().contains("exif"), "copyright EXIF kept");
  }

  @Test
  void keepsTheOriginalWhenItIsACandidateAndSmallest() {
    byte[] tiny = TestData.bytes("webp/lossy.webp");
    CompressionResult result =
        ImageCompressor.of(
                AUTO.withAutoFormats(List.of(OutputFormat.WEBP, OutputFormat.PNG))
                    .withWebpQuality(100))
            .compress(tiny);
    assertEquals(Status.KEPT_ORIGINAL, result.status(), result.toString());
    assertEquals(ImageFormat.WEBP, result.outputFormat().orElseThrow());
  }

  /** A 20000-pixel-wide image: WebP and AVIF are skipped before libwebp or FFmpeg see it. */
  @Test
  void skipsFormatsThatCannotHoldTheSize() {
    BufferedImage strip = new BufferedImage(20000, 2, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 20000; x++) {
      strip.setRGB(x, 0, x * 31);
      strip.setRGB(x, 1, x * 17);
    }
    byte[] png = new PngEncoder().encode(strip).bytes();
    CompressionResult result = ImageCompressor.of(AUTO).compress(png);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertEquals(ImageFormat.JPEG, result.outputFormat().orElseThrow());
    List<String> candidates = result.candidates().orElseThrow();
    assertTrue(
        candidates.get(0).startsWith("webp:skipped (WebP holds at most 16383"),
        candidates.toString());
    assertTrue(candidates.get(1).startsWith("avif:skipped (AVIF"), candidates.toString());

    CompressionResult webp =
        ImageCompressor.of(CompressionSettings.create().withOutputFormat(OutputFormat.WEBP))
            .compress(png);
    assertEquals(Status.FAILED, webp.status());
    assertEquals(Stage.ENCODE, webp.errorStage().orElseThrow());
    assertTrue(webp.errorMessage().orElseThrow().contains("20000x2"), webp.toString());
  }

  /**
   * A header claiming 20000x20000 (with 4 rows of data): with the pixel limit raised, WebP and AVIF
   * refuse it on the header, before decoding (a decode would fail on the missing rows, at the
   * decode stage) and before any native call.
   */
  @Test
  void refusesHugeImagesOnTheHeader() throws Exception {
    byte[] png = pngHeader(20000, 20000);
    for (OutputFormat format : List.of(OutputFormat.WEBP, OutputFormat.AVIF)) {
      CompressionResult result =
          ImageCompressor.of(
                  CompressionSettings.create()
                      .withOutputFormat(format)
                      .withMaxInputPixels(1_000_000_000L))
              .compress(png);
      assertEquals(Status.FAILED, result.status(), result.toString());
      assertEquals(Stage.ENCODE, result.errorStage().orElseThrow(), result.toString());
      assertTrue(result.errorMessage().orElseThrow().contains("20000x20000"), result.toString());
    }
  }

  /** A grey PNG whose IHDR says width x height and whose IDAT holds only 4 zero rows. */
  private static byte[] pngHeader(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8;
    chunk(out, "IHDR", ihdr);
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[4 * (width + 1)]);
    deflater.finish();
    byte[] buffer = new byte[1 << 16];
    int n = deflater.deflate(buffer);
    deflater.end();
    chunk(out, "IDAT", java.util.Arrays.copyOf(buffer, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] length = new byte[4];
    putInt(length, 0, data.length);
    out.writeBytes(length);
    byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    byte[] sum = new byte[4];
    putInt(sum, 0, (int) crc.getValue());
    out.writeBytes(sum);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >> 24);
    b[at + 1] = (byte) (v >> 16);
    b[at + 2] = (byte) (v >> 8);
    b[at + 3] = (byte) v;
  }
}
