package io.imgbeam.transforms;

import io.imgbeam.transforms.avro.ImageOutcome;
import java.nio.file.Paths;
import java.util.Objects;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Combines all outcomes into one {@link RunSummary} and writes it to {@code
 * OUTPUT/_imgbeam/summary.json}; also written, with zero counts, when there were no inputs.
 */
public final class SummarizeRun
    extends PTransform<PCollection<ImageOutcome>, PCollection<RunSummary>> {
  /** The summary's file name under {@code OUTPUT/_imgbeam}. */
  public static final String FILE = "summary.json";

  private final String outputRoot;

  private SummarizeRun(String outputRoot) {
    this.outputRoot = outputRoot;
  }

  /** Writes {@code outputRoot}/_imgbeam/summary.json. */
  public static SummarizeRun to(String outputRoot) {
    Objects.requireNonNull(outputRoot, "outputRoot");
    return new SummarizeRun(Paths.get(outputRoot).toAbsolutePath().normalize().toString());
  }

  @Override
  public PCollection<RunSummary> expand(PCollection<ImageOutcome> outcomes) {
    PCollection<RunSummary> summary =
        outcomes.apply(
            "CombineOutcomes",
            Combine.globally(OutcomeTotals.of(RunSummary.class, unused -> new RunSummary())));
    summary
        .apply("RenderJson", MapElements.into(TypeDescriptors.strings()).via(RunSummary::toJson))
        .apply(
            "WriteSummary",
            WriteOneFile.text(outputRoot, outputRoot + "/" + OutputFiles.RUN_FOLDER + "/" + FILE));
    return summary;
  }
}
