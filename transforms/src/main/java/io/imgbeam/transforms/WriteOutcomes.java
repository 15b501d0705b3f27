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
  private final String outputRoot;

  private WriteOutcomes(String outputRoot) {
    this.outputRoot = outputRoot;
  }

  /** Writes under {@code outputRoot}/_imgbeam. */
  public static WriteOutcomes to(String outputRoot) {
    Objects.requireNonNull(outputRoot, "outputRoot");
    return new WriteOutcomes(Paths.get(outputRoot).toAbsolutePath().normalize().toString());
  }

  @Override
  public PDone expand(PCollection<ImageOutcome> outcomes) {
    String folder = outputRoot + "/" + OutputFiles.RUN_FOLDER + "/";
    outcomes.apply(
        "WriteAllOutcomes",
        AvroIO.write(ImageOutcome.class).to(folder + "outcomes").withSuffix(".avro"));
    outcomes
        .apply("KeepFailures", Filter.by(WriteOutcomes::isFailure))
        .apply(
            "WriteFailures",
            AvroIO.write(ImageOutcome.class).to(folder + "failures").withSuffix(".avro"));
    return PDone.in(outcomes.getPipeline());
  }

  /** Whether {@code outcome} belongs in the failures file: rejected, unsupported or failed. */
  static boolean isFailure(ImageOutcome outcome) {
    return switch (outcome.getStatus()) {
      case REJECTED_LIMIT, UNSUPPORTED, FAILED -> true;
      default -> false;
    };
  }
}
