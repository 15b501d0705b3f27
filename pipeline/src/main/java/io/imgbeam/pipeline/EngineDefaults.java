package io.imgbeam.pipeline;

import io.imgbeam.transforms.CompressImages;
import io.imgbeam.transforms.MatchImages;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
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

  /**
   * Applies the defaults to {@code options}, parsed from {@code args}; an option given in {@code
   * args} is left as the user set it.
   */
  static void apply(PipelineOptions options, List<String> args) {
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
    if (DirectRunner.class.equals(options.getRunner())) {
      DirectOptions direct = options.as(DirectOptions.class);
      // The DirectRunner checks, for every element, that no DoFn mutated it (a copy and a
      // comparison) and that it survives its coder (an encode and a decode). Ours pass small
      // records, never pixels, and their coders are tested; the checks only cost time.
      if (!given(args, "enforceImmutability")) {
        direct.setEnforceImmutability(false);
      }
      if (!given(args, "enforceEncodability")) {
        direct.setEnforceEncodability(false);
      }
      // Beam's default is max(cores, 3): on two cores a third image thread only adds a third
      // decoded image to the heap and contention for the cores.
      if (!given(args, "targetParallelism")) {
        direct.setTargetParallelism(Runtime.getRuntime().availableProcessors());
      }
      // The progress lines need run() to return while the job runs.
      if (!given(args, "blockOnRun")) {
        direct.setBlockOnRun(false);
      }
    }
  }

  /**
   * How many groups {@link CompressImages} settles shared destinations in: on the DirectRunner,
   * which runs every group as a bundle of its own with a fixed cost for each later step, twice the
   * cores; elsewhere {@link CompressImages#DEFAULT_MOVE_SHARDS}, spread over the workers.
   */
  static int moveShards(PipelineOptions options) {
    return DirectRunner.class.equals(options.getRunner())
        ? 2 * Runtime.getRuntime().availableProcessors()
        : CompressImages.DEFAULT_MOVE_SHARDS;
  }

  /**
   * Into how many groups {@link MatchImages} redistributes the inputs: on the DirectRunner, which
   * runs every group as a bundle of its own with a fixed cost for each later step (an evaluator,
   * the DoFn deserialised, the transform translated), eight per core, so that a core that finishes
   * its groups early still finds others; elsewhere 0, a random key per input.
   */
  static int redistributeBuckets(PipelineOptions options) {
    return DirectRunner.class.equals(options.getRunner())
        ? 8 * Runtime.getRuntime().availableProcessors()
        : 0;
  }

  /**
   * Whether the outcome records are gathered into one bundle before they are written: on the
   * DirectRunner, which runs each step after the compression (the Avro writes of outcomes, failures
   * and manifest, the summary, the report's totals) once for every bundle that reaches it, each
   * time with a new evaluator that translates its ParDo and deserialises its DoFn again; a bundle
   * per compression group and move shard made that hundreds of times per run. Elsewhere the runner
   * keeps spreading them over its workers.
   */
  static boolean gatherOutcomes(PipelineOptions options) {
    return DirectRunner.class.equals(options.getRunner());
  }

  /**
   * Whether the job runs inside this JVM, on the DirectRunner (the default runner, or {@code
   * --runner=DirectRunner}), judged from the arguments alone, before they are parsed.
   */
  static boolean embedded(List<String> args) {
    for (String arg : args) {
      if (arg.startsWith("--runner=")) {
        String runner = arg.substring("--runner=".length());
        return runner.equalsIgnoreCase("DirectRunner")
            || runner.equals(DirectRunner.class.getName());
      }
    }
    return true;
  }

  /** Whether {@code --name} or {@code --name=...} is among the arguments. */
  static boolean given(List<String> args, String name) {
    for (String arg : args) {
      if (arg.equals("--" + name) || arg.startsWith("--" + name + "=")) {
        return true;
      }
    }
    return false;
  }
}
