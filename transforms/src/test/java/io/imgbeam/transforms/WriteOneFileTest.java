package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.OutcomeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestPipelineExtension.class)
class WriteOneFileTest {
  @TempDir Path out;

  @Test
  void writesEveryRecordToOneAvroFileThatAvroReads(TestPipeline p) throws IOException {
    List<ImageOutcome> records = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      records.add(outcome("/in/" + i + ".jpg"));
    }
    Path file = out.resolve("_imgbeam/outcomes-00000-of-00001.avro");
    p.apply(Create.of(records).withCoder(AvroCoder.of(ImageOutcome.class)))
        .apply(WriteOneFile.avro(ImageOutcome.class, out.toString(), file.toString()));
    p.run().waitUntilFinish();

    List<String> paths = new ArrayList<>();
    try (DataFileReader<ImageOutcome> reader =
        new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ImageOutcome.class))) {
      assertEquals("snappy", reader.getMetaString("avro.codec"));
      for (ImageOutcome record : reader) {
        paths.add(record.getInputPath());
      }
    }
    assertEquals(
        records.stream().map(ImageOutcome::getInputPath).sorted().toList(),
        paths.stream().sorted().toList());
    assertNoTempFiles();
  }

  /** A run without inputs still leaves its (empty) files, as the sharded sinks do. */
  @Test
  void writesAnEmptyFileForNoElements(TestPipeline p) throws IOException {
    Path file = out.resolve("failures.avro");
    p.apply(Create.empty(AvroCoder.of(ImageOutcome.class)))
        .apply(WriteOneFile.avro(ImageOutcome.class, out.toString(), file.toString()));
    p.run().waitUntilFinish();
    try (DataFileReader<ImageOutcome> reader =
        new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ImageOutcome.class))) {
      assertFalse(reader.hasNext());
    }
  }

  @Test
  void writesTextAsLinesAndReplacesAnEarlierFile(TestPipeline p) throws IOException {
    Path file = out.resolve("summary.json");
    Files.writeString(file, "an earlier run's file, longer than this run's");
    p.apply(Create.of("{\"inputs\": 3}")).apply(WriteOneFile.text(out.toString(), file.toString()));
    p.run().waitUntilFinish();
    assertEquals("{\"inputs\": 3}\n", Files.readString(file, StandardCharsets.UTF_8));
    assertNoTempFiles();
  }

  private void assertNoTempFiles() throws IOException {
    try (Stream<Path> files = Files.walk(out)) {
      assertEquals(
          List.of(), files.filter(f -> f.toString().endsWith(CompressImages.TEMP_SUFFIX)).toList());
    }
  }

  private static ImageOutcome outcome(String path) {
    return ImageOutcome.newBuilder()
        .setInputPath(path)
        .setInputFormat("jpeg")
        .setInputBytes(100L)
        .setEncodeMillis(0L)
        .setTotalMillis(10L)
        .setMetadataRemoved(List.of())
        .setHadGps(false)
        .setStatus(OutcomeStatus.FAILED)
        .build();
  }
}
