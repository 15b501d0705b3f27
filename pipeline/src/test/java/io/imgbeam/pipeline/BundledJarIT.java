package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgbeam.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled jar, run in its own JVM as {@code ./imgbeam} runs it: proves that shading kept every
 * ImageIO plugin and Beam registrar, and every class the job needs.
 */
class BundledJarIT {
  @TempDir Path dir;

  @Test
  void compressesTheSamplesFromTheBundledJar() throws Exception {
    Path jar = Path.of(System.getProperty("imgbeam.bundledJar"));
    assertTrue(Files.isRegularFile(jar), "no bundled jar at " + jar);
    Path out = dir.resolve("out");
    String output = runJob("--input=" + TestData.images() + "/**", "--output=" + out);
    assertFalse(output.contains("Exception"), output);
    // JavaCPP warns when shading lost the Maven descriptors it checks native versions against.
    assertFalse(output.contains("Warning:"), output);
    // jvm.options' compiler commands are quiet: nothing of them on the job's console.
    assertFalse(output.contains("CompileCommand"), output);

    JsonNode summary = new ObjectMapper().readTree(out.resolve("_imgbeam/summary.json").toFile());
    assertEquals(TestData.allImages().size(), summary.get("inputs").asInt(), output);
    // Each of these needs a TwelveMonkeys plugin found through META-INF/services.
    for (String file :
        List.of("tiff/photo.png", "bmp/photo.png", "webp/lossy.webp", "colour/cmyk.jpg")) {
      assertTrue(Files.isRegularFile(out.resolve(file)), "missing output " + file + "\n" + output);
    }
    assertTrue(output.contains("saved"), output);
  }

  /** libwebp (webp-imageio) and FFmpeg (JavaCPP) load their natives from the shaded jar. */
  @Test
  void writesWebpAndAvifFromTheBundledJar() throws Exception {
    Path out = dir.resolve("modern");
    String output =
        runJob(
            "--input=" + TestData.images() + "/photo/*.jpg",
            "--output=" + out,
            "--format=auto",
            "--formats=avif,webp");
    assertTrue(output.matches("(?s).*WRITTEN +2\n.*"), output);
    assertFalse(output.contains("Warning:"), output);
    for (String stem : List.of("coffee", "astronaut-gps")) {
      assertTrue(
          Files.isRegularFile(out.resolve(stem + ".avif"))
              || Files.isRegularFile(out.resolve(stem + ".webp")),
          "no AVIF or WebP output for " + stem + "\n" + output);
    }
  }

  /**
   * Runs the bundled jar with {@code args} in its own JVM, with the flags of {@code jvm.options} as
   * the launcher passes them; returns its output after exit 0.
   */
  private String runJob(String... args) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("imgbeam.bundledJar")).toAbsolutePath();
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String line :
        Files.readAllLines(jar.getParent().getParent().resolveSibling("jvm.options"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        command.add(line.strip());
      }
    }
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "job", ".txt");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the job did not finish in 5 minutes");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    return output;
  }

  @Test
  void printsHelpWithoutStartingAJob() throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("imgbeam.bundledJar"),
                "--help")
            .redirectErrorStream(true)
            .start();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(1, TimeUnit.MINUTES));
    assertEquals(0, process.exitValue(), text);
    assertTrue(text.contains("--maxInputPixels=N  (default: 100000000)"), text);
  }
}
