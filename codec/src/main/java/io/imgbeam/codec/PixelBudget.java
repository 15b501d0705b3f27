package io.imgbeam.codec;

import java.util.concurrent.Semaphore;

/**
 * A per-JVM budget of decoded pixels, so that parallel workers cannot exhaust the heap together:
 * each image takes {@code width x height} pixels of it before decoding and gives them back when its
 * last pixel buffer is garbage, after verification. An image larger than the whole budget is
 * rejected; a smaller one waits for others to finish (the wait counts against its time limit).
 *
 * <p>The budget is half the maximum heap divided by {@link #BYTES_PER_PIXEL}, the working set of
 * one pixel from decode to verify at its worst: the decoded raster, an oriented or sRGB copy, the
 * encoder's reference (4 bytes; since {@link Pixels#toRgb8} writes it row by row, no whole-image
 * array stands beside it), the verification decode and the rows of the SSIM. Measured: about 11
 * bytes for a JPEG, 17 for a PNG; the other half of the heap is the collector's headroom. The
 * system property {@value #OVERRIDE_PROPERTY} sets the budget in pixels instead.
 */
final class PixelBudget {
  /** Heap bytes one decoded pixel costs until verification ends, with headroom. */
  static final int BYTES_PER_PIXEL = 20;

  /** System property that sets the budget in pixels instead (for measurements and tests). */
  static final String OVERRIDE_PROPERTY = "imgbeam.pixelBudget";

  private static final long TOTAL =
      Math.min(
          Integer.MAX_VALUE,
          Long.getLong(OVERRIDE_PROPERTY, Runtime.getRuntime().maxMemory() / 2 / BYTES_PER_PIXEL));

  /** Fair, so that a large image is not starved by a stream of small ones. */
  private static final Semaphore PERMITS = new Semaphore((int) TOTAL, true);

  private PixelBudget() {}

  /** Pixels this JVM may hold decoded at once. */
  static long total() {
    return TOTAL;
  }

  /** Pixels not taken right now. */
  static long available() {
    return PERMITS.availablePermits();
  }

  /** A share of the budget, given back by {@link #close()}. */
  static final class Lease implements AutoCloseable {
    private final int pixels;
    private boolean closed;

    private Lease(int pixels) {
      this.pixels = pixels;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        PERMITS.release(pixels);
      }
    }
  }

  /**
   * Takes {@code pixels} of the budget, waiting while other images hold it.
   *
   * @throws CodecException {@link Status#REJECTED_LIMIT} when the image needs more than the whole
   *     budget
   * @throws InterruptedException when the wait is cancelled
   */
  static Lease acquire(long pixels) throws CodecException, InterruptedException {
    if (pixels > TOTAL) {
      throw new CodecException(
          Status.REJECTED_LIMIT,
          Stage.DECODE,
          pixels
              + " pixels exceed this JVM's decoded-pixel budget of "
              + TOTAL
              + " (half of the "
              + Runtime.getRuntime().maxMemory() / (1024 * 1024)
              + " MB heap at "
              + BYTES_PER_PIXEL
              + " bytes per pixel; raise -Xmx), over the limit pixelBudget="
              + TOTAL);
    }
    int permits = (int) Math.max(1, pixels);
    PERMITS.acquire(permits);
    return new Lease(permits);
  }

  /**
   * Takes the share of the budget that {@code bytes} of heap make at {@link #BYTES_PER_PIXEL}, for
   * memory that only saves work (a quality search's caches), without waiting: only while no image
   * waits for the budget and {@code reserve} pixels stay free after it, so that it does not keep
   * another image of that size from being decoded (best effort: checked, then taken); null
   * otherwise, and the caller computes what it would have kept.
   */
  static Lease tryAcquireSpare(long bytes, long reserve) {
    long pixels = (bytes + BYTES_PER_PIXEL - 1) / BYTES_PER_PIXEL;
    if (PERMITS.hasQueuedThreads() || available() - pixels < reserve) {
      return null;
    }
    return tryAcquire(pixels);
  }

  /** Takes {@code pixels} of the budget if they are free now, without waiting; null if not. */
  static Lease tryAcquire(long pixels) {
    int permits = (int) Math.max(1, Math.min(Integer.MAX_VALUE, pixels));
    return pixels <= TOTAL && PERMITS.tryAcquire(permits) ? new Lease(permits) : null;
  }
}
