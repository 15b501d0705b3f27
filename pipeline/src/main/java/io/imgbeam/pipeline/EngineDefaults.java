package io.imgbeam.pipeline;

import io.imgbeam.transforms.CompressImages;
import io.imgbeam.transforms.MatchImages;
import io.imgbeam.transforms.WriteRunFiles;
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
      // Beam's default is max(cores, 3) threads, each running a bundle, plus a monitor that
      // schedules them and spins on a free thread whenever fewer bundles than threads are ready
      // (the start, the last groups, every step after the compression). One thread runs every step
      // in turn instead, and the compression step keeps the cores busy itself: --targetParallelism
      // is the number of images it works on at once (imagesInFlight).
      direct.setTargetParallelism(1);
      // The progress lines need run() to return while the job runs.
      if (!given(args, "blockOnRun")) {
        direct.setBlockOnRun(false);
      }
    }
  }

  /**
   * How many images the compression step works on at once ({@link
   * CompressImages#withImagesInFlight}): on the DirectRunner, {@code --targetParallelism} if given
   * (1 to 256), else one per core, all inside the one bundle Beam's single thread runs (see {@link
   * #apply}); elsewhere 1, since every task slot of a Flink job runs an instance of the step.
   *
   * @throws IllegalArgumentException when {@code --targetParallelism} is out of range
   */
  static int imagesInFlight(PipelineOptions options, List<String> args) {
    if (!DirectRunner.class.equals(options.getRunner())) {
      return 1;
    }
    for (String arg : args) {
      if (arg.startsWith("--targetParallelism=")) {
        String value = arg.substring("--targetParallelism=".length());
        int images;
        try {
          images = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          images = 0;
        }
        if (images < 1 || images > 256) {
          throw new IllegalArgumentException("expected 1-256 for targetParallelism, got " + value);
        }
        return images;
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * How many groups {@link CompressImages} settles shared destinations in: on the DirectRunner,
   * which runs every group as a bundle of its own with a fixed cost for each later step, one;
   * elsewhere {@link CompressImages#DEFAULT_MOVE_SHARDS}, spread over the workers.
   */
  static int moveShards(PipelineOptions options) {
    return DirectRunner.class.equals(options.getRunner()) ? 1 : CompressImages.DEFAULT_MOVE_SHARDS;
  }

  /**
   * Into how many groups {@link MatchImages} redistributes the inputs: on the DirectRunner, which
   * runs every group as a bundle of its own with a fixed cost for each later step (an evaluator,
   * the DoFn deserialised, the transform translated), one, whose images the compression step hands
   * to its threads as they free up; elsewhere 0, a random key per input.
   */
  static int redistributeBuckets(PipelineOptions options) {
    return DirectRunner.class.equals(options.getRunner()) ? 1 : 0;
  }

  /**
   * Whether one worker writes the run's files from all the outcome records ({@link
   * WriteRunFiles#withOneWorker}): on the DirectRunner, which pays a fixed cost for every step at
   * the start of the run and again when the records reach it, and where one JVM holds them anyway
   * (6 steps instead of 53). Elsewhere the records stay spread over the workers.
   */
  static boolean oneRunFileWriter(PipelineOptions options) {
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
