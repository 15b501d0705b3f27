package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgbeam.codec.Hashes;
import io.imgbeam.testing.TestData;
import io.imgbeam.transforms.avro.ImageOutcome;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real entry point on a temp copy of testdata, read back from what it wrote. */
class ImgbeamTest {
  @TempDir Path dir;

  @Test
  void compressesTheSampleTreeAndRecordsEveryInput() throws IOException {
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    Map<Path, String> hashes = copyTestData(in);

    Run first = run("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, first.code, first.err);
    List<ImageOutcome> outcomes = readOutcomes(out);
    assertEquals(hashes.size(), outcomes.size(), "one outcome per input");
    assertEquals(
        hashes.keySet().stream().map(Path::toString).sorted().collect(Collectors.toList()),
        outcomes.stream().map(ImageOutcome::getInputPath).sorted().collect(Collectors.toList()));

    long inputBytes = 0;
    long outputBytes = 0;
    Map<String, Integer> statuses = new TreeMap<>();
    for (ImageOutcome o : outcomes) {
      statuses.merge(o.getStatus().name(), 1, Integer::sum);
      if (o.getOutputPath() != null) {
        Path output = Path.of(o.getOutputPath());
        assertTrue(output.startsWith(out), output + " outside the output folder");
        byte[] bytes = Files.readAllBytes(output);
        assertNotNull(ImageIO.read(output.toFile()), "output decodes: " + output);
        assertEquals(o.getOutputBytes(), bytes.length);
        assertEquals(o.getOutputSha256(), Hashes.sha256(bytes));
        inputBytes += o.getInputBytes();
        outputBytes += bytes.length;
      }
    }
    assertTrue(outputBytes < inputBytes, outputBytes + " >= " + inputBytes);
    assertEquals(
        6,
        statuses.get("FAILED") + statuses.get("UNSUPPORTED") + statuses.get("REJECTED_LIMIT"),
        statuses.toString());
    assertTrue(statuses.get("WRITTEN") > 10, statuses.toString());

    for (Map.Entry<Path, String> input : hashes.entrySet()) {
      assertEquals(
          input.getValue(),
          Hashes.sha256(Files.readAllBytes(input.getKey())),
          "input changed: " + input.getKey());
    }
    assertNoTempFiles(out);

    JsonNode summary = new ObjectMapper().readTree(out.resolve("_imgbeam/summary.json").toFile());
    assertEquals(hashes.size(), summary.get("inputs").asInt());
    assertEquals(outputBytes, summary.get("output_bytes").asLong());
    assertTrue(first.out.contains("imgbeam: " + hashes.size() + " inputs"), first.out);
    assertTrue(first.out.contains("saved"), first.out);
    assertTrue(first.out.contains("counters: bytesIn="), first.out);
    assertTrue(first.out.contains(" images=" + hashes.size() + " "), first.out);
    // Privacy audit: astronaut-gps.jpg, png/text-chunks.png (GPS only) and privacy/camera.*.
    JsonNode privacy = summary.get("privacy");
    assertEquals(5, privacy.get("inputs_with_gps").asInt(), privacy.toString());
    assertEquals(4, privacy.get("inputs_with_serial_numbers").asInt(), privacy.toString());
    assertEquals(4, privacy.get("inputs_with_owner_names").asInt(), privacy.toString());
    assertTrue(first.out.contains("with serials"), first.out);
    assertEquals(4L, outcomes.stream().filter(o -> Boolean.TRUE.equals(o.getHadSerial())).count());
    assertTrue(
        Files.list(out.resolve("_imgbeam"))
            .anyMatch(p -> p.getFileName().toString().startsWith("failures-")));

    // A second run into the same folder replaces the first run's records.
    Run second = run("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, second.code, second.err);
    assertEquals(hashes.size(), readOutcomes(out).size());
    assertNoTempFiles(out);
  }

  @Test
  void convertsToTheRequestedFormat() throws IOException {
    Path out = dir.resolve("out");
    Run run =
        run("--input=" + TestData.images() + "/photo/*.jpg", "--output=" + out, "--format=PNG");
    assertEquals(0, run.code, run.err);
    assertTrue(Files.exists(out.resolve("coffee.png")));
    assertTrue(Files.exists(out.resolve("astronaut-gps.png")));
  }

  @Test
  void resizesWithTheGeometryOptionsAndWritesTheReport() throws IOException {
    Path out = dir.resolve("out");
    Run run =
        run(
            "--input=" + TestData.images() + "/photo/*.jpg",
            "--output=" + out,
            "--maxWidth=120",
            "--maxHeight=90",
            "--fit=cover",
            "--gravity=north");
    assertEquals(0, run.code, run.err);
    List<ImageOutcome> outcomes = readOutcomes(out);
    assertEquals(2, outcomes.size());
    for (ImageOutcome o : outcomes) {
      assertEquals(120, o.getOutputWidth(), o.toString());
      assertEquals(90, o.getOutputHeight(), o.toString());
      assertTrue(o.getWidth() > 120, "input size recorded: " + o);
      BufferedImage written = ImageIO.read(Path.of(o.getOutputPath()).toFile());
      assertEquals(120, written.getWidth());
      assertEquals(90, written.getHeight());
    }
    assertTrue(Files.isRegularFile(out.resolve("_imgbeam/report.html")));
    assertTrue(run.out.contains("report:   " + out.resolve("_imgbeam/report.html")), run.out);
  }

  @Test
  void passesTheMetadataAndColourOptionsToTheCodec() throws IOException {
    Path out = dir.resolve("out");
    Run run =
        run(
            "--input=" + TestData.images() + "/privacy/camera.jpg",
            "--output=" + out,
            "--metadata=keep-copyright",
            "--keepDates",
            "--iccProfile=keep");
    assertEquals(0, run.code, run.err);
    String bytes =
        new String(Files.readAllBytes(out.resolve("camera.jpg")), StandardCharsets.ISO_8859_1);
    assertTrue(bytes.contains("Jane Example RIGHTS"), "copyright kept");
    assertTrue(bytes.contains("2024:05:06"), "dates kept");
    assertFalse(bytes.contains("PRIVATE"), "private fields removed");
  }

  @Test
  void helpListsEveryOptionWithItsDefault() {
    Run help = run("--help");
    assertEquals(0, help.code);
    for (String expected :
        List.of(
            "--input=",
            "--inputList=",
            "--output=",
            "(required)",
            "--format=same|jpeg|png  (default: same)",
            "--quality=N  (default: 80)",
            "--maxInputPixels=N  (default: 100000000)",
            "--maxInputBytes=N  (default: 209715200)",
            "--metadata=strip|keep-copyright|keep  (default: strip)",
            "--keepDates=true|false  (default: false)",
            "--iccProfile=srgb|keep  (default: srgb)",
            "--maxWidth=N  (optional)",
            "--maxHeight=N  (optional)",
            "--fit=inside|cover|fill|exact  (default: inside)",
            "--gravity=centre|north|...|northwest  (default: centre)",
            "--enlarge=true|false  (default: false)",
            "imgbeam report OUTPUT")) {
      assertTrue(help.out.contains(expected), "missing " + expected + " in\n" + help.out);
    }
  }

  @Test
  void refusesBadOptionsWithAClearMessage() {
    Run quality = run("--input=x", "--output=" + dir, "--quality=0");
    assertEquals(2, quality.code);
    assertTrue(
        quality.err.contains("expected a value from 1 to 100 for quality, got 0"), quality.err);
    Run format = run("--input=x", "--output=" + dir, "--format=bmp");
    assertEquals(2, format.code);
    assertTrue(format.err.contains("expected same, jpeg or png for format, got bmp"), format.err);
    Run metadata = run("--input=x", "--output=" + dir, "--metadata=none");
    assertEquals(2, metadata.code);
    assertTrue(
        metadata.err.contains("expected strip, keep-copyright or keep for metadata, got none"),
        metadata.err);
    Run icc = run("--input=x", "--output=" + dir, "--iccProfile=p3");
    assertEquals(2, icc.code);
    assertTrue(icc.err.contains("expected srgb or keep for iccProfile, got p3"), icc.err);
    Run fit = run("--input=x", "--output=" + dir, "--fit=crop");
    assertEquals(2, fit.code);
    assertTrue(
        fit.err.contains("expected inside, cover, fill or exact for fit, got crop"), fit.err);
    Run width = run("--input=x", "--output=" + dir, "--maxWidth=0");
    assertEquals(2, width.code);
    assertTrue(
        width.err.contains("expected a value from 1 to 65535 for maxWidth, got 0"), width.err);
    Run gravity = run("--input=x", "--output=" + dir, "--gravity=up");
    assertEquals(2, gravity.code);
    assertTrue(gravity.err.contains("for gravity, got up"), gravity.err);
    Run noInput = run("--output=" + dir);
    assertEquals(2, noInput.code);
    Run inside = run("--input=" + dir + "/out/**", "--output=" + dir);
    assertEquals(2, inside.code);
    assertTrue(inside.err.contains("outside the inputs"), inside.err);
  }

  @Test
  void keepsBraceGlobsWhole() {
    assertEquals(
        List.of("/a/*.{jpg,png}", "/b/**"),
        Imgbeam.rejoinBraces(List.of("/a/*.{jpg", "png}", "/b/**")));
  }

  /** Copies testdata/images under {@code target}; returns each copy's SHA-256. */
  static Map<Path, String> copyTestData(Path target) throws IOException {
    Map<Path, String> hashes = new HashMap<>();
    Path source = TestData.images();
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path file : walk.filter(Files::isRegularFile).collect(Collectors.toList())) {
        Path copy = target.resolve(source.relativize(file).toString());
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
        hashes.put(copy, Hashes.sha256(Files.readAllBytes(copy)));
      }
    }
    return hashes;
  }

  private static List<ImageOutcome> readOutcomes(Path out) throws IOException {
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

  private static void assertNoTempFiles(Path out) throws IOException {
    try (Stream<Path> walk = Files.walk(out)) {
      List<Path> temps =
          walk.filter(
                  p ->
                      p.getFileName().toString().endsWith(".imgbeam-tmp")
                          || p.getFileName().toString().startsWith(".temp-beam"))
              .collect(Collectors.toList());
      assertFalse(!temps.isEmpty(), "temp files left: " + temps);
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Imgbeam.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
