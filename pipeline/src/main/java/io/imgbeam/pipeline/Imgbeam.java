package io.imgbeam.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.codec.FailOn;
import io.imgbeam.codec.Fit;
import io.imgbeam.codec.Gravity;
import io.imgbeam.codec.IccPolicy;
import io.imgbeam.codec.MetadataPolicy;
import io.imgbeam.codec.Metric;
import io.imgbeam.codec.OutputFormat;
import io.imgbeam.codec.PngMode;
import io.imgbeam.codec.Warmup;
import io.imgbeam.transforms.CompressImages;
import io.imgbeam.transforms.MatchImages;
import io.imgbeam.transforms.OutputFiles;
import io.imgbeam.transforms.RunReport;
import io.imgbeam.transforms.SummarizeRun;
import io.imgbeam.transforms.WriteManifest;
import io.imgbeam.transforms.WriteRunFiles;
import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.values.PCollection;

/**
 * The imgbeam job: match images, compress each, write outputs, outcome records and a summary.
 *
 * <pre>
 * java -jar imgbeam-bundled.jar --input='photos/**' --output=/tmp/out
 * </pre>
 */
public final class Imgbeam {
  private Imgbeam() {}

  /** Runs the job and exits non-zero when it could not run or did not finish. */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the job to completion and prints its summary table; or, for {@code report OUTPUT},
   * rebuilds the report page of a finished run from its outcome files.
   *
   * @return 0 when the job finished (whatever the images' outcomes), 2 for bad options, 1 when the
   *     job failed
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("report")) {
      return report(args, out, err);
    }
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h") || arg.startsWith("--help=")) {
        Help.print(out);
        return 0;
      }
    }
    if (EngineDefaults.embedded(List.of(args))) {
      // Parsing the options and building the pipeline take seconds on one thread; meanwhile
      // another core readies the codec for the first images.
      Warmup.start();
    }
    ImgbeamOptions options;
    Job job;
    try {
      options = OptionsRegistry.parse(args);
      checkProgressSeconds(options.getProgressSeconds());
      job = Job.of(options, List.of(args));
    } catch (IllegalArgumentException e) {
      err.println("imgbeam: " + e.getMessage());
      err.println("Run with --help to list the options.");
      return 2;
    }
    try {
      int stale = job.clearPreviousRun();
      if (stale > 0) {
        out.println("imgbeam: removed " + stale + " temp files a stopped run left behind");
      }
    } catch (IOException e) {
      err.println("imgbeam: cannot prepare " + job.runFolder() + ": " + e);
      return 1;
    }
    EngineDefaults.apply(options, List.of(args));
    Pipeline pipeline = Pipeline.create(options);
    job.build(pipeline);
    if (DirectRunner.class.equals(options.getRunner())) {
      InvokersAhead.start(pipeline);
    }
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    // Only the DirectRunner returns from run() while the job runs and answers metrics queries then.
    PipelineResult.State state =
        DirectRunner.class.equals(options.getRunner()) && options.getProgressSeconds() > 0
            ? new ConsoleProgress(
                    out,
                    (long) (options.getProgressSeconds() * 1e9),
                    out == System.out && System.console() != null,
                    start)
                .watch(result)
            : result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (state != PipelineResult.State.DONE) {
      err.println("imgbeam: the job ended in state " + state);
      return 1;
    }
    try {
      Files.deleteIfExists(job.previousManifest());
      // A worker killed mid-write leaves a temp file only when the job itself then died; a
      // successful run removes any, so none survives it.
      OutputFiles.deleteStaleTempFiles(job.outputRoot);
    } catch (IOException e) {
      err.println("imgbeam: cannot clean up " + job.runFolder() + ": " + e);
      return 1;
    }
    try {
      printSummary(job, seconds, out);
      printCounters(result, out);
    } catch (IOException e) {
      err.println("imgbeam: the job finished but its summary is unreadable: " + e.getMessage());
      return 1;
    }
    return 0;
  }

  /** The longest progress interval: an hour. */
  static final double MAX_PROGRESS_SECONDS = 3600;

  private static void checkProgressSeconds(double seconds) {
    if (!(seconds >= 0 && seconds <= MAX_PROGRESS_SECONDS)) {
      throw new IllegalArgumentException(
          "expected 0-" + (int) MAX_PROGRESS_SECONDS + " for progressSeconds, got " + seconds);
    }
  }

  /** {@code imgbeam report OUTPUT}: the page again, from OUTPUT/_imgbeam/outcomes-*.avro. */
  private static int report(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2 || args[1].startsWith("--")) {
      err.println("imgbeam: expected report OUTPUT, got " + String.join(" ", args));
      return 2;
    }
    try {
      Path page = RunReport.fromOutcomes(Paths.get(args[1]).toAbsolutePath().normalize());
      out.println("report: " + page);
      return 0;
    } catch (IOException e) {
      err.println("imgbeam: cannot write the report: " + e.getMessage());
      return 1;
    }
  }

  /**
   * The progress counters of {@link CompressImages}, as the runner reports them. They count
   * attempts, retried work included; the outcome records are the exact account.
   */
  private static void printCounters(PipelineResult result, PrintStream out) {
    MetricQueryResults metrics =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.inNamespace(CompressImages.class))
                    .build());
    Map<String, Long> counters = new TreeMap<>();
    for (MetricResult<Long> counter : metrics.getCounters()) {
      counters.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
    }
    StringBuilder line = new StringBuilder("  counters:");
    counters.forEach((name, value) -> line.append(' ').append(name).append('=').append(value));
    out.println(line);
  }

  /** The job's plain values, checked once, before anything runs. */
  static final class Job {
    private final List<String> inputs;
    private final String inputList;
    private final Path outputRoot;
    private final CompressionSettings settings;
    private final boolean followSymlinks;
    private final boolean incremental;
    private final int moveShards;
    private final int redistributeBuckets;
    private final boolean oneWriter;
    private final int imagesInFlight;

    private Job(
        List<String> inputs,
        String inputList,
        Path outputRoot,
        CompressionSettings settings,
        boolean followSymlinks,
        boolean incremental,
        int moveShards,
        int redistributeBuckets,
        boolean oneWriter,
        int imagesInFlight) {
      this.inputs = inputs;
      this.inputList = inputList;
      this.outputRoot = outputRoot;
      this.settings = settings;
      this.followSymlinks = followSymlinks;
      this.incremental = incremental;
      this.moveShards = moveShards;
      this.redistributeBuckets = redistributeBuckets;
      this.oneWriter = oneWriter;
      this.imagesInFlight = imagesInFlight;
    }

    /**
     * Refuses {@code input} (with a scheme, {@code gs://...}) when no file system on the class path
     * reads its scheme: up front, rather than as a failed job. The bundled jar reads local and
     * mounted folders only.
     */
    private static void requireFileSystem(ImgbeamOptions options, String input) {
      String scheme = input.substring(0, input.indexOf("://"));
      FileSystems.setDefaultPipelineOptions(options);
      try {
        // A bare root of the scheme: only the scheme is looked up, whatever the pattern holds.
        FileSystems.matchNewResource(scheme + "://root/", true);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "expected an input on a file system imgbeam can read, got "
                + input
                + ": no file system on the class path reads "
                + scheme
                + "://"
                + CompressImages.NO_FILE_SYSTEM_HINT,
            e);
      }
    }

    static Job of(ImgbeamOptions options, List<String> args) {
      List<String> inputs =
          options.getInput() == null ? List.of() : rejoinBraces(options.getInput());
      String inputList = options.getInputList();
      if (inputs.isEmpty() && inputList == null) {
        throw new IllegalArgumentException(
            "expected --input=GLOB or --inputList=FILE, got neither");
      }
      if (options.getOutput().contains("://")) {
        throw new IllegalArgumentException(
            "expected a local or mounted folder for output, got " + options.getOutput());
      }
      Path outputRoot = Paths.get(options.getOutput()).toAbsolutePath().normalize();
      if (Files.isSymbolicLink(outputRoot)) {
        throw new IllegalArgumentException(
            "expected a real folder for output, got symbolic link "
                + outputRoot
                + " -> "
                + readLink(outputRoot));
      }
      for (String input : inputs) {
        if (input.contains("://")) {
          requireFileSystem(options, input);
          continue;
        }
        Path base = Paths.get(MatchImages.globBase(input)).toAbsolutePath().normalize();
        if (base.startsWith(outputRoot)) {
          throw new IllegalArgumentException(
              "expected an output folder outside the inputs, got output "
                  + outputRoot
                  + " containing input "
                  + input);
        }
      }
      CompressionSettings settings =
          CompressionSettings.create()
              .withOutputFormat(parseFormat(options.getFormat()))
              .withJpegQuality(options.getQuality())
              .withJpegEffort(options.getJpegEffort())
              .withAutoFormats(parseFormats(options.getFormats()))
              .withWebpQuality(options.getWebpQuality())
              .withWebpEffort(options.getWebpEffort())
              .withWebpLossless(options.getWebpLossless())
              .withWebpSharpYuv(options.getWebpSharpYuv())
              .withPngMode(PngMode.parse(options.getPng()))
              .withPngEffort(options.getPngEffort())
              .withPngMinScore(options.getPngMinScore())
              .withPngDither(options.getPngDither())
              .withPngMaxScore(options.getPngMaxScore())
              .withPngInterlace(options.getPngInterlace())
              .withPngCleanTransparent(options.getPngCleanTransparent())
              .withAvifQuality(options.getAvifQuality())
              .withAvifEffort(options.getAvifEffort())
              .withAvifChroma(options.getAvifChroma())
              .withAvifBitDepth(options.getAvifBitDepth())
              .withMaxInputPixels(options.getMaxInputPixels())
              .withMaxInputBytes(options.getMaxInputBytes())
              .withMaxFrames(options.getMaxFrames())
              .withMaxMetadataBytes(options.getMaxMetadataBytes())
              .withTimeoutSeconds(options.getPerImageTimeoutSeconds())
              .withFailOn(FailOn.parse(options.getFailOn()))
              .withMetadata(MetadataPolicy.parse(options.getMetadata()))
              .withKeepDates(options.getKeepDates())
              .withIccProfile(IccPolicy.parse(options.getIccProfile()))
              .withScoreMetric(Metric.parse(options.getScoreMetric(), "scoreMetric"))
              .withMaxOutputBytes(options.getMaxOutputBytes())
              .withMaxEncodes(options.getMaxEncodes());
      if (options.getTargetScore() != null && !options.getTargetScore().isBlank()) {
        settings = settings.withTargetScore(Metric.Target.parse(options.getTargetScore()));
      }
      settings = withGeometry(settings, options);
      return new Job(
          inputs,
          inputList,
          outputRoot,
          settings,
          options.getFollowSymlinks(),
          options.getIncremental(),
          EngineDefaults.moveShards(options),
          EngineDefaults.redistributeBuckets(options),
          EngineDefaults.oneRunFileWriter(options),
          EngineDefaults.imagesInFlight(options, args));
    }

    private static String readLink(Path link) {
      try {
        return Files.readSymbolicLink(link).toString();
      } catch (IOException e) {
        return "?";
      }
    }

    private static CompressionSettings withGeometry(
        CompressionSettings settings, ImgbeamOptions options) {
      CompressionSettings out =
          settings
              .withFit(Fit.parse(options.getFit()))
              .withGravity(Gravity.parse(options.getGravity()))
              .withEnlarge(options.getEnlarge());
      if (options.getMaxWidth() != null) {
        out = out.withMaxWidth(options.getMaxWidth());
      }
      if (options.getMaxHeight() != null) {
        out = out.withMaxHeight(options.getMaxHeight());
      }
      return out;
    }

    Path runFolder() {
      return outputRoot.resolve(OutputFiles.RUN_FOLDER);
    }

    /** The manifest this run reads: the last finished run's, set aside before this one starts. */
    Path previousManifest() {
      return runFolder().resolve("manifest-previous.avro");
    }

    void build(Pipeline pipeline) {
      MatchImages match =
          MatchImages.create()
              .excluding(outputRoot.toString())
              .withRedistributeBuckets(redistributeBuckets);
      if (!inputs.isEmpty()) {
        match = match.withPatterns(inputs);
      }
      if (inputList != null) {
        match = match.withInputList(inputList);
      }
      CompressImages compress =
          CompressImages.to(outputRoot.toString())
              .withSettings(settings)
              .withFollowSymlinks(followSymlinks)
              .withMoveShards(moveShards)
              .withImagesInFlight(imagesInFlight)
              .withReportPictures(true);
      if (incremental && Files.isRegularFile(previousManifest())) {
        compress = compress.withPreviousManifest(previousManifest().toString());
      }
      PCollection<ImageOutcome> outcomes =
          pipeline.apply("MatchImages", match).apply("CompressImages", compress);
      outcomes.apply(
          "WriteRunFiles",
          WriteRunFiles.to(outputRoot.toString()).withSettings(settings).withOneWorker(oneWriter));
    }

    /**
     * Prepares the output folder: sets the last finished run's manifest aside as {@link
     * #previousManifest()} (a run that stopped before writing its own manifest leaves the one it
     * read in place, so the next run still has it), removes the previous run's records so that
     * outcomes-*.avro holds this run only, and deletes the temp folders and temp files a stopped
     * run left behind. Images are overwritten in place by the new run.
     *
     * @return how many stale temp files were deleted
     */
    int clearPreviousRun() throws IOException {
      Path folder = runFolder();
      Files.createDirectories(folder);
      // Fail now, not after every image: the records must be writable.
      Files.delete(Files.createTempFile(folder, ".write-check", ".tmp"));
      Path manifest = folder.resolve(WriteManifest.FILE_NAME);
      if (Files.isRegularFile(manifest)) {
        Files.move(
            manifest,
            previousManifest(),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
        for (Path entry : entries) {
          String name = entry.getFileName().toString();
          if (name.startsWith(".temp-beam")
              || name.equals(CompressImages.PREVIEWS_FOLDER)
                  && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            // Temp folders, and report pictures a stopped run made and never used.
            deleteTree(entry);
          } else if ((name.startsWith("outcomes-") || name.startsWith("failures-"))
                  && name.endsWith(".avro")
              || name.equals(SummarizeRun.FILE)
              || name.equals(RunReport.FILE)) {
            Files.delete(entry);
          }
        }
      }
      return OutputFiles.deleteStaleTempFiles(outputRoot);
    }

    private static void deleteTree(Path root) throws IOException {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Iterator<Path> it = walk.sorted(Comparator.reverseOrder()).iterator();
            it.hasNext(); ) {
          Files.delete(it.next());
        }
      }
    }
  }

  static OutputFormat parseFormat(String value) {
    OutputFormat format = OutputFormat.fromOptionName(value);
    if (format == null) {
      throw new IllegalArgumentException(
          "expected same, jpeg, png, webp, avif or auto for format, got " + value);
    }
    return format;
  }

  /** {@code --formats}: comma-separated concrete formats, checked by the settings. */
  static List<OutputFormat> parseFormats(String value) {
    List<OutputFormat> formats = new ArrayList<>();
    for (String part : (value == null ? "" : value).split(",", -1)) {
      OutputFormat format = OutputFormat.fromOptionName(part);
      if (format == null || format == OutputFormat.SAME || format == OutputFormat.AUTO) {
        throw new IllegalArgumentException(
            "expected distinct formats from jpeg, png, webp, avif for formats, got " + value);
      }
      formats.add(format);
    }
    return formats;
  }

  /**
   * Beam splits list options at commas, which also cuts brace globs such as {@code *.{jpg,png}};
   * this puts the pieces of such a glob back together.
   */
  static List<String> rejoinBraces(List<String> parts) {
    List<String> joined = new ArrayList<>();
    StringBuilder open = null;
    for (String part : parts) {
      if (open != null) {
        open.append(',').append(part);
      } else {
        open = new StringBuilder(part);
      }
      if (braceDepth(open) <= 0) {
        joined.add(open.toString());
        open = null;
      }
    }
    if (open != null) {
      joined.add(open.toString());
    }
    return joined;
  }

  private static int braceDepth(CharSequence text) {
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      }
    }
    return depth;
  }

  private static void printSummary(Job job, double seconds, PrintStream out) throws IOException {
    JsonNode summary =
        new ObjectMapper().readTree(job.runFolder().resolve(SummarizeRun.FILE).toFile());
    out.printf(
        Locale.ROOT, "imgbeam: %d inputs in %.1f s%n", summary.get("inputs").asLong(), seconds);
    if (summary.get("inputs").asLong() == 0) {
      // A mistyped path, or a cluster host that does not see the files, ends here: say which.
      out.println(
          "  nothing matched --input or --inputList: check the paths; on a cluster every host"
              + " must see them, the JobManager too (it lists them)");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = summary.get("by_status").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> status = it.next();
      out.printf(Locale.ROOT, "  %-17s %10d%n", status.getKey(), status.getValue().asLong());
    }
    out.printf(
        Locale.ROOT,
        "  %-17s %10d%n  %-17s %10d%n  %-17s %9.1f%%%n",
        "bytes in",
        summary.get("produced_input_bytes").asLong(),
        "bytes out",
        summary.get("output_bytes").asLong(),
        "saved",
        summary.get("percent_saved").asDouble());
    JsonNode privacy = summary.get("privacy");
    out.printf(
        Locale.ROOT,
        "  privacy audit (inputs)%n  %-17s %10d%n  %-17s %10d%n  %-17s %10d%n",
        "with GPS",
        privacy.get("inputs_with_gps").asLong(),
        "with serials",
        privacy.get("inputs_with_serial_numbers").asLong(),
        "with owner names",
        privacy.get("inputs_with_owner_names").asLong());
    out.println("  outcomes: " + job.runFolder().resolve("outcomes-*.avro"));
    out.println("  summary:  " + job.runFolder().resolve(SummarizeRun.FILE));
    out.println("  report:   " + job.runFolder().resolve(RunReport.FILE));
  }
}
