package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.ManifestEntry;
import io.imgbeam.transforms.avro.OutcomeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both ways of writing a run's files ({@link WriteRunFiles#withOneWorker}) write the same files.
 */
@ExtendWith(TestPipelineExtension.class)
class WriteRunFilesTest {
  private static final CompressionSettings SETTINGS = CompressionSettings.create();

  @TempDir Path out;

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void writesOutcomesFailuresManifestSummaryAndReport(boolean oneWorker, TestPipeline p)
      throws IOException {
    List<ImageOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      outcomes.add(written("/in/photo-" + i + ".jpg", 1000 + i, 400 + i));
    }
    outcomes.add(failed("/in/broken.jpg", OutcomeStatus.FAILED));
    outcomes.add(failed("/in/huge.png", OutcomeStatus.REJECTED_LIMIT));
    outcomes.add(failed("/in/kept.png", OutcomeStatus.KEPT_ORIGINAL));
    p.apply(Create.of(outcomes).withCoder(AvroCoder.of(ImageOutcome.class)))
        .apply(WriteRunFiles.to(out.toString()).withSettings(SETTINGS).withOneWorker(oneWorker));
    p.run().waitUntilFinish();

    Path folder = out.resolve(OutputFiles.RUN_FOLDER);
    assertEquals(paths(outcomes), paths(read(folder, "outcomes-*.avro", ImageOutcome.class)));
    assertEquals(
        List.of("/in/broken.jpg", "/in/huge.png"),
        paths(read(folder, "failures-*.avro", ImageOutcome.class)));
    List<ManifestEntry> manifest = read(folder, WriteManifest.FILE_NAME, ManifestEntry.class);
    assertEquals(
        paths(outcomes.subList(0, 12)),
        manifest.stream().map(e -> e.getInputPath().toString()).sorted().toList());
    assertTrue(manifest.stream().allMatch(e -> e.getSettings().equals(SETTINGS.fingerprint())));
    RunSummary expected = new RunSummary();
    outcomes.forEach(expected::add);
    assertEquals(
        expected.toJson() + "\n",
        Files.readString(folder.resolve(SummarizeRun.FILE), StandardCharsets.UTF_8));
    String page = Files.readString(folder.resolve(RunReport.FILE), StandardCharsets.UTF_8);
    assertTrue(page.contains("/in/broken.jpg"), "the report lists the failures");
    assertNoTempFiles();
  }

  /**
   * The report is written on a thread of its own beside the other files; when it cannot be written,
   * the step fails with its error (and a retried group writes every file again), as when it was
   * written last on the step's own thread.
   */
  @Test
  void aReportThatCannotBeWrittenFailsTheStep(TestPipeline p) throws IOException {
    // A folder where the page must go: the rename into place fails.
    Files.createDirectories(out.resolve(OutputFiles.RUN_FOLDER).resolve(RunReport.FILE));
    p.apply(
            Create.of(List.of(written("/in/photo.jpg", 1000, 400)))
                .withCoder(AvroCoder.of(ImageOutcome.class)))
        .apply(WriteRunFiles.to(out.toString()).withSettings(SETTINGS).withOneWorker(true));
    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
    assertTrue(e.getCause().getMessage().contains(RunReport.FILE), e.getCause().getMessage());
    // The other files were written meanwhile.
    assertTrue(Files.isRegularFile(out.resolve(OutputFiles.RUN_FOLDER).resolve(SummarizeRun.FILE)));
  }

  /** A run without inputs still leaves every file, with no records and zero counts. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void writesEveryFileForARunWithoutInputs(boolean oneWorker, TestPipeline p) throws IOException {
    p.apply(Create.empty(AvroCoder.of(ImageOutcome.class)))
        .apply(WriteRunFiles.to(out.toString()).withSettings(SETTINGS).withOneWorker(oneWorker));
    p.run().waitUntilFinish();

    Path folder = out.resolve(OutputFiles.RUN_FOLDER);
    assertEquals(List.of(), read(folder, "outcomes-*.avro", ImageOutcome.class));
    assertEquals(List.of(), read(folder, "failures-*.avro", ImageOutcome.class));
    assertEquals(List.of(), read(folder, WriteManifest.FILE_NAME, ManifestEntry.class));
    assertEquals(
        new RunSummary().toJson() + "\n",
        Files.readString(folder.resolve(SummarizeRun.FILE), StandardCharsets.UTF_8));
    assertTrue(Files.isRegularFile(folder.resolve(RunReport.FILE)));
  }

  /** The records of every file matching {@code glob}; fails when no file matches. */
  private static <T> List<T> read(Path folder, String glob, Class<T> type) throws IOException {
    List<T> records = new ArrayList<>();
    int files = 0;
    try (DirectoryStream<Path> matched = Files.newDirectoryStream(folder, glob)) {
      for (Path file : matched) {
        files++;
        try (DataFileReader<T> reader =
            new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type))) {
          reader.forEach(records::add);
        }
      }
    }
    assertTrue(files > 0, "no file " + glob + " in " + folder);
    return records;
  }

  private static List<String> paths(List<ImageOutcome> outcomes) {
    return outcomes.stream().map(o -> o.getInputPath().toString()).sorted().toList();
  }

  private void assertNoTempFiles() throws IOException {
    try (Stream<Path> files = Files.walk(out)) {
      assertEquals(
          List.of(), files.filter(f -> f.toString().endsWith(CompressImages.TEMP_SUFFIX)).toList());
    }
  }

  private static ImageOutcome written(String path, long inputBytes, long outputBytes) {
    return base(path, OutcomeStatus.WRITTEN, inputBytes)
        .setInputSha256("a".repeat(64))
        .setOutputPath(path.replace("/in/", "/out/"))
        .setOutputSha256("b".repeat(64))
        .setOutputFormat("jpeg")
        .setOutputBytes(outputBytes)
        .setWidth(640)
        .setHeight(480)
        .setScoreName("ssim")
        .setScore(0.97)
        .build();
  }

  private static ImageOutcome failed(String path, OutcomeStatus status) {
    return base(path, status, 300)
        .setErrorStage("decode")
        .setErrorMessage("corrupt image data")
        .build();
  }

  private static ImageOutcome.Builder base(String path, OutcomeStatus status, long inputBytes) {
    return ImageOutcome.newBuilder()
        .setInputPath(path)
        .setInputFormat("jpeg")
        .setInputBytes(inputBytes)
        .setEncodeMillis(5L)
        .setTotalMillis(20L)
        .setMetadataRemoved(List.of())
        .setHadGps(false)
        .setStatus(status);
  }
}
