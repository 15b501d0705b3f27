package io.imgbeam.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.codec.Fit;
import io.imgbeam.codec.Gravity;
import io.imgbeam.codec.IccPolicy;
import io.imgbeam.codec.MetadataPolicy;
import io.imgbeam.codec.OutputFormat;
import io.imgbeam.transforms.CompressImages;
import io.imgbeam.transforms.MatchImages;
import io.imgbeam.transforms.RunReport;
import io.imgbeam.transforms.RunSummary;
import io.imgbeam.transforms.SummarizeRun;
import io.imgbeam.transforms.WriteOutcomes;
import io.imgbeam.transforms.WriteReport;
import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
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
    PipelineOptionsFactory.register(ImgbeamOptions.class);
    ImgbeamOptions options;
    Job job;
    try {
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(ImgbeamOptions.class);
      job = Job.of(options);
    } catch (IllegalArgumentException e) {
      err.println("imgbeam: " + e.getMessage());
      err.println("Run with --help to list the options.");
      return 2;
    }
    try {
      job.clearPreviousRun();
    } catch (IOException e) {
      err.println("imgbeam: cannot prepare " + job.runFolder() + ": " + e.getMessage());
      return 1;
    }
    EngineDefaults.apply(options);
    Pipeline pipeline = Pipeline.create(options);
    job.build(pipeline);
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (state != PipelineResult.State.DONE) {
      err.println("imgbeam: the job ended in state " + state);
      return 1;
    }
    try {
      job.removeStrayTempFiles();
      printSummary(job, seconds, out);
      printCounters(result, out);
    } catch (IOException e) {
      err.println("imgbeam: the job finished but its summary is unreadable: " + e.getMessage());
      return 1;
    }
    return 0;
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

    private Job(
        List<String> inputs, String inputList, Path outputRoot, CompressionSettings settings) {
      this.inputs = inputs;
      this.inputList = inputList;
      this.outputRoot = outputRoot;
      this.settings = settings;
    }

    static Job of(ImgbeamOptions options) {
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
      for (String input : inputs) {
        Path base = Paths.get(MatchImages.globBase(input)).toAbsolutePath().normalize();
        if (!input.contains("://") && base.startsWith(outputRoot)) {
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
              .withMaxInputPixels(options.getMaxInputPixels())
              .withMaxInputBytes(options.getMaxInputBytes())
              .withMetadata(MetadataPolicy.parse(options.getMetadata()))
              .withKeepDates(options.getKeepDates())
              .withIccProfile(IccPolicy.parse(options.getIccProfile()));
      settings = withGeometry(settings, options);
      return new Job(inputs, inputList, outputRoot, settings);
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
      return outputRoot.resolve("_imgbeam");
    }

    void build(Pipeline pipeline) {
      MatchImages match = MatchImages.create().excluding(outputRoot.toString());
      if (!inputs.isEmpty()) {
        match = match.withPatterns(inputs);
      }
      if (inputList != null) {
        match = match.withInputList(inputList);
      }
      PCollection<ImageOutcome> outcomes =
          pipeline
              .apply("MatchImages", match)
              .apply(
                  "CompressImages",
                  CompressImages.to(outputRoot.toString()).withSettings(settings));
      outcomes.apply("WriteOutcomes", WriteOutcomes.to(outputRoot.toString()));
      PCollection<RunSummary> summary =
          outcomes.apply("SummarizeRun", SummarizeRun.to(outputRoot.toString()));
      outcomes.apply(
          "WriteReport", WriteReport.to(outputRoot.toString(), summary).withLimits(settings));
    }

    /**
     * Removes the previous run's records, so that outcomes-*.avro holds this run only, and temp
     * folders a killed run left behind. Images are overwritten in place by the new run.
     */
    void clearPreviousRun() throws IOException {
      Path folder = runFolder();
      if (!Files.isDirectory(folder)) {
        return;
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
        for (Path entry : entries) {
          String name = entry.getFileName().toString();
          if (name.startsWith(".temp-beam")) {
            deleteTree(entry);
          } else if ((name.startsWith("outcomes-") || name.startsWith("failures-"))
                  && name.endsWith(".avro")
              || name.equals("summary.json")
              || name.equals(RunReport.FILE)) {
            Files.delete(entry);
          }
        }
      }
    }

    /**
     * Removes temp files that a killed worker left behind (a retry writes the same image through a
     * temp file of the same name, so this only matters when the job itself died). Runs after a
     * successful job, when no writer is active.
     */
    void removeStrayTempFiles() throws IOException {
      try (Stream<Path> walk = Files.walk(outputRoot)) {
        for (Iterator<Path> it = walk.iterator(); it.hasNext(); ) {
          Path path = it.next();
          if (path.getFileName().toString().endsWith(CompressImages.TEMP_SUFFIX)
              && Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(path);
          }
        }
      }
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
    for (OutputFormat format : OutputFormat.values()) {
      if (format.optionName().equalsIgnoreCase(value)) {
        return format;
      }
    }
    throw new IllegalArgumentException("expected same, jpeg or png for format, got " + value);
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
        new ObjectMapper().readTree(job.runFolder().resolve("summary.json").toFile());
    out.printf(
        Locale.ROOT, "imgbeam: %d inputs in %.1f s%n", summary.get("inputs").asLong(), seconds);
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
    out.println("  summary:  " + job.runFolder().resolve("summary.json"));
    out.println("  report:   " + job.runFolder().resolve(RunReport.FILE));
  }
}
