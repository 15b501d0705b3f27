package io.imgbeam.codec;

import io.imgbeam.testing.ReferenceTools;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * {@code bench/jpeg.sh}: imgbeam's JPEG against sharp's mozjpeg ({@code jpeg({quality, mozjpeg:
 * true})}) and libjpeg-turbo's {@code cjpeg -optimize -progressive}, scored with SSIMULACRA 2.
 * Every tool's output is decoded by the same decoder (imgbeam's, {@link ImageReading}) and scored
 * against the same 8-bit pixels the tools were given.
 *
 * <p>(a) per image: the score the reference reaches at quality 75, and imgbeam's bytes at its
 * smallest quality reaching that score. (b) one floor for the whole corpus: the lowest single
 * reference quality at which every image reaches it, against imgbeam's per-image smallest quality.
 * Qualities are found by bisection (scores rise with quality). Encode times: sharp's in-process
 * encode (raw pixels in, one thread, best of 3), cjpeg's process wall time (PPM read included, best
 * of 3), imgbeam's in-process encode at its matched quality (best of 3); and encode ms per
 * megapixel of imgbeam at each effort against the JDK writer at quality 75.
 *
 * <p>Not a test: run by the bench script with the test class path, with the sharp install folder in
 * the system property {@code imgbeam.sharp} and the floor in {@code imgbeam.floor}.
 */
public final class JpegBench {
  private JpegBench() {}

  private static final double FLOOR = Double.parseDouble(System.getProperty("imgbeam.floor", "70"));

  /** imgbeam's quality steps per unit in the searches (the pipeline's search uses the same). */
  private static final int STEPS = Integer.getInteger("imgbeam.steps", 4);

  private static final Path SHARP = Path.of(System.getProperty("imgbeam.sharp", "bench/.cache"));
  private static final Path SHARP_SCRIPT =
      Path.of(System.getProperty("imgbeam.root", ".")).resolve("bench/jpeg-sharp.js");

  /** One photo and the outputs made of it so far, by tool and quality. */
  private static final class Photo {
    final String name;
    final BufferedImage pixels;
    final Map<String, byte[]> outputs = new HashMap<>();
    final Map<String, Double> scores = new HashMap<>();

    Photo(String name, BufferedImage pixels) {
      this.name = name;
      this.pixels = pixels;
    }
  }

  private interface Tool {
    String name();

    /** Quality steps per unit: 1 for the integer qualities of the reference tools. */
    default int steps() {
      return 1;
    }

    byte[] encode(Photo photo, double quality) throws Exception;

    /** Milliseconds of one encode at {@code quality}, best of 3. */
    double millis(Photo photo, double quality) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("imgbeam-jpeg-bench");
    Path cjpeg = ReferenceTools.ensure("cjpeg", "libjpeg-turbo-progs");
    List<Photo> photos = new ArrayList<>();
    for (String arg : args) {
      BufferedImage image = ImageIO.read(Path.of(arg).toFile());
      if (image == null) {
        System.err.println("skipped (not readable): " + arg);
        continue;
      }
      BufferedImage pixels = Pixels.isGrey(image) ? Pixels.toGrey8(image) : Pixels.toRgb8(image);
      photos.add(new Photo(Path.of(arg).getFileName().toString(), pixels));
    }
    Tool imgbeam = imgbeam(CompressionSettings.DEFAULT_JPEG_EFFORT, STEPS);
    Tool mozjpeg = sharp(work);
    Tool turbo = cjpeg(work, cjpeg);
    String cjpegVersion = ReferenceTools.run(cjpeg.toString(), "-version").strip();
    compare(photos, mozjpeg, imgbeam, "sharp " + sharpVersion() + " mozjpeg");
    compare(photos, turbo, imgbeam, "cjpeg -optimize -progressive (" + cjpegVersion + ")");
    speed(photos);
  }

  private static void compare(List<Photo> photos, Tool reference, Tool imgbeam, String title)
      throws Exception {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "(a) imgbeam JPEG (effort %d) vs %s q75, at the score the reference reaches%n",
        CompressionSettings.DEFAULT_JPEG_EFFORT,
        title);
    System.out.printf(
        Locale.ROOT,
        "%-26s %10s %9s %6s %8s | %6s %9s %6s %8s | %6s%n",
        (Object[]) "image,size,ref bytes,score,ref ms,q,ours,score,ours ms,ratio".split(","));
    long[] bytes = new long[2];
    double[] millis = new double[2];
    for (Photo photo : photos) {
      double target = score(reference, photo, 75);
      double q = lowestQuality(imgbeam, photo, target);
      long ref = output(reference, photo, 75).length;
      long ours = output(imgbeam, photo, q).length;
      double rm = reference.millis(photo, 75);
      double om = imgbeam.millis(photo, q);
      System.out.printf(
          Locale.ROOT,
          "%-26s %10s %9d %6.2f %8.1f | %6s %9d %6.2f %8.1f | %5.3fx%n",
          photo.name,
          photo.pixels.getWidth() + "x" + photo.pixels.getHeight(),
          ref,
          target,
          rm,
          quality(q),
          ours,
          score(imgbeam, photo, q),
          om,
          (double) ours / ref);
      bytes[0] += ref;
      bytes[1] += ours;
      millis[0] += rm;
      millis[1] += om;
    }
    System.out.printf(
        Locale.ROOT,
        "%-26s %10s %9d %6s %8.1f | %6s %9d %6s %8.1f | %5.3fx%n",
        "TOTAL (" + photos.size() + " images)",
        "",
        bytes[0],
        "",
        millis[0],
        "",
        bytes[1],
        "",
        millis[1],
        (double) bytes[1] / bytes[0]);

    double corpusQuality = 1;
    for (Photo photo : photos) {
      corpusQuality = Math.max(corpusQuality, lowestQuality(reference, photo, FLOOR));
    }
    long refFloor = 0;
    long ourFloor = 0;
    double overshoot = 0;
    StringBuilder qualities = new StringBuilder();
    for (Photo photo : photos) {
      refFloor += output(reference, photo, corpusQuality).length;
      double q = lowestQuality(imgbeam, photo, FLOOR);
      ourFloor += output(imgbeam, photo, q).length;
      overshoot += score(imgbeam, photo, q) - FLOOR;
      qualities.append(qualities.length() == 0 ? "" : ",").append(quality(q));
    }
    System.out.printf(
        Locale.ROOT,
        "(b) every image at SSIMULACRA2 >= %.0f: %s at one quality (q%s) %d bytes;"
            + " imgbeam per image (q %s; mean score above the floor %.2f) %d bytes; ratio %.3fx%n",
        FLOOR,
        reference.name(),
        quality(corpusQuality),
        refFloor,
        qualities,
        overshoot / photos.size(),
        ourFloor,
        (double) ourFloor / refFloor);
  }

  /** Encode ms per megapixel over the corpus: imgbeam at each effort and the JDK writer, q75. */
  private static void speed(List<Photo> photos) throws Exception {
    double megapixels = 0;
    for (Photo photo : photos) {
      megapixels += photo.pixels.getWidth() * (double) photo.pixels.getHeight() / 1e6;
    }
    StringBuilder line = new StringBuilder();
    for (int effort = 0; effort <= 1; effort++) {
      Tool tool = imgbeam(effort, STEPS);
      double ms = 0;
      for (Photo photo : photos) {
        ms += tool.millis(photo, 75);
      }
      line.append(String.format(Locale.ROOT, "imgbeam effort %d %.1f, ", effort, ms / megapixels));
    }
    double jdk = 0;
    for (Photo photo : photos) {
      jdk += ModernFormatsBench.bestOf3(() -> JpegEncoderTest.jdkJpeg(photo.pixels, 75));
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Encode ms per megapixel at q75 (%.1f MP, one thread, best of 3): %sJDK writer %.1f%n",
        megapixels,
        line,
        jdk / megapixels);
  }

  /** The smallest quality (on the tool's steps) whose score reaches {@code target}, or 100. */
  private static double lowestQuality(Tool tool, Photo photo, double target) throws Exception {
    int steps = tool.steps();
    int lo = steps;
    int hi = 100 * steps;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (score(tool, photo, mid / (double) steps) >= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo / (double) steps;
  }

  /** A quality as printed: an integer without decimals, else two. */
  private static String quality(double q) {
    return q == Math.rint(q) ? Integer.toString((int) q) : String.format(Locale.ROOT, "%.2f", q);
  }

  private static byte[] output(Tool tool, Photo photo, double quality) throws Exception {
    String key = tool.name() + "@" + quality;
    byte[] bytes = photo.outputs.get(key);
    if (bytes == null) {
      bytes = tool.encode(photo, quality);
      photo.outputs.put(key, bytes);
    }
    return bytes;
  }

  private static double score(Tool tool, Photo photo, double quality) throws Exception {
    String key = tool.name() + "@" + quality;
    Double score = photo.scores.get(key);
    if (score == null) {
      BufferedImage decoded = ImageReading.decode(output(tool, photo, quality), ImageFormat.JPEG);
      score = Ssimulacra2.score(photo.pixels, decoded);
      photo.scores.put(key, score);
    }
    return score;
  }

  private static Tool imgbeam(int effort, int steps) {
    return new Tool() {
      @Override
      public String name() {
        return "imgbeam-e" + effort;
      }

      @Override
      public int steps() {
        return steps;
      }

      @Override
      public byte[] encode(Photo photo, double quality) throws IOException {
        return new JpegEncoder(quality, effort).encode(photo.pixels).bytes();
      }

      @Override
      public double millis(Photo photo, double quality) throws Exception {
        return ModernFormatsBench.bestOf3(
            () -> new JpegEncoder(quality, effort).encode(photo.pixels));
      }
    };
  }

  /** sharp's mozjpeg, through {@code bench/jpeg-sharp.js} on raw pixels. */
  private static Tool sharp(Path work) {
    return new Tool() {
      private final Map<String, Double> times = new HashMap<>();

      @Override
      public String name() {
        return "mozjpeg";
      }

      @Override
      public byte[] encode(Photo photo, double quality) throws IOException {
        return run(photo, (int) quality, 1);
      }

      @Override
      public double millis(Photo photo, double quality) throws IOException {
        String key = photo.name + "@" + (int) quality;
        if (!times.containsKey(key)) {
          run(photo, (int) quality, 3);
        }
        return times.get(key);
      }

      private byte[] run(Photo photo, int quality, int runs) throws IOException {
        Path raw = work.resolve("in.raw");
        boolean grey = photo.pixels.getType() == BufferedImage.TYPE_BYTE_GRAY;
        Files.write(raw, rawPixels(photo.pixels));
        Path prefix = work.resolve("sharp");
        String out =
            ReferenceTools.run(
                "node",
                SHARP_SCRIPT.toString(),
                SHARP.toString(),
                raw.toString(),
                "" + photo.pixels.getWidth(),
                "" + photo.pixels.getHeight(),
                grey ? "1" : "3",
                prefix.toString(),
                "" + runs,
                "" + quality);
        String[] parts = out.strip().split("\\s+");
        times.put(photo.name + "@" + quality, Double.parseDouble(parts[parts.length - 1]));
        return Files.readAllBytes(work.resolve("sharp-" + quality + ".jpg"));
      }
    };
  }

  /** libjpeg-turbo's cjpeg on a PPM/PGM of the pixels. */
  private static Tool cjpeg(Path work, Path cjpeg) {
    return new Tool() {
      @Override
      public String name() {
        return "cjpeg";
      }

      @Override
      public byte[] encode(Photo photo, double quality) throws IOException {
        Path out = work.resolve("cjpeg.jpg");
        ReferenceTools.run(command(photo, quality, out));
        return Files.readAllBytes(out);
      }

      @Override
      public double millis(Photo photo, double quality) throws Exception {
        String[] command = command(photo, quality, work.resolve("cjpeg.jpg"));
        return ModernFormatsBench.bestOf3(() -> ReferenceTools.run(command));
      }

      private String[] command(Photo photo, double quality, Path out) throws IOException {
        Path in = work.resolve(photo.name + ".pnm");
        if (!Files.exists(in)) {
          writePnm(photo.pixels, in);
        }
        return new String[] {
          cjpeg.toString(),
          "-quality",
          "" + (int) quality,
          "-optimize",
          "-progressive",
          "-outfile",
          out.toString(),
          in.toString()
        };
      }
    };
  }

  private static byte[] rawPixels(BufferedImage pixels) {
    boolean grey = pixels.getType() == BufferedImage.TYPE_BYTE_GRAY;
    int[] argb = Pixels.argb(pixels);
    byte[] raw = new byte[argb.length * (grey ? 1 : 3)];
    for (int i = 0; i < argb.length; i++) {
      if (grey) {
        raw[i] = (byte) argb[i];
      } else {
        raw[3 * i] = (byte) (argb[i] >> 16);
        raw[3 * i + 1] = (byte) (argb[i] >> 8);
        raw[3 * i + 2] = (byte) argb[i];
      }
    }
    return raw;
  }

  private static void writePnm(BufferedImage pixels, Path file) throws IOException {
    boolean grey = pixels.getType() == BufferedImage.TYPE_BYTE_GRAY;
    String header =
        (grey ? "P5" : "P6") + "\n" + pixels.getWidth() + " " + pixels.getHeight() + "\n255\n";
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      out.write(rawPixels(pixels));
    }
  }

  private static String sharpVersion() throws IOException {
    String json =
        Files.readString(SHARP.resolve("node_modules/sharp/package.json"), StandardCharsets.UTF_8);
    int at = json.indexOf("\"version\"");
    return json.substring(
        json.indexOf('"', at + 10) + 1, json.indexOf('"', json.indexOf('"', at + 10) + 1));
  }
}
