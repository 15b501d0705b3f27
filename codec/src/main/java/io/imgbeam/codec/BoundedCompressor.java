package io.imgbeam.codec;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an {@link ImageCompressor} on worker threads of its own so that one image cannot take more
 * than {@link CompressionSettings#timeoutSeconds()}: past it the caller gets a {@link
 * Status#REJECTED_LIMIT} record naming the stage and the limit, and goes on.
 *
 * <p>A thread cannot be killed, so the abandoned work is stopped cooperatively (see {@link
 * Progress}): it is interrupted, its ImageIO reader or writer is aborted, and every step checks the
 * interrupt flag at least once a row or once a read. Should a step ignore all of that, its thread
 * goes on running, but never more than {@link #WORKERS} threads per instance exist (one for the
 * current image, one to replace an abandoned one); when all of them are still busy with abandoned
 * images, the next image waits for one up to its own time limit and is then recorded as {@link
 * Status#FAILED} with a message saying so. The threads are daemons, so a stuck one never keeps the
 * JVM alive. One instance serves one caller thread at a time (one per DoFn instance).
 */
public final class BoundedCompressor implements AutoCloseable {
  /** Worker threads per instance: the current image and one spare for an abandoned one. */
  public static final int WORKERS = 2;

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ImageCompressor compressor;
  private final ThreadPoolExecutor pool;

  private BoundedCompressor(ImageCompressor compressor) {
    this.compressor = compressor;
    ThreadFactory factory =
        task -> {
          Thread thread = new Thread(task, "imgbeam-codec-" + THREADS.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    this.pool =
        new ThreadPoolExecutor(
            WORKERS, WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    this.pool.allowCoreThreadTimeOut(true);
  }

  /** A compressor with the given settings and its own worker threads; close it when done. */
  public static BoundedCompressor of(CompressionSettings settings) {
    return new BoundedCompressor(ImageCompressor.of(settings));
  }

  public CompressionSettings settings() {
    return compressor.settings();
  }

  /**
   * Compresses {@code input} within the time limit; never returns null, never throws for bad data.
   *
   * @throws IllegalStateException when the calling thread is interrupted while it waits (the runner
   *     is shutting down), so that the bundle fails rather than record a false outcome
   */
  public CompressionResult compress(byte[] input) {
    return compress(input, Preview.Wanted.NEVER);
  }

  /**
   * {@link #compress(byte[])}, asking {@code previews} whether to make a written image's report
   * pictures ({@link CompressionResult#previews()}) while its pixels are in memory.
   */
  public CompressionResult compress(byte[] input, Preview.Wanted previews) {
    long start = System.nanoTime();
    int seconds = compressor.settings().timeoutSeconds();
    Progress progress = new Progress();
    Future<CompressionResult> future =
        pool.submit(() -> compressor.compress(input, progress, previews));
    try {
      return future.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      progress.cancel();
      future.cancel(true);
      return timedOut(input, progress, seconds, start);
    } catch (ExecutionException e) {
      // compress() records every data error itself; only an Error other than heap or stack gets
      // here (a broken class path), and that is no image's fault.
      throw new IllegalStateException("the codec failed: " + e.getCause(), e.getCause());
    } catch (CancellationException e) {
      throw new IllegalStateException("the codec was shut down", e);
    } catch (InterruptedException e) {
      progress.cancel();
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while compressing", e);
    }
  }

  private CompressionResult timedOut(byte[] input, Progress progress, int seconds, long start) {
    CompressionResult.Builder result =
        CompressionResult.builder()
            .inputBytes(input.length)
            .inputSha256(Hashes.sha256(input))
            .inputFormat(progress.format())
            .inputSize(progress.width(), progress.height())
            .totalMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    if (!progress.started()) {
      return result
          .status(Status.FAILED)
          .error(
              Stage.READ,
              TimeoutException.class.getName(),
              "not started within "
                  + seconds
                  + " s: all "
                  + WORKERS
                  + " codec threads of this worker are still busy with earlier images that ran"
                  + " past perImageTimeoutSeconds")
          .build();
    }
    return result
        .status(Status.REJECTED_LIMIT)
        .error(
            progress.stage(),
            TimeoutException.class.getName(),
            "timed out after "
                + seconds
                + " s in stage "
                + progress.stage().recordName()
                + ", over the limit perImageTimeoutSeconds="
                + seconds)
        .build();
  }

  /** Threads of this instance still running an image (abandoned ones included). */
  public int busyThreads() {
    return pool.getActiveCount();
  }

  /** Interrupts whatever still runs and lets the threads end. */
  @Override
  public void close() {
    pool.shutdownNow();
  }
}
