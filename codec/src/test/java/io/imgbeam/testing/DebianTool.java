package io.imgbeam.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Debian program that tests use as a reference, never the code under test: installed with apt-get
 * when it is missing (tests run as root in CI), then run with its output captured.
 */
public final class DebianTool {
  private DebianTool() {}

  /** Installs {@code debianPackage} unless {@code program} is executable already. */
  public static synchronized void ensureInstalled(Path program, String debianPackage)
      throws IOException {
    if (Files.isExecutable(program)) {
      return;
    }
    String env = "DEBIAN_FRONTEND=noninteractive";
    run(
        "sh",
        "-c",
        env
            + " apt-get install -y -q "
            + debianPackage
            + " >/dev/null 2>&1 || (apt-get update -q >/dev/null && "
            + env
            + " apt-get install -y -q "
            + debianPackage
            + " >/dev/null)");
    assertTrue(Files.isExecutable(program), "could not install " + debianPackage);
  }

  /** Runs {@code command}, fails the test on a non-zero exit, returns stdout and stderr. */
  public static String run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    try {
      assertTrue(process.waitFor(10, TimeUnit.MINUTES), String.join(" ", command));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), String.join(" ", command) + "\n" + text);
    return text;
  }
}
