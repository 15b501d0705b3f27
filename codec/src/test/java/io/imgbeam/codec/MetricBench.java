package io.imgbeam.codec;

import io.imgbeam.testing.TestData;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Random;

/**
 * Milliseconds per image of each metric, next to the encodes they would be compared with, at 2 and
 * 12 megapixels; run by {@code bench/metrics.sh}. The images are a test photo scaled up with
 * bicubic filtering and light seeded noise (so that they are not flat), and the distorted side is
 * its JPEG at quality 75 decoded again. Each figure is the median of a few runs after a warm-up;
 * "ssimu2 ms" is a first score against a reference, "ssimu2 again" a later score against the same
 * reference object through one cache (a search's later encodes: its XYB rows are kept, {@link
 * Ssimulacra2.ReferenceCache}). Then each image, as a JPEG q95 file, goes through {@link
 * ImageCompressor} once per target (JPEG output, default 12 encodes): the whole per-image time of a
 * search, decode to decision.
 */
final class MetricBench {
  private static final int RUNS = 3;

  public static void main(String[] args) throws Exception {
    BufferedImage photo = TestData.decode("orientation/upright.png");
    System.out.printf(
        Locale.ROOT,
        "%-8s | %10s | %10s | %14s | %14s | %10s | %10s | %12s%n",
        "size",
        "ssim ms",
        "ssimu2 ms",
        "jpeg q75 ms",
        "webp q75 ms",
        "ssimu2/jpeg",
        "ssimu2/webp",
        "ssimu2 again");
    java.util.List<BufferedImage> searches = new java.util.ArrayList<>();
    for (int[] size : new int[][] {{1800, 1200}, {4240, 2832}}) {
      BufferedImage image = photoOf(photo, size[0], size[1]);
      JpegEncoder jpeg = new JpegEncoder(75);
      WebpEncoder webp = new WebpEncoder(75, 4, false, false);
      ImageEncoder.Encoded encoded = jpeg.encode(image);
      BufferedImage decoded = jpeg.decode(encoded.bytes());
      double ssim = millis(() -> Ssim.score(image, decoded));
      // A first score against a reference (a fresh copy each run), and a later one against the
      // same reference object, as a search's second and later encodes are scored.
      java.util.Iterator<BufferedImage> fresh = copies(image, RUNS + 1).iterator();
      double ssimulacra2 = millis(() -> Ssimulacra2.score(fresh.next(), decoded));
      Ssimulacra2.ReferenceCache cache = new Ssimulacra2.ReferenceCache();
      Ssimulacra2.score(image, decoded, cache);
      Ssimulacra2.score(image, decoded, cache);
      double again = millis(() -> Ssimulacra2.score(image, decoded, cache));
      cache.close();
      double jpegMs = millis(() -> jpeg.encode(image));
      double webpMs = millis(() -> webp.encode(image));
      System.out.printf(
          Locale.ROOT,
          "%-8s | %10.0f | %10.0f | %14.0f | %14.0f | %10.2fx | %10.2fx | %12.0f%n",
          String.format(Locale.ROOT, "%.0f MP", size[0] * (double) size[1] / 1e6),
          ssim,
          ssimulacra2,
          jpegMs,
          webpMs,
          ssimulacra2 / jpegMs,
          ssimulacra2 / webpMs,
          again);
      searches.add(image);
    }
    // One whole image through the compressor with a target: what a search costs end to end.
    System.out.printf(
        Locale.ROOT,
        "%n%-8s | %-16s | %8s | %7s | %9s | %8s%n",
        "size",
        "search",
        "encodes",
        "quality",
        "score",
        "total ms");
    for (BufferedImage image : searches) {
      byte[] input = new JpegEncoder(95).encode(image).bytes();
      for (String target : new String[] {"ssim:0.95", "ssimulacra2:80"}) {
        CompressionSettings settings =
            CompressionSettings.create()
                .withOutputFormat(OutputFormat.JPEG)
                .withTargetScore(Metric.Target.parse(target));
        CompressionResult result = ImageCompressor.of(settings).compress(input);
        System.out.printf(
            Locale.ROOT,
            "%-8s | %-16s | %8d | %7d | %9.4f | %8d%n",
            String.format(
                Locale.ROOT, "%.0f MP", image.getWidth() * (double) image.getHeight() / 1e6),
            "jpeg " + target,
            result.encodesTried().orElse(0),
            result.qualitySetting().orElse(0),
            result.score().orElse(Double.NaN),
            result.totalMillis());
      }
    }
  }

  private interface Work {
    Object run() throws Exception;
  }

  /** The median wall time of {@link #RUNS} runs after one warm-up run. */
  private static double millis(Work work) throws Exception {
    work.run();
    double[] times = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      work.run();
      times[i] = (System.nanoTime() - start) / 1e6;
    }
    java.util.Arrays.sort(times);
    return times[RUNS / 2];
  }

  private static java.util.List<BufferedImage> copies(BufferedImage image, int n) {
    java.util.List<BufferedImage> copies = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      copies.add(
          new BufferedImage(
              image.getColorModel(), image.copyData(null), image.isAlphaPremultiplied(), null));
    }
    return copies;
  }

  private static BufferedImage photoOf(BufferedImage photo, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(photo, 0, 0, w, h, null);
    g.dispose();
    Random random = new Random(3);
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      out.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int n = random.nextInt(9) - 4;
        int p = row[x];
        row[x] =
            (clamp(((p >> 16) & 0xFF) + n) << 16)
                | (clamp(((p >> 8) & 0xFF) + n) << 8)
                | clamp((p & 0xFF) + n);
      }
      out.setRGB(0, y, w, 1, row, 0, w);
    }
    return out;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
