package io.imgbeam.pipeline;

import io.imgbeam.codec.CompressionResult;
import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.codec.ImageCompressor;
import io.imgbeam.codec.OutputFormat;
import io.imgbeam.codec.Status;
import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code bench/throughput.sh}: one part of the throughput comparison per process, so that each
 * part's peak RSS is its own. Every part prints one tab-separated {@code RESULT} line (part, label,
 * images, pixels, seconds, peak RSS in KiB, output bytes); {@code table} turns those lines into the
 * table with the ratios. {@code memory} runs the pipeline on 24 MP inputs and prints the heap after
 * GC and the peak heap at 25, 50 and 100 images.
 *
 * <p>Not a test: run by the bench script with the bundled jar and the test classes.
 */
public final class ThroughputBench {
  /** The settings all three parts share: JPEG q80, no resize, metadata stripped. */
  static final int QUALITY = CompressionSettings.DEFAULT_JPEG_QUALITY;

  private ThroughputBench() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "codec" -> codec(Integer.parseInt(args[1]), List.of(args).subList(2, args.length));
      case "pipeline" -> pipeline(Integer.parseInt(args[1]), Path.of(args[2]), Path.of(args[3]));
      case "memory" -> memory(Integer.parseInt(args[1]), Path.of(args[2]), Path.of(args[3]));
      case "table" -> table(Path.of(args[1]));
      default -> throw new IllegalArgumentException("expected codec, pipeline, memory or table");
    }
  }

  /** (a) A bare loop: read, compress, keep the bytes; THREADS at once. */
  private static void codec(int threads, List<String> files) throws Exception {
    ImageCompressor compressor =
        ImageCompressor.of(
            CompressionSettings.create()
                .withOutputFormat(OutputFormat.JPEG)
                .withJpegQuality(QUALITY));
    AtomicLong pixels = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (String file : files) {
      done.add(
          pool.submit(
              () -> {
                CompressionResult result = compressor.compress(Files.readAllBytes(Path.of(file)));
                if (result.status() != Status.WRITTEN && result.status() != Status.KEPT_ORIGINAL) {
                  throw new IllegalStateException(file + ": " + result);
                }
                pixels.addAndGet((long) result.width() * result.height());
                bytes.addAndGet(result.output().map(b -> (long) b.length).orElse(0L));
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    result(
        "a",
        "imgbeam codec loop (" + threads + " threads)",
        files.size(),
        pixels.get(),
        seconds,
        bytes.get());
  }

  /** (b) The entry point on the DirectRunner, as a user runs it. */
  private static void pipeline(int threads, Path inputs, Path output) throws Exception {
    long start = System.nanoTime();
    int code = Imgbeam.run(pipelineArgs(threads, inputs, output, 10), System.err, System.err);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (code != 0) {
      throw new IllegalStateException("imgbeam exited with " + code);
    }
    List<ImageOutcome> outcomes = JobRun.readOutcomes(output);
    long pixels = 0;
    long bytes = 0;
    for (ImageOutcome o : outcomes) {
      if (o.getErrorMessage() != null) {
        throw new IllegalStateException(o.getInputPath() + ": " + o.getErrorMessage());
      }
      pixels += (long) o.getWidth() * o.getHeight();
      bytes += o.getOutputBytes() == null ? 0 : o.getOutputBytes();
    }
    result(
        "b",
        "imgbeam pipeline, DirectRunner (parallelism " + threads + ")",
        outcomes.size(),
        pixels,
        seconds,
        bytes);
  }

  private static String[] pipelineArgs(int threads, Path inputs, Path output, int progress) {
    return new String[] {
      "--input=" + inputs + "/*.jpg",
      "--output=" + output,
      "--format=jpeg",
      "--quality=" + QUALITY,
      "--metadata=strip",
      "--targetParallelism=" + threads,
      "--progressSeconds=" + progress
    };
  }

  /**
   * The pipeline on many large inputs, with a sampler that records the heap used (peak) and the old
   * generation after each collection, and notes both when 25, 50 and 100 images are done (staged
   * outputs counted in the output folder).
   */
  private static void memory(int threads, Path inputs, Path output) throws Exception {
    long total;
    try (Stream<Path> files = Files.list(inputs)) {
      total = files.count();
    }
    Sampler sampler = new Sampler(output, total);
    Thread thread = new Thread(sampler, "heap-sampler");
    thread.setDaemon(true);
    thread.start();
    long start = System.nanoTime();
    int code = Imgbeam.run(pipelineArgs(threads, inputs, output, 30), System.out, System.err);
    double seconds = (System.nanoTime() - start) / 1e9;
    sampler.stop(JobRun.readOutcomes(output).size());
    thread.join();
    if (code != 0) {
      throw new IllegalStateException("imgbeam exited with " + code);
    }
    long written =
        JobRun.readOutcomes(output).stream().filter(o -> o.getErrorMessage() == null).count();
    System.out.printf(
        Locale.ROOT,
        "%d of %d inputs compressed without error in %.1f s, -Xmx %d MB, parallelism %d, "
            + "pixel budget %s%n",
        written,
        total,
        seconds,
        Runtime.getRuntime().maxMemory() >> 20,
        threads,
        System.getProperty("imgbeam.pixelBudget", "default (half the heap / 24 B per pixel)"));
    System.out.println("images done | peak heap used (MB) | max old gen after GC (MB)");
    for (String row : sampler.rows) {
      System.out.println(row);
    }
  }

  /** Samples the heap every 50 ms until stopped. */
  private static final class Sampler implements Runnable {
    private final Path output;
    private final long total;
    private final List<String> rows = new ArrayList<>();
    private volatile long finalCount = -1;
    private long peakUsed;
    private long peakAfterGc;

    Sampler(Path output, long total) {
      this.output = output;
      this.total = total;
    }

    void stop(long count) {
      finalCount = count;
    }

    @Override
    public void run() {
      List<MemoryPoolMXBean> heapPools =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .toList();
      long[] marks = {total / 4, total / 2, total};
      int next = 0;
      try {
        while (next < marks.length) {
          long used = 0;
          long afterGc = 0;
          for (MemoryPoolMXBean pool : heapPools) {
            used += pool.getUsage().getUsed();
            MemoryUsage collected = pool.getCollectionUsage();
            if (collected != null && pool.getName().contains("Old")) {
              afterGc += collected.getUsed();
            }
          }
          peakUsed = Math.max(peakUsed, used);
          peakAfterGc = Math.max(peakAfterGc, afterGc);
          long stopped = finalCount;
          long done = stopped >= 0 ? stopped : staged();
          while (next < marks.length && done >= marks[next]) {
            rows.add(
                String.format(
                    Locale.ROOT,
                    "%11d | %18d | %25d",
                    marks[next],
                    peakUsed >> 20,
                    peakAfterGc >> 20));
            next++;
          }
          if (stopped >= 0) {
            return;
          }
          Thread.sleep(50);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot count the outputs in " + output, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Outputs staged or moved into place so far. */
    private long staged() throws IOException {
      if (!Files.isDirectory(output)) {
        return 0;
      }
      try (Stream<Path> files = Files.list(output)) {
        return files.filter(f -> f.getFileName().toString().contains(".jpg")).count();
      }
    }
  }

  private static void result(
      String part, String label, int images, long pixels, double seconds, long bytes)
      throws IOException {
    System.out.printf(
        Locale.ROOT,
        "RESULT\t%s\t%s\t%d\t%d\t%.3f\t%d\t%d%n",
        part,
        label,
        images,
        pixels,
        seconds,
        peakRssKb(),
        bytes);
  }

  /** VmHWM: the process's peak resident set, in KiB. */
  private static long peakRssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmHWM in /proc/self/status");
  }

  /** The table of the RESULT lines in {@code file}, with b/a and b/c. */
  private static void table(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("RESULT\t")) {
        rows.add(line.split("\t"));
      }
    }
    PrintStream out = System.out;
    out.println();
    out.println(
        "| part | what | images | MP | seconds | images/min | MP/s | peak RSS (MB) | output MB |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    double[] perMinute = new double[3];
    for (String[] r : rows) {
      int images = Integer.parseInt(r[3]);
      double mp = Long.parseLong(r[4]) / 1e6;
      double seconds = Double.parseDouble(r[5]);
      double rate = images * 60 / seconds;
      perMinute["abc".indexOf(r[1])] = rate;
      out.printf(
          Locale.ROOT,
          "| %s | %s | %d | %.1f | %.1f | %.1f | %.2f | %d | %.1f |%n",
          r[1],
          r[2],
          images,
          mp,
          seconds,
          rate,
          mp / seconds,
          Long.parseLong(r[6]) / 1024,
          Long.parseLong(r[7]) / 1e6);
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "b/a = %.2f (goal >= 0.90), b/c = %.2f (goal >= 1.00)%n",
        perMinute[1] / perMinute[0],
        perMinute[1] / perMinute[2]);
  }
}
