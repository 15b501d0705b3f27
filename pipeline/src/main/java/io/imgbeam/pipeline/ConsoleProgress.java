package io.imgbeam.pipeline;

import io.imgbeam.transforms.RunProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Duration;

/**
 * Progress lines on the console while a job runs: images done of those matched, the rate and the
 * time left, at most one line per interval and nothing per image. On a terminal the line is
 * rewritten in place instead.
 */
final class ConsoleProgress {
  private final PrintStream out;
  private final long intervalNanos;
  private final boolean inPlace;
  private final long startNanos;
  private long lastLineNanos;
  private int lastLength;

  /**
   * @param intervalNanos the least time between two lines, and before the first
   * @param inPlace rewrite one line with carriage returns (a terminal) instead of adding lines
   * @param startNanos when the job started, in {@link System#nanoTime()} terms
   */
  ConsoleProgress(PrintStream out, long intervalNanos, boolean inPlace, long startNanos) {
    this.out = out;
    this.intervalNanos = intervalNanos;
    this.inPlace = inPlace;
    this.startNanos = startNanos;
    this.lastLineNanos = startNanos;
  }

  /**
   * Prints a line for {@code progress} when an interval has passed since the last line (or the
   * start) and at least one input was matched; returns whether it printed.
   */
  boolean update(long nowNanos, RunProgress progress) {
    if (nowNanos - lastLineNanos < intervalNanos || progress.matched() == 0) {
      return false;
    }
    lastLineNanos = nowNanos;
    String line = line(progress.done(), progress.matched(), (nowNanos - startNanos) / 1e9);
    if (inPlace) {
      out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
      lastLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
    return true;
  }

  /** Ends an in-place line so that what follows starts on a line of its own. */
  void finish() {
    if (inPlace && lastLength > 0) {
      out.println();
    }
  }

  /**
   * One progress line, e.g. {@code progress: 40/100 images (40%), 12.0 images/min, 2m 30s left}.
   * Inputs retried by the runner count again, so done is capped at the total.
   */
  static String line(long done, long total, double seconds) {
    long shown = Math.min(done, total);
    double perMinute = seconds > 0 ? shown * 60 / seconds : 0;
    String left =
        shown == 0 ? "time left unknown" : duration((total - shown) * seconds / shown) + " left";
    return String.format(
        Locale.ROOT,
        "progress: %d/%d images (%d%%), %.1f images/min, %s",
        shown,
        total,
        total == 0 ? 0 : shown * 100 / total,
        perMinute,
        left);
  }

  /** {@code 45s}, {@code 2m 05s} or {@code 3h 07m}. */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60);
  }

  /**
   * Waits for {@code result}'s job to end, printing progress along the way, and returns its final
   * state. Waking up once per interval costs nothing measurable.
   */
  PipelineResult.State watch(PipelineResult result) {
    long pollMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(intervalNanos));
    try {
      while (true) {
        PipelineResult.State state = result.waitUntilFinish(Duration.millis(pollMillis));
        if (state != null && state.isTerminal()) {
          return state;
        }
        update(System.nanoTime(), RunProgress.of(result));
      }
    } finally {
      finish();
    }
  }
}
