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
  void thePhotoEndsInAPartialTrellisGroupAndHasFlatBlocks() {
    int blocks = ((Warmup.WIDTH + 7) / 8) * ((Warmup.HEIGHT + 7) / 8);
    assertTrue(blocks % 4 != 0, blocks + " luma blocks, a whole number of groups of 4");
    BufferedImage photo = Warmup.photo();
    int corner = photo.getRGB(0, 0);
    for (int y = 0; y < Warmup.FLAT_PATCH; y++) {
      for (int x = 0; x < Warmup.FLAT_PATCH; x++) {
        assertEquals(corner, photo.getRGB(x, y), "patch pixel " + x + "," + y);
      }
    }
    assertTrue(Warmup.FLAT_PATCH % 8 == 0, "the patch covers whole blocks");
  }

  @Test
  void theExifSegmentIsReadAsACameraPhotosIs() throws Exception {
    byte[] jpeg =
        Warmup.withExif(
            new JpegEncoder(CompressionSettings.DEFAULT_JPEG_QUALITY)
                .encode(Warmup.photo())
                .bytes());
    MetadataScan scan = MetadataScan.of(jpeg);
    assertTrue(scan.has(MetadataScan.EXIF), "groups " + scan.groups());
    assertEquals(1, scan.orientation());
    BufferedImage decoded = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
    assertEquals(Warmup.WIDTH, decoded.getWidth());
    assertEquals(Warmup.HEIGHT, decoded.getHeight());
  }

  @Test
  void theFlatImageCodesEndOfBandRunsOverTheLongestAScanMayCode() {
    assertTrue(Warmup.FLAT_SIDE / 8 * (Warmup.FLAT_SIDE / 8) > 0x7FFF);
  }

  @Test
  void theLongCodesAndRunsAreCodedWithoutAnError() {
    Warmup.longRuns();
    JpegHuffman table = Warmup.longCodes();
    int codes = 0;
    for (int len = 1; len <= 16; len++) {
      codes += table.bits[len];
    }
    assertEquals(24, codes, "every symbol coded in 16 bits or fewer");
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
