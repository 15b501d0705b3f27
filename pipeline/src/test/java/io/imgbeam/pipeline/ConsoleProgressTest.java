package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.transforms.RunProgress;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleProgressTest {
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  @Test
  void lineShowsDoneTotalRateAndTimeLeft() {
    assertEquals(
        "progress: 40/100 images (40%), 24.0 images/min, 2m 30s left",
        ConsoleProgress.line(40, 100, 100));
    assertEquals(
        "progress: 0/7 images (0%), 0.0 images/min, time left unknown",
        ConsoleProgress.line(0, 7, 3));
    // Retried inputs count again in the runner's attempted metrics: never past the total.
    assertEquals(
        "progress: 5/5 images (100%), 60.0 images/min, 0s left", ConsoleProgress.line(6, 5, 5));
  }

  @Test
  void durationsReadAsSecondsMinutesOrHours() {
    assertEquals("45s", ConsoleProgress.duration(45.2));
    assertEquals("2m 05s", ConsoleProgress.duration(125));
    assertEquals("3h 07m", ConsoleProgress.duration(3 * 3600 + 7 * 60 + 59));
  }

  @Test
  void printsAtMostOneLinePerInterval() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ConsoleProgress progress = new ConsoleProgress(out, 5 * SECOND, false, 0);
    assertFalse(progress.update(SECOND, new RunProgress(10, 1)), "before the first interval");
    assertTrue(progress.update(5 * SECOND, new RunProgress(10, 2)));
    assertFalse(progress.update(9 * SECOND, new RunProgress(10, 3)), "within the interval");
    assertTrue(progress.update(10 * SECOND, new RunProgress(10, 4)));
    assertFalse(progress.update(20 * SECOND, new RunProgress(0, 0)), "nothing matched yet");
    progress.finish();
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(
        List.of(
            "progress: 2/10 images (20%), 24.0 images/min, 20s left",
            "progress: 4/10 images (40%), 24.0 images/min, 15s left"),
        lines);
  }

  @Test
  void rewritesOneLineInPlaceOnATerminal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ConsoleProgress progress = new ConsoleProgress(out, SECOND, true, 0);
    progress.update(600 * SECOND, new RunProgress(1000, 10));
    progress.update(660 * SECOND, new RunProgress(1000, 990));
    progress.finish();
    String first = "progress: 10/1000 images (1%), 1.0 images/min, 16h 30m left";
    String second = "progress: 990/1000 images (99%), 90.0 images/min, 7s left";
    assertEquals(
        "\r" + first + "\r" + second + " ".repeat(first.length() - second.length()) + "\n",
        bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }

  @Test
  void aRunPrintsProgressLinesAtTheIntervalAsked() throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Random random = new Random(9);
    for (int i = 0; i < 12; i++) {
      BufferedImage image = new BufferedImage(1200, 900, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          image.setRGB(
              x, y, ((x * 255 / 1200) << 16) | ((y * 255 / 900) << 8) | random.nextInt(64));
        }
      }
      ImageIO.write(image, "png", in.resolve("image-" + i + ".png").toFile());
    }
    JobRun run =
        JobRun.of(
            "--input=" + in + "/*.png",
            "--output=" + dir.resolve("out"),
            "--format=jpeg",
            "--progressSeconds=0.05");
    assertEquals(0, run.code(), run.err());
    List<String> progress = run.out().lines().filter(l -> l.startsWith("progress: ")).toList();
    assertFalse(progress.isEmpty(), run.out());
    for (String line : progress) {
      assertTrue(line.matches("progress: \\d+/12 images \\(\\d+%\\), .*"), line);
    }
    Matcher took = Pattern.compile("imgbeam: 12 inputs in ([0-9.]+) s").matcher(run.out());
    assertTrue(took.find(), run.out());
    double seconds = Double.parseDouble(took.group(1));
    assertTrue(progress.size() <= seconds / 0.05 + 1, progress.size() + " lines in " + seconds);
  }

  @Test
  void helpListsTheOption() {
    JobRun help = JobRun.of("--help");
    assertTrue(help.out().contains("--progressSeconds=SECONDS  (default: 10.0)"), help.out());
    assertTrue(help.out().contains("imgbeam's default: cores"), help.out());
  }

  @Test
  void refusesAnIntervalOutOfRange() {
    JobRun run = JobRun.of("--input=" + dir + "/*.png", "--output=/tmp/x", "--progressSeconds=-1");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("expected 0-3600 for progressSeconds, got -1.0"), run.err());
  }
}
