package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./imgbeam} launcher's class-data archive: the first job after a build writes it next
 * to the bundled jar, and the next job maps it. The build that runs this test has just made the
 * jar, so the launcher runs it as it is.
 */
class LauncherIT {
  @TempDir Path dir;

  @Test
  void theFirstJobWritesTheClassArchiveAndTheNextMapsIt() throws Exception {
    Path jar = Path.of(System.getProperty("imgbeam.bundledJar")).toAbsolutePath();
    Path archive = jar.resolveSibling("imgbeam-bundled.jsa");
    Files.deleteIfExists(archive);

    String first = launch(dir.resolve("first"), "");
    assertTrue(Files.isRegularFile(archive) && Files.size(archive) > 0, "no archive\n" + first);
    // The JVM's notes on the classes it cannot archive are turned off.
    assertFalse(first.contains("[cds]"), first);
    assertTrue(first.contains("WRITTEN"), first);

    // With -Xshare:on the JVM refuses to start when it cannot map the archive.
    String second = launch(dir.resolve("second"), "-Xshare:on");
    assertFalse(second.contains("[cds]"), second);
    assertTrue(second.contains("WRITTEN"), second);
  }

  /** Runs {@code ./imgbeam} on the sample photos; returns its output after exit 0. */
  private String launch(Path out, String javaOpts) throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(
                TestData.root().resolve("imgbeam").toString(),
                "--input=" + TestData.images() + "/photo/*.jpg",
                "--output=" + out,
                "--progressSeconds=0")
            .redirectErrorStream(true)
            .redirectOutput(Files.createTempFile(dir, "launch", ".txt").toFile());
    builder.environment().put("IMGBEAM_JAVA_OPTS", javaOpts);
    builder.environment().remove("IMGBEAM_CLASS_ARCHIVE");
    Process process = builder.start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the job did not finish in 5 minutes");
    String output =
        Files.readString(builder.redirectOutput().file().toPath(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    return output;
  }
}
