package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.luciad.imageio.webp.WebPWriter;
import io.imgbeam.testing.ReferenceTools;
import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebpEncoderTest extends EncoderContract {
  @TempDir Path dir;

  @Override
  ImageEncoder encoder() {
    return new WebpEncoder(
        CompressionSettings.DEFAULT_WEBP_QUALITY,
        CompressionSettings.DEFAULT_WEBP_EFFORT,
        false,
        false);
  }

  @Override
  double minScore() {
    return 0.95;
  }

  /** Lossy WebP is always YUV 4:2:0; libwebp's fixed-point conversion back puts G 1 off. */
  @Override
  int greyChannelTolerance() {
    return 1;
  }

  /** libwebp's dwebp is the reference decoder, independent of both Java readers. */
  @Override
  BufferedImage decode(byte[] output) throws IOException {
    Path dwebp = ReferenceTools.ensure("dwebp", "webp");
    Path in = Files.write(dir.resolve("in.webp"), output);
    Path out = dir.resolve("out.png");
    ReferenceTools.run(dwebp.toString(), "-quiet", in.toString(), "-o", out.toString());
    return TestData.decode(Files.readAllBytes(out));
  }

  /**
   * CVE-2023-4863 (a heap overflow in libwebp's lossless decoder, exploited in the wild) is fixed
   * in libwebp 1.3.2. The version is read from the bundled native library itself, by calling its
   * {@code WebPGetDecoderVersion} and {@code WebPGetEncoderVersion} through Python's ctypes.
   */
  @Test
  void bundledLibwebpIsAtLeast132() throws Exception {
    Path library = dir.resolve("libwebp-imageio.so");
    try (InputStream in =
        WebPWriter.class.getResourceAsStream("/native/Linux/x86_64/libwebp-imageio.so")) {
      assertTrue(in != null, "no linux-x86_64 libwebp in webp-imageio");
      Files.copy(in, library);
    }
    String versions =
        ReferenceTools.run(
                "/usr/bin/python3",
                "-c",
                "import ctypes,sys; l=ctypes.CDLL(sys.argv[1]);"
                    + " print(l.WebPGetDecoderVersion(), l.WebPGetEncoderVersion())",
                library.toString())
            .strip();
    for (String version : versions.split(" ")) {
      int v = Integer.parseInt(version);
      String dotted = (v >> 16) + "." + ((v >> 8) & 0xFF) + "." + (v & 0xFF);
      assertTrue(v >= 0x010302, "bundled libwebp " + dotted + " < 1.3.2 (CVE-2023-4863)");
    }
  }

  @Test
  void writesLossyVp8AndLosslessVp8l() throws Exception {
    BufferedImage photo = TestData.decode("photo/coffee.jpg");
    byte[] lossy = encoder().encode(photo).bytes();
    assertEquals("VP8 ", new String(lossy, 12, 4, StandardCharsets.US_ASCII));
    ImageEncoder.Encoded lossless = new WebpEncoder(80, 4, true, false).encode(photo);
    assertEquals("VP8L", new String(lossless.bytes(), 12, 4, StandardCharsets.US_ASCII));
    assertTrue(lossless.lossless());
    assertTrue(PixelEquality.equal(photo, decode(lossless.bytes())), "lossless changed pixels");
    assertTrue(ImageCompressor.isLosslessWebp(lossless.bytes()));
    assertFalse(ImageCompressor.isLosslessWebp(lossy));
  }

  @Test
  void losslessKeepsTranslucentPixelsExactly() throws Exception {
    BufferedImage rgba = TestData.decode("png/rgba.png");
    byte[] webp = new WebpEncoder(80, 4, true, false).encode(rgba).bytes();
    assertTrue(PixelEquality.equal(rgba, decode(webp)));
  }

  @Test
  void lowerQualityAndSharpYuvWork() throws Exception {
    BufferedImage source = TestData.decode("photo/coffee.jpg");
    int q50 = new WebpEncoder(50, 4, false, false).encode(source).bytes().length;
    int q90 = new WebpEncoder(90, 4, false, false).encode(source).bytes().length;
    assertTrue(q50 < q90, q50 + " >= " + q90);
    byte[] sharp = new WebpEncoder(80, 4, false, true).encode(source).bytes();
    assertTrue(Ssim.score(source, decode(sharp)) >= minScore());
  }

  /** WebP's 14-bit size fields: 16383 per side, refused before libwebp sees a pixel. */
  @Test
  void refusesSidesOver16383BeforeLibwebp() {
    WebpEncoder encoder = (WebpEncoder) encoder();
    assertTrue(encoder.refusal(20000, 20000).isPresent());
    assertTrue(encoder.refusal(16384, 10).isPresent());
    assertTrue(encoder.refusal(16383, 16383).isEmpty());
    BufferedImage wide = new BufferedImage(16384, 1, BufferedImage.TYPE_INT_RGB);
    IOException e = assertThrows(IOException.class, () -> encoder.encode(wide));
    assertTrue(e.getMessage().contains("16383"), e.getMessage());
  }

  @Test
  void aSimpleWebpGetsAnExtendedHeaderForMetadata() throws Exception {
    for (boolean lossless : new boolean[] {false, true}) {
      byte[] webp =
          new WebpEncoder(80, 4, lossless, false).encode(TestData.decode("png/rgba.png")).bytes();
      byte[] extended = MetadataBlocks.extendedWebp(webp);
      assertEquals("VP8X", new String(extended, 12, 4, StandardCharsets.US_ASCII));
      BufferedImage decoded = decode(extended);
      assertEquals(300, decoded.getWidth());
      assertEquals(200, decoded.getHeight());
    }
  }
}
