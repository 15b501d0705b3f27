package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.ReferenceTools;
import io.imgbeam.testing.TestData;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

class JpegEncoderTest extends EncoderContract {
  private static final int TYPE_RGB = BufferedImage.TYPE_INT_RGB;

  @Override
  ImageEncoder encoder() {
    return new JpegEncoder(CompressionSettings.DEFAULT_JPEG_QUALITY);
  }

  /** The default q80 scores like sharp's mozjpeg q80: SSIM 0.941 on coffee.jpg. */
  @Override
  double minScore() {
    return 0.93;
  }

  @Test
  void writesProgressiveScansWithAJfifHeaderOnly() throws Exception {
    byte[] jpeg = encode("photo/coffee.jpg").bytes();
    List<int[]> segments = segments(jpeg);
    assertEquals(0xE0, segments.get(0)[0], "APP0 JFIF first");
    assertEquals("JFIF", new String(jpeg, segments.get(0)[1] + 2, 4, "US-ASCII"));
    assertTrue(has(segments, 0xC2), "SOF2 (progressive)");
    for (int marker : new int[] {0xC0, 0xC1, 0xE1, 0xE2, 0xED, 0xEE, 0xFE}) {
      assertFalse(has(segments, marker), "marker " + Integer.toHexString(marker));
    }
  }

  @Test
  void scansSendTheDcOfAllComponentsFirstThenSpectralBands() throws Exception {
    byte[] jpeg = encode("photo/coffee.jpg").bytes();
    List<int[]> scans = scanHeaders(jpeg);
    assertTrue(scans.size() >= 4, scans.size() + " scans");
    // first scan: 3 components, Ss = Se = 0
    int[] first = scans.get(0);
    assertEquals(3, first[0], "components in the DC scan");
    assertEquals(0, first[1]);
    assertEquals(0, first[2]);
    boolean[][] covered = new boolean[3][64];
    for (int[] scan : scans) {
      if (scan[1] == 0) {
        continue;
      }
      assertEquals(1, scan[0], "AC scans hold one component");
      for (int k = scan[1]; k <= scan[2]; k++) {
        assertFalse(covered[scan[3] - 1][k], "coefficient " + k + " sent twice");
        covered[scan[3] - 1][k] = true;
      }
    }
    for (int c = 0; c < 3; c++) {
      for (int k = 1; k < 64; k++) {
        assertTrue(covered[c][k], "component " + c + " coefficient " + k + " never sent");
      }
    }
  }

  @Test
  void everyDecoderReadsEverySizeAndLayout() throws Exception {
    BufferedImage photo = TestData.decode("photo/coffee.jpg");
    int[][] sizes = {{1, 1}, {7, 13}, {17, 9}, {4097, 3}, {16, 16}, {33, 47}};
    for (int[] size : sizes) {
      BufferedImage rgb = scaled(photo, size[0], size[1], BufferedImage.TYPE_INT_RGB);
      BufferedImage grey = scaled(photo, size[0], size[1], BufferedImage.TYPE_BYTE_GRAY);
      for (JpegWriter.Subsampling sub : JpegWriter.Subsampling.values()) {
        // Halved chroma loses colour in images this small (the JDK writer's 4:2:0 as much).
        double limit = sub == JpegWriter.Subsampling.S420 ? 8 : 4;
        byte[] jpeg = JpegWriter.encode(rgb, 90, 1, sub);
        checkAllDecoders(rgb, jpeg, sub + " " + size[0] + "x" + size[1], limit);
      }
      byte[] jpeg = JpegWriter.encode(grey, 90, 1, null);
      checkAllDecoders(grey, jpeg, "grey " + size[0] + "x" + size[1], 4);
    }
  }

  @Test
  void photosDecodeAlikeInEveryDecoder() throws Exception {
    for (String photo : List.of("photo/coffee.jpg", "photo/astronaut-gps.jpg", "png/grey.png")) {
      BufferedImage source = TestData.decode(photo);
      BufferedImage pixels = Pixels.isGrey(source) ? Pixels.toGrey8(source) : Pixels.toRgb8(source);
      checkAllDecoders(pixels, new JpegEncoder(80).encode(source).bytes(), photo, 4);
    }
  }

  @Test
  void choosesHalfChromaForPhotosAndFullChromaForColouredDetail() throws Exception {
    BufferedImage photo = Pixels.toRgb8(TestData.decode("photo/coffee.jpg"));
    assertEquals(0x22, lumaSampling(new JpegEncoder(75).encode(photo).bytes()));
    BufferedImage graphic = Pixels.toRgb8(TestData.decode("png/palette.png"));
    assertEquals(0x22, lumaSampling(new JpegEncoder(95).encode(graphic).bytes()));

    BufferedImage text = colouredText();
    byte[] jpeg = new JpegEncoder(75).encode(text).bytes();
    assertEquals(0x11, lumaSampling(jpeg));
    // Full chroma keeps red text on blue legible in colour, not only in luma.
    assertTrue(meanDeltaE(text, TestData.decode(jpeg)) < 4, "mean colour error");
  }

  @Test
  void keepsGreyAsOneComponent() throws Exception {
    byte[] jpeg = encode("png/grey.png").bytes();
    List<int[]> segments = segments(jpeg);
    for (int[] s : segments) {
      if (s[0] == 0xC2) {
        assertEquals(1, jpeg[s[1] + 7] & 0xFF, "components in SOF2");
      }
    }
  }

  @Test
  void higherQualityMeansMoreBytesAndABetterPicture() throws Exception {
    BufferedImage source = Pixels.toRgb8(TestData.decode("photo/astronaut-gps.jpg"));
    int previousBytes = 0;
    double previousScore = 0;
    for (int quality : new int[] {20, 40, 60, 75, 85, 95}) {
      byte[] jpeg = new JpegEncoder(quality).encode(source).bytes();
      double score = Ssim.score(source, TestData.decode(jpeg));
      assertTrue(jpeg.length > previousBytes, "q" + quality + ": " + jpeg.length + " bytes");
      assertTrue(score > previousScore, "q" + quality + ": SSIM " + score + " <= " + previousScore);
      previousBytes = jpeg.length;
      previousScore = score;
    }
  }

  @Test
  void trellisSavesBytesAtAlmostTheSameQuality() throws Exception {
    BufferedImage source = Pixels.toRgb8(TestData.decode("photo/coffee.jpg"));
    byte[] rounded = new JpegEncoder(75, 0).encode(source).bytes();
    byte[] trellis = new JpegEncoder(75, 1).encode(source).bytes();
    assertTrue(trellis.length < rounded.length * 0.95, trellis.length + " vs " + rounded.length);
    double a = Ssim.score(source, TestData.decode(rounded));
    double b = Ssim.score(source, TestData.decode(trellis));
    assertTrue(b > a - 0.02, "SSIM " + b + " vs " + a);
  }

  @Test
  void smallerThanTheJdkWriterAtTheSameSsimulacra2Score() throws Exception {
    // The JDK writer (libjpeg 6b, progressive, optimised Huffman) at quality 80 against our
    // smallest quality that scores at least as well.
    BufferedImage source = Pixels.toRgb8(TestData.decode("photo/coffee.jpg"));
    byte[] jdk = jdkJpeg(source, 80);
    double target = Ssimulacra2.score(source, TestData.decode(jdk));
    byte[] ours = null;
    for (int q = 50; q <= 100 && ours == null; q++) {
      byte[] candidate = new JpegEncoder(q).encode(source).bytes();
      if (Ssimulacra2.score(source, TestData.decode(candidate)) >= target) {
        ours = candidate;
      }
    }
    assertTrue(ours != null, "no quality reaches " + target);
    assertTrue(ours.length < jdk.length * 0.95, ours.length + " vs the JDK's " + jdk.length);
  }

  @Test
  void textureWeightsStayInRangeAndRiseWithTexture() {
    int w = 64;
    int h = 32;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(3);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // left half flat grey, right half noise of growing amplitude
        int v = x < 32 ? 128 : 128 + (int) ((random.nextDouble() - 0.5) * (x - 31) * 8);
        v = Math.max(0, Math.min(255, v));
        image.setRGB(x, y, v * 0x010101);
      }
    }
    float[] weights = JpegWriter.textureWeights(image);
    assertEquals((w / 8) * (h / 8), weights.length);
    double flat = Math.pow(2 / 6.0, JpegWriter.TEXTURE_EXPONENT);
    double max = Math.pow((2 + 2 * 255) / 6.0, JpegWriter.TEXTURE_EXPONENT);
    for (int by = 0; by < h / 8; by++) {
      for (int bx = 0; bx < w / 8; bx++) {
        float weight = weights[by * (w / 8) + bx];
        assertTrue(
            weight >= flat - 1e-6 && weight <= max, "block " + bx + "," + by + ": " + weight);
        if (bx < 3) {
          assertEquals(flat, weight, 1e-6, "flat block " + bx + "," + by);
        }
        if (bx > 4) {
          assertTrue(weight > weights[by * (w / 8) + bx - 1], "more texture, more weight");
        }
      }
    }
  }

  @Test
  void textureWeightedTrellisDecodesAlikeOnFlatAndBusyHalves() throws Exception {
    BufferedImage photo = Pixels.toRgb8(TestData.decode("photo/coffee.jpg"));
    BufferedImage mixed = new BufferedImage(photo.getWidth(), photo.getHeight(), photo.getType());
    for (int y = 0; y < photo.getHeight(); y++) {
      for (int x = 0; x < photo.getWidth(); x++) {
        mixed.setRGB(x, y, x < photo.getWidth() / 2 ? 0x6080A0 + (y / 4) : photo.getRGB(x, y));
      }
    }
    for (int quality : new int[] {40, 75}) {
      byte[] jpeg = JpegWriter.encode(mixed, quality, 1, JpegWriter.Subsampling.S420);
      checkAllDecoders(mixed, jpeg, "q" + quality + " flat and busy", 4);
    }
  }

  @Test
  void dcTrellisKeepsEachDcAtItsFloorOrCeilingAndRoundsWhenErrorsCostMost() {
    java.util.Random random = new java.util.Random(5);
    int n = 500;
    float[] u = new float[n];
    float[] heavy = new float[n];
    float[] light = new float[n];
    for (int i = 0; i < n; i++) {
      u[i] = (float) (20 + 3 * Math.sin(i / 40.0) + random.nextGaussian() * 0.4);
      heavy[i] = 1e6f;
      light[i] = 0.5f;
    }
    float[] bits = new float[256];
    for (int size = 0; size < 16; size++) {
      bits[size] = 2 + size;
    }
    short[] rounded = JpegWriter.chooseDc(u, heavy, bits);
    short[] cheap = JpegWriter.chooseDc(u, light, bits);
    int changesRounded = 0;
    int changesCheap = 0;
    for (int i = 0; i < n; i++) {
      assertEquals(Math.round(u[i]), rounded[i], "an error this costly always rounds, at " + i);
      assertTrue(
          cheap[i] == Math.floor(u[i]) || cheap[i] == Math.ceil(u[i]),
          "floor or ceiling at " + i + ": " + cheap[i] + " for " + u[i]);
      if (i > 0) {
        changesRounded += rounded[i] != rounded[i - 1] ? 1 : 0;
        changesCheap += cheap[i] != cheap[i - 1] ? 1 : 0;
      }
    }
    assertTrue(changesCheap < changesRounded / 2, changesCheap + " vs " + changesRounded);
    assertEquals(-2047, JpegWriter.chooseDc(new float[] {-5000f}, heavy, bits)[0]);
    assertEquals(0, JpegWriter.chooseDc(new float[0], heavy, bits).length);
  }

  @Test
  void forwardDctWritesEveryCoefficientAtItsZigzagPlace() {
    java.util.Random random = new java.util.Random(11);
    double[] aan = new double[8];
    for (int k = 0; k < 8; k++) {
      aan[k] = k == 0 ? 1 : Math.cos(k * Math.PI / 16) * Math.sqrt(2);
    }
    for (int trial = 0; trial < 20; trial++) {
      float[] samples = new float[64];
      for (int i = 0; i < 64; i++) {
        samples[i] = random.nextInt(256) - 128f;
      }
      float[] pixels = samples.clone();
      float[] out = new float[64 + 7];
      JpegWriter.forwardDct(samples, out, 7);
      for (int k = 0; k < 64; k++) {
        int v = JpegWriter.ZIGZAG[k] >> 3;
        int u = JpegWriter.ZIGZAG[k] & 7;
        double sum = 0;
        for (int y = 0; y < 8; y++) {
          for (int x = 0; x < 8; x++) {
            sum +=
                pixels[y * 8 + x]
                    * Math.cos((2 * x + 1) * u * Math.PI / 16)
                    * Math.cos((2 * y + 1) * v * Math.PI / 16);
          }
        }
        double coefficient =
            0.25 * (u == 0 ? Math.sqrt(0.5) : 1) * (v == 0 ? Math.sqrt(0.5) : 1) * sum;
        double expected = coefficient * 8 * aan[u] * aan[v];
        assertEquals(expected, out[7 + k], 0.02, "zigzag " + k + ", trial " + trial);
      }
    }
  }

  @Test
  void roundingFindsTheNonzeroCoefficientsFromTheirBits() {
    java.util.Random random = new java.util.Random(12);
    int nonzero = 0;
    for (int i = 0; i < 2_000_000; i++) {
      // every float near the rounding threshold 0.5, then values of every magnitude
      float u =
          i < 1_000_000
              ? Float.intBitsToFloat(Float.floatToRawIntBits(0.5f) - 500_000 + i)
              : Float.intBitsToFloat(random.nextInt(0x4B000000));
      for (float signed : new float[] {u, -u}) {
        int expected = JpegWriter.roundAc(signed) != 0 ? 1 : 0;
        assertEquals(expected, JpegWriter.roundsToNonzero(signed), "at " + signed);
        nonzero += expected;
      }
    }
    assertTrue(nonzero > 1_000_000 && nonzero < 3_000_000, "both sides tested: " + nonzero);
  }

  @Test
  void bitWriterStuffsEveryFfByteWhateverTheRunOfCalls() {
    java.util.Random random = new java.util.Random(13);
    for (int trial = 0; trial < 200; trial++) {
      JpegBitWriter writer = new JpegBitWriter(16);
      java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
      writer.marker(0xDA);
      expected.write(0xFF);
      expected.write(0xDA);
      StringBuilder bits = new StringBuilder();
      int calls = random.nextInt(400);
      for (int c = 0; c < calls; c++) {
        int n = random.nextInt(33);
        // mostly ones, so that many bytes are 0xFF
        int value = random.nextBoolean() ? -1 : random.nextInt();
        writer.bits(value, n);
        for (int b = n - 1; b >= 0; b--) {
          bits.append((value >>> b & 1) == 1 ? '1' : '0');
        }
      }
      writer.flushBits();
      while (bits.length() % 8 != 0) {
        bits.append('1');
      }
      for (int i = 0; i < bits.length(); i += 8) {
        int b = Integer.parseInt(bits.substring(i, i + 8), 2);
        expected.write(b);
        if (b == 0xFF) {
          expected.write(0);
        }
      }
      writer.marker(0xD9);
      expected.write(0xFF);
      expected.write(0xD9);
      assertArrayEquals(expected.toByteArray(), writer.toByteArray(), "trial " + trial);
    }
  }

  @Test
  void smallImagesShareHuffmanTablesBetweenScansAndStillDecodeEverywhere() throws Exception {
    BufferedImage photo = TestData.decode("photo/coffee.jpg");
    BufferedImage small = scaled(photo, 48, 32, BufferedImage.TYPE_INT_RGB);
    byte[] jpeg = JpegWriter.encode(small, 85, 1, JpegWriter.Subsampling.S420);
    int scans = scanHeaders(jpeg).size();
    int tables = 0;
    for (int[] segment : allSegments(jpeg)) {
      if (segment[0] == 0xC4) {
        // a DHT segment may hold several tables: count them
        int pos = segment[1] + 2;
        int end = segment[1] + (((jpeg[segment[1]] & 0xFF) << 8) | (jpeg[segment[1] + 1] & 0xFF));
        while (pos < end) {
          int symbols = 0;
          for (int len = 1; len <= 16; len++) {
            symbols += jpeg[pos + len] & 0xFF;
          }
          pos += 17 + symbols;
          tables++;
        }
      }
    }
    // one DC scan with two components plus five AC scans would need 7 tables unshared
    assertTrue(tables < scans + 1, tables + " tables for " + scans + " scans");
    checkAllDecoders(small, jpeg, "48x32 with shared tables", 8);
  }

  @Test
  void keepsTheLowestStepsOfAnotherQualityWhenAskedAndOnlyThose() throws Exception {
    // A PNG (no source steps to keep): the table is exactly the two qualities' tables merged.
    BufferedImage pixels = Pixels.toRgb8(TestData.decode("orientation/upright.png"));
    byte[] mixed = JpegWriter.encode(pixels, 60, 80, 1, JpegWriter.Subsampling.S420);
    int[] table = lumaTable(mixed);
    int[] low = JpegWriter.quantTable(80);
    int[] rest = JpegWriter.quantTable(60);
    for (int k = 0; k < 64; k++) {
      int expected =
          k < JpegWriter.LOW_STEPS ? low[JpegWriter.ZIGZAG[k]] : rest[JpegWriter.ZIGZAG[k]];
      assertEquals(expected, table[k], "zigzag " + k);
    }
    assertTrue(low[0] < rest[0], "the two DC steps differ: " + low[0] + ", " + rest[0]);
    checkAllDecoders(pixels, mixed, "q60 with q80's lowest steps", 8);
    // Between the two qualities in bytes, above the lower one in score.
    byte[] plain60 = JpegWriter.encode(pixels, 60, 1, JpegWriter.Subsampling.S420);
    byte[] plain80 = JpegWriter.encode(pixels, 80, 1, JpegWriter.Subsampling.S420);
    assertTrue(plain60.length < mixed.length && mixed.length < plain80.length);
    assertTrue(
        Ssimulacra2.score(pixels, TestData.decode(mixed))
            > Ssimulacra2.score(pixels, TestData.decode(plain60)));
  }

  @Test
  void aSearchsEncodesShareTheImagesQualityIndependentWorkAndMakeTheSameBytes() throws Exception {
    // A decoded JPEG (every encode aligns its own steps to the source's), coloured text (4:4:4)
    // and grey, at both efforts: each trial of a target search, second phase included, encoded
    // from the shared work and afresh.
    long free = PixelBudget.available();
    List<BufferedImage> images =
        List.of(
            TestData.decode("photo/coffee.jpg"), colouredText(), TestData.decode("png/grey.png"));
    for (BufferedImage image : images) {
      for (int effort = 0; effort <= 1; effort++) {
        int e = effort;
        String what = image.getWidth() + "x" + image.getHeight() + " at effort " + effort;
        QualitySearch.Result found;
        try (JpegEncoder.Shared shared = new JpegEncoder.Shared()) {
          QualitySearch.Refinement refinement =
              new QualitySearch.Refinement() {
                @Override
                public int part(double quality) {
                  return JpegEncoder.lowSteps(quality);
                }

                @Override
                public QualitySearch.Trial at(double quality, double partFrom)
                    throws CodecException {
                  return sharedTrial(image, quality, partFrom, e, shared, what);
                }
              };
          found =
              new QualitySearch(
                      new Metric.Target(Metric.SSIMULACRA2, 70),
                      0,
                      CompressionSettings.DEFAULT_MAX_ENCODES,
                      JpegEncoder.QUALITY_STEPS,
                      q -> sharedTrial(image, q, q, e, shared, what),
                      t -> Ssimulacra2.score(t.encoded().reference(), TestData.decode(t.output())),
                      refinement)
                  .run(CompressionSettings.DEFAULT_JPEG_QUALITY);
          assertTrue(shared.prepared(), what + ": the prepared image was kept");
          assertTrue(PixelBudget.available() < free, what + ": kept inside the pixel budget");
        }
        assertEquals(free, PixelBudget.available(), what + ": budget given back");
        assertTrue(found.encodes() >= 5, what + ": " + found);
        assertTrue(found.met(), what + ": " + found);
      }
    }
  }

  /**
   * An encode of a search sharing {@code shared}'s work, checked against a fresh encode at the same
   * settings: equal bytes, so also the same picture (SSIMULACRA 2 of one against the other 100).
   */
  private static QualitySearch.Trial sharedTrial(
      BufferedImage image,
      double quality,
      double lowQuality,
      int effort,
      JpegEncoder.Shared shared,
      String what)
      throws CodecException {
    ImageEncoder.Encoded reused;
    ImageEncoder.Encoded fresh;
    try {
      reused = new JpegEncoder(quality, lowQuality, effort).sharing(shared).encode(image);
      fresh = new JpegEncoder(quality, lowQuality, effort).encode(image);
    } catch (IOException ex) {
      throw CodecException.failed(Stage.ENCODE, ex);
    }
    String at = what + ", q" + quality + " with the lowest steps of q" + lowQuality;
    assertArrayEquals(fresh.bytes(), reused.bytes(), at);
    assertEquals(
        100,
        Ssimulacra2.score(TestData.decode(fresh.bytes()), TestData.decode(reused.bytes())),
        at);
    return new QualitySearch.Trial(quality, reused, reused.bytes());
  }

  @Test
  void withoutSpareBudgetEveryEncodeStartsFromThePixelsAndMakesTheSameBytes() throws Exception {
    BufferedImage photo = TestData.decode("photo/coffee.jpg");
    long pixels = (long) photo.getWidth() * photo.getHeight();
    // Less than another image of this size left free: the prepared image is not kept.
    PixelBudget.Lease taken = PixelBudget.acquire(PixelBudget.available() - pixels / 2);
    try (JpegEncoder.Shared shared = new JpegEncoder.Shared()) {
      long free = PixelBudget.available();
      for (double quality : new double[] {80, 60, 70.25}) {
        assertArrayEquals(
            new JpegEncoder(quality, 1).encode(photo).bytes(),
            new JpegEncoder(quality, 1).sharing(shared).encode(photo).bytes(),
            "q" + quality);
        assertFalse(shared.prepared());
        assertEquals(free, PixelBudget.available());
      }
    } finally {
      taken.close();
    }
  }

  @Test
  void refusesToShareOneImagesWorkWithAnotherImageOrEffort() throws Exception {
    BufferedImage photo = TestData.decode("photo/coffee.jpg");
    try (JpegEncoder.Shared shared = new JpegEncoder.Shared()) {
      new JpegEncoder(80, 1).sharing(shared).encode(photo);
      assertThrows(
          IllegalArgumentException.class,
          () -> new JpegEncoder(80, 1).sharing(shared).encode(colouredText()));
      assertEquals(
          "expected the image and effort of the first encode for a shared JPEG encode, got effort 0",
          assertThrows(
                  IllegalArgumentException.class,
                  () -> new JpegEncoder(80, 0).sharing(shared).encode(photo))
              .getMessage());
    }
  }

  @Test
  void choosesTheScanScriptPerImageAndEveryChoiceDecodes() throws Exception {
    List<List<String>> layouts = new ArrayList<>();
    for (String photo : List.of("photo/coffee.jpg", "photo/astronaut-gps.jpg")) {
      BufferedImage pixels = Pixels.toRgb8(TestData.decode(photo));
      byte[] jpeg = JpegWriter.encode(pixels, 60, 1, JpegWriter.Subsampling.S420);
      List<String> layout = new ArrayList<>();
      for (int[] scan : scanHeaders(jpeg)) {
        layout.add(scan[3] + ":" + scan[1] + "-" + scan[2]);
      }
      layouts.add(layout);
      checkAllDecoders(pixels, jpeg, photo + " at 60", 8);
    }
    // of the candidate scripts, the smallest for coffee splits luma after 2 and 7, for the
    // astronaut after 5 (measured by encoding each)
    assertFalse(layouts.get(0).equals(layouts.get(1)), "one script for both: " + layouts);
  }

  @Test
  void findsTheStepsOfTheJpegThePixelsWereDecodedFrom() throws Exception {
    DecodedJpeg jpeg = decodedJdkJpeg(400);
    BufferedImage decoded = jpeg.pixels;
    int[] steps = jpeg.steps;
    int[] table = lumaTable(jpeg.source);
    int found = 0;
    for (int k = 0; k < JpegWriter.SOURCE_POSITIONS; k++) {
      assertTrue(steps[k] == 0 || steps[k] == table[k], "position " + k + ": " + steps[k]);
      found += steps[k] == 0 ? 0 : 1;
    }
    assertTrue(found >= 12, found + " of 15 steps found");
    // pixels never quantised on this grid: a scaled photo, and the decoded JPEG 3 pixels off
    assertTrue(countFound(JpegWriter.sourceSteps(jpeg.photo, 0)) <= 1, "scaled photo");
    BufferedImage shifted = crop(decoded, 3);
    assertTrue(countFound(JpegWriter.sourceSteps(shifted, 0)) <= 1, "off the grid");
  }

  @Test
  void reencodesADecodedJpegOnItsOwnStepsInFewerBytesAndNoWorse() throws Exception {
    DecodedJpeg jpeg = decodedJdkJpeg(404);
    BufferedImage decoded = jpeg.pixels;
    int[] steps = jpeg.steps;
    byte[] aligned = JpegWriter.encode(decoded, 90, 1, JpegWriter.Subsampling.S420);
    int[] table = lumaTable(aligned);
    for (int k = 0; k < JpegWriter.SOURCE_POSITIONS; k++) {
      if (steps[k] != 0) {
        // quality 90's own steps are all finer than quality 50's
        assertEquals(steps[k], table[k], "luma step at position " + k);
      }
    }
    checkAllDecoders(decoded, aligned, "re-encoded JPEG", 4);
    // the same pixels 4 columns off the grid: no steps found, the encoder's own table
    BufferedImage off = crop(decoded, 4);
    byte[] plain = JpegWriter.encode(off, 90, 1, JpegWriter.Subsampling.S420);
    double alignedScore = Ssimulacra2.score(decoded, TestData.decode(aligned));
    double plainScore = Ssimulacra2.score(off, TestData.decode(plain));
    assertTrue(
        aligned.length < 0.8 * plain.length, aligned.length + " bytes against " + plain.length);
    assertTrue(alignedScore > plainScore - 1, alignedScore + " against " + plainScore);
  }

  @Test
  void flattensAlphaOverWhite() throws Exception {
    ImageEncoder.Encoded encoded = encode("png/rgba.png");
    assertFalse(TestData.decode(encoded.bytes()).getColorModel().hasAlpha());
    int[] reference = Pixels.argb(encoded.reference());
    int[] source = Pixels.argb(TestData.decode("png/rgba.png"));
    int[] decoded = Pixels.argb(TestData.decode(encoded.bytes()));
    for (int i = 0; i < source.length; i++) {
      if (source[i] >>> 24 == 0) {
        assertEquals(0xFFFFFFFF, reference[i], "fully transparent pixel " + i + " becomes white");
        assertTrue((decoded[i] & 0xFF) > 235, "pixel " + i + " decodes near white");
      }
    }
  }

  @Test
  void rejectsSettingsOutOfRange() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new JpegEncoder(0));
    assertEquals("expected a value from 1 to 100 for quality, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new JpegEncoder(80, 2));
    assertEquals("expected a value from 0 to 1 for jpegEffort, got 2", e.getMessage());
    assertTrue(new JpegEncoder(80).refusal(70000, 10).isPresent());
    assertFalse(new JpegEncoder(80).refusal(65535, 65535).isPresent());
  }

  @Test
  void stopsWhenTheThreadIsInterrupted() {
    BufferedImage source = TestData.decode("photo/coffee.jpg");
    Thread.currentThread().interrupt();
    try {
      assertThrows(CancellationException.class, () -> new JpegEncoder(80).encode(source));
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void huffmanCodesAreAtMost16BitsAndLeaveTheAllOnesCodeFree() {
    long[] counts = new long[256];
    long a = 1;
    long b = 1;
    for (int s = 0; s < 40; s++) { // Fibonacci counts make the unrestricted tree 39 deep
      counts[s] = a;
      long next = a + b;
      a = b;
      b = next;
    }
    JpegHuffman table = JpegHuffman.of(counts);
    double kraft = 0;
    for (int s = 0; s < 40; s++) {
      assertTrue(table.length[s] >= 1 && table.length[s] <= 16, "length of " + s);
      kraft += Math.pow(2, -table.length[s]);
      assertTrue(table.code[s] != (1 << table.length[s]) - 1, "all-ones code for " + s);
    }
    assertTrue(kraft < 1.0, "Kraft sum " + kraft);
    assertTrue(table.length[39] <= table.length[0], "frequent symbols get short codes");
  }

  // ---- helpers ----

  private static void checkAllDecoders(
      BufferedImage source, byte[] jpeg, String what, double maxColourError) throws IOException {
    List<BufferedImage> decoded = new ArrayList<>();
    decoded.add(readWith(jpeg, "com.sun.imageio.plugins.jpeg.JPEGImageReader"));
    decoded.add(readWith(jpeg, "com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReader"));
    decoded.add(djpeg(jpeg));
    for (BufferedImage image : decoded) {
      String who = what + " via decoder " + decoded.indexOf(image);
      assertEquals(source.getWidth(), image.getWidth(), who);
      assertEquals(source.getHeight(), image.getHeight(), who);
      double error = meanDeltaE(Pixels.toRgb8(source), Pixels.toRgb8(image));
      assertTrue(error < maxColourError, who + ": mean colour error " + error);
      if (source.getWidth() >= 11 && source.getHeight() >= 11) {
        double ssim = Ssim.score(Pixels.toRgb8(source), Pixels.toRgb8(image));
        assertTrue(ssim > 0.9, who + ": SSIM " + ssim);
      }
    }
  }

  private static double meanDeltaE(BufferedImage a, BufferedImage b) {
    int[] p = Pixels.argb(a);
    int[] q = Pixels.argb(b);
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += DeltaE.ciede2000(p[i], q[i]);
    }
    return sum / p.length;
  }

  private static BufferedImage readWith(byte[] jpeg, String readerClass) throws IOException {
    var readers = ImageIO.getImageReadersByFormatName("jpeg");
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      if (!reader.getClass().getName().equals(readerClass)) {
        reader.dispose();
        continue;
      }
      try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
        reader.setInput(in);
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    }
    throw new AssertionError("no ImageIO reader " + readerClass);
  }

  /** libjpeg-turbo's djpeg, as most of the world decodes JPEG. */
  private static BufferedImage djpeg(byte[] jpeg) throws IOException {
    Path djpeg = ReferenceTools.ensure("djpeg", "libjpeg-turbo-progs");
    Path dir = Files.createTempDirectory("imgbeam-djpeg");
    Path in = dir.resolve("in.jpg");
    Path out = dir.resolve("out.bmp");
    try {
      Files.write(in, jpeg);
      ReferenceTools.run(djpeg.toString(), "-bmp", "-outfile", out.toString(), in.toString());
      return TestData.decode(Files.readAllBytes(out));
    } finally {
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
      Files.deleteIfExists(dir);
    }
  }

  private static BufferedImage scaled(BufferedImage source, int w, int h, int type) {
    BufferedImage out = new BufferedImage(w, h, type);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(source, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  private static BufferedImage colouredText() {
    BufferedImage image = new BufferedImage(240, 120, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(20, 40, 200));
    g.fillRect(0, 0, 240, 120);
    g.setColor(new Color(230, 20, 20));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    for (int y = 20; y < 120; y += 20) {
      g.drawString("imgbeam chroma test", 8, y);
    }
    g.dispose();
    return image;
  }

  /** The JDK's writer as imgbeam used it before: progressive, optimised Huffman tables, 4:2:0. */
  /** A photo, its JPEG from the JDK writer, the JPEG decoded and the luma steps found in that. */
  private record DecodedJpeg(
      BufferedImage photo, byte[] source, BufferedImage pixels, int[] steps) {}

  /** coffee.jpg scaled to {@code width} x 300 (off its own grid), through the JDK writer at q50. */
  private static DecodedJpeg decodedJdkJpeg(int width) throws IOException {
    BufferedImage photo = scaled(TestData.decode("photo/coffee.jpg"), width, 300, TYPE_RGB);
    byte[] source = jdkJpeg(photo, 50);
    BufferedImage pixels = Pixels.toRgb8(TestData.decode(source));
    return new DecodedJpeg(photo, source, pixels, JpegWriter.sourceSteps(pixels, 0));
  }

  /** The luma quantisation table (the first DQT's table 0) in zigzag order. */
  private static int[] lumaTable(byte[] jpeg) {
    for (int[] s : allSegments(jpeg)) {
      if (s[0] == 0xDB && (jpeg[s[1] + 2] & 0x0F) == 0) {
        int[] table = new int[64];
        for (int k = 0; k < 64; k++) {
          table[k] = jpeg[s[1] + 3 + k] & 0xFF;
        }
        return table;
      }
    }
    throw new AssertionError("no DQT for table 0");
  }

  private static int countFound(int[] steps) {
    int n = 0;
    for (int step : steps) {
      n += step == 0 ? 0 : 1;
    }
    return n;
  }

  /** The image without its first {@code n} rows and columns. */
  private static BufferedImage crop(BufferedImage image, int n) {
    BufferedImage out =
        new BufferedImage(image.getWidth() - n, image.getHeight() - n, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(image, -n, -n, null);
    g.dispose();
    return out;
  }

  static byte[] jdkJpeg(BufferedImage pixels, int quality) throws IOException {
    var writer = ImageWriting.jdkWriter("jpeg");
    var param = (javax.imageio.plugins.jpeg.JPEGImageWriteParam) writer.getDefaultWriteParam();
    param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality / 100f);
    param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
    param.setOptimizeHuffmanTables(true);
    return ImageWriting.write(writer, pixels, param);
  }

  /** Marker segments before the first scan: {marker, offset of the length field}. */
  private static List<int[]> segments(byte[] jpeg) {
    List<int[]> out = new ArrayList<>();
    int pos = 2;
    while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
      int type = jpeg[pos + 1] & 0xFF;
      if (type == 0xDA) {
        break;
      }
      out.add(new int[] {type, pos + 2});
      pos += 2 + (((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF));
    }
    return out;
  }

  private static boolean has(List<int[]> segments, int marker) {
    return segments.stream().anyMatch(s -> s[0] == marker);
  }

  private static int lumaSampling(byte[] jpeg) {
    for (int[] s : segments(jpeg)) {
      if (s[0] == 0xC2) {
        return jpeg[s[1] + 9] & 0xFF;
      }
    }
    throw new AssertionError("no SOF2");
  }

  /** Every marker segment in the file, scans' data skipped: {marker, offset of the length}. */
  private static List<int[]> allSegments(byte[] jpeg) {
    List<int[]> out = new ArrayList<>();
    int pos = 2;
    while (pos + 4 <= jpeg.length) {
      int type = jpeg[pos + 1] & 0xFF;
      if (type == 0xD9) {
        break;
      }
      int length = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
      out.add(new int[] {type, pos + 2});
      pos += 2 + length;
      if (type == 0xDA) {
        pos = skipEntropyCodedData(jpeg, pos);
      }
    }
    return out;
  }

  private static int skipEntropyCodedData(byte[] jpeg, int pos) {
    while (pos + 1 < jpeg.length
        && !((jpeg[pos] & 0xFF) == 0xFF
            && (jpeg[pos + 1] & 0xFF) != 0
            && ((jpeg[pos + 1] & 0xFF) < 0xD0 || (jpeg[pos + 1] & 0xFF) > 0xD7))) {
      pos++;
    }
    return pos;
  }

  /**
   * Every scan header in the file: {components, Ss, Se, first component id}. Skips entropy-coded
   * data by its stuffing rules (0xFF00 and restart markers are data).
   */
  private static List<int[]> scanHeaders(byte[] jpeg) {
    List<int[]> scans = new ArrayList<>();
    for (int[] segment : allSegments(jpeg)) {
      if (segment[0] == 0xDA) {
        int pos = segment[1] - 2;
        int n = jpeg[pos + 4] & 0xFF;
        int ss = jpeg[pos + 5 + 2 * n] & 0xFF;
        int se = jpeg[pos + 6 + 2 * n] & 0xFF;
        scans.add(new int[] {n, ss, se, jpeg[pos + 5] & 0xFF});
      }
    }
    return scans;
  }
}
