package io.imgbeam.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** The checked-in images under {@code testdata/images}, shared by every module's tests. */
public final class TestData {
  private TestData() {}

  /** The checkout root: {@code -Dimgbeam.root} (set by the build), else the nearest parent. */
  public static Path root() {
    String root = System.getProperty("imgbeam.root");
    if (root != null && !root.isBlank() && Files.isDirectory(Path.of(root, "testdata"))) {
      return Path.of(root);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("testdata/images"))) {
        return dir;
      }
    }
    throw new AssertionError("no testdata/ folder: set -Dimgbeam.root or run inside the checkout");
  }

  /** {@code testdata/images}. */
  public static Path images() {
    return root().resolve("testdata/images");
  }

  /** {@code testdata/hostile}: files made by {@code testdata/make-hostile.sh}. */
  public static Path hostile() {
    return root().resolve("testdata/hostile");
  }

  /** Every regular file under {@code testdata/hostile}, as relative paths, sorted. */
  public static List<String> allHostile() {
    return filesUnder(hostile());
  }

  /** A test image by its path under {@code testdata/images}; fails when it is missing. */
  public static Path path(String relative) {
    Path file = images().resolve(relative);
    assertTrue(
        Files.isRegularFile(file),
        "missing test image " + file + " (made by testdata/make-testdata.sh)");
    return file;
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every regular file under {@code testdata/images}, as relative paths, sorted. */
  public static List<String> allImages() {
    return filesUnder(images());
  }

  private static List<String> filesUnder(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> folder.relativize(p).toString())
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes with every ImageIO plugin on the class path (TwelveMonkeys included). */
  public static BufferedImage decode(byte[] bytes) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      assertNotNull(image, "no ImageIO reader recognises these bytes");
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static BufferedImage decode(String relative) {
    return decode(bytes(relative));
  }
}
