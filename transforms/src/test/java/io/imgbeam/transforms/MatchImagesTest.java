package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(TestPipelineExtension.class)
class MatchImagesTest {
  @TempDir Path dir;
  private Path in;

  @BeforeEach
  void files() throws IOException {
    in = dir.resolve("in");
    write(in.resolve("a.jpg"), 3);
    write(in.resolve("sub/b.png"), 5);
    write(in.resolve("sub/deeper/c.gif"), 7);
    write(in.resolve("out/old.jpg"), 11);
  }

  /**
   * 0: a source split by bytes (the default, as on Flink); 2: random groups; 1: one group, as on
   * the DirectRunner. Every way every file comes out once.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void matchesRecursivelyWithPathsRelativeToTheGlobBase(int buckets, TestPipeline p) {
    PCollection<ImageInput> inputs =
        p.apply(
            MatchImages.create()
                .withRedistributeBuckets(buckets)
                .withPatterns(List.of(in + "/**"))
                .excluding(in.resolve("out").toString()));
    PAssert.that(inputs)
        .containsInAnyOrder(
            ImageInput.of(in + "/a.jpg", "a.jpg", 3),
            ImageInput.of(in + "/sub/b.png", "sub/b.png", 5),
            ImageInput.of(in + "/sub/deeper/c.gif", "sub/deeper/c.gif", 7));
    p.run().waitUntilFinish();
  }

  @Test
  void refusesANegativeBucketCount() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> MatchImages.create().withRedistributeBuckets(-1));
    assertEquals("expected 0-65536 for redistributeBuckets, got -1", e.getMessage());
  }

  /** With a group per file (a per-path combine) and with one group (its own pass) alike. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void matchesEachFileOnceWhenPatternsOverlap(int buckets, TestPipeline p) {
    PCollection<ImageInput> inputs =
        p.apply(
            MatchImages.create()
                .withRedistributeBuckets(buckets)
                .withPatterns(List.of(in + "/sub/**", in + "/**/*.png", in.toString()))
                .excluding(dir.resolve("elsewhere").toString()));
    PAssert.that(inputs)
        .containsInAnyOrder(
            ImageInput.of(in + "/a.jpg", "a.jpg", 3),
            // Three patterns match b.png; the smallest relative path is kept.
            ImageInput.of(in + "/sub/b.png", "b.png", 5),
            ImageInput.of(in + "/sub/deeper/c.gif", "deeper/c.gif", 7),
            ImageInput.of(in + "/out/old.jpg", "out/old.jpg", 11));
    p.run().waitUntilFinish();
  }

  /**
   * One group hands the next step every file in one bundle, largest first: sizes 11, 7, 5, 3 (the
   * bundle's order, as a step fused after it sees it).
   */
  @Test
  void oneGroupStartsWithTheLargestFile(TestPipeline p) {
    PCollection<String> order =
        p.apply(MatchImages.create().withRedistributeBuckets(1).withPatterns(List.of(in + "/**")))
            .apply(ParDo.of(new BundleOrderFn()));
    PAssert.that(order).containsInAnyOrder("out/old.jpg sub/deeper/c.gif sub/b.png a.jpg");
    p.run().waitUntilFinish();
  }

  /** The relative paths of each bundle, in the order the bundle holds them. */
  private static final class BundleOrderFn extends DoFn<ImageInput, String> {
    private transient List<String> seen;

    @StartBundle
    public void startBundle() {
      seen = new ArrayList<>();
    }

    @ProcessElement
    public void processElement(@Element ImageInput input) {
      seen.add(input.relativePath());
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      context.output(
          String.join(" ", seen), GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
    }
  }

  @Test
  void sortsLargestFirstThenByPath() {
    List<ImageInput> inputs =
        new ArrayList<>(
            List.of(
                ImageInput.of("/x/unreadable.jpg", "unreadable.jpg", -1),
                ImageInput.of("/x/b.jpg", "b.jpg", 5),
                ImageInput.of("/x/big.jpg", "big.jpg", 900),
                ImageInput.of("/x/a.jpg", "a.jpg", 5)));
    inputs.sort(MatchImages.LARGEST_FIRST);
    assertEquals(
        List.of("big.jpg", "a.jpg", "b.jpg", "unreadable.jpg"),
        inputs.stream().map(ImageInput::relativePath).collect(Collectors.toList()));
  }

  @Test
  void readsAListFileOfPathsAndGlobs(TestPipeline p) throws IOException {
    Path list = in.resolve("list.txt");
    Files.writeString(
        list,
        String.join(
            "\n",
            "# catalog export",
            "a.jpg",
            "",
            "sub/deeper/*.gif",
            "missing.jpg",
            in.resolve("sub/b.png").toString()));
    PCollection<ImageInput> inputs = p.apply(MatchImages.create().withInputList(list.toString()));
    String absolute = in.resolve("sub/b.png").toString().substring(1);
    PAssert.that(inputs)
        .containsInAnyOrder(
            ImageInput.of(in + "/a.jpg", "a.jpg", -1),
            ImageInput.of(in + "/sub/deeper/c.gif", "c.gif", 7),
            // Not globbed, so passed on: its outcome will say it is missing.
            ImageInput.of(in + "/missing.jpg", "missing.jpg", -1),
            ImageInput.of(in + "/sub/b.png", absolute, -1));
    p.run().waitUntilFinish();
  }

  @Test
  void findsTheGlobBase() {
    assertEquals("/data/photos/", MatchImages.globBase("/data/photos/**/*.jpg"));
    assertEquals("/data/", MatchImages.globBase("/data/p*/x.jpg"));
    assertEquals("/data/photos/", MatchImages.globBase("/data/photos/a.jpg"));
    assertEquals("", MatchImages.globBase("*.jpg"));
  }

  private static void write(Path file, int bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[bytes]);
  }
}
