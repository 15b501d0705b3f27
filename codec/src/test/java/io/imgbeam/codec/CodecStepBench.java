package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The per-image steps of a JPEG-to-JPEG compression at the default quality, each timed on its own
 * in milliseconds of this thread's CPU per megapixel (CPU time moves less than wall time when other
 * processes share the cores): the input's decode, the encode at effort 0 and at effort 1 (the
 * default; both include the 4:2:0 or 4:4:4 choice), a decode of the output to RGB and its SSIM
 * against the encoded pixels, and verification's decode of the output's luma alone with its SSIM.
 * One thread; the first round is a warm-up. With {@code --md5} it first prints the MD5 and size of
 * every photo's encode at both efforts, to show that a change left the output byte-identical. Run
 * by {@code bench/codec-steps.sh}.
 */
final class CodecStepBench {
  private static final String[] STEPS = {
    "decode input",
    "encode, effort 0",
    "encode, effort 1 (default)",
    "verification decode to RGB (libjpeg-turbo)",
    "SSIM of the RGB",
    "verification decode of the luma and its SSIM (as verification does)"
  };

  private CodecStepBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    boolean md5 = args[1].equals("--md5");
    List<Path> files = new ArrayList<>();
    for (int i = md5 ? 2 : 1; i < args.length; i++) {
      files.add(Path.of(args[i]));
    }
    int quality = CompressionSettings.DEFAULT_JPEG_QUALITY;
    List<byte[]> inputs = new ArrayList<>();
    List<BufferedImage> images = new ArrayList<>();
    List<byte[]> outputs = new ArrayList<>();
    double megapixels = 0;
    for (Path file : files) {
      byte[] input = Files.readAllBytes(file);
      BufferedImage image = ImageReading.decode(input, ImageFormat.JPEG);
      inputs.add(input);
      images.add(image);
      outputs.add(new JpegEncoder(quality, 1).encode(image).bytes());
      megapixels += image.getWidth() * (double) image.getHeight() / 1e6;
      if (md5) {
        for (int effort = 0; effort <= 1; effort++) {
          byte[] out = new JpegEncoder(quality, effort).encode(image).bytes();
          System.out.printf(
              Locale.ROOT,
              "md5 %s effort %d: %s, %d bytes%n",
              file.getFileName(),
              effort,
              md5(out),
              out.length);
        }
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] nanos = new long[STEPS.length];
    for (int round = 0; round < rounds + 1; round++) {
      if (round == 1) {
        nanos = new long[STEPS.length];
      }
      for (int i = 0; i < images.size(); i++) {
        long[] t = new long[STEPS.length + 1];
        t[0] = threads.getCurrentThreadCpuTime();
        ImageReading.decode(inputs.get(i), ImageFormat.JPEG);
        t[1] = threads.getCurrentThreadCpuTime();
        new JpegEncoder(quality, 0).encode(images.get(i));
        t[2] = threads.getCurrentThreadCpuTime();
        new JpegEncoder(quality, 1).encode(images.get(i));
        t[3] = threads.getCurrentThreadCpuTime();
        BufferedImage decoded = ImageReading.decodeOwn(outputs.get(i), ImageFormat.JPEG);
        t[4] = threads.getCurrentThreadCpuTime();
        Ssim.score(images.get(i), decoded);
        t[5] = threads.getCurrentThreadCpuTime();
        BufferedImage reference = images.get(i);
        byte[] output = outputs.get(i);
        TurboJpeg.luma(
            output, TurboJpeg.plain(output), (w, h, rows) -> Ssim.score(reference, rows));
        t[6] = threads.getCurrentThreadCpuTime();
        for (int s = 0; s < STEPS.length; s++) {
          nanos[s] += t[s + 1] - t[s];
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%d photos, %.1f MP, quality %d, %d rounds after a warm-up, one thread%n%n",
        images.size(),
        megapixels,
        quality,
        rounds);
    System.out.println("| step | CPU ms per MP |");
    System.out.println("|---|---:|");
    for (int s = 0; s < STEPS.length; s++) {
      System.out.printf(
          Locale.ROOT, "| %s | %.1f |%n", STEPS[s], nanos[s] / 1e6 / (megapixels * rounds));
    }
  }

  private static String md5(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
  }
}
