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
    byte[] jpeg = new JpegEncoder(CompressionSettings.DEFAULT_JPEG_QUALITY).encode(photo).bytes();
    assertTrue(jpeg.length > 20_000, "only " + jpeg.length + " bytes");
    assertTrue(JpegWriter.chromaDetail(photo) > 0);
  }

  @Test
  void startReturnsADaemonThreadThatEnds() throws InterruptedException {
    Thread thread = Warmup.start();
    assertTrue(thread.isDaemon());
    thread.join(60_000);
    assertFalse(thread.isAlive());
  }
}
