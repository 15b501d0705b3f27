package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.codec.Preview;
import io.imgbeam.testing.TestData;
import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(TestPipelineExtension.class)
class CompressImagesTest {
  @TempDir Path out;

  /**
   * One image at a time, and several at once out of one bundle (every input gathered first, so the
   * step waits for free threads mid-bundle and emits the last images when the bundle ends).
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void givesEveryInputExactlyOneOutcome(int imagesInFlight, TestPipeline p) throws IOException {
    List<ImageInput> inputs = new ArrayList<>();
    for (String name :
        List.of(
            "photo/coffee.jpg",
            "png/text-chunks.png",
            "bmp/photo.bmp",
            "gif/animated.gif",
            "bad/empty.jpg",
            "bad/not-an-image.jpg",
            "bad/truncated.jpg",
            "bad/truncated.png",
            "bad/huge-header.png")) {
      Path file = TestData.path(name);
      inputs.add(ImageInput.of(file.toString(), name, Files.size(file)));
    }
    inputs.add(ImageInput.of(TestData.images() + "/no/such/file.jpg", "no/such/file.jpg", -1));
    inputs.add(ImageInput.of(TestData.images() + "/photo", "photo", -1));

    PCollection<String> summaries =
        p.apply(Create.of(inputs).withCoder(ImageInput.Coder.of()))
            .apply(GatherAll.create())
            .apply(CompressImages.to(out.toString()).withImagesInFlight(imagesInFlight))
            .apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(
                        (ImageOutcome o) ->
                            o.getInputPath().substring(TestData.images().toString().length() + 1)
                                + " "
                                + o.getStatus()
                                + " "
                                + o.getErrorStage()));
    PAssert.that(summaries)
        .containsInAnyOrder(
            "photo/coffee.jpg WRITTEN null",
            "png/text-chunks.png WRITTEN null",
            "bmp/photo.bmp WRITTEN null",
            "gif/animated.gif KEPT_ORIGINAL null",
            "bad/empty.jpg FAILED sniff",
            "bad/not-an-image.jpg UNSUPPORTED sniff",
            "bad/truncated.jpg FAILED decode",
            "bad/truncated.png FAILED probe",
            "bad/huge-header.png REJECTED_LIMIT probe",
            "no/such/file.jpg FAILED read",
            "photo UNSUPPORTED read");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    // Counted on the step's own thread, whichever thread compressed the image.
    assertEquals(inputs.size(), RunProgress.of(result).done());

    assertTrue(
        Files.size(out.resolve("photo/coffee.jpg"))
            < Files.size(TestData.path("photo/coffee.jpg")));
    assertTrue(Files.exists(out.resolve("bmp/photo.png")), "BMP written as PNG with a .png name");
    assertTrue(Files.exists(out.resolve("png/text-chunks.png")));
    assertTrue(Files.exists(out.resolve("gif/animated.gif")));
    try (Stream<Path> files = Files.walk(out)) {
      List<Path> all = files.filter(Files::isRegularFile).toList();
      assertEquals(4, all.size(), "one file per output: " + all);
    }
  }

  @Test
  void imagesInFlightOutOfRangeIsRefused() {
    CompressImages compress = CompressImages.to(out.toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> compress.withImagesInFlight(0));
    assertEquals("expected 1-256 for imagesInFlight, got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> compress.withImagesInFlight(257));
  }

  @Test
  void recordsSizesRatiosAndHashes(TestPipeline p) throws IOException {
    Path file = TestData.path("photo/astronaut-gps.jpg");
    PCollection<ImageOutcome> outcomes =
        one(p, file, "a/astronaut.jpg").apply(CompressImages.to(out.toString()));
    long inputBytes = Files.size(file);
    String expectedOutput = out.resolve("a/astronaut.jpg").toString();
    PAssert.thatSingleton(outcomes)
        .satisfies(
            o -> {
              assertEquals(expectedOutput, o.getOutputPath());
              assertEquals(inputBytes, o.getInputBytes());
              assertEquals((double) o.getOutputBytes() / inputBytes, o.getRatio(), 1e-12);
              assertEquals("jpeg", o.getInputFormat());
              assertEquals("jpeg", o.getOutputFormat());
              assertEquals(400, o.getOutputWidth());
              assertEquals(80, o.getQualitySetting());
              assertEquals("ssim", o.getScoreName());
              assertTrue(o.getHadGps());
              assertTrue(o.getMetadataRemoved().contains("gps"));
              assertEquals(64, o.getInputSha256().length());
              assertEquals(64, o.getOutputSha256().length());
              assertTrue(o.getTotalMillis() >= o.getEncodeMillis());
              return null;
            });
    p.run().waitUntilFinish();
  }

  /** With report pictures asked for, the written image's pictures wait in the run folder. */
  @Test
  void keepsTheReportPicturesOfAWrittenImage(TestPipeline p) throws IOException {
    Path file = TestData.path("photo/coffee.jpg");
    PCollection<ImageOutcome> outcomes =
        one(p, file, "coffee.jpg")
            .apply(CompressImages.to(out.toString()).withReportPictures(true));
    String root = out.toString();
    PAssert.thatSingleton(outcomes)
        .satisfies(
            o -> {
              assertEquals("WRITTEN", o.getStatus().name());
              try {
                Preview.Images pictures =
                    PreviewCache.read(Path.of(root), o.getInputSha256(), o.getOutputSha256())
                        .orElseThrow();
                assertTrue(pictures.before().length > 0 && pictures.afterCrop().length > 0);
              } catch (IOException e) {
                throw new AssertionError(e);
              }
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void rejectsFilesOverTheByteLimitWithoutReadingThem(TestPipeline p) throws IOException {
    Path file = TestData.path("photo/coffee.jpg");
    PCollection<ImageOutcome> outcomes =
        one(p, file, "coffee.jpg")
            .apply(
                CompressImages.to(out.toString())
                    .withSettings(
                        io.imgbeam.codec.CompressionSettings.create().withMaxInputBytes(1000)));
    PAssert.thatSingleton(outcomes)
        .satisfies(
            o -> {
              assertEquals("REJECTED_LIMIT", o.getStatus().name());
              assertEquals("read", o.getErrorStage());
              assertTrue(o.getErrorMessage().contains("maxInputBytes=1000"), o.getErrorMessage());
              return null;
            });
    p.run().waitUntilFinish();
  }

  /** The one input {@code file}, under {@code relative} in the output. */
  private static PCollection<ImageInput> one(TestPipeline p, Path file, String relative)
      throws IOException {
    return p.apply(
        Create.of(ImageInput.of(file.toString(), relative, Files.size(file)))
            .withCoder(ImageInput.Coder.of()));
  }
}
