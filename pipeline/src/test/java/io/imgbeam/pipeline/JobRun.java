package io.imgbeam.pipeline;

import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/** One run of the real entry point, with what it printed, and the outcome records it wrote. */
record JobRun(int code, String out, String err) {
  static JobRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Imgbeam.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new JobRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static List<ImageOutcome> readOutcomes(Path out) throws IOException {
    List<ImageOutcome> outcomes = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(out.resolve("_imgbeam"), "outcomes-*.avro")) {
      for (Path file : files) {
        try (DataFileReader<ImageOutcome> reader =
            new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ImageOutcome.class))) {
          reader.forEach(outcomes::add);
        }
      }
    }
    return outcomes;
  }
}
