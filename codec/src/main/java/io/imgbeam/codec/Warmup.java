package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.HexFormat;

/**
 * Readies the codec on a background thread while the caller does something else: loads the native
 * decoder ({@link TurboJpeg}), ImageIO's plugin registry and the codec's classes, and compresses a
 * small synthetic photo a few times so that the JIT has compiled the hot loops (DCT, quantisation,
 * entropy coding, SSIM, the report's pictures) before the first real image arrives.
 *
 * <p>Why: an embedded run spends its first seconds building and launching the pipeline on one
 * thread, while the other cores wait; without this, the first images then pay for class loading,
 * the natives and interpreted code. The work is small (about 1 MP in all), uses no shared state but
 * the JVM's, holds its pixels inside the {@link PixelBudget} like any image, and a failure here
 * changes nothing: every image still goes through the full checks on its own.
 */
public final class Warmup {
  /**
   * Size of the synthetic photo: big enough to run every loop many times, small to be quick. 41 x
   * 39 luma blocks, 1,599: not a whole number of the trellis's groups of four, as most photos are
   * not, so that its last, partial group is compiled in.
   */
  static final int WIDTH = 328;

  /** See {@link #WIDTH}. */
  static final int HEIGHT = 312;

  /** Side of the photo's flat patch, in its top left corner. */
  static final int FLAT_PATCH = 64;

  /**
   * Side of the flat image of {@link #longRuns}: over 0x7FFF luma blocks (32,767, the longest
   * end-of-band run a progressive scan may code), so that its scans code runs that long.
   */
  static final int FLAT_SIDE = 1456;

  /** Compressions of the photo: enough for the JIT's optimising tier to compile the hot loops. */
  private static final int ROUNDS = 8;

  /**
   * Rounds that also make the report's pictures. Pictures cost as much as the compression of this
   * small photo, and a run makes them for only a few of its images (16 of 60 in the throughput
   * bench, at 7-35 ms each): in all 8 rounds they took 0.3 s of CPU, while the main thread was
   * building the pipeline.
   */
  static final int PICTURE_ROUNDS = 2;

  /** A quality at which the photo takes more than 2 bits a pixel. */
  static final int DETAILED_QUALITY = 95;

  private Warmup() {}

  /**
   * Starts the warm-up on a daemon thread and returns it; the thread ends by itself, and the JVM
   * does not wait for it.
   */
  public static Thread start() {
    Thread thread = new Thread(Warmup::run, "imgbeam-warmup");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
    return thread;
  }

  /**
   * Runs the warm-up on the calling thread; returns how many of its compressions ended {@code
   * WRITTEN} (all of them, unless the natives or ImageIO are missing, which the real images will
   * then report).
   */
  static int run() {
    TurboJpeg.available();
    byte[] photo;
    try {
      BufferedImage pixels = photo();
      // First a detailed encode, whose stream outgrows the buffer sized for it (2 bits a pixel), as
      // a detailed photo's does: compiled without that path, the entropy coder's scans were thrown
      // out and compiled again when the first such photo came.
      new JpegEncoder(DETAILED_QUALITY).encode(pixels);
      photo =
          withExif(
              new JpegEncoder(CompressionSettings.DEFAULT_JPEG_QUALITY).encode(pixels).bytes());
    } catch (IOException | RuntimeException e) {
      // Nothing to warm: the first real image meets the same problem and records it.
      return 0;
    }
    ImageCompressor compressor =
        ImageCompressor.of(CompressionSettings.create().withOutputFormat(OutputFormat.JPEG));
    int written = 0;
    for (int i = 0; i < ROUNDS; i++) {
      longCodes();
      // The first rounds make the report's pictures too, which a run makes for its first images.
      boolean pictures = i < PICTURE_ROUNDS;
      if (compressor.compress(photo, new Progress(), (millis, score) -> pictures).status()
          == Status.WRITTEN) {
        written++;
      }
    }
    longRuns();
    return written;
  }

  /**
   * Huffman code lengths over 16 bits, which a table must shorten: large photos have them, the
   * small photo never does. Done in every round (a few microseconds), so that whenever C2 compiles
   * the table builder (the loops' on-stack replacements too), its profile has the branch: the
   * interpreter records none before the builder's first compilation, and a single call after the
   * rounds came too late for the versions compiled during them. Built without it, the first large
   * photos threw the compiled code out in the middle of their encode and waited for it to be
   * compiled again (JFR, 60 photos: twice a run). Counts that double from symbol to symbol make a
   * Huffman tree as deep as it has symbols.
   */
  static JpegHuffman longCodes() {
    long[] counts = new long[256];
    for (int i = 0; i < 24; i++) {
      counts[i] = 1L << i;
    }
    return JpegHuffman.of(counts);
  }

  /**
   * End-of-band runs of 0x7FFF blocks, which a progressive scan must end and start again: photos of
   * a few megapixels with smooth areas have them, the small photo never does (JFR, 60 photos: a
   * deoptimisation of the scans in the middle of a large image, three times a run). An encode of a
   * flat image over 32,767 luma blocks, after the rounds have compiled the encoder.
   */
  static void longRuns() {
    try {
      new JpegEncoder(CompressionSettings.DEFAULT_JPEG_QUALITY)
          .encode(new BufferedImage(FLAT_SIDE, FLAT_SIDE, BufferedImage.TYPE_INT_RGB));
    } catch (IOException | RuntimeException e) {
      // Nothing to warm: a real image meets the same problem and records it.
    }
  }

  /**
   * {@code jpeg} with an Exif segment after its start marker, as a camera's photo has one: the
   * metadata scan and the container check read it, and the stripper drops it. Its one tag is the
   * orientation, 1 (upright).
   */
  static byte[] withExif(byte[] jpeg) {
    byte[] exif =
        HexFormat.of()
            .parseHex(
                "457869660000" // "Exif", two zeros
                    + "4d4d002a00000008" // TIFF header: big-endian, first IFD at 8
                    + "0001" // one entry
                    + "011200030000000100010000" // Orientation, SHORT, count 1, value 1
                    + "00000000"); // no next IFD
    int length = exif.length + 2;
    byte[] out = new byte[jpeg.length + 2 + length];
    out[0] = jpeg[0];
    out[1] = jpeg[1];
    out[2] = (byte) 0xFF;
    out[3] = (byte) 0xE1;
    out[4] = (byte) (length >> 8);
    out[5] = (byte) length;
    System.arraycopy(exif, 0, out, 6, exif.length);
    System.arraycopy(jpeg, 2, out, 6 + exif.length, jpeg.length - 2);
    return out;
  }

  /**
   * Smooth gradients with fine texture and a few edges, as a photo has, and a flat patch (a clear
   * sky's blocks, which have no texture to look at; the loops that skip them are compiled in).
   */
  static BufferedImage photo() {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    long seed = 0x9E3779B97F4A7C15L;
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        boolean flat = x < FLAT_PATCH && y < FLAT_PATCH;
        int noise = flat ? 0 : (int) ((seed >>> 59) - 16);
        boolean edge = !flat && ((x / 40) + (y / 40)) % 3 == 0;
        int r = clamp(x * 255 / WIDTH + noise + (edge ? 40 : 0));
        int g = clamp(y * 255 / HEIGHT + noise);
        int b = clamp((x + y) * 255 / (WIDTH + HEIGHT) - noise);
        image.setRGB(x, y, flat ? 0x7A9CC8 : (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
