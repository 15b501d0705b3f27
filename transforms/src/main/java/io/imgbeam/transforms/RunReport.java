package io.imgbeam.transforms;

import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.codec.Hashes;
import io.imgbeam.codec.Preview;
import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.io.FileSystems;

/**
 * Writes {@code OUTPUT/_imgbeam/report.html} from a run's summary and report statistics: at the end
 * of every run ({@link WriteReport}) and again from the outcome files ({@link #fromOutcomes}, for
 * {@code ./imgbeam report OUTPUT}). Both aggregate with the same {@link RunSummary#add} and {@link
 * ReportStats#add}.
 *
 * <p>Pictures are made here, at report time, from the input and output files of the listed rows
 * only (at most twice {@link ReportStats#ROWS}); a file that is gone or has changed since the run
 * (its SHA-256 differs from the record's) gets no picture, and the page says why.
 */
public final class RunReport {
  /** The page's file name inside {@code _imgbeam}. */
  public static final String FILE = "report.html";

  private RunReport() {}

  /** Writes the page atomically and returns its path. */
  public static Path write(
      Path outputRoot, RunSummary summary, ReportStats stats, CompressionSettings limits)
      throws IOException {
    Map<String, ReportStats.Row> rows = new LinkedHashMap<>();
    for (ReportStats.Row row : stats.slowest()) {
      rows.putIfAbsent(row.inputPath, row);
    }
    for (ReportStats.Row row : stats.lowestScoring()) {
      rows.putIfAbsent(row.inputPath, row);
    }
    Map<String, ReportPage.Previews> previews = previews(outputRoot, rows, limits);
    String page = ReportPage.render(outputRoot.toString(), summary, stats, previews);
    Path dest = outputRoot.resolve(OutputFiles.RUN_FOLDER).resolve(FILE);
    Files.createDirectories(dest.getParent());
    OutputFiles.writeAtomically(outputRoot, dest, page.getBytes(StandardCharsets.UTF_8));
    // The page holds the pictures now; those made during the run have served.
    PreviewCache.clear(outputRoot);
    return dest;
  }

  /**
   * Rebuilds the page from {@code OUTPUT/_imgbeam/outcomes-*.avro}, with default limits for the
   * pictures; returns its path.
   */
  public static Path fromOutcomes(Path outputRoot) throws IOException {
    Path folder = outputRoot.resolve(OutputFiles.RUN_FOLDER);
    RunSummary summary = new RunSummary();
    ReportStats stats = new ReportStats();
    int files = 0;
    try (DirectoryStream<Path> outcomes = Files.newDirectoryStream(folder, "outcomes-*.avro")) {
      for (Path file : outcomes) {
        files++;
        try (DataFileReader<ImageOutcome> reader =
            new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ImageOutcome.class))) {
          for (ImageOutcome outcome : reader) {
            summary.add(outcome);
            stats.add(outcome);
          }
        }
      }
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(folder + ": no imgbeam run here");
    }
    if (files == 0) {
      throw new NoSuchFileException(folder + "/outcomes-*.avro: no outcome files");
    }
    return write(outputRoot, summary, stats, CompressionSettings.create());
  }

  /**
   * The pictures of every row, made on as many threads as there are cores: the report is written
   * after the last image, when the workers are idle, and a picture of a 24 MP photo takes a second
   * or more. {@link Preview} holds a share of the pixel budget while it works, which bounds the
   * heap whatever the thread count.
   */
  private static Map<String, ReportPage.Previews> previews(
      Path outputRoot, Map<String, ReportStats.Row> rows, CompressionSettings limits)
      throws IOException {
    Map<String, ReportPage.Previews> previews = new LinkedHashMap<>();
    if (rows.isEmpty()) {
      return previews;
    }
    int threads = Math.min(rows.size(), Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Map<String, Future<ReportPage.Previews>> pending = new LinkedHashMap<>();
      rows.forEach(
          (path, row) -> pending.put(path, pool.submit(() -> previews(outputRoot, row, limits))));
      for (Map.Entry<String, Future<ReportPage.Previews>> entry : pending.entrySet()) {
        previews.put(entry.getKey(), entry.getValue().get());
      }
    } catch (ExecutionException e) {
      throw new IOException("making the report pictures failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while making the report pictures");
    } finally {
      pool.shutdownNow();
    }
    return previews;
  }

  /**
   * The pictures of one row: the ones made during the run ({@link PreviewCache}) when there are,
   * else made now from the files. Either way only for files that are still what the run wrote.
   */
  private static ReportPage.Previews previews(
      Path outputRoot, ReportStats.Row row, CompressionSettings limits) {
    try {
      long limit = limits.maxInputBytes();
      Optional<Preview.Images> made =
          PreviewCache.read(outputRoot, row.inputSha256, row.outputSha256);
      if (made.isPresent()) {
        // Only the files' hashes are needed: taken as they stream, without holding the files.
        String changed = changed(row, sha256(row.inputPath, limit), sha256(row.outputPath, limit));
        return new ReportPage.Previews(changed == null ? made.get() : null, changed);
      }
      byte[] input = read(row.inputPath, limit);
      byte[] output = read(row.outputPath, limit);
      String changed = changed(row, Hashes.sha256(input), Hashes.sha256(output));
      return changed == null
          ? new ReportPage.Previews(Preview.of(input, output, limits.maxInputPixels()), null)
          : new ReportPage.Previews(null, changed);
    } catch (IOException | RuntimeException e) {
      // Pictures decorate the report; a missing one is said on the page, the page still comes.
      return new ReportPage.Previews(null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * Why the row gets no pictures when its files now hash as given; null when they are the run's.
   */
  private static String changed(ReportStats.Row row, String inputSha256, String outputSha256) {
    if (!inputSha256.equals(row.inputSha256)) {
      return "the input changed since the run";
    }
    if (!outputSha256.equals(row.outputSha256)) {
      return "the output changed since the run";
    }
    return null;
  }

  private static String sha256(String path, long limit) throws IOException {
    try (InputStream in = open(path)) {
      return Hashes.sha256(in, limit);
    }
  }

  private static byte[] read(String path, long limit) throws IOException {
    try (InputStream in = open(path)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        throw new IOException("over " + limit + " bytes");
      }
      return bytes;
    }
  }

  private static InputStream open(String path) throws IOException {
    if (path == null) {
      throw new IOException("no file recorded");
    }
    return path.contains("://")
        ? Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(path, false)))
        : Files.newInputStream(Path.of(path));
  }
}
