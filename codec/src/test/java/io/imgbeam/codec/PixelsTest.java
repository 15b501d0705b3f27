package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The raster fast paths of {@link Pixels} read exactly what {@code getRGB} reads. */
class PixelsTest {
  private static final int[] TYPES = {
    BufferedImage.TYPE_3BYTE_BGR,
    BufferedImage.TYPE_4BYTE_ABGR,
    BufferedImage.TYPE_INT_RGB,
    BufferedImage.TYPE_INT_ARGB,
    BufferedImage.TYPE_INT_BGR,
    BufferedImage.TYPE_INT_ARGB_PRE,
    BufferedImage.TYPE_4BYTE_ABGR_PRE,
    BufferedImage.TYPE_USHORT_565_RGB
  };

  @Test
  void rowsMatchGetRgbForEveryLayout() {
    for (int type : TYPES) {
      BufferedImage image = random(type, 37, 23);
      assertRowsMatch(image, "type " + type);
      // A child image starts inside its parent's array: offsets and strides must be honoured.
      assertRowsMatch(image.getSubimage(5, 7, 20, 11), "subimage of type " + type);
    }
  }

  @Test
  void toRgb8FlattensOverWhite() {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 0x00123456);
    image.setRGB(1, 0, 0x80000000);
    BufferedImage rgb = Pixels.toRgb8(image);
    assertEquals(BufferedImage.TYPE_INT_RGB, rgb.getType());
    assertEquals(0xFFFFFFFF, rgb.getRGB(0, 0));
    assertEquals(0xFF7F7F7F, rgb.getRGB(1, 0));
  }

  private static void assertRowsMatch(BufferedImage image, String what) {
    int w = image.getWidth();
    int[] row = new int[w];
    int[] samples = new int[w * image.getRaster().getNumBands()];
    int[] expected = new int[w];
    for (int y = 0; y < image.getHeight(); y++) {
      Pixels.argbRow(image, y, row, samples);
      image.getRGB(0, y, w, 1, expected, 0, w);
      assertArrayEquals(expected, row, what + ", row " + y);
    }
    int[] whole = Pixels.argb(image);
    assertArrayEquals(image.getRGB(0, 0, w, image.getHeight(), null, 0, w), whole, what);
  }

  private static BufferedImage random(int type, int w, int h) {
    Random random = new Random(type);
    BufferedImage image = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    return image;
  }
}
