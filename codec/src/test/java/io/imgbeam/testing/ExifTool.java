package io.imgbeam.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's exiftool ({@code exiftool -a -G1 -s}), the reference reader for metadata. Installs
 * {@code libimage-exiftool-perl} with apt-get when it is missing (tests run as root in CI).
 */
public final class ExifTool {
  private static final Path EXIFTOOL = Path.of("/usr/bin/exiftool");

  private ExifTool() {}

  /** One line of {@code exiftool -a -G1 -s}: {@code [group] name : value}. */
  public record Field(String group, String name, String value) {
    @Override
    public String toString() {
      return "[" + group + "] " + name + ": " + value;
    }
  }

  /** Every field of every file in {@code dir} (not recursive), by file name. */
  public static synchronized Map<String, List<Field>> read(Path dir) throws IOException {
    ensureInstalled();
    String out = run(EXIFTOOL.toString(), "-a", "-G1", "-s", "-charset", "UTF8", dir.toString());
    Map<String, List<Field>> files = new TreeMap<>();
    List<Field> current = null;
    for (String line : out.split("\n")) {
      if (line.startsWith("======== ")) {
        current = new ArrayList<>();
        files.put(Path.of(line.substring(9).strip()).getFileName().toString(), current);
      } else if (line.startsWith("[") && current != null) {
        int close = line.indexOf(']');
        int colon = line.indexOf(':', close);
        current.add(
            new Field(
                line.substring(1, close).strip(),
                line.substring(close + 1, colon).strip(),
                line.substring(colon + 1).strip()));
      }
    }
    return files;
  }

  private static void ensureInstalled() throws IOException {
    if (Files.isExecutable(EXIFTOOL)) {
      return;
    }
    String env = "DEBIAN_FRONTEND=noninteractive";
    run(
        "sh",
        "-c",
        env
            + " apt-get install -y -q libimage-exiftool-perl >/dev/null 2>&1 || "
            + "(apt-get update -q >/dev/null && "
            + env
            + " apt-get install -y -q libimage-exiftool-perl >/dev/null)");
    assertTrue(Files.isExecutable(EXIFTOOL), "could not install libimage-exiftool-perl");
  }

  private static String run(String... command) throws IOException {
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
