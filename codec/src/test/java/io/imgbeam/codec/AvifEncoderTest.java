package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.ReferenceTools;
import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AvifEncoderTest extends EncoderContract {
  @Override
  ImageEncoder encoder() {
    return new AvifEncoder(
        CompressionSettings.DEFAULT_AVIF_QUALITY,
        CompressionSettings.DEFAULT_AVIF_EFFORT,
        false,
        8);
  }

  @Override
  double minScore() {
    return 0.95;
  }

  /** libavif's avifdec is the reference decoder: our own decoder must not be the only judge. */
  @Override
  BufferedImage decode(byte[] output) throws IOException {
    return TestData.decode(ReferenceTools.avifdec(output));
  }

  @Test
  void writesAStillPictureAvif() throws Exception {
    byte[] avif = encode("photo/coffee.jpg").bytes();
    assertEquals("ftypavif", new String(avif, 4, 8, StandardCharsets.US_ASCII));
    assertEquals(ImageFormat.AVIF, ImageFormat.sniff(avif));
  }

  @Test
  void ownDecoderAgreesWithAvifdec() throws Exception {
    for (String file : new String[] {"photo/coffee.jpg", "png/rgba.png", "png/grey.png"}) {
      byte[] avif = encode(file).bytes();
      BufferedImage ours = encoder().decode(avif);
      BufferedImage reference = decode(avif);
      assertEquals(reference.getWidth(), ours.getWidth());
      assertTrue(Ssim.score(reference, ours) > 0.99, file);
      int[] a = Pixels.argb(reference);
      int[] b = Pixels.argb(ours);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i] >>> 24, b[i] >>> 24, file + " alpha of pixel " + i);
      }
    }
  }

  @Test
  void chroma444AndTenBitsDecode() throws Exception {
    BufferedImage source = TestData.decode("photo/coffee.jpg");
    int size420 = encoder().encode(source).bytes().length;
    for (int depth : new int[] {8, 10}) {
      AvifEncoder encoder =
          new AvifEncoder(CompressionSettings.DEFAULT_AVIF_QUALITY, 2, true, depth);
      byte[] avif = encoder.encode(source).bytes();
      BufferedImage decoded = decode(avif);
      assertTrue(Ssim.score(source, decoded) > 0.95, "444 " + depth + "-bit");
      assertTrue(Ssim.score(source, encoder.decode(avif)) > 0.95, "own decoder " + depth);
      if (depth == 8) {
        assertTrue(avif.length > size420, "4:4:4 " + avif.length + " <= 4:2:0 " + size420);
      }
    }
  }

  @Test
  void lowerQualityMeansFewerBytes() throws Exception {
    BufferedImage source = TestData.decode("photo/coffee.jpg");
    int low = new AvifEncoder(30, 2, false, 8).encode(source).bytes().length;
    int high = new AvifEncoder(80, 2, false, 8).encode(source).bytes().length;
    assertTrue(low < high, low + " >= " + high);
  }

  @Test
  void qualityMapsToCrfAsLibavifDoes() {
    assertEquals(0, AvifEncoder.crf(100));
    assertEquals(32, AvifEncoder.crf(50));
    assertEquals(62, AvifEncoder.crf(1));
  }

  /** Sizes beyond one AV1 frame are refused before FFmpeg sees a pixel. */
  @Test
  void refusesOversizedImagesBeforeFfmpeg() {
    AvifEncoder encoder = (AvifEncoder) encoder();
    assertTrue(encoder.refusal(20000, 20000).isPresent());
    assertTrue(encoder.refusal(16384, 2177).isPresent(), "over MaxPicSize");
    assertTrue(encoder.refusal(16384, 2176).isEmpty());
    BufferedImage wide = new BufferedImage(20000, 1, BufferedImage.TYPE_INT_RGB);
    IOException e = assertThrows(IOException.class, () -> encoder.encode(wide));
    assertTrue(e.getMessage().contains("20000x1"), e.getMessage());
  }

  @Test
  void garbageDoesNotDecode() {
    byte[] avif = new byte[64];
    Arrays.fill(avif, (byte) 7);
    assertThrows(IOException.class, () -> AvifNative.decode(avif));
  }
}
