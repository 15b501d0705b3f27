package io.imgbeam.transforms;

import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.ManifestEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * A run's files under {@code OUTPUT/_imgbeam}, from its outcome records: every outcome ({@code
 * outcomes-*.avro}) and the failed ones ({@code failures-*.avro}), the manifest a later incremental
 * run reads, {@code summary.json} and {@code report.html}; all of them, with zero counts, for a run
 * without inputs too.
 *
 * <p>Two ways to write them ({@link #withOneWorker}). Spread over the workers: {@link
 * WriteOutcomes} (sharded Avro), {@link WriteManifest}, {@link SummarizeRun} and {@link
 * WriteReport} (combines and a side input): 53 primitive steps in imgbeam's pipeline. Or from one
 * worker: every record in one group, and every file written from it by one step: 6 steps; for the
 * DirectRunner, whose every step costs a fixed amount when the run starts (its graph rewritten,
 * checked and translated) and when the records reach it (an evaluator, the DoFn deserialised, the
 * group's watermark bookkeeping), and where one JVM holds the records anyway.
 */
public final class WriteRunFiles extends PTransform<PCollection<ImageOutcome>, PDone> {
  /** The one file of each kind the one worker writes, after Beam's shard names. */
  static final String ONE_SHARD = "-00000-of-00001.avro";

  private final String outputRoot;
  private final CompressionSettings settings;
  private final boolean oneWorker;

  private WriteRunFiles(String outputRoot, CompressionSettings settings, boolean oneWorker) {
    this.outputRoot = outputRoot;
    this.settings = settings;
    this.oneWorker = oneWorker;
  }

  /** Writes under {@code outputRoot}/_imgbeam, spread over the workers, with default settings. */
  public static WriteRunFiles to(String outputRoot) {
    Objects.requireNonNull(outputRoot, "outputRoot");
    return new WriteRunFiles(
        Paths.get(outputRoot).toAbsolutePath().normalize().toString(),
        CompressionSettings.create(),
        false);
  }

  /**
   * The run's settings: the manifest records their fingerprint, and the report's pictures are made
   * under their limits (max input pixels and bytes); default {@link CompressionSettings#create()}.
   */
  public WriteRunFiles withSettings(CompressionSettings value) {
    return new WriteRunFiles(outputRoot, Objects.requireNonNull(value, "settings"), oneWorker);
  }

  /**
   * Whether one worker writes every file from all the records, gathered into one group (one Avro
   * file of each kind, {@code outcomes-00000-of-00001.avro} and {@code
   * failures-00000-of-00001.avro}); default false: the records stay spread over the workers and
   * {@code AvroIO} shards the outcome files.
   */
  public WriteRunFiles withOneWorker(boolean value) {
    return new WriteRunFiles(outputRoot, settings, value);
  }

  @Override
  public PDone expand(PCollection<ImageOutcome> outcomes) {
    if (oneWorker) {
      WriteOneFile.groupWithMarker(outcomes)
          .apply("WriteEveryFile", ParDo.of(new WriteEveryFileFn(outputRoot, settings)));
      return PDone.in(outcomes.getPipeline());
    }
    outcomes.apply("WriteOutcomes", WriteOutcomes.to(outputRoot));
    outcomes.apply("WriteManifest", WriteManifest.to(outputRoot, settings.fingerprint()));
    PCollection<RunSummary> summary = outcomes.apply("SummarizeRun", SummarizeRun.to(outputRoot));
    outcomes.apply("WriteReport", WriteReport.to(outputRoot, summary).withLimits(settings));
    return PDone.in(outcomes.getPipeline());
  }

  /**
   * Writes the files from the one group (the records and a null marker), each through a temp file
   * renamed into place, so that a retried group rewrites them. The report is written on a thread of
   * its own meanwhile: at the end of a run the other cores are idle, and it is the slowest of the
   * files (pictures and a page of a few hundred kilobytes). It clears the pictures the run kept for
   * it once written, so a retried group makes them again from the files.
   */
  private static final class WriteEveryFileFn
      extends DoFn<KV<Integer, Iterable<ImageOutcome>>, Void> {
    private final String outputRoot;
    private final CompressionSettings settings;

    WriteEveryFileFn(String outputRoot, CompressionSettings settings) {
      this.outputRoot = outputRoot;
      this.settings = settings;
    }

    @ProcessElement
    public void processElement(@Element KV<Integer, Iterable<ImageOutcome>> group)
        throws IOException {
      String fingerprint = settings.fingerprint();
      List<ImageOutcome> outcomes = new ArrayList<>();
      List<ImageOutcome> failures = new ArrayList<>();
      List<ManifestEntry> manifest = new ArrayList<>();
      RunSummary summary = new RunSummary();
      ReportStats stats = new ReportStats();
      for (ImageOutcome outcome : group.getValue()) {
        if (outcome == null) {
          continue;
        }
        outcomes.add(outcome);
        if (WriteOutcomes.isFailure(outcome)) {
          failures.add(outcome);
        }
        ManifestEntry entry = WriteManifest.entry(outcome, fingerprint);
        if (entry != null) {
          manifest.add(entry);
        }
        summary.add(outcome);
        stats.add(outcome);
      }
      FutureTask<Path> report =
          new FutureTask<>(() -> RunReport.write(Paths.get(outputRoot), summary, stats, settings));
      Thread reportThread = new Thread(report, "imgbeam-report");
      reportThread.setDaemon(true);
      reportThread.start();
      try {
        String folder = outputRoot + "/" + OutputFiles.RUN_FOLDER + "/";
        WriteOneFile.writeAvro(
            ImageOutcome.class, outcomes, outputRoot, folder + "outcomes" + ONE_SHARD);
        WriteOneFile.writeAvro(
            ImageOutcome.class, failures, outputRoot, folder + "failures" + ONE_SHARD);
        WriteOneFile.writeAvro(
            ManifestEntry.class, manifest, outputRoot, folder + WriteManifest.FILE_NAME);
        WriteOneFile.writeText(List.of(summary.toJson()), outputRoot, folder + SummarizeRun.FILE);
      } catch (IOException | RuntimeException e) {
        try {
          awaitReport(report);
        } catch (IOException | RuntimeException alsoTheReport) {
          e.addSuppressed(alsoTheReport);
        }
        throw e;
      }
      awaitReport(report);
    }

    /** The report's outcome: its exception, if it failed, is this step's. */
    private static void awaitReport(FutureTask<Path> report) throws IOException {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            report.get();
            return;
          } catch (InterruptedException e) {
            // The report thread writes through a temp file, and a step must not end while it runs.
            interrupted = true;
          }
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IOException("writing the report failed", cause);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
