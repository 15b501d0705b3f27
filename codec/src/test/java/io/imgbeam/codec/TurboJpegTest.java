package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

/**
 * libjpeg-turbo decodes imgbeam's own JPEGs, and progressive inputs ImageIO has checked, to the
 * pixels ImageIO gives, and only plain JFIF files are given to it.
 */
class TurboJpegTest {
  @Test
  void nativesLoad() {
    assertTrue(TurboJpeg.available());
  }

  @Test
  void decodesOurOutputsAsImageIoDoes() throws IOException {
    for (String name :
        new String[] {"photo/coffee.jpg", "photo/astronaut-gps.jpg", "orientation/upright.png"}) {
      BufferedImage source =
          ImageReading.decode(TestData.bytes(name), ImageFormat.sniff(TestData.bytes(name)));
      for (BufferedImage pixels : new BufferedImage[] {source, grey(source)}) {
        byte[] jpeg = new JpegEncoder(80).encode(pixels).bytes();
        assertEquals(Pixels.isGrey(pixels) ? 1 : 3, TurboJpeg.plain(jpeg).components(), name);
        BufferedImage turbo = ImageReading.decodeOwn(jpeg, ImageFormat.JPEG);
        BufferedImage jdk = imageIo(jpeg);
        assertEquals(jdk.getWidth(), turbo.getWidth());
        assertEquals(jdk.getHeight(), turbo.getHeight());
        assertEquals(Pixels.isGrey(jdk), Pixels.isGrey(turbo), name);
        assertSamePixels(jdk, turbo, name);
      }
    }
  }

  /**
   * Verification's decode of the luma alone gives the Y component the file stores, exactly as the
   * JDK's libjpeg reads it without colour conversion ({@code readRaster}), for colour and grey
   * outputs, into the same scratch as the RGB decodes.
   */
  @Test
  void decodesTheLumaOfOurOutputsAsStored() throws IOException {
    BufferedImage photo = photo();
    for (BufferedImage pixels :
        new BufferedImage[] {photo, grey(photo), copy(photo.getSubimage(7, 5, 333, 211)), photo}) {
      byte[] jpeg = new JpegEncoder(80).encode(pixels).bytes();
      String name = pixels.getWidth() + "x" + pixels.getHeight() + " " + pixels.getType();
      Raster stored = jdkRaster(jpeg);
      byte[] luma =
          TurboJpeg.luma(
              jpeg,
              TurboJpeg.plain(jpeg),
              (width, height, rows) -> {
                assertEquals(stored.getWidth(), width, name);
                assertEquals(stored.getHeight(), height, name);
                byte[] copy = new byte[width * height];
                rows.get(copy);
                return copy;
              });
      int[] y = stored.getSamples(0, 0, stored.getWidth(), stored.getHeight(), 0, (int[]) null);
      for (int i = 0; i < y.length; i++) {
        assertEquals(y[i], luma[i] & 0xFF, name + ": pixel " + i);
      }
      // The RGB decode into the same scratch afterwards still gives ImageIO's pixels.
      assertSamePixels(imageIo(jpeg), TurboJpeg.decode(jpeg, TurboJpeg.plain(jpeg)), name);
    }
  }

  /** The JDK's reader's raster of a JPEG: its components as stored, with no colour conversion. */
  private static Raster jdkRaster(byte[] jpeg) throws IOException {
    for (Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        readers.hasNext(); ) {
      ImageReader reader = readers.next();
      if (reader.getClass().getName().startsWith("com.sun.")) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
          reader.setInput(in);
          return reader.readRaster(0, null);
        } finally {
          reader.dispose();
        }
      }
    }
    throw new IllegalStateException("no JDK JPEG reader");
  }

  @Test
  void decodesProgressiveInputsOnceAfterImageIoCheckedThem() throws IOException {
    // imgbeam's own JPEGs are plain progressive JFIF files, like many on the web.
    byte[] jpeg = new JpegEncoder(80).encode(photo()).bytes();
    assertTrue(TurboJpeg.plain(jpeg).progressive());
    BufferedImage fast = ImageReading.decode(jpeg, ImageFormat.JPEG);
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, fast.getType(), "libjpeg-turbo's layout");
    assertSamePixels(imageIo(jpeg), fast, "coffee.jpg at q80");
  }

  @Test
  void damagedProgressiveInputsStillFailOrArePaddedByImageIo() throws IOException {
    byte[] jpeg = new JpegEncoder(80).encode(photo()).bytes();
    byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 6 / 10);
    IOException e =
        assertThrows(IOException.class, () -> ImageReading.decode(cut, ImageFormat.JPEG));
    assertTrue(e.getMessage().startsWith("corrupt image data: "), e.getMessage());
    // A twentieth of the file cut out of the middle of the scans: libjpeg-turbo would decode it,
    // warning only on stderr; ImageIO's check of the first row finds what its whole read finds.
    byte[] hole = new byte[jpeg.length - jpeg.length / 20];
    int from = jpeg.length * 4 / 10;
    System.arraycopy(jpeg, 0, hole, 0, from);
    System.arraycopy(jpeg, from + jpeg.length / 20, hole, from, hole.length - from);
    IOException whole = assertThrows(IOException.class, () -> imageIo(hole));
    e = assertThrows(IOException.class, () -> ImageReading.decode(hole, ImageFormat.JPEG));
    assertEquals(whole.getMessage(), e.getMessage());
    // Warnings accepted: ImageIO pads what is missing, as it does for baseline files.
    BufferedImage padded = ImageReading.decode(cut, ImageFormat.JPEG, FailOn.ERROR, false);
    assertNotEquals(BufferedImage.TYPE_3BYTE_BGR, padded.getType());
    assertEquals(photo().getWidth(), padded.getWidth());
    assertEquals(photo().getHeight(), padded.getHeight());
  }

  @Test
  void damagedProgressiveFilesFailExactlyWhenImageIoFailsThem() throws IOException {
    // Seeded mutants of a progressive file (bit flips, truncations, cut-out runs, random runs):
    // each must come out of the checked path as it comes out of ImageIO alone, failed or decoded
    // (to the same picture). A 150 s run of the same loop over 2,205 mutants of five files agreed
    // on all of them (1,926 failed both ways).
    byte[] jpeg = new JpegEncoder(80).encode(photo()).bytes();
    Random random = new Random(20261129);
    int decoded = 0;
    for (int i = 0; i < 60; i++) {
      byte[] mutant = mutate(jpeg, random);
      BufferedImage checked = null;
      BufferedImage whole = null;
      try {
        checked = ImageReading.decode(mutant, ImageFormat.JPEG);
      } catch (IOException e) {
        // compared below
      }
      try {
        whole = imageIo(mutant);
      } catch (IOException e) {
        // compared below
      }
      assertEquals(whole == null, checked == null, "mutant " + i + ": failed one way only");
      if (checked != null) {
        decoded++;
        assertTrue(Ssim.score(whole, checked) > 0.999, "mutant " + i);
      }
    }
    assertTrue(decoded > 0, "some mutants decode");
  }

  /** The mutation kinds of the comparison above; the header's first 200 bytes stay intact. */
  private static byte[] mutate(byte[] seed, Random random) {
    byte[] m = seed.clone();
    int from = 200 + random.nextInt(m.length - 400);
    switch (random.nextInt(4)) {
      case 0 -> {
        for (int k = 1 + random.nextInt(8); k > 0; k--) {
          m[200 + random.nextInt(m.length - 200)] ^= (byte) (1 << random.nextInt(8));
        }
        return m;
      }
      case 1 -> {
        return Arrays.copyOf(m, from);
      }
      case 2 -> {
        int length = 1 + random.nextInt(Math.min(2000, m.length - from - 1));
        byte[] out = new byte[m.length - length];
        System.arraycopy(m, 0, out, 0, from);
        System.arraycopy(m, from + length, out, from, out.length - from);
        return out;
      }
      default -> {
        for (int k = 0; k < 16; k++) {
          m[from + k] = (byte) random.nextInt(256);
        }
        return m;
      }
    }
  }

  @Test
  void denseProgressiveFilesStayWithImageIo() throws IOException {
    // Noise at quality 100: far over half a byte a pixel, where a second entropy decode costs
    // more than ImageIO's extra renders save.
    BufferedImage noise = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(7);
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        noise.setRGB(x, y, random.nextInt());
      }
    }
    byte[] jpeg = new JpegEncoder(100).encode(noise).bytes();
    assertTrue(TurboJpeg.plain(jpeg).progressive());
    assertTrue(jpeg.length > ImageReading.CHECKED_PROGRESSIVE_BYTES_PER_PIXEL * 256 * 256, "dense");
    assertNotEquals(
        BufferedImage.TYPE_3BYTE_BGR, ImageReading.decode(jpeg, ImageFormat.JPEG).getType());
  }

  @Test
  void decodesImagesOfChangingSizesIntoOneScratch() throws IOException {
    BufferedImage photo = photo();
    BufferedImage[] sizes = {
      photo, photo.getSubimage(0, 0, 100, 60), photo.getSubimage(10, 20, 333, 211), photo
    };
    for (int round = 0; round < 2; round++) {
      for (BufferedImage pixels : sizes) {
        byte[] jpeg = new JpegEncoder(80).encode(copy(pixels)).bytes();
        BufferedImage turbo = TurboJpeg.decode(jpeg, TurboJpeg.plain(jpeg));
        assertEquals(pixels.getWidth(), turbo.getWidth());
        assertSamePixels(imageIo(jpeg), turbo, pixels.getWidth() + "x" + pixels.getHeight());
      }
    }
  }

  private static BufferedImage photo() throws IOException {
    return ImageReading.decode(TestData.bytes("photo/coffee.jpg"), ImageFormat.JPEG);
  }

  private static BufferedImage copy(BufferedImage image) {
    BufferedImage copy =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    copy.getGraphics().drawImage(image, 0, 0, null);
    return copy;
  }

  private static BufferedImage imageIo(byte[] jpeg) throws IOException {
    return ImageReading.imageIo(jpeg, ImageFormat.JPEG, FailOn.WARNING, false, 1, 1);
  }

  /** libjpeg-turbo in the JDK and in OpenCV differ by a level or two here and there. */
  private static void assertSamePixels(BufferedImage jdk, BufferedImage turbo, String name) {
    assertEquals(jdk.getWidth(), turbo.getWidth(), name);
    assertEquals(jdk.getHeight(), turbo.getHeight(), name);
    int[] a = Pixels.argb(jdk);
    int[] b = Pixels.argb(turbo);
    int worst = 0;
    for (int i = 0; i < a.length; i++) {
      for (int shift = 0; shift < 24; shift += 8) {
        worst = Math.max(worst, Math.abs((a[i] >> shift & 0xFF) - (b[i] >> shift & 0xFF)));
      }
    }
    assertTrue(worst <= 2, name + ": a channel differs by " + worst);
    assertTrue(Ssim.score(jdk, turbo) > 0.9999, name);
  }

  @Test
  void leavesProfilesCmykAndOddFilesToImageIo() {
    for (String name :
        new String[] {
          "colour/cmyk.jpg",
          "colour/ycck.jpg",
          "colour/adobergb.jpg",
          "colour/p3.jpg",
          "colour/grey-icc.jpg",
          "bad/empty.jpg",
          "bad/not-an-image.jpg"
        }) {
      assertNull(TurboJpeg.plain(TestData.bytes(name)), name);
    }
    assertNull(TurboJpeg.plain(new byte[] {(byte) 0xFF, (byte) 0xD8}));
  }

  private static BufferedImage grey(BufferedImage image) {
    BufferedImage grey =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    int[] argb = Pixels.argb(image);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = argb[y * image.getWidth() + x];
        int g = ((p >> 16 & 0xFF) + (p >> 8 & 0xFF) + (p & 0xFF)) / 3;
        grey.getRaster().setSample(x, y, 0, g);
      }
    }
    return grey;
  }
}
