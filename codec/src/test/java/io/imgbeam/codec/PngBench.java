package io.imgbeam.codec;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes, time and SSIM of imgbeam's PNG encoder against optipng, oxipng and pngquant on a list of
 * PNG files; run by {@code bench/png.sh}. Tools are found on the PATH (oxipng also through the
 * {@code imgbeam.oxipng} property) and skipped when missing. Times: imgbeam's in-process encode of
 * the decoded image; the tools' process wall time (start, read, optimise, write).
 */
final class PngBench {
  private final Map<String, long[]> bytes = new LinkedHashMap<>();
  private final Map<String, double[]> millis = new LinkedHashMap<>();
  private final Map<String, List<Double>> scores = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    String cache = System.getProperty("imgbeam.oxipng", "");
    new PngBench().run(List.of(args), cache.isEmpty() ? null : cache);
  }

  /**
   * The command running oxipng {@code engine} (9 or 10) through bench/oxipng.mjs, IN and OUT still
   * to be replaced.
   */
  private static String[] oxipng(String cache, String engine) {
    String script =
        Path.of(System.getProperty("imgbeam.root", "."), "bench", "oxipng.mjs").toString();
    return new String[] {"node", script, cache, engine, "IN", "OUT"};
  }

  private void run(List<String> files, String oxipng) throws Exception {
    Path work = Files.createTempDirectory("pngbench");
    PngEncoder lossless = new PngEncoder();
    PngEncoder slowest = new PngEncoder(PngOptions.DEFAULT.withEffort(PngOptions.MAX_EFFORT));
    PngEncoder lossy = lossy(PngOptions.DEFAULT.effort(), PngOptions.DEFAULT.dither());
    PngEncoder undithered = lossy(PngOptions.DEFAULT.effort(), 0);
    PngEncoder allColours =
        new PngEncoder(PngOptions.DEFAULT.withMode(PngMode.LOSSY).withMaxScore(1));
    PngEncoder lossySlowest = lossy(PngOptions.MAX_EFFORT, PngOptions.DEFAULT.dither());
    long inputBytes = 0;
    boolean header = true;
    for (String file : files) {
      Path input = Path.of(file);
      inputBytes += Files.size(input);
      BufferedImage source = TestData.decode(Files.readAllBytes(input));
      measure("imgbeam lossless", source, () -> lossless.encode(source).bytes());
      measure("imgbeam lossless e4", source, () -> slowest.encode(source).bytes());
      measure(
          "optipng -o2",
          source,
          () ->
              tool(work, input, "optipng", "-quiet", "-o2", "-strip", "all", "-out", "OUT", "IN"));
      if (oxipng != null) {
        measure("oxipng 10 -o2", source, () -> tool(work, input, oxipng(oxipng, "10")));
        measure("oxipng 9 -o2", source, () -> tool(work, input, oxipng(oxipng, "9")));
      }
      measure("imgbeam lossy", source, () -> lossy.encode(source).bytes());
      measure("imgbeam lossy dither 0", source, () -> undithered.encode(source).bytes());
      measure("imgbeam lossy 256", source, () -> allColours.encode(source).bytes());
      measure("imgbeam lossy e4", source, () -> lossySlowest.encode(source).bytes());
      String then = oxipng != null ? "oxipng" : "optipng";
      measure(
          "pngquant + " + then,
          source,
          () -> {
            Path quantised = work.resolve("quantised.png");
            Files.write(
                quantised, tool(work, input, "pngquant", "--force", "--output", "OUT", "IN"));
            return oxipng != null
                ? tool(work, quantised, oxipng(oxipng, "10"))
                : tool(
                    work, quantised, "optipng", "-quiet", "-o2", "-strip", "all", "-out", "OUT",
                    "IN");
          });
      if (header) {
        System.out.printf(Locale.ROOT, "%-24s", "image (bytes, SSIM)");
        for (String name : last.keySet()) {
          System.out.printf(Locale.ROOT, " | %-15s", name);
        }
        System.out.println();
        header = false;
      }
      String shown = input.getFileName().toString();
      System.out.printf(Locale.ROOT, "%-24s", shown.length() > 24 ? shown.substring(0, 24) : shown);
      for (double[] result : last.values()) {
        System.out.printf(Locale.ROOT, " | %7d %.4f", (long) result[0], result[1]);
      }
      System.out.println();
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "%d PNGs, %d bytes in%n", files.size(), inputBytes);
    System.out.printf(
        Locale.ROOT,
        "%-24s %12s %9s %10s %8s %8s%n",
        "encoder",
        "bytes",
        "ratio",
        "ms/image",
        "meanSSIM",
        "minSSIM");
    long base = bytes.containsKey("imgbeam lossless") ? bytes.get("imgbeam lossless")[0] : 1;
    for (String name : bytes.keySet()) {
      List<Double> s = scores.get(name);
      double mean = s.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double min = s.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
      System.out.printf(
          Locale.ROOT,
          "%-24s %12d %8.3fx %10.1f %8.4f %8.4f%n",
          name,
          bytes.get(name)[0],
          bytes.get(name)[0] / (double) base,
          millis.get(name)[0] / files.size(),
          mean,
          min);
    }
    System.out.println("ratio: bytes against imgbeam lossless");
    if (bytes.containsKey("oxipng 9 -o2") && bytes.containsKey("imgbeam lossless")) {
      System.out.printf(
          Locale.ROOT,
          "imgbeam lossless / oxipng 9 -o2 = %.3fx%n",
          bytes.get("imgbeam lossless")[0] / (double) bytes.get("oxipng 9 -o2")[0]);
    }
    String reference = oxipng != null ? "oxipng 10 -o2" : "optipng -o2";
    String quantised = "pngquant + " + (oxipng != null ? "oxipng" : "optipng");
    for (String effort : new String[] {"", " e4"}) {
      if (!bytes.containsKey("imgbeam lossless" + effort)
          || !bytes.containsKey(reference)
          || !bytes.containsKey("imgbeam lossy" + effort)
          || !bytes.containsKey(quantised)) {
        continue;
      }
      System.out.printf(
          Locale.ROOT,
          "goals%s: imgbeam lossless / %s = %.3fx (<= 1.00); imgbeam lossy / %s = %.3fx (<= 0.95)%n",
          effort,
          reference,
          bytes.get("imgbeam lossless" + effort)[0] / (double) bytes.get(reference)[0],
          quantised,
          bytes.get("imgbeam lossy" + effort)[0] / (double) bytes.get(quantised)[0]);
    }
  }

  private static PngEncoder lossy(int effort, double dither) {
    return new PngEncoder(
        PngOptions.DEFAULT.withMode(PngMode.LOSSY).withEffort(effort).withDither(dither));
  }

  private interface Encode {
    byte[] run() throws Exception;
  }

  private final Map<String, double[]> last = new LinkedHashMap<>();

  /** A regular expression: only the rows whose name matches are measured (all when empty). */
  private static final String ONLY = System.getProperty("imgbeam.only", "");

  private void measure(String name, BufferedImage source, Encode encode) throws Exception {
    if (!ONLY.isEmpty() && !name.matches(ONLY)) {
      return;
    }
    long start = System.nanoTime();
    byte[] out = encode.run();
    double ms = (System.nanoTime() - start) / 1e6;
    BufferedImage decoded = TestData.decode(out);
    bytes.computeIfAbsent(name, k -> new long[1])[0] += out.length;
    millis.computeIfAbsent(name, k -> new double[1])[0] += ms;
    double score = Ssim.score(source, decoded);
    scores.computeIfAbsent(name, k -> new ArrayList<>()).add(score);
    last.put(name, new double[] {out.length, score});
  }

  /** Runs a tool with IN and OUT replaced by the input and a fresh output path; returns OUT. */
  private static byte[] tool(Path work, Path input, String... command)
      throws IOException, InterruptedException {
    Path out = work.resolve("out.png");
    Files.deleteIfExists(out);
    List<String> args = new ArrayList<>();
    for (String arg : command) {
      args.add(arg.equals("IN") ? input.toString() : arg.equals("OUT") ? out.toString() : arg);
    }
    Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
    String log = new String(process.getInputStream().readAllBytes());
    int code = process.waitFor();
    if (code != 0 || !Files.exists(out)) {
      throw new IOException(String.join(" ", args) + " exited " + code + ": " + log);
    }
    return Files.readAllBytes(out);
  }
}
