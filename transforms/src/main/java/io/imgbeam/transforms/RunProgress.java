package io.imgbeam.transforms;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * How far a running job is: inputs matched so far and inputs compressed (or failed) so far, read
 * from the runner's attempted metrics. Attempted values count retried work again, so this is for
 * the console, not for the account (the outcome records are that).
 *
 * @param matched files the patterns and lists matched so far (duplicates included)
 * @param done inputs {@link CompressImages} has finished with, whatever their outcome
 */
public record RunProgress(long matched, long done) {
  /** The counter {@link CompressImages} increments once per input it has finished with. */
  static final String DONE = "imagesDone";

  /** The progress of {@code result}'s job now. */
  public static RunProgress of(PipelineResult result) {
    MetricQueryResults metrics =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(MatchImages.class, MatchImages.MATCHED))
                    .addNameFilter(MetricNameFilter.named(RunProgress.class, DONE))
                    .build());
    long matched = 0;
    long done = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      if (counter.getName().getName().equals(DONE)) {
        done += counter.getAttempted();
      } else {
        matched += counter.getAttempted();
      }
    }
    return new RunProgress(matched, done);
  }
}
