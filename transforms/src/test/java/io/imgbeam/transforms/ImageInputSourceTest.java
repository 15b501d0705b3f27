package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.SourceTestUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInputSourceTest {
  private final PipelineOptions options = PipelineOptionsFactory.create();
  @TempDir Path dir;
  private Path in;

  @BeforeEach
  void files() throws IOException {
    in = dir.resolve("in");
    write(in.resolve("large/one.jpg"), 4000);
    write(in.resolve("large/two.jpg"), 3000);
    for (int i = 0; i < 40; i++) {
      write(in.resolve("small/" + i + ".jpg"), 100 + i);
    }
    write(in.resolve("out/old.jpg"), 5000);
  }

  /**
   * For one worker, in the order Flink's assigner hands them out (the list's last first): the
   * largest files first, each split at most a sixteenth of the bytes not yet handed out (a larger
   * file alone), down to the smallest file alone; every file in exactly one split, each split read
   * as the whole source reads it.
   */
  @Test
  void splitsShrinkFromTheLargestFilesToSingleSmallOnes() throws Exception {
    ImageInputSource source = source(List.of(in + "/**"));
    long total = source.getEstimatedSizeBytes(options);
    assertEquals(4000 + 3000 + 40 * 100 + (39 * 40) / 2, total);
    List<ImageInputSource> splits = new ArrayList<>(source.split(total, options));
    Collections.reverse(splits);
    assertEquals(
        List.of(ImageInput.of(in + "/large/one.jpg", "large/one.jpg", 4000)),
        splits.get(0).inputs(options));
    assertEquals(
        List.of(ImageInput.of(in + "/large/two.jpg", "large/two.jpg", 3000)),
        splits.get(1).inputs(options));
    assertEquals(
        List.of(ImageInput.of(in + "/small/0.jpg", "small/0.jpg", 100)),
        splits.get(splits.size() - 1).inputs(options));
    long remaining = total;
    for (ImageInputSource split : splits) {
      List<ImageInput> files = split.inputs(options);
      long bytes = files.stream().mapToLong(ImageInput::sizeBytes).sum();
      long most = remaining / ImageInputSource.SPLITS_PER_WORKER;
      assertTrue(files.size() == 1 || bytes <= most, files + " over " + most);
      remaining -= bytes;
    }
    assertEquals(0, remaining);
    SourceTestUtils.assertSourcesEqualReferenceSource(source, splits, options);
    for (ImageInputSource split : splits) {
      SourceTestUtils.assertUnstartedReaderReadsSameAsItsSource(
          split.createReader(options), options);
    }
  }

  /** Flink ships every split to a TaskManager with Java serialization. */
  @Test
  void splitsSurviveJavaSerialization() throws Exception {
    ImageInputSource source = source(List.of(in + "/**"));
    for (ImageInputSource split : source.split(source.getEstimatedSizeBytes(options), options)) {
      ImageInputSource copy = SerializableUtils.clone(split);
      assertEquals(split.inputs(options), copy.inputs(options));
    }
  }

  /**
   * A file matched by two patterns and the list is read once, with the smallest relative path; the
   * output folder's files never; a listed path that does not exist still comes out.
   */
  @Test
  void readsEachFileOnceAndNothingUnderTheOutput() throws Exception {
    Path list = dir.resolve("list.txt");
    Files.writeString(list, "in/large/one.jpg\nin/missing.jpg\n");
    ImageInputSource source =
        ImageInputSource.of(
            List.of(in + "/large/*.jpg", in + "/**"), list.toString(), in + "/out/");
    List<ImageInput> read = SourceTestUtils.readFromSource(source, options);
    assertEquals(43, read.size(), read.toString());
    // Matched three times (two patterns and a line of the list): read once, with the smallest
    // relative path, which the list's line gives.
    assertEquals(
        List.of(ImageInput.of(in + "/large/one.jpg", "in/large/one.jpg", -1)),
        read.stream().filter(i -> i.path().endsWith("/one.jpg")).toList());
    assertTrue(
        read.contains(ImageInput.of(in + "/missing.jpg", "in/missing.jpg", -1)), read.toString());
    assertTrue(read.stream().noneMatch(i -> i.path().contains("/out/")), read.toString());
  }

  /**
   * A list of plain paths, whose sizes are not looked at before the reads, is split by count: for
   * four workers, no split holds more than a sixty-fourth of the files, and the last ones hold one.
   */
  @Test
  void aListOfPathsOfUnknownSizeIsSplitByCount() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      lines.append("photos/").append(i).append(".jpg\n");
    }
    Path list = dir.resolve("list.txt");
    Files.writeString(list, lines);
    ImageInputSource source = ImageInputSource.of(List.of(), list.toString(), null);
    long total = source.getEstimatedSizeBytes(options);
    List<ImageInputSource> splits = source.split(total / 4, options);
    int files = 0;
    for (ImageInputSource split : splits) {
      int n = split.inputs(options).size();
      assertTrue(n >= 1 && n <= 200 / 64, n + " files in one split of " + splits.size());
      files += n;
    }
    assertEquals(200, files);
    // Listed in reverse: the first is handed out last.
    assertEquals(1, splits.get(0).inputs(options).size());
    SourceTestUtils.assertSourcesEqualReferenceSource(source, splits, options);
  }

  /** Nothing matched: one empty split, which reads nothing. */
  @Test
  void nothingMatchedIsOneEmptySplit() throws Exception {
    ImageInputSource source = source(List.of(in + "/**/*.tif"));
    List<ImageInputSource> splits = source.split(1000, options);
    assertEquals(1, splits.size());
    assertTrue(SourceTestUtils.readFromSource(splits.get(0), options).isEmpty());
  }

  private ImageInputSource source(List<String> patterns) {
    return ImageInputSource.of(patterns, null, in + "/out/");
  }

  private static void write(Path file, int bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[bytes]);
  }
}
