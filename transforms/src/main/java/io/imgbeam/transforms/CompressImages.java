package io.imgbeam.transforms;

import io.imgbeam.codec.BoundedCompressor;
import io.imgbeam.codec.CompressionResult;
import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.codec.Hashes;
import io.imgbeam.codec.ImageFormat;
import io.imgbeam.codec.Preview;
import io.imgbeam.codec.Stage;
import io.imgbeam.codec.Status;
import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.ManifestEntry;
import io.imgbeam.transforms.avro.OutcomeStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;

/**
 * Compresses every input and writes its output file, producing exactly one {@link ImageOutcome} per
 * input.
 *
 * <p>Two inputs may map to one output path ({@code a.jpg} and {@code a.png} both become {@code
 * a.webp} with {@code --format=webp}; with {@code same} or {@code auto} the extension depends on
 * the content, so the clash is known only after encoding). Each output is therefore first staged in
 * a temp file beside its destination, named after the destination and the input; the outcomes that
 * staged a file are grouped by destination (in hash shards, see {@link #withMoveShards}), and only
 * a destination with a single input is renamed into place. Every input of a shared destination is
 * {@code FAILED} with a message naming the others, and nothing is written there: no input silently
 * overwrites another, and the result does not depend on which worker finished first.
 *
 * <p>Data errors (a corrupt or unsupported image, a limit, an unsafe path, a failed write) become
 * outcome records with their stage, error class and message, and the job goes on. Only I/O errors
 * reading an input that exists (an unreachable file system) fail the bundle, so the runner retries
 * it; outputs are written atomically to deterministic paths, so a retry is harmless.
 *
 * <p>Local inputs are checked before they are opened: a FIFO, a device or a folder is {@code
 * UNSUPPORTED} without being opened (a FIFO would block the read forever), and a symbolic link, as
 * the file or as a folder of its relative path, is {@code UNSUPPORTED} unless {@link
 * #withFollowSymlinks} allows it.
 *
 * <p>Given the previous run's manifest ({@link #withPreviousManifest}), an input whose bytes and
 * settings are those the manifest recorded, and whose output is still there with the recorded hash,
 * is {@code SKIPPED_UNCHANGED} without being compressed again.
 */
public final class CompressImages
    extends PTransform<PCollection<ImageInput>, PCollection<ImageOutcome>> {
  /**
   * Added to the error of an input whose scheme no file system on the class path reads (Beam's "No
   * filesystem found for scheme gs"): the bundled jar reads local and mounted folders only.
   */
  public static final String NO_FILE_SYSTEM_HINT =
      ": put Beam's I/O module for it on the class path, or use a mounted folder";

  /** The suffix of the temp file every output passes through before its atomic rename. */
  public static final String TEMP_SUFFIX = ".imgbeam-tmp";

  /**
   * The folder under {@code OUTPUT/_imgbeam} that holds the report pictures of {@link
   * #withReportPictures} until the report is written.
   */
  public static final String PREVIEWS_FOLDER = PreviewCache.FOLDER;

  /** Default of {@link #withMoveShards}. */
  public static final int DEFAULT_MOVE_SHARDS = 1024;

  private final String outputRoot;
  private final CompressionSettings settings;
  private final boolean followSymlinks;
  private final String previousManifest;
  private final int moveShards;
  private final boolean reportPictures;
  private final int imagesInFlight;

  private CompressImages(
      String outputRoot,
      CompressionSettings settings,
      boolean followSymlinks,
      String previousManifest,
      int moveShards,
      boolean reportPictures,
      int imagesInFlight) {
    this.outputRoot = outputRoot;
    this.settings = settings;
    this.followSymlinks = followSymlinks;
    this.previousManifest = previousManifest;
    this.moveShards = moveShards;
    this.reportPictures = reportPictures;
    this.imagesInFlight = imagesInFlight;
  }

  /** Writes under {@code outputRoot}, a local or mounted folder, with default settings. */
  public static CompressImages to(String outputRoot) {
    Objects.requireNonNull(outputRoot, "outputRoot");
    return new CompressImages(
        Paths.get(outputRoot).toAbsolutePath().normalize().toString(),
        CompressionSettings.create(),
        false,
        null,
        DEFAULT_MOVE_SHARDS,
        false,
        1);
  }

  /**
   * The codec settings: format, quality and limits; default {@link CompressionSettings#create()}.
   */
  public CompressImages withSettings(CompressionSettings value) {
    return new CompressImages(
        outputRoot,
        Objects.requireNonNull(value, "settings"),
        followSymlinks,
        previousManifest,
        moveShards,
        reportPictures,
        imagesInFlight);
  }

  /**
   * Whether inputs reached through a symbolic link are read; default false: they are {@code
   * UNSUPPORTED}, so that a link in the input tree cannot pull in files from elsewhere.
   */
  public CompressImages withFollowSymlinks(boolean value) {
    return new CompressImages(
        outputRoot, settings, value, previousManifest, moveShards, reportPictures, imagesInFlight);
  }

  /**
   * The manifest of an earlier run into the same output root (an Avro file of {@link
   * ManifestEntry}); inputs it shows unchanged are skipped. Default none: everything is compressed.
   */
  public CompressImages withPreviousManifest(String path) {
    return new CompressImages(
        outputRoot,
        settings,
        followSymlinks,
        Objects.requireNonNull(path, "previousManifest"),
        moveShards,
        reportPictures,
        imagesInFlight);
  }

  /**
   * How many groups the staged outputs are gathered into to settle shared destinations (1 to
   * 65536); default {@value #DEFAULT_MOVE_SHARDS}. Every output path falls into one group by its
   * hash, and each group is settled in one call holding its outcome records (small: paths and
   * numbers, no pixels). The DirectRunner runs every group as a bundle of its own, with a fixed
   * cost for each step after it, so few groups suit it (imgbeam uses twice the cores there);
   * distributed runners spread the groups over their workers.
   */
  public CompressImages withMoveShards(int shards) {
    if (shards < 1 || shards > 65536) {
      throw new IllegalArgumentException("expected 1-65536 for moveShards, got " + shards);
    }
    return new CompressImages(
        outputRoot,
        settings,
        followSymlinks,
        previousManifest,
        shards,
        reportPictures,
        imagesInFlight);
  }

  /**
   * Whether to make the run report's pictures of an image while its pixels are in memory, when the
   * image may be one the report shows ({@link ReportCandidates}); default false. They are kept in
   * {@code OUTPUT/_imgbeam/previews/} for {@link WriteReport}, which uses them instead of decoding
   * the files again and then removes the folder: set it only when the pipeline writes the report.
   */
  public CompressImages withReportPictures(boolean value) {
    return new CompressImages(
        outputRoot, settings, followSymlinks, previousManifest, moveShards, value, imagesInFlight);
  }

  /**
   * How many images each instance of the compression step works on at once (1 to 256); default 1.
   * Above 1, every bundle's images are handed to that many threads of the instance as they arrive,
   * and the step waits only when all of them are busy; each image's outcome leaves the step as it
   * finishes (the last ones when the bundle ends), so one bundle keeps that many cores busy. One
   * more input is read ahead meanwhile and waits for the first free thread, so that no core waits
   * for a read, or for an output to be written, between two images. That suits a runner that
   * schedules few bundles at a time: the DirectRunner, to which imgbeam gives one thread of its own
   * and the cores' worth of images here. On a cluster, keep 1 and let the runner's parallelism
   * (task slots) run an instance per core. Every image in flight holds its decoded pixels, within
   * the decoded-pixel budget; the one read ahead, only its file's bytes.
   */
  public CompressImages withImagesInFlight(int value) {
    if (value < 1 || value > 256) {
      throw new IllegalArgumentException("expected 1-256 for imagesInFlight, got " + value);
    }
    return new CompressImages(
        outputRoot, settings, followSymlinks, previousManifest, moveShards, reportPictures, value);
  }

  /** Outcomes whose output is staged, keyed by destination path. */
  private static final TupleTag<KV<String, ImageOutcome>> STAGED = new TupleTag<>() {};

  /** Outcomes with nothing to write (failures, rejections), final as they are. */
  private static final TupleTag<ImageOutcome> FINAL = new TupleTag<>() {};

  @Override
  public PCollection<ImageOutcome> expand(PCollection<ImageInput> inputs) {
    KvCoder<ImageInput, ManifestEntry> pairCoder =
        KvCoder.of(ImageInput.Coder.of(), NullableCoder.of(AvroCoder.of(ManifestEntry.class)));
    PCollection<KV<ImageInput, ManifestEntry>> paired;
    if (previousManifest == null) {
      paired = inputs.apply("NoPreviousRun", ParDo.of(new NoPreviousRunFn())).setCoder(pairCoder);
    } else {
      TupleTag<ImageInput> current = new TupleTag<>();
      TupleTag<ManifestEntry> previous = new TupleTag<>();
      PCollection<KV<String, ImageInput>> byPath =
          inputs
              .apply(
                  "KeyInputsByPath",
                  WithKeys.of((SerializableFunction<ImageInput, String>) ImageInput::path)
                      .withKeyType(TypeDescriptors.strings()))
              .setCoder(KvCoder.of(StringUtf8Coder.of(), ImageInput.Coder.of()));
      PCollection<KV<String, ManifestEntry>> previousByPath =
          inputs
              .getPipeline()
              .apply(
                  "ReadPreviousManifest", AvroIO.read(ManifestEntry.class).from(previousManifest))
              .apply(
                  "KeyManifestByPath",
                  WithKeys.of(
                          (SerializableFunction<ManifestEntry, String>) ManifestEntry::getInputPath)
                      .withKeyType(TypeDescriptors.strings()))
              .setCoder(KvCoder.of(StringUtf8Coder.of(), AvroCoder.of(ManifestEntry.class)));
      paired =
          KeyedPCollectionTuple.of(current, byPath)
              .and(previous, previousByPath)
              .apply("JoinPreviousRun", CoGroupByKey.create())
              .apply("PairWithPreviousRun", ParDo.of(new PairFn(current, previous)))
              .setCoder(pairCoder);
    }
    AvroCoder<ImageOutcome> coder = AvroCoder.of(ImageOutcome.class);
    PCollectionTuple compressed =
        paired.apply(
            "CompressEachImage",
            ParDo.of(
                    new CompressFn(
                        outputRoot,
                        settings,
                        followSymlinks,
                        previousManifest != null,
                        reportPictures,
                        imagesInFlight))
                .withOutputTags(STAGED, TupleTagList.of(FINAL)));
    PCollection<ImageOutcome> moved =
        compressed
            .get(STAGED)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), coder))
            .apply("ShardByOutputPath", ParDo.of(new ShardFn(moveShards)))
            .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), coder)))
            .apply("GroupByOutputShard", GroupByKey.create())
            .apply("MoveIntoPlace", ParDo.of(new MoveIntoPlaceFn()))
            .setCoder(coder);
    return PCollectionList.of(compressed.get(FINAL).setCoder(coder))
        .and(moved)
        .apply("AllOutcomes", Flatten.pCollections())
        .apply("CountOutcomes", ParDo.of(new CountFn()))
        .setCoder(coder);
  }

  /** Each input with no previous entry. */
  private static final class NoPreviousRunFn
      extends DoFn<ImageInput, KV<ImageInput, ManifestEntry>> {
    @ProcessElement
    public void processElement(
        @Element ImageInput input, OutputReceiver<KV<ImageInput, ManifestEntry>> out) {
      out.output(KV.of(input, null));
    }
  }

  /** Each input of a path with the previous run's entry for it, or null. */
  private static final class PairFn
      extends DoFn<KV<String, CoGbkResult>, KV<ImageInput, ManifestEntry>> {
    private final TupleTag<ImageInput> current;
    private final TupleTag<ManifestEntry> previous;

    PairFn(TupleTag<ImageInput> current, TupleTag<ManifestEntry> previous) {
      this.current = current;
      this.previous = previous;
    }

    @ProcessElement
    public void processElement(
        @Element KV<String, CoGbkResult> group, OutputReceiver<KV<ImageInput, ManifestEntry>> out) {
      Iterator<ManifestEntry> entries = group.getValue().getAll(previous).iterator();
      ManifestEntry entry = entries.hasNext() ? entries.next() : null;
      for (ImageInput input : group.getValue().getAll(current)) {
        out.output(KV.of(input, entry));
      }
    }
  }

  /**
   * Renames each staged output into place when its destination has one input; otherwise fails every
   * input of the destination and removes their staged files.
   */
  /** Keys each staged output by its destination's shard. */
  private static final class ShardFn
      extends DoFn<KV<String, ImageOutcome>, KV<Integer, KV<String, ImageOutcome>>> {
    private final int shards;

    ShardFn(int shards) {
      this.shards = shards;
    }

    @ProcessElement
    public void processElement(
        @Element KV<String, ImageOutcome> staged,
        OutputReceiver<KV<Integer, KV<String, ImageOutcome>>> out) {
      out.output(KV.of(Math.floorMod(staged.getKey().hashCode(), shards), staged));
    }
  }

  /**
   * Renames each staged output into place when its destination has one input; otherwise fails every
   * input of the destination and removes their staged files. Destinations are settled one by one
   * within their shard.
   */
  private static final class MoveIntoPlaceFn
      extends DoFn<KV<Integer, Iterable<KV<String, ImageOutcome>>>, ImageOutcome> {
    @ProcessElement
    public void processElement(
        @Element KV<Integer, Iterable<KV<String, ImageOutcome>>> shard,
        OutputReceiver<ImageOutcome> out)
        throws IOException {
      Map<String, List<ImageOutcome>> byDestination = new TreeMap<>();
      for (KV<String, ImageOutcome> staged : shard.getValue()) {
        byDestination
            .computeIfAbsent(staged.getKey(), d -> new ArrayList<>())
            .add(staged.getValue());
      }
      for (Map.Entry<String, List<ImageOutcome>> group : byDestination.entrySet()) {
        settle(Paths.get(group.getKey()), group.getValue(), out);
      }
    }

    private static void settle(
        Path dest, List<ImageOutcome> outcomes, OutputReceiver<ImageOutcome> out)
        throws IOException {
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
          .setQualityExact(null)
          .setJpegLowFrequencyQuality(null)
          .setScoreName(null)
          .setScore(null)
          .setEncodesTried(null)
          .setTarget(null)
          .setTargetMet(null)
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
    private static final Counter SKIPPED =
        Metrics.counter(CompressImages.class, "skippedUnchanged");
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
        case SKIPPED_UNCHANGED -> SKIPPED.inc();
        case REJECTED_LIMIT, UNSUPPORTED, FAILED -> FAILURES.inc();
        default -> {}
      }
      if (outcome.getOutputBytes() != null) {
        BYTES_OUT.inc(outcome.getOutputBytes());
      }
      out.output(outcome);
    }
  }

  private static final class CompressFn
      extends DoFn<KV<ImageInput, ManifestEntry>, KV<String, ImageOutcome>> {
    private static final Counter DONE = Metrics.counter(RunProgress.class, RunProgress.DONE);

    /**
     * Report pictures made during the run that could not be stored (the report then makes those
     * from the files, as it would without them).
     */
    private static final Counter PICTURES_NOT_STORED =
        Metrics.counter(CompressImages.class, "reportPicturesNotStored");

    private final String outputRoot;
    private final CompressionSettings settings;
    private final boolean followSymlinks;
    private final boolean incremental;
    private final boolean reportPictures;
    private final int imagesInFlight;
    private transient List<BoundedCompressor> allCompressors;
    private transient BlockingQueue<BoundedCompressor> compressors;
    private transient ReportCandidates reportCandidates;

    /** Threads that each take one image start to finish; null when one image at a time. */
    private transient ExecutorService callers;

    private transient CompletionService<Done> completed;
    private transient int inFlight;

    CompressFn(
        String outputRoot,
        CompressionSettings settings,
        boolean followSymlinks,
        boolean incremental,
        boolean reportPictures,
        int imagesInFlight) {
      this.outputRoot = outputRoot;
      this.settings = settings;
      this.followSymlinks = followSymlinks;
      this.incremental = incremental;
      this.reportPictures = reportPictures;
      this.imagesInFlight = imagesInFlight;
    }

    @Setup
    public void setup() {
      reportCandidates = new ReportCandidates();
      allCompressors = new ArrayList<>();
      compressors = new LinkedBlockingQueue<>();
      for (int i = 0; i < imagesInFlight; i++) {
        BoundedCompressor compressor = BoundedCompressor.of(settings);
        allCompressors.add(compressor);
        compressors.add(compressor);
      }
      if (imagesInFlight > 1) {
        AtomicInteger threads = new AtomicInteger();
        callers =
            Executors.newFixedThreadPool(
                imagesInFlight + 1,
                task -> {
                  Thread thread = new Thread(task, "imgbeam-image-" + threads.incrementAndGet());
                  thread.setDaemon(true);
                  return thread;
                });
      }
    }

    @Teardown
    public void teardown() {
      if (callers != null) {
        callers.shutdownNow();
      }
      if (allCompressors != null) {
        allCompressors.forEach(BoundedCompressor::close);
      }
    }

    @StartBundle
    public void startBundle() {
      if (callers != null) {
        // A fresh queue per bundle: results of a failed bundle's images are never emitted later.
        completed = new ExecutorCompletionService<>(callers);
        inFlight = 0;
      }
    }

    @ProcessElement
    public void processElement(
        @Element KV<ImageInput, ManifestEntry> element,
        @Timestamp Instant timestamp,
        BoundedWindow window,
        MultiOutputReceiver out)
        throws IOException {
      if (callers == null) {
        emit(compressOne(element), out);
        return;
      }
      completed.submit(() -> compressOne(element).at(timestamp, window));
      inFlight++;
      // Emit what has finished, and wait while every compressor is taken and one more image is
      // read ahead, so that the counters (and the progress lines) follow the images as they finish.
      for (Done done = next(false); done != null; done = next(false)) {
        emit(done, out);
      }
      while (inFlight > imagesInFlight) {
        emit(next(true), out);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws IOException {
      if (callers == null) {
        return;
      }
      while (inFlight > 0) {
        Done done = next(true);
        if (done.staged != null) {
          context.output(STAGED, done.staged, done.timestamp, done.window);
        } else {
          context.output(FINAL, done.outcome, done.timestamp, done.window);
        }
        count(done);
      }
    }

    /**
     * A free compressor, waiting for one. Called once the image's input is read, so that the image
     * starts as soon as another gives its compressor back.
     */
    private BoundedCompressor takeCompressor() throws IOException {
      try {
        return compressors.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a compressor");
      }
    }

    /** The next finished image, waiting for one when {@code wait}; null when none has finished. */
    private Done next(boolean wait) throws IOException {
      Future<Done> future;
      try {
        future = wait ? completed.take() : completed.poll();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while compressing", e);
      }
      if (future == null) {
        return null;
      }
      inFlight--;
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while compressing", e);
      } catch (ExecutionException e) {
        // Only an I/O error reading an input that exists, which must fail the bundle as it would
        // on one thread, or an Error.
        Throwable cause = e.getCause();
        if (cause instanceof IOException) {
          throw (IOException) cause;
        }
        if (cause instanceof RuntimeException) {
          throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
          throw (Error) cause;
        }
        throw new IllegalStateException(cause);
      }
    }

    private static void emit(Done done, MultiOutputReceiver out) {
      if (done.staged != null) {
        out.get(STAGED).output(done.staged);
      } else {
        out.get(FINAL).output(done.outcome);
      }
      count(done);
    }

    /** Counters are only kept on the DoFn's own thread, so they are counted as results leave. */
    private static void count(Done done) {
      if (done.picturesNotStored) {
        PICTURES_NOT_STORED.inc();
      }
      DONE.inc();
    }

    /**
     * One input, start to finish: its outcome, staged output or final. With the instance's threads
     * (more than one image in flight), it takes a compressor only once the input is read, and gives
     * it back as soon as the image is compressed, before its output is written; its times leave out
     * the wait for a compressor.
     */
    private Done compressOne(KV<ImageInput, ManifestEntry> element) throws IOException {
      boolean pooled = callers != null;
      long start = System.nanoTime();
      ImageInput input = element.getKey();
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
        ManifestEntry previous = element.getValue();
        if (!incremental || previous == null || !skipUnchanged(record, input, bytes, previous)) {
          long readNanos = System.nanoTime() - start;
          BoundedCompressor compressor = pooled ? takeCompressor() : compressors.peek();
          start = System.nanoTime() - readNanos;
          CompressionResult result;
          try {
            result =
                compressor.compress(
                    bytes,
                    reportPictures
                        ? reportCandidates.after(TimeUnit.NANOSECONDS.toMillis(readNanos))
                        : Preview.Wanted.NEVER);
          } finally {
            if (pooled) {
              compressors.add(compressor);
            }
          }
          fill(record, result);
          if (result.output().isPresent()) {
            Path dest = stage(record, input, result);
            boolean notStored =
                result.previews().map(pictures -> !storePictures(result, pictures)).orElse(false);
            record.setTotalMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return new Done(KV.of(dest.toString(), record.build()), null, notStored, null, null);
          }
        }
      } catch (DataError e) {
        record
            .setStatus(OutcomeStatus.valueOf(e.status.name()))
            .setErrorStage(e.stage.recordName())
            .setErrorClass(e.errorClass)
            .setErrorMessage(e.getMessage());
      }
      record.setTotalMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      return new Done(null, record.build(), false, null, null);
    }

    /**
     * Keeps the report pictures the codec made for the report ({@link PreviewCache}); false when
     * they could not be stored. They only save the report work; when they cannot be stored, the
     * report makes them from the files, so the failure is counted, not raised.
     */
    private boolean storePictures(CompressionResult result, Preview.Images pictures) {
      try {
        PreviewCache.write(
            Paths.get(outputRoot),
            result.inputSha256(),
            result.outputSha256().orElseThrow(),
            pictures);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    /**
     * Fills a {@code SKIPPED_UNCHANGED} record and returns true when the input's bytes and the
     * settings are those of the previous run and its output is still there, unchanged.
     */
    private boolean skipUnchanged(
        ImageOutcome.Builder record, ImageInput input, byte[] bytes, ManifestEntry previous)
        throws IOException {
      String sha = Hashes.sha256(bytes);
      if (!previous.getSettings().equals(settings.fingerprint())
          || !previous.getInputSha256().equals(sha)
          // A manifest from before it carried the privacy audit's facts: compressed again, so
          // that this run's record says what the input holds.
          || previous.getHadGps() == null
          || previous.getMetadataRemoved() == null) {
        return false;
      }
      Path expected;
      try {
        expected =
            OutputFiles.resolve(
                Paths.get(outputRoot),
                input.relativePath(),
                format(previous.getInputFormat()),
                format(previous.getOutputFormat()));
      } catch (OutputFiles.UnsafePathException | IllegalArgumentException e) {
        return false;
      }
      if (!expected.toString().equals(previous.getOutputPath())
          || !Files.isRegularFile(expected, LinkOption.NOFOLLOW_LINKS)
          || !Hashes.sha256(Files.readAllBytes(expected)).equals(previous.getOutputSha256())) {
        return false;
      }
      record
          .setStatus(OutcomeStatus.SKIPPED_UNCHANGED)
          .setInputFormat(previous.getInputFormat())
          .setInputSha256(sha)
          .setOutputPath(previous.getOutputPath())
          .setOutputFormat(previous.getOutputFormat())
          .setOutputBytes(previous.getOutputBytes())
          .setOutputSha256(previous.getOutputSha256())
          .setRatio(bytes.length == 0 ? null : (double) previous.getOutputBytes() / bytes.length)
          .setWidth(previous.getWidth())
          .setHeight(previous.getHeight())
          .setOutputWidth(previous.getOutputWidth())
          .setOutputHeight(previous.getOutputHeight())
          // The earlier output's quality and score; nothing was encoded this time.
          .setQualitySetting(previous.getQualitySetting())
          .setQualityExact(previous.getQualityExact())
          .setJpegLowFrequencyQuality(previous.getJpegLowFrequencyQuality())
          .setScoreName(previous.getScoreName())
          .setScore(previous.getScore())
          .setTarget(previous.getTarget())
          .setTargetMet(previous.getTargetMet())
          // What the input holds and what its output lacks: the same bytes as the earlier run's.
          .setMetadataRemoved(previous.getMetadataRemoved())
          .setHadGps(previous.getHadGps())
          .setHadSerial(previous.getHadSerial())
          .setHadOwner(previous.getHadOwner())
          .setCandidates(previous.getCandidates())
          .setEncodesTried(0);
      return true;
    }

    private static ImageFormat format(String recordName) {
      return ImageFormat.valueOf(recordName.toUpperCase(Locale.ROOT));
    }

    private byte[] read(ImageInput input) throws IOException, DataError {
      long limit = settings.maxInputBytes();
      if (input.sizeBytes() > limit) {
        throw tooLarge(input.sizeBytes(), limit);
      }
      if (!input.path().contains("://")) {
        return readLocal(Paths.get(input.path()), input.relativePath(), limit);
      }
      ResourceId resource;
      try {
        resource = FileSystems.matchNewResource(input.path(), false);
      } catch (IllegalArgumentException e) {
        throw new DataError(
            Status.FAILED, Stage.READ, e.getClass(), e.getMessage() + NO_FILE_SYSTEM_HINT);
      }
      try (ReadableByteChannel channel = FileSystems.open(resource);
          InputStream in = Channels.newInputStream(channel)) {
        return readLimited(in, limit);
      } catch (FileNotFoundException | NoSuchFileException | AccessDeniedException e) {
        throw new DataError(
            Status.FAILED, Stage.READ, e.getClass(), String.valueOf(e.getMessage()));
      }
    }

    /**
     * Reads a local file after checking what it is without opening it: only a regular file is
     * opened, and without {@code followSymlinks} neither the file nor a folder of its relative path
     * may be a symbolic link.
     */
    private byte[] readLocal(Path file, String relativePath, long limit)
        throws IOException, DataError {
      if (!followSymlinks) {
        String path = file.toString();
        Path folder =
            path.endsWith("/" + relativePath)
                ? Paths.get(path.substring(0, path.length() - relativePath.length()))
                : file.getParent();
        for (Path part : folder.relativize(file)) {
          folder = folder.resolve(part);
          if (Files.isSymbolicLink(folder)) {
            throw new DataError(
                Status.UNSUPPORTED,
                Stage.READ,
                IOException.class,
                "symbolic link "
                    + folder
                    + " -> "
                    + Files.readSymbolicLink(folder)
                    + " (not followed without --followSymlinks)");
          }
        }
      }
      LinkOption[] links =
          followSymlinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(file, BasicFileAttributes.class, links);
      } catch (NoSuchFileException e) {
        throw new DataError(Status.FAILED, Stage.READ, NoSuchFileException.class, "no such file");
      }
      if (!attributes.isRegularFile()) {
        String kind =
            attributes.isDirectory()
                ? "a folder"
                : attributes.isOther() ? "a FIFO, socket or device" : "not a regular file";
        throw new DataError(
            Status.UNSUPPORTED,
            Stage.READ,
            IOException.class,
            "not a regular file (" + kind + "); not opened");
      }
      if (attributes.size() > limit) {
        throw tooLarge(attributes.size(), limit);
      }
      OpenOption[] open =
          followSymlinks ? new OpenOption[0] : new OpenOption[] {LinkOption.NOFOLLOW_LINKS};
      try (InputStream in = Files.newInputStream(file, open)) {
        return readLimited(in, limit);
      } catch (NoSuchFileException | AccessDeniedException e) {
        throw new DataError(
            Status.FAILED, Stage.READ, e.getClass(), String.valueOf(e.getMessage()));
      }
    }

    private static byte[] readLimited(InputStream in, long limit) throws IOException, DataError {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        throw tooLarge(bytes.length, limit);
      }
      return bytes;
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
      result.qualityExact().ifPresent(record::setQualityExact);
      result.jpegLowFrequencyQuality().ifPresent(record::setJpegLowFrequencyQuality);
      result.scoreName().ifPresent(record::setScoreName);
      result.score().ifPresent(record::setScore);
      result.encodesTried().ifPresent(record::setEncodesTried);
      result.target().ifPresent(record::setTarget);
      result.targetMet().ifPresent(record::setTargetMet);
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
        OutputFiles.stage(Paths.get(outputRoot), OutputFiles.stagedPath(dest, input.path()), bytes);
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
        record
            .setScoreName(null)
            .setScore(null)
            .setQualitySetting(null)
            .setQualityExact(null)
            .setJpegLowFrequencyQuality(null)
            .setEncodesTried(null)
            .setTarget(null)
            .setTargetMet(null);
        throw new DataError(
            Status.FAILED, Stage.WRITE, e.getClass(), String.valueOf(e.getMessage()));
      }
    }
  }

  /**
   * One finished input: its staged outcome (keyed by destination) or its final outcome, whether its
   * report pictures could not be stored, and the element's timestamp and window for an output from
   * {@code @FinishBundle}.
   */
  private record Done(
      KV<String, ImageOutcome> staged,
      ImageOutcome outcome,
      boolean picturesNotStored,
      Instant timestamp,
      BoundedWindow window) {
    Done at(Instant elementTimestamp, BoundedWindow elementWindow) {
      return new Done(staged, outcome, picturesNotStored, elementTimestamp, elementWindow);
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
