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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real entry point on a temp copy of testdata, read back from what it wrote. */
class ImgbeamTest {
  @TempDir Path dir;

  /** A pattern that matches nothing ends the job normally, and its summary says so and why. */
  @Test
  void saysWhenNothingMatched(@TempDir Path dir) {
    JobRun run =
        JobRun.of("--input=" + dir.resolve("missing") + "/**", "--output=" + dir.resolve("out"));
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("imgbeam: 0 inputs in"), run.out());
    assertTrue(run.out().contains("nothing matched --input or --inputList"), run.out());
  }

  @Test
  void compressesTheSampleTreeAndRecordsEveryInput() throws IOException {
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    Map<Path, String> hashes = copyTestData(in);

    JobRun first = JobRun.of("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, first.code(), first.err());
    List<ImageOutcome> outcomes = JobRun.readOutcomes(out);
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
    assertTrue(first.out().contains("imgbeam: " + hashes.size() + " inputs"), first.out());
    assertTrue(first.out().contains("saved"), first.out());
    assertTrue(first.out().contains("counters: bytesIn="), first.out());
    assertTrue(first.out().contains(" images=" + hashes.size() + " "), first.out());
    // Privacy audit: astronaut-gps.jpg, png/text-chunks.png (GPS only) and privacy/camera.*.
    JsonNode privacy = summary.get("privacy");
    assertEquals(5, privacy.get("inputs_with_gps").asInt(), privacy.toString());
    assertEquals(4, privacy.get("inputs_with_serial_numbers").asInt(), privacy.toString());
    assertEquals(4, privacy.get("inputs_with_owner_names").asInt(), privacy.toString());
    assertTrue(first.out().contains("with serials"), first.out());
    assertEquals(4L, outcomes.stream().filter(o -> Boolean.TRUE.equals(o.getHadSerial())).count());
    assertTrue(
        Files.list(out.resolve("_imgbeam"))
            .anyMatch(p -> p.getFileName().toString().startsWith("failures-")));

    // A second run into the same folder replaces the first run's records.
    JobRun second = JobRun.of("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, second.code(), second.err());
    assertEquals(hashes.size(), JobRun.readOutcomes(out).size());
    assertNoTempFiles(out);
  }

  @Test
  void convertsToTheRequestedFormat() throws IOException {
    Path out = dir.resolve("out");
    JobRun run =
        JobRun.of(
            "--input=" + TestData.images() + "/photo/*.jpg", "--output=" + out, "--format=PNG");
    assertEquals(0, run.code(), run.err());
    assertTrue(Files.exists(out.resolve("coffee.png")));
    assertTrue(Files.exists(out.resolve("astronaut-gps.png")));
  }

  @Test
  void writesWebpAvifAndAutoWithTheirOptions() throws IOException {
    String photos = "--input=" + TestData.images() + "/photo/*.jpg";
    Path webp = dir.resolve("webp");
    JobRun lossless = JobRun.of(photos, "--output=" + webp, "--format=webp", "--webpLossless");
    assertEquals(0, lossless.code(), lossless.err());
    byte[] coffee = Files.readAllBytes(webp.resolve("coffee.webp"));
    assertEquals("VP8L", new String(coffee, 12, 4, StandardCharsets.US_ASCII));

    Path avif = dir.resolve("avif");
    JobRun tenBit =
        JobRun.of(
            photos, "--output=" + avif, "--format=avif", "--avifBitDepth=10", "--avifChroma=444");
    assertEquals(0, tenBit.code(), tenBit.err());
    byte[] file = Files.readAllBytes(avif.resolve("coffee.avif"));
    assertEquals("ftypavif", new String(file, 4, 8, StandardCharsets.US_ASCII));

    Path auto = dir.resolve("auto");
    JobRun both = JobRun.of(photos, "--output=" + auto, "--format=auto", "--formats=jpeg,png");
    assertEquals(0, both.code(), both.err());
    Map<String, List<String>> tried = new HashMap<>();
    for (ImageOutcome outcome : JobRun.readOutcomes(auto)) {
      assertEquals(2, outcome.getCandidates().size(), outcome.toString());
      assertTrue(outcome.getCandidates().get(0).toString().startsWith("jpeg:"), outcome.toString());
      tried.put(outcome.getInputPath(), outcome.getCandidates());
    }
    // A rerun skips the unchanged inputs, and their records keep what the first run tried.
    JobRun again = JobRun.of(photos, "--output=" + auto, "--format=auto", "--formats=jpeg,png");
    assertEquals(0, again.code(), again.err());
    List<ImageOutcome> skipped = JobRun.readOutcomes(auto);
    assertEquals(tried.size(), skipped.size());
    for (ImageOutcome outcome : skipped) {
      assertEquals("SKIPPED_UNCHANGED", outcome.getStatus().name(), outcome.toString());
      assertEquals(tried.get(outcome.getInputPath()), outcome.getCandidates(), outcome.toString());
    }
  }

  @Test
  void resizesWithTheGeometryOptionsAndWritesTheReport() throws IOException {
    Path out = dir.resolve("out");
    // Report pictures a stopped run left are removed; this run's are removed once used.
    Path left = out.resolve("_imgbeam/previews/left-by-a-stopped-run.bin");
    Files.createDirectories(left.getParent());
    Files.write(left, new byte[] {1});
    JobRun run =
        JobRun.of(
            "--input=" + TestData.images() + "/photo/*.jpg",
            "--output=" + out,
            "--maxWidth=120",
            "--maxHeight=90",
            "--fit=cover",
            "--gravity=north");
    assertEquals(0, run.code(), run.err());
    List<ImageOutcome> outcomes = JobRun.readOutcomes(out);
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
    assertTrue(run.out().contains("report:   " + out.resolve("_imgbeam/report.html")), run.out());
    assertFalse(Files.exists(left.getParent()), "report pictures left in " + left.getParent());
    // Both images are shown with pictures (resized: made from the files).
    String page = Files.readString(out.resolve("_imgbeam/report.html"));
    assertFalse(page.contains("changed since the run"), "a row without pictures");
    assertTrue(page.contains("data:image/jpeg;base64,"), "thumbnails on the page");
  }

  @Test
  void passesTheMetadataAndColourOptionsToTheCodec() throws IOException {
    Path out = dir.resolve("out");
    JobRun run =
        JobRun.of(
            "--input=" + TestData.images() + "/privacy/camera.jpg",
            "--output=" + out,
            "--metadata=keep-copyright",
            "--keepDates",
            "--iccProfile=keep");
    assertEquals(0, run.code(), run.err());
    String bytes =
        new String(Files.readAllBytes(out.resolve("camera.jpg")), StandardCharsets.ISO_8859_1);
    assertTrue(bytes.contains("Jane Example RIGHTS"), "copyright kept");
    assertTrue(bytes.contains("2024:05:06"), "dates kept");
    assertFalse(bytes.contains("PRIVATE"), "private fields removed");
  }

  @Test
  void helpListsEveryOptionWithItsDefault() {
    JobRun help = JobRun.of("--help");
    assertEquals(0, help.code());
    for (String expected :
        List.of(
            "--input=",
            "--inputList=",
            "--output=",
            "(required)",
            "--format=same|jpeg|png|webp|avif|auto  (default: same)",
            "--formats=webp,avif,jpeg,png  (default: webp,avif,jpeg)",
            "--jpegEffort=N  (default: 1)",
            "--webpQuality=N  (default: 77)",
            "--webpEffort=N  (default: 4)",
            "--webpLossless=true|false  (default: false)",
            "--avifQuality=N  (default: 55)",
            "--avifEffort=N  (default: 2)",
            "--avifChroma=420|444  (default: 420)",
            "--avifBitDepth=8|10  (default: 8)",
            "--quality=N  (default: 80)",
            "--maxInputPixels=N  (default: 100000000)",
            "--maxInputBytes=N  (default: 209715200)",
            "--maxFrames=N  (default: 1000)",
            "--maxMetadataBytes=N  (default: 16777216)",
            "--perImageTimeoutSeconds=N  (default: 120)",
            "--failOn=warning|error  (default: warning)",
            "--followSymlinks=true|false  (default: false)",
            "--incremental=true|false  (default: true)",
            "--metadata=strip|keep-copyright|keep  (default: strip)",
            "--keepDates=true|false  (default: false)",
            "--iccProfile=srgb|keep  (default: srgb)",
            "--maxWidth=N  (optional)",
            "--maxHeight=N  (optional)",
            "--fit=inside|cover|fill|exact  (default: inside)",
            "--gravity=centre|north|...|northwest  (default: centre)",
            "--enlarge=true|false  (default: false)",
            "imgbeam report OUTPUT")) {
      assertTrue(help.out().contains(expected), "missing " + expected + " in\n" + help.out());
    }
  }

  @Test
  void refusesBadOptionsWithAClearMessage() {
    JobRun quality = JobRun.of("--input=x", "--output=" + dir, "--quality=0");
    assertEquals(2, quality.code());
    assertTrue(
        quality.err().contains("expected a value from 1 to 100 for quality, got 0"), quality.err());
    JobRun failOn = JobRun.of("--input=x", "--output=" + dir, "--failOn=never");
    assertEquals(2, failOn.code());
    assertTrue(
        failOn.err().contains("expected warning or error for failOn, got never"), failOn.err());
    JobRun format = JobRun.of("--input=x", "--output=" + dir, "--format=bmp");
    assertEquals(2, format.code());
    assertTrue(
        format.err().contains("expected same, jpeg, png, webp, avif or auto for format, got bmp"),
        format.err());
    JobRun formats =
        JobRun.of("--input=x", "--output=" + dir, "--format=auto", "--formats=webp,gif");
    assertEquals(2, formats.code());
    assertTrue(
        formats
            .err()
            .contains(
                "expected distinct formats from jpeg, png, webp, avif for formats, got webp,gif"),
        formats.err());
    JobRun chroma = JobRun.of("--input=x", "--output=" + dir, "--avifChroma=422");
    assertEquals(2, chroma.code());
    assertTrue(chroma.err().contains("expected 420 or 444 for avifChroma, got 422"), chroma.err());
    JobRun metadata = JobRun.of("--input=x", "--output=" + dir, "--metadata=none");
    assertEquals(2, metadata.code());
    assertTrue(
        metadata.err().contains("expected strip, keep-copyright or keep for metadata, got none"),
        metadata.err());
    JobRun icc = JobRun.of("--input=x", "--output=" + dir, "--iccProfile=p3");
    assertEquals(2, icc.code());
    assertTrue(icc.err().contains("expected srgb or keep for iccProfile, got p3"), icc.err());
    JobRun fit = JobRun.of("--input=x", "--output=" + dir, "--fit=crop");
    assertEquals(2, fit.code());
    assertTrue(
        fit.err().contains("expected inside, cover, fill or exact for fit, got crop"), fit.err());
    JobRun width = JobRun.of("--input=x", "--output=" + dir, "--maxWidth=0");
    assertEquals(2, width.code());
    assertTrue(
        width.err().contains("expected a value from 1 to 65535 for maxWidth, got 0"), width.err());
    JobRun gravity = JobRun.of("--input=x", "--output=" + dir, "--gravity=up");
    assertEquals(2, gravity.code());
    assertTrue(gravity.err().contains("for gravity, got up"), gravity.err());
    JobRun noInput = JobRun.of("--output=" + dir);
    assertEquals(2, noInput.code());
    JobRun inside = JobRun.of("--input=" + dir + "/out/**", "--output=" + dir);
    assertEquals(2, inside.code());
    assertTrue(inside.err().contains("outside the inputs"), inside.err());
    JobRun remote = JobRun.of("--input=gs://bucket/photos/*.jpg", "--output=" + dir);
    assertEquals(2, remote.code());
    assertTrue(remote.err().contains("no file system on the class path reads gs://"), remote.err());
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
}
