package io.imgbeam.transforms;

import io.imgbeam.codec.Preview;
import java.util.PriorityQueue;

/**
 * Says which images may end up in the run report's lists, as the images come: one that is among the
 * {@link ReportStats#ROWS} slowest or lowest-scoring of those this instance has seen so far. An
 * image in the report's lists, which take the run's slowest and lowest-scoring, is necessarily
 * among those of the images its own worker saw before it, so every row of the page gets its
 * pictures made while its pixels are in memory (ties and the write time, which comes later, aside:
 * such a row's pictures are made from the files at the end, as without this). Over a run of n
 * images a worker answers yes about ROWS x ln(n / ROWS) times per list: nearly every image of a
 * small run, a few hundred of a million. Thread-safe.
 */
final class ReportCandidates implements Preview.Wanted {
  private final int rows;
  private final long offsetMillis;
  private final PriorityQueue<Long> slowest;
  private final PriorityQueue<Double> lowest;

  /** Empty lists of {@link ReportStats#ROWS} each. */
  ReportCandidates() {
    this(ReportStats.ROWS, 0, new PriorityQueue<>(), new PriorityQueue<>((a, b) -> b.compareTo(a)));
  }

  private ReportCandidates(
      int rows, long offsetMillis, PriorityQueue<Long> slowest, PriorityQueue<Double> lowest) {
    this.rows = rows;
    this.offsetMillis = offsetMillis;
    this.slowest = slowest;
    this.lowest = lowest;
  }

  /**
   * The same lists, for an image that had already taken {@code millis} (its read) before the
   * codec's clock started.
   */
  ReportCandidates after(long millis) {
    return new ReportCandidates(rows, millis, slowest, lowest);
  }

  @Override
  public boolean test(long millis, double score) {
    synchronized (slowest) {
      boolean slow = offer(slowest, offsetMillis + millis, true);
      boolean low = !Double.isNaN(score) && offer(lowest, score, false);
      return slow || low;
    }
  }

  /**
   * Adds {@code value} when the list is not full or it beats (or ties) the list's weakest entry;
   * {@code higher}: larger values are the ones kept.
   */
  private <T extends Comparable<T>> boolean offer(PriorityQueue<T> list, T value, boolean higher) {
    if (list.size() < rows) {
      list.add(value);
      return true;
    }
    int against = value.compareTo(list.peek());
    if (higher ? against >= 0 : against <= 0) {
      list.poll();
      list.add(value);
      return true;
    }
    return false;
  }
}
