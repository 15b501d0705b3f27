package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exact checks on a small image whose pixels are all different. */
class OrientationTest {
  private static final int W = 5;
  private static final int H = 3;

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8})
  void matchesTheAffineTransformOfEachOrientation(int orientation) {
    BufferedImage stored = numbered();
    BufferedImage expected =
        new AffineTransformOp(
                uprightTransform(orientation), AffineTransformOp.TYPE_NEAREST_NEIGHBOR)
            .filter(stored, null);
    BufferedImage actual = Orientation.apply(stored, orientation);
    assertArrayEquals(pixels(expected), pixels(actual), "orientation " + orientation);
  }

  @Test
  void leavesOrientationOneAndUnknownValuesAlone() {
    BufferedImage image = numbered();
    assertSame(image, Orientation.apply(image, 1));
    assertSame(image, Orientation.apply(image, 0));
    assertSame(image, Orientation.apply(image, 9));
  }

  /** The transform that displays a stored image upright, from the EXIF 2.32 table. */
  private static AffineTransform uprightTransform(int orientation) {
    AffineTransform t = new AffineTransform();
    switch (orientation) {
      case 2 -> t.setTransform(-1, 0, 0, 1, W, 0);
      case 3 -> t.setTransform(-1, 0, 0, -1, W, H);
      case 4 -> t.setTransform(1, 0, 0, -1, 0, H);
      case 5 -> t.setTransform(0, 1, 1, 0, 0, 0);
      case 6 -> t.setTransform(0, 1, -1, 0, H, 0);
      case 7 -> t.setTransform(0, -1, -1, 0, H, W);
      case 8 -> t.setTransform(0, -1, 1, 0, 0, W);
      default -> throw new IllegalArgumentException("orientation " + orientation);
    }
    return t;
  }

  private static BufferedImage numbered() {
    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        image.setRGB(x, y, (y * W + x + 1) * 0x0A0B0C);
      }
    }
    return image;
  }

  private static int[] pixels(BufferedImage image) {
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }
}
