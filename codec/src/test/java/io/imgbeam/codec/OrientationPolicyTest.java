package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every output is upright under every metadata policy: re-encoded outputs hold upright pixels and
 * declare orientation 1 (or none); kept originals hold the stored pixels and an orientation tag
 * that makes them upright. Quality 80 re-encodes, quality 100 keeps the originals.
 */
class OrientationPolicyTest {
  @ParameterizedTest
  @EnumSource(MetadataPolicy.class)
  void everyOutputDisplaysUpright(MetadataPolicy policy) {
    BufferedImage upright = TestData.decode("orientation/upright.png");
    Set<Status> seen = EnumSet.noneOf(Status.class);
    for (int orientation = 1; orientation <= 8; orientation++) {
      for (int quality : new int[] {80, 100}) {
        CompressionResult result =
            ImageCompressor.of(
                    CompressionSettings.create().withMetadata(policy).withJpegQuality(quality))
                .compress(TestData.bytes("orientation/orientation-" + orientation + ".jpg"));
        seen.add(result.status());
        byte[] output = result.output().orElseThrow();
        int declared = MetadataScan.of(output).orientation();
        if (result.status() == Status.WRITTEN) {
          assertEquals(1, declared, "re-encoded output of orientation " + orientation);
        } else {
          assertEquals(orientation, declared, "kept original of orientation " + orientation);
        }
        // What a viewer shows: the pixels with the declared orientation applied.
        BufferedImage shown = Orientation.apply(TestData.decode(output), declared);
        assertEquals(300, shown.getWidth());
        assertEquals(200, shown.getHeight());
        double score = Ssim.score(upright, shown);
        assertTrue(
            score > 0.9, policy + " orientation " + orientation + " q" + quality + ": " + score);
        assertEquals(300, result.outputWidth());
        assertEquals(200, result.outputHeight());
      }
    }
    assertEquals(EnumSet.of(Status.WRITTEN, Status.KEPT_ORIGINAL), seen);
  }
}
