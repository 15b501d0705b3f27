package io.imgbeam.transforms;

import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.ManifestEntry;
import java.nio.file.Paths;
import java.util.Objects;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes {@code OUTPUT/_imgbeam/manifest.avro}: one {@link ManifestEntry} per outcome that has an
 * output file (written, kept original or skipped unchanged), with the settings fingerprint, for the
 * next incremental run. Failed inputs have no entry, so the next run tries them again.
 */
public final class WriteManifest extends PTransform<PCollection<ImageOutcome>, PDone> {
  /** The manifest's file name under {@code OUTPUT/_imgbeam}. */
  public static final String FILE_NAME = "manifest.avro";

  private final String outputRoot;
  private final String settings;

  private WriteManifest(String outputRoot, String settings) {
    this.outputRoot = outputRoot;
    this.settings = settings;
  }

  /** Writes under {@code outputRoot}/_imgbeam, recording {@code settingsFingerprint}. */
  public static WriteManifest to(String outputRoot, String settingsFingerprint) {
    Objects.requireNonNull(outputRoot, "outputRoot");
    return new WriteManifest(
        Paths.get(outputRoot).toAbsolutePath().normalize().toString(),
        Objects.requireNonNull(settingsFingerprint, "settings"));
  }

  @Override
  public PDone expand(PCollection<ImageOutcome> outcomes) {
    String prefix = outputRoot + "/" + OutputFiles.RUN_FOLDER + "/manifest";
    outcomes
        .apply("ToManifestEntries", ParDo.of(new EntryFn(settings)))
        .setCoder(AvroCoder.of(ManifestEntry.class))
        .apply(
            "WriteManifestFile",
            WriteOneFile.avro(ManifestEntry.class, outputRoot, prefix + ".avro"));
    return PDone.in(outcomes.getPipeline());
  }

  private static final class EntryFn extends DoFn<ImageOutcome, ManifestEntry> {
    private final String settings;

    EntryFn(String settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void processElement(@Element ImageOutcome o, OutputReceiver<ManifestEntry> out) {
      ManifestEntry entry = entry(o, settings);
      if (entry != null) {
        out.output(entry);
      }
    }
  }

  /**
   * The manifest's entry for {@code o}, made under the settings with fingerprint {@code settings};
   * null for an outcome without an output and both hashes (nothing a later run could reuse).
   */
  static ManifestEntry entry(ImageOutcome o, String settings) {
    if (o.getOutputPath() == null || o.getOutputSha256() == null || o.getInputSha256() == null) {
      return null;
    }
    return ManifestEntry.newBuilder()
        .setInputPath(o.getInputPath())
        .setInputSha256(o.getInputSha256())
        .setSettings(settings)
        .setOutputPath(o.getOutputPath())
        .setOutputSha256(o.getOutputSha256())
        .setInputFormat(o.getInputFormat())
        .setOutputFormat(o.getOutputFormat())
        .setInputBytes(o.getInputBytes())
        .setOutputBytes(o.getOutputBytes())
        .setWidth(o.getWidth())
        .setHeight(o.getHeight())
        .setOutputWidth(o.getOutputWidth())
        .setOutputHeight(o.getOutputHeight())
        .setQualitySetting(o.getQualitySetting())
        .setQualityExact(o.getQualityExact())
        .setJpegLowFrequencyQuality(o.getJpegLowFrequencyQuality())
        .setScoreName(o.getScoreName())
        .setScore(o.getScore())
        .setTarget(o.getTarget())
        .setTargetMet(o.getTargetMet())
        .setMetadataRemoved(o.getMetadataRemoved())
        .setHadGps(o.getHadGps())
        .setHadSerial(o.getHadSerial())
        .setHadOwner(o.getHadOwner())
        .setCandidates(o.getCandidates())
        .build();
  }
}
