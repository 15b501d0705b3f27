package io.imgbeam.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's ImageMagick ({@code /usr/bin/convert}), a reference for tests only; installed by {@link
 * ReferenceTools} when missing.
 */
public final class ImageMagick {
  private static final Path CONVERT = Path.of("/usr/bin/convert");

  private ImageMagick() {}

  /** Runs {@code convert ARGS}; fails the test on a non-zero exit. */
  public static void convert(String... args) throws IOException {
    ReferenceTools.ensure(CONVERT.getFileName().toString(), "imagemagick");
    List<String> command = new ArrayList<>();
    command.add(CONVERT.toString());
    command.addAll(List.of(args));
    ReferenceTools.run(command.toArray(String[]::new));
  }
}
