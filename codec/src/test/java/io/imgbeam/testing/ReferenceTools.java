package io.imgbeam.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's reference codecs for tests and benchmarks ({@code avifdec}/{@code avifenc} from
 * libavif-bin, {@code cwebp}/{@code dwebp} from webp), installed with apt-get when missing (tests
 * run as root in CI). Never used by imgbeam itself.
 */
public final class ReferenceTools {
  private ReferenceTools() {}

  /** Makes sure {@code /usr/bin/TOOL} exists, installing {@code debianPackage} if needed. */
  public static synchronized Path ensure(String tool, String debianPackage) throws IOException {
    Path path = Path.of("/usr/bin", tool);
    if (Files.isExecutable(path)) {
      return path;
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
    assertTrue(Files.isExecutable(path), "could not install " + debianPackage);
    return path;
  }

  /** Decodes an AVIF file to PNG bytes with libavif's {@code avifdec} (dav1d or libaom inside). */
  public static byte[] avifdec(byte[] avif) throws IOException {
    Path avifdec = ensure("avifdec", "libavif-bin");
    Path dir = Files.createTempDirectory("imgbeam-avifdec");
    try {
      Path in = dir.resolve("in.avif");
      Path out = dir.resolve("out.png");
      Files.write(in, avif);
      run(avifdec.toString(), in.toString(), out.toString());
      return Files.readAllBytes(out);
    } finally {
      for (Path p : List.of(dir.resolve("in.avif"), dir.resolve("out.png"), dir)) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Runs a command, fails the test on a non-zero exit, returns stdout and stderr together. */
  public static String run(String... command) throws IOException {
    Process process =
        new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
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
