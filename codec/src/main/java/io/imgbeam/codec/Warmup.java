package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.IOException;

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
  /** Side of the synthetic photo: big enough to run every loop many times, small to be quick. */
  private static final int SIZE = 320;

  /** Compressions of it: enough for the JIT's optimising tier to compile the hot loops. */
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
      photo = new JpegEncoder(CompressionSettings.DEFAULT_JPEG_QUALITY).encode(pixels).bytes();
    } catch (IOException | RuntimeException e) {
      // Nothing to warm: the first real image meets the same problem and records it.
      return 0;
    }
    ImageCompressor compressor =
        ImageCompressor.of(CompressionSettings.create().withOutputFormat(OutputFormat.JPEG));
    int written = 0;
    for (int i = 0; i < ROUNDS; i++) {
      // The first rounds make the report's pictures too, which a run makes for its first images.
      boolean pictures = i < PICTURE_ROUNDS;
      if (compressor.compress(photo, new Progress(), (millis, score) -> pictures).status()
          == Status.WRITTEN) {
        written++;
      }
    }
    return written;
  }

  /** Smooth gradients with fine texture and a few edges, as a photo has. */
  static BufferedImage photo() {
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    long seed = 0x9E3779B97F4A7C15L;
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        int noise = (int) ((seed >>> 59) - 16);
        boolean edge = ((x / 40) + (y / 40)) % 3 == 0;
        int r = clamp(x * 255 / SIZE + noise + (edge ? 40 : 0));
        int g = clamp(y * 255 / SIZE + noise);
        int b = clamp((x + y) * 255 / (2 * SIZE) - noise);
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
