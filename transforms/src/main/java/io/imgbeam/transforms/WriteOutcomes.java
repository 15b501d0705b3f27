package io.imgbeam.transforms;

import io.imgbeam.transforms.avro.ImageOutcome;
import java.nio.file.Paths;
import java.util.Objects;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes every outcome to {@code OUTPUT/_imgbeam/outcomes-*.avro} and, as a dead-letter view, the
 * failed ones (rejected, unsupported, failed) also to {@code OUTPUT/_imgbeam/failures-*.avro}.
 */
public final class WriteOutcomes extends PTransform<PCollection<ImageOutcome>, PDone> {
  /** The one file of each kind {@link #withOneFileEach} writes, after Beam's shard names. */
  static final String ONE_SHARD = "-00000-of-00001.avro";

  private final String outputRoot;
  private final boolean oneFileEach;

  private WriteOutcomes(String outputRoot, boolean oneFileEach) {
    this.outputRoot = outputRoot;
    this.oneFileEach = oneFileEach;
  }

  /** Writes under {@code outputRoot}/_imgbeam. */
  public static WriteOutcomes to(String outputRoot) {
    Objects.requireNonNull(outputRoot, "outputRoot");
    return new WriteOutcomes(Paths.get(outputRoot).toAbsolutePath().normalize().toString(), false);
  }

  /**
   * Whether each kind goes into one file ({@code outcomes-00000-of-00001.avro}, {@code
   * failures-00000-of-00001.avro}) written by one worker ({@link WriteOneFile}); default false:
   * {@code AvroIO} shards them over the workers. One file each suits the DirectRunner, where every
   * step of {@code AvroIO}'s sink costs a fixed amount and one JVM holds the records anyway.
   */
  public WriteOutcomes withOneFileEach(boolean value) {
    return new WriteOutcomes(outputRoot, value);
  }

  @Override
  public PDone expand(PCollection<ImageOutcome> outcomes) {
    String folder = outputRoot + "/" + OutputFiles.RUN_FOLDER + "/";
    PCollection<ImageOutcome> failures =
        outcomes.apply("KeepFailures", Filter.by(WriteOutcomes::isFailure));
    if (oneFileEach) {
      outcomes.apply(
          "WriteAllOutcomes",
          WriteOneFile.avro(ImageOutcome.class, outputRoot, folder + "outcomes" + ONE_SHARD));
      failures.apply(
          "WriteFailures",
          WriteOneFile.avro(ImageOutcome.class, outputRoot, folder + "failures" + ONE_SHARD));
    } else {
      outcomes.apply(
          "WriteAllOutcomes",
          AvroIO.write(ImageOutcome.class).to(folder + "outcomes").withSuffix(".avro"));
      failures.apply(
          "WriteFailures",
          AvroIO.write(ImageOutcome.class).to(folder + "failures").withSuffix(".avro"));
    }
    return PDone.in(outcomes.getPipeline());
  }

  private static boolean isFailure(ImageOutcome outcome) {
    return switch (outcome.getStatus()) {
      case REJECTED_LIMIT, UNSUPPORTED, FAILED -> true;
      default -> false;
    };
  }
}
