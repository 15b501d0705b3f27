package io.imgbeam.pipeline;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/** Runner settings imgbeam chooses when the user did not: all in one place. */
final class EngineDefaults {
  /**
   * Restarts of a failed Flink batch job before it gives up, and the wait before each. Until the
   * JobManager notices a dead TaskManager (Flink's heartbeat.timeout, 50 s by default) every
   * restart tries to deploy to its slots again and fails at once, so the attempts must span more
   * than that window: 6 x 10 s.
   */
  static final int FLINK_RETRIES = 6;

  static final long FLINK_RETRY_DELAY_MILLIS = 10_000;

  private EngineDefaults() {}

  static void apply(PipelineOptions options) {
    if (FlinkRunner.class.equals(options.getRunner())) {
      FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
      // Beam leaves the cluster's restart strategy in charge unless told; a batch job that loses
      // a TaskManager must be retried, and that is safe because every output is written
      // atomically to a deterministic path.
      if (flink.getNumberOfExecutionRetries() == null || flink.getNumberOfExecutionRetries() < 0) {
        flink.setNumberOfExecutionRetries(FLINK_RETRIES);
      }
      if (flink.getExecutionRetryDelay() == null || flink.getExecutionRetryDelay() < 0) {
        flink.setExecutionRetryDelay(FLINK_RETRY_DELAY_MILLIS);
      }
      // Our DoFns never mutate their inputs, so Flink's defensive copies between chained
      // operators are pure cost.
      flink.setFasterCopy(true);
    }
  }
}
