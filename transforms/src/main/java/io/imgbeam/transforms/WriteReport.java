package io.imgbeam.transforms;

import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.Objects;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes {@code OUTPUT/_imgbeam/report.html}: one combiner aggregates every outcome into a bounded
 * {@link ReportStats} (fixed-bucket histograms, the top rows, a sample of failures), and one call
 * renders it with the run's {@link RunSummary} as a side input, so the page shows exactly the
 * numbers of {@code summary.json}. Also written, with zero counts, when there were no inputs.
 */
public final class WriteReport extends PTransform<PCollection<ImageOutcome>, PDone> {
  private final String outputRoot;
  private final transient PCollection<RunSummary> summary;
  private final CompressionSettings limits;

  private WriteReport(
      String outputRoot, PCollection<RunSummary> summary, CompressionSettings limits) {
    this.outputRoot = outputRoot;
    this.summary = summary;
    this.limits = limits;
  }

  /**
   * Writes under {@code outputRoot}/_imgbeam, with {@code summary} the output of {@link
   * SummarizeRun} over the same outcomes.
   */
  public static WriteReport to(String outputRoot, PCollection<RunSummary> summary) {
    Objects.requireNonNull(outputRoot, "outputRoot");
    return new WriteReport(
        Paths.get(outputRoot).toAbsolutePath().normalize().toString(),
        Objects.requireNonNull(summary, "summary"),
        CompressionSettings.create());
  }

  /**
   * The limits the pictures are made under (max input pixels and bytes); default {@link
   * CompressionSettings#create()}. Give the run's settings.
   */
  public WriteReport withLimits(CompressionSettings value) {
    return new WriteReport(outputRoot, summary, Objects.requireNonNull(value, "limits"));
  }

  @Override
  public PDone expand(PCollection<ImageOutcome> outcomes) {
    PCollectionView<RunSummary> totals = summary.apply("SummaryAsSideInput", View.asSingleton());
    outcomes
        .apply(
            "AggregateForReport",
            Combine.globally(OutcomeTotals.of(ReportStats.class, unused -> new ReportStats())))
        .apply(
            "RenderReport",
            ParDo.of(new RenderFn(outputRoot, limits, totals)).withSideInputs(totals));
    return PDone.in(outcomes.getPipeline());
  }

  private static final class RenderFn extends DoFn<ReportStats, Void> {
    private final String outputRoot;
    private final CompressionSettings limits;
    private final PCollectionView<RunSummary> totals;

    RenderFn(String outputRoot, CompressionSettings limits, PCollectionView<RunSummary> totals) {
      this.outputRoot = outputRoot;
      this.limits = limits;
      this.totals = totals;
    }

    @ProcessElement
    public void processElement(ProcessContext context) throws IOException {
      RunReport.write(Paths.get(outputRoot), context.sideInput(totals), context.element(), limits);
    }
  }
}
