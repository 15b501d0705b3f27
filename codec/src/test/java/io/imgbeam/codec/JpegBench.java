package io.imgbeam.codec;

import io.imgbeam.testing.ReferenceTools;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * {@code bench/jpeg.sh}: imgbeam's JPEG against sharp's mozjpeg ({@code jpeg({quality, mozjpeg:
 * true})}) and libjpeg-turbo's {@code cjpeg -optimize -progressive}, scored with SSIMULACRA 2.
 * Every tool's output is decoded by the same decoder (imgbeam's, {@link ImageReading}) and scored
 * against the same 8-bit pixels the tools were given.
 *
 * <p>(a) per image: the score the reference reaches at quality 75, and imgbeam's bytes at its
 * smallest quarter quality reaching that score (an unbounded bisection: scores rise with quality).
 * (b) one floor for the whole corpus: the lowest single reference quality at which every image
 * reaches it, against what a user gets from {@code --format=jpeg --targetScore=ssimulacra2:FLOOR}
 * with default settings: {@link ImageCompressor} itself, so {@link QualitySearch} with its default
 * budget, on a lossless PNG of each image, and again with the budget of 12 it had before its second
 * phase (which then gets only the encodes the first phase left); each with the encodes it made, how
 * many answers sit at the boundary (a quarter quality lower misses the floor; for an answer of the
 * second phase, with the same lowest-frequency steps), how many the second phase gave and the bytes
 * of the first phase's answers, the mean score above the floor and the compressor's whole time per
 * image (decode, search, verify). Qualities are on imgbeam's user scale ({@link JpegQualityScale}).
 * Encode times: sharp's in-process encode (raw pixels in, one thread, best of 3), cjpeg's process
 * wall time (PPM read included, best of 3), imgbeam's in-process encode at its matched quality
 * (best of 3); and encode ms per megapixel of imgbeam at each effort against the JDK writer at
 * quality 75.
 *
 * <p>Not a test: run by the bench script with the test class path, with the sharp install folder in
 * the system property {@code imgbeam.sharp} and the floor in {@code imgbeam.floor}. With {@code
 * --calibrate} first, it makes {@link JpegQualityScale}'s table instead ({@link #calibrate}).
 */
public final class JpegBench {
  private JpegBench() {}

  private static final double FLOOR = Double.parseDouble(System.getProperty("imgbeam.floor", "70"));

  /** imgbeam's quality steps per unit in (a)'s bisection (the pipeline's search uses the same). */
  private static final int STEPS = Integer.getInteger("imgbeam.steps", 4);

  /**
   * (b)'s search budgets: the default, and the default before the search's second phase (12), which
   * leaves that phase only the encodes the first did not need.
   */
  private static final int[] BUDGETS = {CompressionSettings.DEFAULT_MAX_ENCODES, 12};

  private static final Path SHARP = Path.of(System.getProperty("imgbeam.sharp", "bench/.cache"));
  private static final Path SHARP_SCRIPT =
      Path.of(System.getProperty("imgbeam.root", ".")).resolve("bench/jpeg-sharp.js");

  /** One photo and the outputs made of it so far, by tool and quality. */
  private static final class Photo {
    final String name;
    final BufferedImage pixels;
    final Map<String, byte[]> outputs = new HashMap<>();
    final Map<String, Double> scores = new HashMap<>();
    final Map<Integer, CompressionResult> searched = new HashMap<>();

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
    boolean calibrate = args.length > 0 && args[0].equals("--calibrate");
    List<Photo> photos = read(calibrate ? Arrays.copyOfRange(args, 1, args.length) : args);
    if (calibrate) {
      calibrate(photos, work);
      return;
    }
    Path cjpeg = ReferenceTools.ensure("cjpeg", "libjpeg-turbo-progs");
    Tool imgbeam = imgbeam(CompressionSettings.DEFAULT_JPEG_EFFORT, STEPS);
    Tool mozjpeg = sharp(work);
    Tool turbo = cjpeg(work, cjpeg);
    String cjpegVersion = ReferenceTools.run(cjpeg.toString(), "-version").strip();
    compare(photos, mozjpeg, imgbeam, "sharp " + sharpVersion() + " mozjpeg");
    compare(photos, turbo, imgbeam, "cjpeg -optimize -progressive (" + cjpegVersion + ")");
    speed(photos);
  }

  private static List<Photo> read(String[] args) throws IOException {
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
    return photos;
  }

  /** User qualities of the calibration table between its fixed ends (1 -> 1, 100 -> 100). */
  private static final int CALIBRATION_STEP = 5;

  /**
   * {@code bench/jpeg.sh --calibrate}: {@link JpegQualityScale}'s table. For every user quality N
   * of the table (5 to 95 in fives), sharp's mozjpeg's mean SSIMULACRA 2 at quality N over the
   * photos; imgbeam's mean over the same photos on its own encoder scale at 1, 5, 10, ..., 100;
   * each N maps to the encoder quality where imgbeam's curve (linear between those points) first
   * reaches mozjpeg's mean. Writes the table to {@code imgbeam.scale} (the resource) and prints it.
   * Photos run on {@code imgbeam.threads} threads (default 2).
   */
  private static void calibrate(List<Photo> photos, Path work) throws Exception {
    long start = System.nanoTime();
    List<Integer> users = new ArrayList<>();
    for (int q = CALIBRATION_STEP; q < 100; q += CALIBRATION_STEP) {
      users.add(q);
    }
    List<Integer> grid = new ArrayList<>(List.of(1));
    for (int q = CALIBRATION_STEP; q <= 100; q += CALIBRATION_STEP) {
      grid.add(q);
    }
    int effort = CompressionSettings.DEFAULT_JPEG_EFFORT;
    double[][] mozjpeg = new double[photos.size()][];
    double[][] ours = new double[photos.size()][];
    ForkJoinPool pool = new ForkJoinPool(Integer.getInteger("imgbeam.threads", 2));
    try {
      pool.submit(
              () ->
                  IntStream.range(0, photos.size())
                      .parallel()
                      .forEach(
                          i -> {
                            try {
                              Photo photo = photos.get(i);
                              Path dir = Files.createDirectories(work.resolve("photo-" + i));
                              mozjpeg[i] = sharpScores(photo, dir, users);
                              ours[i] = new double[grid.size()];
                              for (int g = 0; g < grid.size(); g++) {
                                byte[] jpeg =
                                    JpegEncoder.onEncoderScale(grid.get(g), effort)
                                        .encode(photo.pixels)
                                        .bytes();
                                ours[i][g] = ssimulacra2(photo, jpeg);
                              }
                              System.err.println("calibrated on " + photo.name);
                            } catch (IOException e) {
                              throw new UncheckedIOException(e);
                            }
                          }))
          .get();
    } finally {
      pool.shutdown();
    }
    double[] moz = mean(mozjpeg);
    double[] curve = mean(ours);
    StringBuilder table = new StringBuilder();
    table
        .append(
            "# imgbeam's JPEG quality scale (JpegQualityScale): user quality -> encoder quality")
        .append(" (JpegWriter's table scale)\n# whose mean SSIMULACRA 2 equals sharp ")
        .append(sharpVersion())
        .append(" mozjpeg's at the user quality, over ")
        .append(photos.size())
        .append(" photos, jpegEffort ")
        .append(effort)
        .append(".\n# Generated by `bench/jpeg.sh --calibrate`; do not edit by hand.\n")
        .append("# imgbeam's mean on its encoder scale:");
    for (int g = 0; g < grid.size(); g++) {
      table.append(String.format(Locale.ROOT, " q%d %.2f", grid.get(g), curve[g]));
    }
    table.append("\n# user\tencoder\tmozjpeg mean SSIMULACRA 2\n1\t1.00\n");
    for (int u = 0; u < users.size(); u++) {
      table.append(
          String.format(
              Locale.ROOT, "%d\t%.2f\t%.2f%n", users.get(u), inverse(grid, curve, moz[u]), moz[u]));
    }
    table.append("100\t100.00\n");
    Path out = Path.of(System.getProperty("imgbeam.scale", "jpeg-quality-scale.tsv"));
    Files.writeString(out, table, StandardCharsets.UTF_8);
    System.out.print(table);
    System.out.printf(
        Locale.ROOT, "# written to %s in %.0f s%n", out, (System.nanoTime() - start) / 1e9);
  }

  /** Where the piecewise-linear curve through (grid, curve) first reaches {@code score}. */
  private static double inverse(List<Integer> grid, double[] curve, double score) {
    if (score <= curve[0]) {
      return grid.get(0);
    }
    for (int g = 1; g < grid.size(); g++) {
      if (curve[g] >= score) {
        double t = (score - curve[g - 1]) / (curve[g] - curve[g - 1]);
        return grid.get(g - 1) + t * (grid.get(g) - grid.get(g - 1));
      }
    }
    return grid.get(grid.size() - 1);
  }

  private static double[] mean(double[][] rows) {
    double[] mean = new double[rows[0].length];
    for (double[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        mean[i] += row[i] / rows.length;
      }
    }
    return mean;
  }

  /** sharp's mozjpeg at each quality (one node process), scored. */
  private static double[] sharpScores(Photo photo, Path dir, List<Integer> qualities)
      throws IOException {
    runSharp(photo, dir, 1, String.join(",", qualities.stream().map(String::valueOf).toList()));
    double[] scores = new double[qualities.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] =
          ssimulacra2(photo, Files.readAllBytes(dir.resolve("sharp-" + qualities.get(i) + ".jpg")));
    }
    return scores;
  }

  private static double ssimulacra2(Photo photo, byte[] jpeg) throws IOException {
    return Ssimulacra2.score(photo.pixels, ImageReading.decode(jpeg, ImageFormat.JPEG));
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
    double ourScale = 0;
    double refScale = 0;
    for (Photo photo : photos) {
      refFloor += output(reference, photo, corpusQuality).length;
      ourScale += score(imgbeam, photo, 75) / photos.size();
      refScale += score(reference, photo, 75) / photos.size();
    }
    // One search before the timed ones, so that none of them pays for the JIT's warm-up.
    searched(new Photo("warm-up", photos.get(0).pixels), CompressionSettings.DEFAULT_MAX_ENCODES);
    for (int budget : BUDGETS) {
      long ourFloor = 0;
      double overshoot = 0;
      int encodes = 0;
      int met = 0;
      int boundary = 0;
      int refined = 0;
      long firstPhase = 0;
      long searchMillis = 0;
      StringBuilder qualities = new StringBuilder();
      for (Photo photo : photos) {
        CompressionResult r = searched(photo, budget);
        ourFloor += r.output().orElseThrow().length;
        overshoot += r.score().orElseThrow() - FLOOR;
        encodes += r.encodesTried().orElseThrow();
        met += r.targetMet().orElseThrow() ? 1 : 0;
        searchMillis += r.totalMillis();
        double q = r.qualityExact().orElse((double) r.qualitySetting().orElseThrow());
        qualities.append(qualities.length() == 0 ? "" : ",").append(quality(q));
        if (r.jpegLowFrequencyQuality().isPresent()) {
          // The second phase kept the lowest-frequency steps of the first phase's answer: at its
          // boundary when a quarter lower (with those steps) misses the floor.
          double low = r.jpegLowFrequencyQuality().get();
          qualities.append("/low").append(quality(low));
          refined++;
          firstPhase += output(imgbeam, photo, low).length;
          boundary += q == 1 || pinnedScore(photo, q - 1.0 / STEPS, low) < FLOOR ? 1 : 0;
        } else {
          firstPhase += r.output().orElseThrow().length;
          // At the boundary: a quarter quality lower misses the floor (what a closed bracket
          // gives).
          boundary += q == 1 || score(imgbeam, photo, q - 1.0 / STEPS) < FLOOR ? 1 : 0;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "(b) every image at SSIMULACRA2 >= %.0f: %s at one quality (q%s) %d bytes;"
              + " imgbeam --targetScore=ssimulacra2:%.0f (ImageCompressor, default settings%s:"
              + " --maxEncodes=%d, start q%d; q %s; %d of %d met; %.2f encodes per image, %d of %d"
              + " at the boundary; %d with the lowest steps of a higher quality (/low), %d bytes with"
              + " the first phase's answers, %.3fx; mean score above the floor %.2f; %.0f ms per"
              + " image) %d bytes; ratio %.3fx%n",
          FLOOR,
          reference.name(),
          quality(corpusQuality),
          refFloor,
          FLOOR,
          budget == CompressionSettings.DEFAULT_MAX_ENCODES ? "" : " but",
          budget,
          CompressionSettings.DEFAULT_JPEG_QUALITY,
          qualities,
          met,
          photos.size(),
          encodes / (double) photos.size(),
          boundary,
          photos.size(),
          refined,
          firstPhase,
          (double) firstPhase / refFloor,
          overshoot / photos.size(),
          searchMillis / (double) photos.size(),
          ourFloor,
          (double) ourFloor / refFloor);
    }
    System.out.printf(
        Locale.ROOT,
        "Quality scale: mean SSIMULACRA2 at q75, %s %.2f, imgbeam %.2f (difference %+.2f)%n",
        reference.name(),
        refScale,
        ourScale,
        ourScale - refScale);
  }

  /**
   * The photo through the product's own path: {@link ImageCompressor} with default settings but
   * {@code --maxEncodes=budget}, JPEG output and the floor as {@code --targetScore}, on a lossless
   * PNG of the pixels (so no input is kept for being smaller). Computed once per photo and budget.
   */
  private static CompressionResult searched(Photo photo, int budget) throws IOException {
    CompressionResult cached = photo.searched.get(budget);
    if (cached == null) {
      java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
      ImageIO.write(photo.pixels, "png", png);
      CompressionSettings settings =
          CompressionSettings.create()
              .withOutputFormat(OutputFormat.JPEG)
              .withTargetScore(new Metric.Target(Metric.SSIMULACRA2, FLOOR))
              .withMaxEncodes(budget);
      cached = ImageCompressor.of(settings).compress(png.toByteArray());
      if (cached.status() != Status.WRITTEN) {
        throw new IllegalStateException(photo.name + ": " + cached);
      }
      photo.searched.put(budget, cached);
    }
    return cached;
  }

  /**
   * SSIMULACRA 2 of imgbeam's default effort at {@code quality} with the lowest-frequency steps of
   * {@code low}.
   */
  private static double pinnedScore(Photo photo, double quality, double low) throws IOException {
    String key = "pinned@" + quality + "/" + low;
    Double score = photo.scores.get(key);
    if (score == null) {
      JpegEncoder encoder = new JpegEncoder(quality, low, CompressionSettings.DEFAULT_JPEG_EFFORT);
      score = ssimulacra2(photo, encoder.encode(photo.pixels).bytes());
      photo.scores.put(key, score);
    }
    return score;
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
        String out = runSharp(photo, work, runs, "" + quality);
        String[] parts = out.strip().split("\\s+");
        times.put(photo.name + "@" + quality, Double.parseDouble(parts[parts.length - 1]));
        return Files.readAllBytes(work.resolve("sharp-" + quality + ".jpg"));
      }
    };
  }

  /**
   * {@code bench/jpeg-sharp.js} on the photo's raw pixels: writes {@code dir/sharp-Q.jpg} for each
   * of the comma-separated qualities and returns its "Q MILLISECONDS" lines (best of {@code runs}).
   */
  private static String runSharp(Photo photo, Path dir, int runs, String qualities)
      throws IOException {
    Path raw = dir.resolve("in.raw");
    boolean grey = photo.pixels.getType() == BufferedImage.TYPE_BYTE_GRAY;
    Files.write(raw, rawPixels(photo.pixels));
    return ReferenceTools.run(
        "node",
        SHARP_SCRIPT.toString(),
        SHARP.toString(),
        raw.toString(),
        "" + photo.pixels.getWidth(),
        "" + photo.pixels.getHeight(),
        grey ? "1" : "3",
        dir.resolve("sharp").toString(),
        "" + runs,
        qualities);
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
