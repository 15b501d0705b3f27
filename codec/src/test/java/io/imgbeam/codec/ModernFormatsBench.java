package io.imgbeam.codec;

import io.imgbeam.testing.ReferenceTools;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * {@code bench/modern-formats.sh}: imgbeam's WebP and AVIF against {@code cwebp -q 75} and {@code
 * avifenc} (defaults) at matched score. For each photo, the reference tool's output is decoded by
 * its own decoder (dwebp, avifdec) and scored with imgbeam's SSIM; then imgbeam's quality is
 * searched for the smallest setting whose SSIM is at least the reference's, and the bytes are
 * compared. Times are wall-clock per encode: the reference tools' include process start and PNG
 * reading, imgbeam's the in-process encode (RGB to YUV included), best of three.
 *
 * <p>Not a test: run by the bench script with the test class path.
 */
public final class ModernFormatsBench {
  private ModernFormatsBench() {}

  private record Row(
      String name,
      long refBytes,
      double refSsim,
      double refMillis,
      long ourBytes,
      double ourSsim,
      int quality,
      double ourMillis) {}

  public static void main(String[] args) throws Exception {
    List<Path> photos = new ArrayList<>();
    for (String arg : args) {
      photos.add(Path.of(arg));
    }
    Path work = Files.createTempDirectory("imgbeam-bench");
    Path cwebp = ReferenceTools.ensure("cwebp", "webp");
    Path dwebp = ReferenceTools.ensure("dwebp", "webp");
    Path avifenc = ReferenceTools.ensure("avifenc", "libavif-bin");
    Path avifdec = ReferenceTools.ensure("avifdec", "libavif-bin");
    List<Row> webp = new ArrayList<>();
    List<Row> avif = new ArrayList<>();
    List<double[]> defaults = new ArrayList<>();
    for (Path photo : photos) {
      BufferedImage source = ImageIO.read(photo.toFile());
      if (source == null) {
        System.err.println("skipped (not readable): " + photo);
        continue;
      }
      source = Pixels.toRgb8(source);
      Path png = work.resolve("in.png");
      Files.write(png, new PngEncoder().encode(source).bytes());
      String name = photo.getFileName().toString();

      Path refWebp = work.resolve("ref.webp");
      Path refWebpPng = work.resolve("ref-webp.png");
      double cwebpMillis =
          bestOf3(() -> run(cwebp.toString(), "-quiet", "-q", "75", png + "", "-o", refWebp + ""));
      run(dwebp.toString(), "-quiet", refWebp + "", "-o", refWebpPng + "");
      double webpRefSsim = Ssim.score(source, ImageIO.read(refWebpPng.toFile()));
      webp.add(
          match(
              name,
              source,
              Files.size(refWebp),
              webpRefSsim,
              cwebpMillis,
              q -> new WebpEncoder(q, CompressionSettings.DEFAULT_WEBP_EFFORT, false, false)));

      Path refAvif = work.resolve("ref.avif");
      Path refAvifPng = work.resolve("ref-avif.png");
      double avifencMillis = bestOf3(() -> run(avifenc.toString(), png + "", refAvif + ""));
      run(avifdec.toString(), refAvif + "", refAvifPng + "");
      double avifRefSsim = Ssim.score(source, ImageIO.read(refAvifPng.toFile()));
      avif.add(
          match(
              name,
              source,
              Files.size(refAvif),
              avifRefSsim,
              avifencMillis,
              q -> new AvifEncoder(q, CompressionSettings.DEFAULT_AVIF_EFFORT, false, 8)));

      defaults.add(
          new double[] {
            score(new JpegEncoder(CompressionSettings.DEFAULT_JPEG_QUALITY), source),
            score(
                new WebpEncoder(
                    CompressionSettings.DEFAULT_WEBP_QUALITY,
                    CompressionSettings.DEFAULT_WEBP_EFFORT,
                    false,
                    false),
                source),
            score(
                new AvifEncoder(
                    CompressionSettings.DEFAULT_AVIF_QUALITY,
                    CompressionSettings.DEFAULT_AVIF_EFFORT,
                    false,
                    8),
                source)
          });
    }
    print("imgbeam WebP vs cwebp -q 75 (libwebp " + cwebpVersion(cwebp) + ")", webp);
    print("imgbeam AVIF vs avifenc defaults (" + avifencVersion(avifenc) + ")", avif);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "SSIM at default settings, mean of %d photos: JPEG q%d %.4f, WebP q%d %.4f, AVIF q%d %.4f%n",
        defaults.size(),
        CompressionSettings.DEFAULT_JPEG_QUALITY,
        defaults.stream().mapToDouble(d -> d[0]).average().orElse(0),
        CompressionSettings.DEFAULT_WEBP_QUALITY,
        defaults.stream().mapToDouble(d -> d[1]).average().orElse(0),
        CompressionSettings.DEFAULT_AVIF_QUALITY,
        defaults.stream().mapToDouble(d -> d[2]).average().orElse(0));
  }

  private interface EncoderAt {
    ImageEncoder at(int quality);
  }

  /** Something timed by {@link #bestOf3}. */
  interface Action {
    void run() throws Exception;
  }

  /** The smallest quality whose SSIM reaches the reference's (binary search; SSIM rises with q). */
  private static Row match(
      String name,
      BufferedImage source,
      long refBytes,
      double refSsim,
      double refMillis,
      EncoderAt encoders)
      throws Exception {
    int lo = 1;
    int hi = 100;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (score(encoders.at(mid), source) >= refSsim) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    ImageEncoder encoder = encoders.at(lo);
    ImageEncoder.Encoded encoded = encoder.encode(source);
    double ssim = Ssim.score(source, encoder.decode(encoded.bytes()));
    double millis = bestOf3(() -> encoder.encode(source));
    return new Row(name, refBytes, refSsim, refMillis, encoded.bytes().length, ssim, lo, millis);
  }

  private static double score(ImageEncoder encoder, BufferedImage source) throws IOException {
    return Ssim.score(source, encoder.decode(encoder.encode(source).bytes()));
  }

  /** Wall-clock milliseconds of the fastest of three runs. */
  static double bestOf3(Action action) throws Exception {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      action.run();
      best = Math.min(best, (System.nanoTime() - start) / 1e6);
    }
    return best;
  }

  private static void run(String... command) throws IOException {
    ReferenceTools.run(command);
  }

  private static String cwebpVersion(Path cwebp) throws IOException {
    return ReferenceTools.run(cwebp.toString(), "-version").strip();
  }

  private static String avifencVersion(Path avifenc) throws IOException {
    String out = ReferenceTools.run(avifenc.toString(), "--version");
    return Arrays.stream(out.split("\n"))
        .filter(l -> l.startsWith("Version"))
        .findFirst()
        .orElse("avifenc")
        .strip();
  }

  private static void print(String title, List<Row> rows) {
    System.out.println();
    System.out.println(title);
    System.out.printf(
        Locale.ROOT,
        "%-26s %9s %7s %8s | %9s %7s %4s %8s | %6s%n",
        "image",
        "ref bytes",
        "ssim",
        "ref ms",
        "ours",
        "ssim",
        "q",
        "ours ms",
        "ratio");
    long refTotal = 0;
    long ourTotal = 0;
    double refMs = 0;
    double ourMs = 0;
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "%-26s %9d %7.4f %8.1f | %9d %7.4f %4d %8.1f | %5.3fx%n",
          r.name(),
          r.refBytes(),
          r.refSsim(),
          r.refMillis(),
          r.ourBytes(),
          r.ourSsim(),
          r.quality(),
          r.ourMillis(),
          (double) r.ourBytes() / r.refBytes());
      refTotal += r.refBytes();
      ourTotal += r.ourBytes();
      refMs += r.refMillis();
      ourMs += r.ourMillis();
    }
    System.out.printf(
        Locale.ROOT,
        "%-26s %9d %7s %8.1f | %9d %7s %4s %8.1f | %5.3fx%n",
        "TOTAL (" + rows.size() + " images)",
        refTotal,
        "",
        refMs,
        ourTotal,
        "",
        "",
        ourMs,
        (double) ourTotal / refTotal);
  }
}
