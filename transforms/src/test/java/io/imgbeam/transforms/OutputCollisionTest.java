package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.codec.OutputFormat;
import io.imgbeam.testing.TestData;
import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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

/** Two inputs bound for one output path: reported on both, written on neither. */
@ExtendWith(TestPipelineExtension.class)
class OutputCollisionTest {
  @TempDir Path in;
  @TempDir Path out;

  private List<ImageInput> inputs() throws IOException {
    List<ImageInput> inputs = new ArrayList<>();
    String[][] files = {
      {"photo/coffee.jpg", "a/pic.jpg"},
      {"orientation/upright.png", "a/pic.png"},
      {"photo/astronaut-gps.jpg", "a/other.jpg"},
    };
    for (String[] file : files) {
      Path copy = in.resolve(file[1]);
      Files.createDirectories(copy.getParent());
      Files.copy(TestData.path(file[0]), copy);
      inputs.add(ImageInput.of(copy.toString(), file[1], Files.size(copy)));
    }
    return inputs;
  }

  private PCollection<String> run(TestPipeline p, OutputFormat format) throws IOException {
    return run(p, format, CompressImages.DEFAULT_MOVE_SHARDS);
  }

  private PCollection<String> run(TestPipeline p, OutputFormat format, int shards)
      throws IOException {
    String inRoot = in + "/";
    String outRoot = out + "/";
    return p.apply(Create.of(inputs()).withCoder(ImageInput.Coder.of()))
        .apply(
            CompressImages.to(out.toString())
                .withSettings(CompressionSettings.create().withOutputFormat(format))
                .withMoveShards(shards))
        .apply(
            MapElements.into(TypeDescriptors.strings())
                .via(
                    (ImageOutcome o) ->
                        (o.getInputPath()
                                + " "
                                + o.getStatus()
                                + " "
                                + (o.getOutputPath() == null
                                    ? o.getErrorClass() + ": " + o.getErrorMessage()
                                    : o.getOutputPath()))
                            .replace(inRoot, "")
                            .replace(outRoot, "")));
  }

  @Test
  void failsEveryInputOfASharedOutputAndWritesTheRest(TestPipeline p) throws IOException {
    assertSharedOutputFailsAndTheRestIsWritten(p, CompressImages.DEFAULT_MOVE_SHARDS);
  }

  /** One shard for every destination: each is still settled on its own. */
  @Test
  void settlesEachDestinationWithinOneShard(TestPipeline p) throws IOException {
    assertSharedOutputFailsAndTheRestIsWritten(p, 1);
  }

  private void assertSharedOutputFailsAndTheRestIsWritten(TestPipeline p, int shards)
      throws IOException {
    String collision = OutputFiles.OutputCollisionException.class.getName();
    PAssert.that(run(p, OutputFormat.WEBP, shards))
        .containsInAnyOrder(
            "a/pic.jpg FAILED "
                + collision
                + ": output a/pic.webp is also the output of a/pic.png; none of them was"
                + " written (rename one input, or choose another --format)",
            "a/pic.png FAILED "
                + collision
                + ": output a/pic.webp is also the output of a/pic.jpg; none of them was"
                + " written (rename one input, or choose another --format)",
            "a/other.jpg WRITTEN a/other.webp");
    p.run().waitUntilFinish();

    assertFalse(Files.exists(out.resolve("a/pic.webp")), "a shared output must not be written");
    assertTrue(Files.size(out.resolve("a/other.webp")) > 0);
    try (Stream<Path> files = Files.walk(out)) {
      assertEquals(
          List.of(out.resolve("a/other.webp")),
          files.filter(Files::isRegularFile).toList(),
          "no staged temp file is left");
    }
  }

  @Test
  void differentOutputsDoNotCollide(TestPipeline p) throws IOException {
    PAssert.that(run(p, OutputFormat.SAME))
        .containsInAnyOrder(
            "a/pic.jpg WRITTEN a/pic.jpg",
            "a/pic.png WRITTEN a/pic.png",
            "a/other.jpg WRITTEN a/other.jpg");
    p.run().waitUntilFinish();
  }

  @Test
  void autoRecordsItsCandidates(TestPipeline p) throws IOException {
    PCollection<String> candidates =
        p.apply(Create.of(inputs().subList(2, 3)).withCoder(ImageInput.Coder.of()))
            .apply(
                CompressImages.to(out.toString())
                    .withSettings(CompressionSettings.create().withOutputFormat(OutputFormat.AUTO)))
            .apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(
                        (ImageOutcome o) -> {
                          List<String> formats = new ArrayList<>();
                          long smallest = Long.MAX_VALUE;
                          String winner = "";
                          for (CharSequence c : o.getCandidates()) {
                            String[] parts = c.toString().split(":");
                            formats.add(parts[0]);
                            if (Long.parseLong(parts[1]) < smallest) {
                              smallest = Long.parseLong(parts[1]);
                              winner = parts[0];
                            }
                          }
                          return formats
                              + " smallest="
                              + winner.equals(o.getOutputFormat().toString())
                              + " bytes="
                              + (smallest == o.getOutputBytes());
                        }));
    PAssert.that(candidates).containsInAnyOrder("[webp, avif, jpeg] smallest=true bytes=true");
    p.run().waitUntilFinish();
  }
}
