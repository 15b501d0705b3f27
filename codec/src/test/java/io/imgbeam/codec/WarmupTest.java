package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class WarmupTest {
  @Test
  void everyWarmUpCompressionIsWrittenAndVerified() {
    assertEquals(8, Warmup.run());
  }

  @Test
  void theSyntheticPhotoHasDetailAndColour() throws Exception {
    BufferedImage photo = Warmup.photo();
    // A flat image would leave the trellis and SSIM loops cold: the photo must cost real bytes.
    JpegEncoder encoder = new JpegEncoder(CompressionSettings.DEFAULT_JPEG_QUALITY);
    byte[] jpeg = encoder.encode(photo).bytes();
    BufferedImage flat =
        new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
    byte[] flatJpeg = encoder.encode(flat).bytes();
    assertTrue(
        jpeg.length > 8 * flatJpeg.length,
        jpeg.length + " bytes, a flat image of the same size " + flatJpeg.length);
    assertTrue(JpegWriter.chromaDetail(photo) > 0);
  }

  @Test
  void theDetailedEncodeOutgrowsTheStreamBufferSizedForIt() throws Exception {
    BufferedImage photo = Warmup.photo();
    byte[] jpeg = new JpegEncoder(Warmup.DETAILED_QUALITY).encode(photo).bytes();
    // JpegWriter starts its stream at 2 bits a pixel (a quarter byte) and grows it when full.
    assertTrue(
        jpeg.length > photo.getWidth() * photo.getHeight() / 4,
        jpeg.length + " bytes for " + photo.getWidth() + "x" + photo.getHeight());
  }

  @Test
  void startReturnsADaemonThreadThatEnds() throws InterruptedException {
    Thread thread = Warmup.start();
    assertTrue(thread.isDaemon());
    thread.join(60_000);
    assertFalse(thread.isAlive());
  }
}
