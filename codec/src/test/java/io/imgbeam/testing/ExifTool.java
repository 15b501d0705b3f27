package io.imgbeam.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    DebianTool.ensureInstalled(EXIFTOOL, "libimage-exiftool-perl");
  }

  private static String run(String... command) throws IOException {
    return DebianTool.run(command);
  }
}
