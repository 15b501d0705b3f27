package io.imgbeam.transforms;

import io.imgbeam.codec.CompressionResult;
import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.codec.Hashes;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Compresses every input and writes its output file, producing exactly one {@link ImageOutcome} per
 * input.
 *
 * <p>Two inputs may map to one output path ({@code a.jpg} and {@code a.png} both become {@code
 * a.webp} with {@code --format=webp}; with {@code same} or {@code auto} the extension depends on
 * the content, so the clash is known only after encoding). Each output is therefore first staged in
 * a temp file beside its destination, named after the destination and the input; the outcomes that
 * staged a file are grouped by destination, and only a destination with a single input is renamed
 * into place. Every input of a shared destination is {@code FAILED} with a message naming the
 * others, and nothing is written there: no input silently overwrites another, and the result does
 * not depend on which worker finished first.
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

  /** Outcomes whose output is staged, keyed by destination path. */
  private static final TupleTag<KV<String, ImageOutcome>> STAGED = new TupleTag<>() {};

  /** Outcomes with nothing to write (failures, rejections), final as they are. */
  private static final TupleTag<ImageOutcome> FINAL = new TupleTag<>() {};

  @Override
  public PCollection<ImageOutcome> expand(PCollection<ImageInput> inputs) {
    AvroCoder<ImageOutcome> coder = AvroCoder.of(ImageOutcome.class);
    PCollectionTuple compressed =
        inputs.apply(
            "CompressEachImage",
            ParDo.of(new CompressFn(outputRoot, settings))
                .withOutputTags(STAGED, TupleTagList.of(FINAL)));
    PCollection<ImageOutcome> moved =
        compressed
            .get(STAGED)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), coder))
            .apply("GroupByOutputPath", GroupByKey.create())
            .apply("MoveIntoPlace", ParDo.of(new MoveIntoPlaceFn()))
            .setCoder(coder);
    return PCollectionList.of(compressed.get(FINAL).setCoder(coder))
        .and(moved)
        .apply("AllOutcomes", Flatten.pCollections())
        .apply("CountOutcomes", ParDo.of(new CountFn()))
        .setCoder(coder);
  }

  /**
   * Renames each staged output into place when its destination has one input; otherwise fails every
   * input of the destination and removes their staged files.
   */
  private static final class MoveIntoPlaceFn
      extends DoFn<KV<String, Iterable<ImageOutcome>>, ImageOutcome> {
    @ProcessElement
    public void processElement(
        @Element KV<String, Iterable<ImageOutcome>> group, OutputReceiver<ImageOutcome> out)
        throws IOException {
      Path dest = Paths.get(group.getKey());
      List<ImageOutcome> outcomes = new ArrayList<>();
      group.getValue().forEach(outcomes::add);
      outcomes.sort(Comparator.comparing(o -> o.getInputPath().toString()));
      if (outcomes.size() == 1) {
        out.output(move(outcomes.get(0), dest));
        return;
      }
      for (ImageOutcome outcome : outcomes) {
        Files.deleteIfExists(OutputFiles.stagedPath(dest, outcome.getInputPath().toString()));
        List<String> others = new ArrayList<>();
        for (ImageOutcome other : outcomes) {
          if (other != outcome) {
            others.add(other.getInputPath().toString());
          }
        }
        out.output(
            failed(
                outcome,
                OutputFiles.OutputCollisionException.class,
                "output "
                    + dest
                    + " is also the output of "
                    + String.join(", ", others)
                    + "; none of them was written (rename one input, or choose another"
                    + " --format)"));
      }
    }

    private static ImageOutcome move(ImageOutcome outcome, Path dest) throws IOException {
      Path staged = OutputFiles.stagedPath(dest, outcome.getInputPath().toString());
      try {
        OutputFiles.moveIntoPlace(staged, dest);
        return outcome;
      } catch (NoSuchFileException e) {
        // A retry of this step after the rename succeeded: the destination holds the output.
        if (Files.isRegularFile(dest)
            && Hashes.sha256(Files.readAllBytes(dest))
                .equals(String.valueOf(outcome.getOutputSha256()))) {
          return outcome;
        }
        return failed(outcome, e.getClass(), "staged output " + staged + " is gone");
      } catch (IOException e) {
        Files.deleteIfExists(staged);
        return failed(outcome, e.getClass(), String.valueOf(e.getMessage()));
      }
    }

    private static ImageOutcome failed(ImageOutcome outcome, Class<?> error, String message) {
      return ImageOutcome.newBuilder(outcome)
          .setStatus(OutcomeStatus.FAILED)
          .setOutputPath(null)
          .setOutputFormat(null)
          .setOutputBytes(null)
          .setRatio(null)
          .setOutputWidth(null)
          .setOutputHeight(null)
          .setOutputSha256(null)
          .setQualitySetting(null)
          .setScoreName(null)
          .setScore(null)
          .setErrorStage(Stage.WRITE.recordName())
          .setErrorClass(error.getName())
          .setErrorMessage(message)
          .build();
    }
  }

  /** The progress counters, on final outcomes (after collisions are settled). */
  private static final class CountFn extends DoFn<ImageOutcome, ImageOutcome> {
    private static final Counter IMAGES = Metrics.counter(CompressImages.class, "images");
    private static final Counter WRITTEN = Metrics.counter(CompressImages.class, "written");
    private static final Counter KEPT = Metrics.counter(CompressImages.class, "keptOriginal");
    private static final Counter FAILURES = Metrics.counter(CompressImages.class, "failures");
    private static final Counter BYTES_IN = Metrics.counter(CompressImages.class, "bytesIn");
    private static final Counter BYTES_OUT = Metrics.counter(CompressImages.class, "bytesOut");
    private static final Distribution MILLIS =
        Metrics.distribution(CompressImages.class, "millisPerImage");

    @ProcessElement
    public void processElement(@Element ImageOutcome outcome, OutputReceiver<ImageOutcome> out) {
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
      out.output(outcome);
    }
  }

  private static final class CompressFn extends DoFn<ImageInput, KV<String, ImageOutcome>> {
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
    public void processElement(@Element ImageInput input, MultiOutputReceiver out)
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
          Path dest = stage(record, input, result);
          record.setTotalMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
          out.get(STAGED).output(KV.of(dest.toString(), record.build()));
          return;
        }
      } catch (DataError e) {
        record
            .setStatus(OutcomeStatus.valueOf(e.status.name()))
            .setErrorStage(e.stage.recordName())
            .setErrorClass(e.errorClass)
            .setErrorMessage(e.getMessage());
      }
      record.setTotalMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      out.get(FINAL).output(record.build());
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
      result.candidates().ifPresent(record::setCandidates);
    }

    /** Writes the output to its staged path; returns the destination. */
    private Path stage(ImageOutcome.Builder record, ImageInput input, CompressionResult result)
        throws DataError {
      byte[] bytes = result.output().orElseThrow();
      ImageFormat format = result.outputFormat().orElseThrow();
      try {
        Path dest =
            OutputFiles.resolve(
                Paths.get(outputRoot), input.relativePath(), result.inputFormat(), format);
        OutputFiles.stage(OutputFiles.stagedPath(dest, input.path()), bytes);
        record
            .setOutputPath(dest.toString())
            .setOutputFormat(format.recordName())
            .setOutputBytes((long) bytes.length)
            .setRatio(
                record.getInputBytes() == 0 ? null : (double) bytes.length / record.getInputBytes())
            .setOutputWidth(result.outputWidth())
            .setOutputHeight(result.outputHeight())
            .setOutputSha256(result.outputSha256().orElseThrow());
        return dest;
      } catch (IOException e) {
        record.setScoreName(null).setScore(null).setQualitySetting(null);
        throw new DataError(
            Status.FAILED, Stage.WRITE, e.getClass(), String.valueOf(e.getMessage()));
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
