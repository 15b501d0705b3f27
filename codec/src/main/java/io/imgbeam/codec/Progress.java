package io.imgbeam.codec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.CancellationException;

/**
 * Where one image's compression has got to, read by the thread that waits for it: the current stage
 * for a timed-out record, and a way to stop the work.
 *
 * <p>Stopping is cooperative, since a thread cannot be killed: the worker is interrupted, the
 * ImageIO reader or writer in use is asked to {@code abort()} (they check between rows), the input
 * stream of a decode throws on its next read, and the loops of our own encoder and metric check the
 * interrupt flag once a row. The steps reach the progress of their thread through {@link
 * #current()}, so that the codec's signatures need not carry it.
 */
final class Progress {
  private static final ThreadLocal<Progress> CURRENT = new ThreadLocal<>();

  private volatile Stage stage = Stage.SNIFF;
  private volatile boolean started;
  private volatile boolean cancelled;
  private volatile Runnable abort;
  private volatile ImageFormat format = ImageFormat.UNKNOWN;
  private volatile int width;
  private volatile int height;

  /** The progress of the image the calling thread is compressing, or a detached one. */
  static Progress current() {
    Progress progress = CURRENT.get();
    return progress != null ? progress : new Progress();
  }

  /** Makes this the calling thread's progress until {@link #detach()}. */
  void attach() {
    started = true;
    CURRENT.set(this);
  }

  void detach() {
    abort = null;
    CURRENT.remove();
  }

  void stage(Stage value) {
    stage = value;
  }

  Stage stage() {
    return stage;
  }

  boolean started() {
    return started;
  }

  void input(ImageFormat value, int w, int h) {
    format = value;
    width = w;
    height = h;
  }

  ImageFormat format() {
    return format;
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  /**
   * Runs {@code hook} when this image is cancelled while it is registered; for an ImageIO reader or
   * writer, {@code abort()}.
   */
  void onCancel(Runnable hook) {
    abort = hook;
    if (cancelled && hook != null) {
      hook.run();
    }
  }

  /** Asks the work to stop; the caller interrupts the worker thread as well. */
  void cancel() {
    cancelled = true;
    Runnable hook = abort;
    if (hook != null) {
      try {
        hook.run();
      } catch (IllegalStateException lockedByTheWorker) {
        // The JDK's JPEG reader and writer (also inside TwelveMonkeys' JPEG reader) take a thread
        // lock for every call, abort() included, and refuse it from another thread while they
        // work. Nothing is lost: the worker's interrupt stops the read at the next chunk of its
        // interruptible stream, and the codec's own loops at their next row. The refusal itself
        // carries nothing to report: the image's outcome is its time-out record.
      }
    }
  }

  /** Throws when the calling thread was interrupted, so that a cancelled loop ends. */
  static void checkInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("interrupted: the image ran past its time limit");
    }
  }

  /** A stream that fails its next read once the reading thread is interrupted. */
  static InputStream interruptible(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        check();
        return super.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        check();
        return super.read(b, off, len);
      }

      @Override
      public long skip(long n) throws IOException {
        check();
        return super.skip(n);
      }

      private void check() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("interrupted: the image ran past its time limit");
        }
      }
    };
  }
}
