package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NearOptimalDeflaterTest {
  private static final NearOptimalDeflater.Level[] LEVELS = {
    PngWriter.NEAR_OPTIMAL_EFFORT2,
    PngWriter.NEAR_OPTIMAL_EFFORT3,
    new NearOptimalDeflater.Level(1, 3, 1)
  };

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 17, 258, 1000})
  void tinyInputsInflateToThemselves(int size) throws Exception {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (i * 7 % 11);
    }
    assertRoundTrip(data);
  }

  @Test
  void randomBytesInflateToThemselvesAndGrowByLittle() throws Exception {
    byte[] data = new byte[300_000];
    new Random(1).nextBytes(data);
    for (NearOptimalDeflater.Level level : LEVELS) {
      byte[] zlib = assertRoundTrip(data, level);
      // Stored blocks: 5 bytes per 64 KiB, the zlib header and checksum.
      assertTrue(zlib.length <= data.length + 64, zlib.length + " bytes");
    }
  }

  @Test
  void repetitiveDataShrinksToAFractionAcrossChunks() throws Exception {
    // Longer than one chunk (256 KiB of positions), so that a long match crosses a chunk's end.
    byte[] zeros = new byte[1_000_000];
    assertTrue(assertRoundTrip(zeros).length < 2_000);
    byte[] period = new byte[1_000];
    new Random(2).nextBytes(period);
    byte[] repeated = new byte[700_001];
    for (int i = 0; i < repeated.length; i++) {
      repeated[i] = period[i % period.length];
    }
    assertTrue(assertRoundTrip(repeated).length < 6_000);
  }

  @Test
  void everyLengthAndDistanceSlotRoundTrips() throws Exception {
    // Copies of earlier bytes at random distances up to the window and random lengths up to 258,
    // between runs of random literals: every length and distance code, with their extra bits.
    Random random = new Random(3);
    byte[] data = new byte[600_000];
    int pos = 0;
    while (pos < data.length) {
      int literals = random.nextInt(20);
      for (int i = 0; i < literals && pos < data.length; i++) {
        data[pos++] = (byte) random.nextInt(256);
      }
      if (pos < 40_000) {
        continue;
      }
      int distance = 1 + random.nextInt(random.nextBoolean() ? 32_767 : 300);
      int length = 3 + random.nextInt(256);
      for (int i = 0; i < length && pos < data.length; i++, pos++) {
        data[pos] = data[pos - distance];
      }
    }
    for (NearOptimalDeflater.Level level : LEVELS) {
      assertRoundTrip(data, level);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"png/grey.png", "png/palette.png", "colour/cmyk-reference.png"})
  void filteredImageRowsInflateToThemselvesAndBeatZlibLevel9(String file) throws Exception {
    BufferedImage image = TestData.decode(file);
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = Pixels.argb(image);
    byte[] raw = new byte[w * h * 3];
    for (int i = 0; i < argb.length; i++) {
      raw[3 * i] = (byte) (argb[i] >> 16);
      raw[3 * i + 1] = (byte) (argb[i] >> 8);
      raw[3 * i + 2] = (byte) argb[i];
    }
    PngWriter.Layout layout = new PngWriter.Layout(w, h, PngWriter.RGB, 8, null, raw);
    byte[] filtered = PngWriter.deflate(layout, 2, false).filtered();
    Deflater zlib = new Deflater(Deflater.BEST_COMPRESSION);
    zlib.setInput(filtered);
    zlib.finish();
    byte[] buffer = new byte[filtered.length * 2];
    int zlibSize = 0;
    while (!zlib.finished()) {
      zlibSize += zlib.deflate(buffer, zlibSize, buffer.length - zlibSize);
    }
    zlib.end();
    byte[] ours = assertRoundTrip(filtered, PngWriter.NEAR_OPTIMAL_EFFORT2);
    assertTrue(ours.length < zlibSize, ours.length + " bytes vs zlib's " + zlibSize);
  }

  @Test
  void stopsWhenItsThreadIsInterrupted() {
    byte[] data = new byte[1 << 19];
    new Random(4).nextBytes(data);
    Thread.currentThread().interrupt();
    try {
      assertThrows(
          CancellationException.class,
          () -> NearOptimalDeflater.zlib(data, PngWriter.NEAR_OPTIMAL_EFFORT3));
    } finally {
      Thread.interrupted();
    }
  }

  private static byte[] assertRoundTrip(byte[] data) throws Exception {
    byte[] last = null;
    for (NearOptimalDeflater.Level level : LEVELS) {
      last = assertRoundTrip(data, level);
    }
    return last;
  }

  /** Deflates {@code data} at {@code level}, checks it inflates to exactly {@code data}. */
  private static byte[] assertRoundTrip(byte[] data, NearOptimalDeflater.Level level)
      throws DataFormatException {
    byte[] zlib = NearOptimalDeflater.zlib(data, level);
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(zlib);
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 16);
      byte[] buffer = new byte[1 << 16];
      for (int calls = 0; !inflater.finished(); calls++) {
        int n = inflater.inflate(buffer);
        assertTrue(
            n > 0 || inflater.finished() || !inflater.needsInput(),
            "the stream ended early, level " + level);
        assertTrue(calls < 1_000_000, "inflating makes progress");
        out.write(buffer, 0, n);
      }
      assertTrue(inflater.getRemaining() == 0, "nothing after the checksum, level " + level);
      assertArrayEquals(data, out.toByteArray(), "inflates to the input, level " + level);
    } finally {
      inflater.end();
    }
    return zlib;
  }
}
