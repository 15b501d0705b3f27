package io.imgbeam.transforms;

import io.imgbeam.codec.CompressionResult;
import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.codec.ImageCompressor;
import io.imgbeam.codec.ImageFormat;
import io.imgbeam.codec.Stage;
import io.imgbeam.codec.Status;
import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.OutcomeStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Compresses every input and writes its output file, producing exactly one {@link ImageOutcome} per
 * input.
 *
 * <p>Data errors (a corrupt or unsupported image, a limit, an unsafe path, a failed write) become
 * outcome records with their stage, error class and message, and the job goes on. Only I/O errors
 * reading an input that exists (an unreachable file system) fail the bundle, so the runner retries
 * it; outputs are written atomically to deterministic paths, so a retry is harmless.
 */
public final class CompressImages
    extends PTransform<PCollection<ImageInput>, PCollection<ImageOutcome>> {
  /** The suffix of the temp file every output passes through before its atomic rename. */
  public static final String TEMP_SUFFIX = ".imgbeam-tmp";

  private final String outputRoot;
  private final CompressionSettings settings;

  private CompressImages(String outputRoot, CompressionSettings settings) {
    this.outputRoot = outputRoot;
    this.settings = settings;
  }

  /** Writes under {@code outputRoot}, a local or mounted folder, with default settings. */
  public static CompressImages to(String outputRoot) {
    Objects.requireNonNull(outputRoot, "outputRoot");
    return new CompressImages(
        Paths.get(outputRoot).toAbsolutePath().normalize().toString(),
        CompressionSettings.create());
  }

  /**
   * The codec settings: format, quality and limits; default {@link CompressionSettings#create()}.
   */
  public CompressImages withSettings(CompressionSettings value) {
    return new CompressImages(outputRoot, Objects.requireNonNull(value, "settings"));
  }

  @Override
  public PCollection<ImageOutcome> expand(PCollection<ImageInput> inputs) {
    return inputs
        .apply("CompressEachImage", ParDo.of(new CompressFn(outputRoot, settings)))
        .setCoder(AvroCoder.of(ImageOutcome.class));
  }

  private static final class CompressFn extends DoFn<ImageInput, ImageOutcome> {
    private static final Counter IMAGES = Metrics.counter(CompressImages.class, "images");
    private static final Counter WRITTEN = Metrics.counter(CompressImages.class, "written");
    private static final Counter KEPT = Metrics.counter(CompressImages.class, "keptOriginal");
    private static final Counter FAILURES = Metrics.counter(CompressImages.class, "failures");
    private static final Counter BYTES_IN = Metrics.counter(CompressImages.class, "bytesIn");
    private static final Counter BYTES_OUT = Metrics.counter(CompressImages.class, "bytesOut");
    private static final Distribution MILLIS =
        Metrics.distribution(CompressImages.class, "millisPerImage");

    private final String outputRoot;
    private final CompressionSettings settings;
    private transient ImageCompressor compressor;

    CompressFn(String outputRoot, CompressionSettings settings) {
      this.outputRoot = outputRoot;
      this.settings = settings;
    }

    @Setup
    public void setup() {
      compressor = ImageCompressor.of(settings);
    }

    @ProcessElement
    public void processElement(@Element ImageInput input, OutputReceiver<ImageOutcome> out)
        throws IOException {
      long start = System.nanoTime();
      ImageOutcome.Builder record =
          ImageOutcome.newBuilder()
              .setInputPath(input.path())
              .setInputBytes(Math.max(0, input.sizeBytes()))
              .setEncodeMillis(0L)
              .setTotalMillis(0L)
              .setMetadataRemoved(List.of())
              .setHadGps(false);
      try {
        byte[] bytes = read(input);
        record.setInputBytes((long) bytes.length);
        CompressionResult result = compressor.compress(bytes);
        fill(record, result);
        if (result.output().isPresent()) {
          write(record, input, result);
        }
      } catch (DataError e) {
        record
            .setStatus(OutcomeStatus.valueOf(e.status.name()))
            .setErrorStage(e.stage.recordName())
            .setErrorClass(e.errorClass)
            .setErrorMessage(e.getMessage());
      }
      record.setTotalMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      ImageOutcome outcome = record.build();
      count(outcome);
      out.output(outcome);
    }

    private byte[] read(ImageInput input) throws IOException, DataError {
      long limit = settings.maxInputBytes();
      if (input.sizeBytes() > limit) {
        throw tooLarge(input.sizeBytes(), limit);
      }
      if (!input.path().contains("://")) {
        Path local = Paths.get(input.path());
        if (!Files.exists(local)) {
          throw new DataError(Status.FAILED, Stage.READ, NoSuchFileException.class, "no such file");
        }
        if (!Files.isRegularFile(local)) {
          throw new DataError(
              Status.UNSUPPORTED, Stage.READ, IOException.class, "not a regular file");
        }
      }
      try (ReadableByteChannel channel =
              FileSystems.open(FileSystems.matchNewResource(input.path(), false));
          InputStream in = Channels.newInputStream(channel)) {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (bytes.length > limit) {
          throw tooLarge(bytes.length, limit);
        }
        return bytes;
      } catch (FileNotFoundException | NoSuchFileException | AccessDeniedException e) {
        throw new DataError(
            Status.FAILED, Stage.READ, e.getClass(), String.valueOf(e.getMessage()));
      }
    }

    private static DataError tooLarge(long size, long limit) {
      return new DataError(
          Status.REJECTED_LIMIT,
          Stage.READ,
          DataError.class,
          "input is " + size + " bytes, over the limit maxInputBytes=" + limit);
    }

    private static void fill(ImageOutcome.Builder record, CompressionResult result) {
      record
          .setStatus(OutcomeStatus.valueOf(result.status().name()))
          .setInputFormat(result.inputFormat().recordName())
          .setEncodeMillis(result.encodeMillis())
          .setMetadataRemoved(result.metadataRemoved())
          .setHadGps(result.hadGps())
          .setHadSerial(result.hadSerial())
          .setHadOwner(result.hadOwner())
          .setInputSha256(result.inputSha256());
      if (result.width() > 0) {
        record.setWidth(result.width()).setHeight(result.height());
      }
      result.qualitySetting().ifPresent(record::setQualitySetting);
      result.scoreName().ifPresent(record::setScoreName);
      result.score().ifPresent(record::setScore);
      result.errorStage().ifPresent(stage -> record.setErrorStage(stage.recordName()));
      result.errorClass().ifPresent(record::setErrorClass);
      result.errorMessage().ifPresent(record::setErrorMessage);
    }

    private void write(ImageOutcome.Builder record, ImageInput input, CompressionResult result)
        throws DataError {
      byte[] bytes = result.output().orElseThrow();
      ImageFormat format = result.outputFormat().orElseThrow();
      try {
        Path dest =
            OutputFiles.resolve(
                Paths.get(outputRoot), input.relativePath(), result.inputFormat(), format);
        OutputFiles.writeAtomically(dest, bytes);
        record
            .setOutputPath(dest.toString())
            .setOutputFormat(format.recordName())
            .setOutputBytes((long) bytes.length)
            .setRatio(
                record.getInputBytes() == 0 ? null : (double) bytes.length / record.getInputBytes())
            .setOutputWidth(result.outputWidth())
            .setOutputHeight(result.outputHeight())
            .setOutputSha256(result.outputSha256().orElseThrow());
      } catch (IOException e) {
        record.setScoreName(null).setScore(null).setQualitySetting(null);
        throw new DataError(
            Status.FAILED, Stage.WRITE, e.getClass(), String.valueOf(e.getMessage()));
      }
    }

    private static void count(ImageOutcome outcome) {
      IMAGES.inc();
      BYTES_IN.inc(outcome.getInputBytes());
      MILLIS.update(outcome.getTotalMillis());
      switch (outcome.getStatus()) {
        case WRITTEN -> WRITTEN.inc();
        case KEPT_ORIGINAL -> KEPT.inc();
        case REJECTED_LIMIT, UNSUPPORTED, FAILED -> FAILURES.inc();
        default -> {}
      }
      if (outcome.getOutputBytes() != null) {
        BYTES_OUT.inc(outcome.getOutputBytes());
      }
    }
  }

  /** A per-image error that becomes the outcome's status instead of failing the bundle. */
  private static final class DataError extends Exception {
    private static final long serialVersionUID = 1L;

    private final Status status;
    private final Stage stage;
    private final String errorClass;

    DataError(Status status, Stage stage, Class<?> errorClass, String message) {
      super(message);
      this.status = status;
      this.stage = stage;
      this.errorClass = errorClass.getName();
    }
  }
}
