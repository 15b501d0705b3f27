package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The raster fast paths of {@link Pixels} read exactly what {@code getRGB} reads; decoded JPEG
 * inputs come in the layout they are read fastest into.
 */
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
  void rgbBytesRowsMatchGetRgb() {
    BufferedImage image = Pixels.rgbBytes(37, 23);
    Random random = new Random(3);
    for (int y = 0; y < 23; y++) {
      for (int x = 0; x < 37; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    assertArrayEquals(new int[] {0, 1, 2}, Pixels.rgbByteOffsets(image));
    assertArrayEquals(
        new int[] {2, 1, 0},
        Pixels.rgbByteOffsets(new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR)));
    assertNull(Pixels.rgbByteOffsets(new BufferedImage(4, 4, BufferedImage.TYPE_4BYTE_ABGR)));
    assertRowsMatch(image, "RGB bytes");
    assertRowsMatch(image.getSubimage(5, 7, 20, 11), "subimage of RGB bytes");
  }

  @Test
  void jpegInputsDecodeToTheReadersOwnPixels() throws Exception {
    // Inputs the reader would return as TYPE_3BYTE_BGR come back as RGB bytes (a faster copy);
    // the others (ICC profiles, CMYK, YCCK, grey) as the reader chooses; the pixels are the same.
    for (String name :
        List.of(
            "photo/coffee.jpg",
            "photo/astronaut-gps.jpg",
            "colour/adobergb.jpg",
            "colour/p3.jpg",
            "colour/cmyk.jpg",
            "colour/ycck.jpg",
            "colour/grey-icc.jpg")) {
      byte[] jpeg = TestData.bytes(name);
      BufferedImage decoded = ImageReading.decode(jpeg, ImageFormat.JPEG);
      BufferedImage readers = TestData.decode(jpeg);
      assertTrue(PixelEquality.equal(readers, decoded), name);
      if (readers.getType() == BufferedImage.TYPE_3BYTE_BGR) {
        assertArrayEquals(new int[] {0, 1, 2}, Pixels.rgbByteOffsets(decoded), name);
      }
    }
    assertEquals(
        BufferedImage.TYPE_3BYTE_BGR, TestData.decode("photo/coffee.jpg").getType(), "coffee");
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
      // Point-sampled reads: every step-th pixel from an offset, as getRGB reads them.
      int[] scratch = new int[w];
      for (int step : new int[] {1, 2, 3, 7}) {
        for (int x0 = 0; x0 < Math.min(step, 3); x0++) {
          int count = (w - x0 + step - 1) / step;
          int[] sampled = new int[count];
          Pixels.argbRowSampled(image, y, x0, step, count, sampled, scratch, samples);
          for (int i = 0; i < count; i++) {
            assertEquals(
                expected[x0 + i * step],
                sampled[i],
                what + ", row " + y + ", step " + step + " from " + x0 + ", pixel " + i);
          }
        }
      }
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
