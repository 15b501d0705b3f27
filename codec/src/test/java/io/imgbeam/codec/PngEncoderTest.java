package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.pngtastic.core.processing.zopfli.PartwiseZopfli;
import io.imgbeam.testing.TestData;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PngEncoderTest extends EncoderContract {
  private static final int GREY = 0;
  private static final int RGB = 2;
  private static final int PALETTE = 3;
  private static final int GREY_ALPHA = 4;
  private static final int RGBA = 6;

  @Override
  ImageEncoder encoder() {
    return new PngEncoder();
  }

  @Override
  double minScore() {
    return 1.0;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "png/rgba.png",
        "png/opaque-rgba.png",
        "png/palette.png",
        "png/grey.png",
        "png/grey16.png",
        "png/rgb16.png",
        "png/grey-as-rgb.png",
        "png/text-chunks.png",
        "gif/static.gif",
        "bmp/photo.bmp",
        "tiff/photo.tif",
        "webp/lossless.webp",
      })
  void decodesToExactlyTheSamePixels(String file) throws Exception {
    BufferedImage source = TestData.decode(file);
    ImageEncoder.Encoded encoded = encoder().encode(source);
    BufferedImage decoded = TestData.decode(encoded.bytes());
    assertTrue(PixelEquality.equal(source, decoded), file + " changed pixels");
  }

  /** Colour type and bit depth: the smallest exact layout for each kind of input. */
  @ParameterizedTest
  @CsvSource({
    "png/opaque-rgba.png, " + RGB + ", 8",
    "png/rgba.png, " + RGBA + ", 8",
    "png/grey-as-rgb.png, " + GREY + ", 8",
    "png/grey16.png, " + GREY + ", 16",
    "png/rgb16.png, " + RGB + ", 16",
    "png/palette.png, " + PALETTE + ", 8",
  })
  void choosesTheSmallestExactLayout(String file, int colourType, int bitDepth) throws Exception {
    byte[] png = encode(file).bytes();
    assertEquals(colourType, png[25], file + " colour type");
    assertEquals(bitDepth, png[24], file + " bit depth");
  }

  /** An 8-bit grey image is also a palette of at most 256 greys: the smaller file wins. */
  @Test
  void writesGreyAsGreyOrAGreyPaletteWhicheverIsSmaller() throws Exception {
    BufferedImage source = TestData.decode("png/grey.png");
    byte[] png = encoder().encode(source).bytes();
    assertTrue(png[25] == GREY || png[25] == PALETTE, "colour type " + png[25]);
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    ImageWriter writer = ImageWriting.jdkWriter("png");
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0f);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(plain)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(source, null, null), param);
    } finally {
      writer.dispose();
    }
    assertTrue(png.length <= plain.size(), png.length + " > plain grey " + plain.size());
    assertTrue(PixelEquality.equal(source, TestData.decode(png)));
  }

  @Test
  void packsTwoColoursIntoOneBit() throws Exception {
    BufferedImage image = new BufferedImage(64, 32, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 64; x++) {
        image.setRGB(x, y, (x + y) % 3 == 0 ? 0xFFCC2200 : 0x00000000);
      }
    }
    byte[] png = encoder().encode(image).bytes();
    assertEquals(PALETTE, png[25]);
    assertEquals(1, png[24]);
    assertTrue(PixelEquality.equal(image, TestData.decode(png)));
  }

  @Test
  void writesOnlyTheChunksItNeedsWithAShortTrns() throws Exception {
    // Noise over 16 opaque colours and one transparent one: a palette is far smaller than RGBA.
    java.util.Random random = new java.util.Random(3);
    BufferedImage image = new BufferedImage(120, 120, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 120; y++) {
      for (int x = 0; x < 120; x++) {
        int c = random.nextInt(16);
        image.setRGB(x, y, x < 5 ? 0 : 0xFF000000 | ((c % 4) * 60 << 8) | (c / 4) * 60);
      }
    }
    byte[] png = encoder().encode(image).bytes();
    List<String> chunks = new ArrayList<>();
    int trnsLength = -1;
    for (int pos = 8; pos < png.length; ) {
      int length = ByteBuffer.wrap(png, pos, 4).getInt();
      String type = new String(png, pos + 4, 4, StandardCharsets.US_ASCII);
      if (!type.equals("IDAT") || !chunks.contains("IDAT")) {
        chunks.add(type);
      }
      if (type.equals("tRNS")) {
        trnsLength = length;
      }
      pos += 12 + length;
    }
    assertEquals(List.of("IHDR", "PLTE", "tRNS", "IDAT", "IEND"), chunks);
    assertEquals(1, trnsLength, "only the one transparent entry needs an alpha value");
    assertTrue(PixelEquality.equal(image, TestData.decode(png)));
  }

  @ParameterizedTest
  @ValueSource(ints = {RGB, RGBA})
  void unfilteredKeepsThePixelsAndFiltersNoRow(int type) throws Exception {
    BufferedImage source = TestData.decode("png/rgba.png");
    int w = source.getWidth();
    int h = source.getHeight();
    int channels = type == RGB ? 3 : 4;
    byte[] raw = new byte[w * h * channels];
    BufferedImage expected = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0, o = 0; y < h; y++) {
      for (int x = 0; x < w; x++, o += channels) {
        int p = source.getRGB(x, y) | (type == RGB ? 0xFF000000 : 0);
        expected.setRGB(x, y, p);
        raw[o] = (byte) (p >> 16);
        raw[o + 1] = (byte) (p >> 8);
        raw[o + 2] = (byte) p;
        if (type == RGBA) {
          raw[o + 3] = (byte) (p >>> 24);
        }
      }
    }
    byte[] png = PngWriter.unfiltered(new PngWriter.Layout(w, h, type, 8, null, raw));
    assertTrue(PixelEquality.equal(expected, TestData.decode(png)));
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    for (int pos = 8; pos < png.length; ) {
      int length = ByteBuffer.wrap(png, pos, 4).getInt();
      if (new String(png, pos + 4, 4, StandardCharsets.US_ASCII).equals("IDAT")) {
        idat.write(png, pos + 8, length);
      }
      pos += 12 + length;
    }
    byte[] rows = inflate(idat.toByteArray(), (w * channels + 1) * h);
    for (int y = 0; y < h; y++) {
      assertEquals(0, rows[y * (w * channels + 1)], "filter type of row " + y);
    }
  }

  @Test
  void dropsAnOpaqueAlphaChannelAt16Bits() throws Exception {
    ComponentColorModel cm = rgba16Model();
    WritableRaster raster = cm.createCompatibleWritableRaster(16, 16);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        raster.setPixel(x, y, new int[] {x * 4000 + 1, y * 4000 + 3, 12345, 65535});
      }
    }
    BufferedImage image = new BufferedImage(cm, raster, false, null);
    byte[] png = encoder().encode(image).bytes();
    assertEquals(RGB, png[25]);
    assertEquals(16, png[24]);
    assertTrue(PixelEquality.equal(image, TestData.decode(png)));
  }

  @Test
  void writesFourGreyLevelsInTwoBits() throws Exception {
    BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 40; x++) {
        image.getRaster().setSample(x, y, 0, ((x / 10) % 4) * 85);
      }
    }
    byte[] png = encoder().encode(image).bytes();
    assertEquals(2, png[24], "bit depth");
    assertTrue(png[25] == GREY || png[25] == PALETTE, "grey or palette, got " + png[25]);
    assertTrue(PixelEquality.equal(image, TestData.decode(png)));
  }

  @Test
  void keepsGreyAlphaAsGreyAlpha() throws Exception {
    BufferedImage image = new BufferedImage(300, 20, BufferedImage.TYPE_INT_ARGB);
    for (int x = 0; x < 300; x++) {
      for (int y = 0; y < 20; y++) {
        int v = x % 256;
        image.setRGB(x, y, ((y * 12) << 24) | (v << 16) | (v << 8) | v);
      }
    }
    byte[] png = encoder().encode(image).bytes();
    assertEquals(GREY_ALPHA, png[25]);
    assertTrue(PixelEquality.equal(image, TestData.decode(png)));
  }

  /**
   * PngSuite-style coverage generated here: every colour type at every bit depth PNG allows, with
   * and without tRNS, decoded by the JDK and re-encoded at every effort, must decode to the same
   * pixels (16-bit samples compared at 16 bits).
   */
  @ParameterizedTest
  @CsvSource({
    "0, 1, false",
    "0, 2, false",
    "0, 4, false",
    "0, 8, false",
    "0, 16, false",
    "0, 8, true",
    "0, 16, true",
    "2, 8, false",
    "2, 16, false",
    "2, 8, true",
    "2, 16, true",
    "3, 1, false",
    "3, 2, false",
    "3, 4, false",
    "3, 8, false",
    "3, 8, true",
    "3, 4, true",
    "4, 8, false",
    "4, 16, false",
    "6, 8, false",
    "6, 16, false",
  })
  void everyColourTypeAndBitDepthSurvivesEveryEffort(int type, int depth, boolean trns)
      throws Exception {
    BufferedImage source = TestData.decode(SyntheticPng.make(type, depth, trns, 37, 29));
    for (int effort = 0; effort <= PngOptions.MAX_EFFORT; effort++) {
      PngEncoder encoder = new PngEncoder(withEffort(effort));
      byte[] png = encoder.encode(source).bytes();
      assertTrue(
          PixelEquality.equal(source, TestData.decode(png)),
          "type " + type + " depth " + depth + " tRNS " + trns + " effort " + effort);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "png/rgba.png",
        "png/palette.png",
        "png/grey.png",
        "png/grey16.png",
        "png/rgb16.png",
        "png/grey-as-rgb.png",
        "orientation/upright.png",
      })
  void everyEffortKeepsThePixelsAndHigherEffortIsNeverLarger(String file) throws Exception {
    BufferedImage source = TestData.decode(file);
    int previous = Integer.MAX_VALUE;
    for (int effort = 0; effort <= PngOptions.MAX_EFFORT; effort++) {
      byte[] png = new PngEncoder(withEffort(effort)).encode(source).bytes();
      assertTrue(PixelEquality.equal(source, TestData.decode(png)), file + " effort " + effort);
      if (effort >= 2) {
        // Effort 3 tries a superset of effort 2's filterings and strategies.
        assertTrue(png.length <= previous, file + " effort " + effort + ": " + png.length);
      }
      previous = png.length;
    }
  }

  @Test
  void keepsTheColourOfTransparentPixelsUnlessCleanupIsAllowed() throws Exception {
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
    java.util.Random random = new java.util.Random(5);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        image.setRGB(x, y, x < 32 ? random.nextInt() & 0x00FFFFFF : 0xFF3366CC);
      }
    }
    byte[] kept = new PngEncoder().encode(image).bytes();
    assertTrue(PixelEquality.equal(image, TestData.decode(kept)), "RGB under alpha 0 kept");
    PngOptions clean = PngOptions.DEFAULT.withCleanTransparent(true);
    ImageEncoder.Encoded cleaned = new PngEncoder(clean).encode(image);
    BufferedImage decoded = TestData.decode(cleaned.bytes());
    assertTrue(PixelEquality.equal(cleaned.reference(), decoded));
    int[] want = Pixels.argb(image);
    int[] got = Pixels.argb(decoded);
    for (int i = 0; i < want.length; i++) {
      assertEquals((want[i] >>> 24) == 0 ? 0 : want[i], got[i], "pixel " + i);
    }
    assertEquals(PALETTE, cleaned.bytes()[25], "two colours left: a palette");
    assertTrue(
        cleaned.bytes().length * 10 < kept.length, cleaned.bytes().length + " " + kept.length);
  }

  /**
   * Adam7: every colour type and bit depth (sub-byte pixels are regrouped per pass), and sizes
   * whose first passes are empty, decode to the same pixels; the header says interlaced only when
   * asked.
   */
  @ParameterizedTest
  @CsvSource({
    "0, 1, 37, 29",
    "0, 2, 37, 29",
    "0, 4, 37, 29",
    "0, 8, 37, 29",
    "0, 16, 37, 29",
    "2, 8, 37, 29",
    "2, 16, 37, 29",
    "3, 1, 37, 29",
    "3, 2, 5, 3",
    "3, 4, 37, 29",
    "3, 8, 1, 1",
    "4, 8, 3, 7",
    "4, 16, 37, 29",
    "6, 8, 2, 2",
    "6, 16, 37, 29",
  })
  void interlacedOutputKeepsThePixels(int type, int depth, int width, int height) throws Exception {
    BufferedImage source = TestData.decode(SyntheticPng.make(type, depth, false, width, height));
    for (int effort : new int[] {0, 2}) {
      byte[] png =
          new PngEncoder(PngOptions.DEFAULT.withEffort(effort).withInterlace(true))
              .encode(source)
              .bytes();
      assertEquals(1, png[28], "interlace method");
      assertTrue(
          PixelEquality.equal(source, TestData.decode(png)),
          "type " + type + " depth " + depth + " " + width + "x" + height + " effort " + effort);
    }
    assertEquals(0, new PngEncoder().encode(source).bytes()[28], "not interlaced by default");
  }

  @ParameterizedTest
  @ValueSource(strings = {"png/rgba.png", "png/grey16.png", "png/palette.png", "png/rgb16.png"})
  void interlacesRealImagesExactly(String file) throws Exception {
    BufferedImage source = TestData.decode(file);
    byte[] png = new PngEncoder(PngOptions.DEFAULT.withInterlace(true)).encode(source).bytes();
    assertEquals(1, png[28], file);
    assertTrue(PixelEquality.equal(source, TestData.decode(png)), file);
  }

  /** 16-bit RGBA (more than 8 bits used) with random colours under its transparent pixels. */
  private static BufferedImage transparent16() {
    ComponentColorModel cm = rgba16Model();
    WritableRaster raster = cm.createCompatibleWritableRaster(64, 48);
    java.util.Random random = new java.util.Random(11);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        int[] pixel =
            x < 24
                ? new int[] {random.nextInt(65536), random.nextInt(65536), random.nextInt(65536), 0}
                : new int[] {x * 1000 + 7, y * 1300 + 1, 40000, x == 30 ? 30000 : 65535};
        raster.setPixel(x, y, pixel);
      }
    }
    return new BufferedImage(cm, raster, false, null);
  }

  @Test
  void cleansTransparentPixelsOf16BitImagesOnlyWhenAllowed() throws Exception {
    BufferedImage image = transparent16();
    byte[] kept = new PngEncoder().encode(image).bytes();
    assertTrue(PixelEquality.equal(image, TestData.decode(kept)), "RGB under alpha 0 kept");

    ImageEncoder.Encoded cleaned =
        new PngEncoder(PngOptions.DEFAULT.withCleanTransparent(true)).encode(image);
    assertEquals(16, cleaned.bytes()[24], "still 16 bits");
    BufferedImage decoded = TestData.decode(cleaned.bytes());
    assertTrue(PixelEquality.equal(cleaned.reference(), decoded), "the reference is what we wrote");
    int[] want = Pixels.rgba16(image);
    int[] got = Pixels.rgba16(decoded);
    for (int i = 0; i < want.length; i += 4) {
      boolean transparent = want[i + 3] == 0;
      for (int c = 0; c < 4; c++) {
        // Visible pixels keep all 16 bits of every sample; transparent ones become 0.
        assertEquals(transparent ? 0 : want[i + c], got[i + c], "sample " + (i + c));
      }
    }
    assertTrue(
        cleaned.bytes().length * 2 < kept.length, cleaned.bytes().length + " vs " + kept.length);
  }

  @Test
  void zopfliStopsWhenItsThreadIsInterrupted() throws Exception {
    byte[] data = new byte[1 << 19];
    new java.util.Random(2).nextBytes(data);
    Thread.currentThread().interrupt();
    try {
      assertThrows(
          CancellationException.class,
          () -> PartwiseZopfli.compress(data, 15, 1 << 17),
          "interrupted before the first part");
    } finally {
      Thread.interrupted();
    }
    // Uninterrupted, the parts make one stream that inflates back to the input.
    byte[] small = Arrays.copyOf(data, 70_000);
    Arrays.fill(small, 0, 30_000, (byte) 7);
    byte[] zlib = PartwiseZopfli.compress(small, 1, 1 << 15);
    assertArrayEquals(small, inflate(zlib, small.length));
  }

  /**
   * A timeout while effort 4 runs zopfli on a large image ends in the timed-out record, and the
   * abandoned work stops at its next part instead of running on for minutes.
   */
  @Test
  void aTimeoutDuringZopfliGivesTheTimedOutRecordAndStopsTheWork() throws Exception {
    // 1400x1000 of smooth colour with a little noise: zlib's trials take a second or two, zopfli
    // at 15 iterations on its 4 MiB would take minutes.
    BufferedImage image = new BufferedImage(1400, 1000, BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(4);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, ((x / 6) << 16 | (y / 4) << 8 | (x + y) / 10) + random.nextInt(3));
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    try (BoundedCompressor compressor =
        BoundedCompressor.of(CompressionSettings.create().withPngEffort(4).withTimeoutSeconds(3))) {
      CompressionResult result = compressor.compress(png.toByteArray());
      assertEquals(Status.REJECTED_LIMIT, result.status(), result.toString());
      String message = result.errorMessage().orElseThrow();
      assertTrue(message.startsWith("timed out after 3 s in stage encode"), message);
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (compressor.busyThreads() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, compressor.busyThreads(), "the abandoned encode is still running");
    }
  }

  private static byte[] inflate(byte[] zlib, int size) throws Exception {
    java.util.zip.Inflater inflater = new java.util.zip.Inflater();
    try {
      inflater.setInput(zlib);
      byte[] out = new byte[size];
      int n = 0;
      while (n < size && !inflater.finished()) {
        n += inflater.inflate(out, n, size - n);
      }
      assertTrue(inflater.finished(), "one complete stream");
      return out;
    } finally {
      inflater.end();
    }
  }

  private static ComponentColorModel rgba16Model() {
    return new ComponentColorModel(
        ColorSpace.getInstance(ColorSpace.CS_sRGB),
        true,
        false,
        Transparency.TRANSLUCENT,
        DataBuffer.TYPE_USHORT);
  }

  private static PngOptions withEffort(int effort) {
    return PngOptions.DEFAULT.withEffort(effort);
  }
}
