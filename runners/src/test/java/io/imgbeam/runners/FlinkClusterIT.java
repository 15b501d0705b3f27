package io.imgbeam.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgbeam.codec.Hashes;
import io.imgbeam.testing.TestData;
import io.imgbeam.transforms.avro.ImageOutcome;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled jar on a real Flink 1.19 session cluster (one JobManager, two TaskManagers, each its
 * own JVM), compared with DirectRunner runs of the same input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterIT {
  @TempDir static Path dir;
  private FlinkCluster cluster;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = FlinkCluster.start(dir.resolve("cluster"), 2, 2);
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void producesWhatDirectRunnerProduces() throws Exception {
    Path flinkOut = dir.resolve("flink-out");
    Path directOut = dir.resolve("direct-out");
    String input = "--input=" + TestData.images() + "/**";
    String log = sampleJobOnFlink("flink.log", flinkOut);
    ImgbeamJob.start(dir.resolve("direct.log"), input, "--output=" + directOut).finish(5);

    List<ImageOutcome> flink = ImgbeamJob.outcomes(flinkOut);
    assertEquals(TestData.allImages().size(), flink.size(), log);
    assertSameOutputs(directOut, flinkOut, TestData.images());
    assertTrue(log.contains("counters: "), log);
    assertTrue(log.contains("images="), log);

    // The same counters, as the Flink web UI shows them (its REST API).
    JsonNode jobs = rest("/jobs/overview").get("jobs");
    assertEquals(1, jobs.size(), jobs.toString());
    JsonNode accumulators = rest("/jobs/" + jobs.get(0).get("jid").asText() + "/accumulators");
    String shown = accumulators.get("user-task-accumulators").toString();
    for (String counter : List.of("images", "written", "bytesIn", "bytesOut", "failures")) {
      assertTrue(shown.contains(counter), counter + " not in the web UI's accumulators: " + shown);
    }

    // The inputs come from a source whose splits the TaskManagers take as they ask for more, and
    // each image is compressed in the task that read it: no shuffle between them.
    JsonNode plan = rest("/jobs/" + jobs.get(0).get("jid").asText() + "/plan").get("plan");
    List<String> vertices = new ArrayList<>();
    plan.get("nodes").forEach(node -> vertices.add(node.get("description").asText()));
    assertTrue(
        vertices.stream()
            .anyMatch(
                v ->
                    v.contains("DataSource")
                        && v.contains("ReadInputs")
                        && v.contains("CompressEachImage")),
        "no task reads the inputs and compresses them: " + vertices);
  }

  /**
   * A second job on the same TaskManagers, each job in a class loader of its own that Flink closes
   * when the job ends: an incremental rerun into the first job's folder, whose report decodes the
   * inputs again. ImageIO's registry is one per JVM and handed this job the first job's closed
   * plugins (its report failed with {@code NoClassDefFoundError} for TwelveMonkeys' {@code
   * ColorProfiles$sRGB}) until each job registered its own ({@code ImagePlugins}).
   */
  @Test
  @Order(2)
  void aSecondJobOnTheSameTaskManagersReadsWithItsOwnPlugins() throws Exception {
    Path flinkOut = dir.resolve("flink-out");
    Map<String, String> first = new TreeMap<>();
    for (ImageOutcome o : ImgbeamJob.outcomes(flinkOut)) {
      first.put(o.getInputPath(), o.getStatus().name());
    }
    String log = sampleJobOnFlink("flink-rerun.log", flinkOut);
    Map<String, String> rerun = new TreeMap<>();
    for (ImageOutcome o : ImgbeamJob.outcomes(flinkOut)) {
      rerun.put(o.getInputPath(), o.getStatus().name());
    }
    assertEquals(first.keySet(), rerun.keySet(), log);
    for (Map.Entry<String, String> input : first.entrySet()) {
      if (input.getValue().equals("WRITTEN")) {
        assertEquals("SKIPPED_UNCHANGED", rerun.get(input.getKey()), input.getKey());
      }
    }
    assertTrue(Files.size(flinkOut.resolve("_imgbeam/report.html")) > 0, log);
  }

  /** The sample images compressed on the cluster at parallelism 2 into {@code output}; its log. */
  private String sampleJobOnFlink(String logName, Path output) throws Exception {
    return ImgbeamJob.start(
            dir.resolve(logName),
            "--runner=FlinkRunner",
            "--flinkMaster=" + cluster.master(),
            "--parallelism=2",
            "--input=" + TestData.images() + "/**",
            "--output=" + output)
        .finish(5);
  }

  private JsonNode rest(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + cluster.master() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    return new ObjectMapper().readTree(response.body());
  }

  /**
   * kill -9 one TaskManager while the job runs: the job restarts on the TaskManager left, and the
   * result is exactly that of a clean run.
   */
  @Test
  @Order(3)
  void survivesAKilledTaskManager() throws Exception {
    Path input = dir.resolve("many");
    int count = generateImages(input, 300);
    Path out = dir.resolve("fault-out");
    Path clean = dir.resolve("clean-out");
    ImgbeamJob.start(dir.resolve("clean.log"), "--input=" + input + "/**", "--output=" + clean)
        .finish(5);

    ImgbeamJob job =
        ImgbeamJob.start(
            dir.resolve("fault.log"),
            "--runner=FlinkRunner",
            "--flinkMaster=" + cluster.master(),
            "--parallelism=2",
            "--input=" + input + "/**",
            "--output=" + out);
    int written = waitForOutputs(job, out, count / 5);
    long pid = cluster.taskManagerPid(1);
    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
    String log = job.finish(8);

    String jobManagerLog = Files.readString(cluster.logFolder().resolve("jobmanager.log"));
    assertTrue(
        jobManagerLog.contains("RUNNING to RESTARTING"),
        "the kill after " + written + " outputs did not make the job restart:\n" + log);
    List<ImageOutcome> outcomes = ImgbeamJob.outcomes(out);
    Map<String, Long> perInput =
        outcomes.stream()
            .collect(Collectors.groupingBy(ImageOutcome::getInputPath, Collectors.counting()));
    assertEquals(count, perInput.size(), "inputs with an outcome");
    assertTrue(perInput.values().stream().allMatch(n -> n == 1), "exactly one outcome each");
    assertTrue(
        outcomes.stream().allMatch(o -> o.getStatus().name().equals("WRITTEN")),
        "every generated image is written");
    assertNoTempFiles(out);
    assertSameOutputs(clean, out, input);
  }

  /**
   * Each job's jar reaches a TaskManager as a new blob file; the natives it brings (OpenCV and
   * OpenBLAS, 120 MB) are still extracted into shared folders, not into a folder per jar (JavaCPP's
   * default, which kept 120 MB per job and TaskManager): one, and another only for a job whose
   * TaskManager still held an earlier job's class loader (JNI lets one class loader load a file):
   * at most one per job of the three that ran.
   */
  @Test
  @Order(4)
  void nativesAreNotExtractedPerJob() throws IOException {
    List<Path> entries;
    try (Stream<Path> list = Files.list(cluster.javacppCache())) {
      entries = list.sorted().toList();
    }
    assertTrue(entries.size() >= 1 && entries.size() <= 3, "three jobs ran: " + entries);
    for (Path folder : entries) {
      String name = folder.getFileName().toString();
      assertTrue(name.matches("imgbeam-javacpp-[0-9.]+(-[23])?"), entries.toString());
      assertTrue(Files.isRegularFile(folder.resolve("libjniopencv_imgcodecs.so")), name);
      try (Stream<Path> files = Files.list(folder)) {
        List<Path> folders = files.filter(Files::isDirectory).toList();
        assertTrue(folders.isEmpty(), "folders per jar: " + folders);
      }
    }
  }

  /**
   * The TaskManagers, which run the codec, run with the JVM flags {@code ./imgbeam} runs a job with
   * ({@code jvm.options}: the codec's JIT thresholds, the collector's marking threshold), as the
   * start script gives them.
   */
  @Test
  @Order(0)
  void taskManagersRunWithTheLaunchersFlags() throws IOException {
    List<String> flags =
        Files.readAllLines(TestData.root().resolve("jvm.options")).stream()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();
    assertTrue(flags.contains("-XX:-G1UseAdaptiveIHOP"), flags.toString());
    for (int tm = 1; tm <= 2; tm++) {
      List<String> command =
          List.of(
              Files.readString(
                      Path.of("/proc", Long.toString(cluster.taskManagerPid(tm)), "cmdline"))
                  .split("\0"));
      for (String flag : flags) {
        assertTrue(command.contains(flag), "taskmanager-" + tm + " runs without " + flag);
      }
    }
  }

  /** Same statuses, and outputs that decode to the same pixels, input by input. */
  private static void assertSameOutputs(Path expectedOut, Path actualOut, Path inputRoot)
      throws IOException {
    Map<String, ImageOutcome> expected = byRelativeInput(expectedOut, inputRoot);
    Map<String, ImageOutcome> actual = byRelativeInput(actualOut, inputRoot);
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<String, ImageOutcome> entry : expected.entrySet()) {
      ImageOutcome want = entry.getValue();
      ImageOutcome got = actual.get(entry.getKey());
      assertEquals(want.getStatus(), got.getStatus(), entry.getKey());
      if (want.getOutputPath() == null) {
        continue;
      }
      Path wantFile = Path.of(want.getOutputPath());
      Path gotFile = Path.of(got.getOutputPath());
      assertEquals(expectedOut.relativize(wantFile), actualOut.relativize(gotFile));
      assertArrayEquals(pixels(wantFile), pixels(gotFile), entry.getKey());
      assertEquals(Hashes.sha256(Files.readAllBytes(gotFile)), got.getOutputSha256());
    }
  }

  private static Map<String, ImageOutcome> byRelativeInput(Path out, Path inputRoot)
      throws IOException {
    return ImgbeamJob.outcomes(out).stream()
        .collect(
            Collectors.toMap(
                o -> inputRoot.relativize(Path.of(o.getInputPath())).toString(),
                Function.identity(),
                (a, b) -> {
                  throw new AssertionError("two outcomes for " + a.getInputPath());
                },
                TreeMap::new));
  }

  private static int[] pixels(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, "no decoder for " + file);
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  private static void assertNoTempFiles(Path out) throws IOException {
    try (Stream<Path> walk = Files.walk(out)) {
      List<Path> temps =
          walk.filter(
                  p -> {
                    String name = p.getFileName().toString();
                    return name.endsWith(".imgbeam-tmp") || name.startsWith(".temp-beam");
                  })
              .collect(Collectors.toList());
      assertEquals(List.of(), temps, "temp files left");
    }
  }

  /** Waits until the job has written {@code target} images; returns how many it had. */
  private static int waitForOutputs(ImgbeamJob job, Path out, int target) throws Exception {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (System.nanoTime() < deadline) {
      int written = countImages(out);
      if (written >= target) {
        return written;
      }
      if (!job.isAlive()) {
        throw new AssertionError(
            "the job ended before " + target + " outputs existed:\n" + job.output());
      }
      Thread.sleep(50);
    }
    throw new AssertionError("fewer than " + target + " outputs after 3 minutes");
  }

  /** Outputs written so far while the job runs, or 0 when a listed temp file moved meanwhile. */
  private static int countImages(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(out)) {
      return (int) walk.filter(p -> p.getFileName().toString().endsWith(".jpg")).count();
    } catch (UncheckedIOException e) {
      // The walk reads each entry's attributes after listing its folder; a worker's atomic move
      // can take a temp file away in between. The caller polls again.
      if (e.getCause() instanceof NoSuchFileException) {
        return 0;
      }
      throw e;
    }
  }

  /**
   * Writes {@code count} distinct 600x400 photos: crops of a 2x2 tiling of testdata's coffee photo
   * at shifting offsets, as quality-92 JPEGs, in 10 folders.
   */
  private static int generateImages(Path folder, int count) throws IOException {
    BufferedImage photo = TestData.decode("photo/coffee.jpg");
    int w = photo.getWidth();
    int h = photo.getHeight();
    BufferedImage tiled = new BufferedImage(2 * w, 2 * h, BufferedImage.TYPE_INT_RGB);
    for (int ty = 0; ty < 2; ty++) {
      for (int tx = 0; tx < 2; tx++) {
        tiled.getGraphics().drawImage(photo, tx * w, ty * h, null);
      }
    }
    List<Path> written = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < count; i++) {
      BufferedImage crop = tiled.getSubimage((i * 7) % w, (i * 3) % h, w, h);
      Path file = folder.resolve("batch-" + i % 10).resolve("photo-" + i + ".jpg");
      Files.createDirectories(file.getParent());
      ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
      try (ImageOutputStream stream = ImageIO.createImageOutputStream(file.toFile())) {
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.92f);
        writer.setOutput(stream);
        writer.write(null, new IIOImage(crop, null, null), param);
      } finally {
        writer.dispose();
      }
      seen.merge(Hashes.sha256(Files.readAllBytes(file)), 1, Integer::sum);
      written.add(file);
    }
    assertEquals(count, seen.size(), "generated images are all different");
    return written.size();
  }
}
