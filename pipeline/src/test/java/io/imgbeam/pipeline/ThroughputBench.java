package io.imgbeam.pipeline;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.imgbeam.codec.CompressionResult;
import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.codec.ImageCompressor;
import io.imgbeam.codec.OutputFormat;
import io.imgbeam.codec.Status;
import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * {@code bench/throughput.sh}: one part of the throughput comparison per process, so that each
 * part's peak RSS is its own. Every part prints one tab-separated {@code RESULT} line (part, label,
 * images, pixels, seconds, peak RSS in KiB, output bytes, process CPU seconds); {@code table} turns
 * those lines into the table with the ratios. {@code memory} runs the pipeline on 24 MP inputs and
 * prints the heap after GC and the peak heap at 25, 50 and 100 images.
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
    threadCpu("a");
    pool.shutdown();
    result(
        "a",
        "imgbeam codec loop (" + threads + " threads)",
        files.size(),
        pixels.get(),
        seconds,
        bytes.get());
  }

  /**
   * (b) The entry point on the DirectRunner, as a user runs it; and, as part "b*", the same run up
   * to the moment its last output was staged, before the end-of-run work (outcome files, manifest,
   * summary, report pictures), whose cost is per run rather than per image.
   */
  private static void pipeline(int threads, Path inputs, Path output) throws Exception {
    long total;
    try (Stream<Path> files = Files.list(inputs)) {
      total = files.filter(f -> f.toString().endsWith(".jpg")).count();
    }
    AtomicLong lastStaged = new AtomicLong();
    AtomicLong cpuAtLastStaged = new AtomicLong();
    // The watcher is the bench's instrument, not imgbeam's work: its own CPU time is taken off.
    AtomicLong watcherCpu = new AtomicLong();
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (staged(output) < total) {
                  Thread.sleep(50);
                }
                lastStaged.set(System.nanoTime());
                watcherCpu.set(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                cpuAtLastStaged.set(cpuNanos() - watcherCpu.get());
                threadCpu("b*");
              } catch (IOException e) {
                throw new IllegalStateException("cannot count the outputs in " + output, e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "staged-outputs");
    watcher.setDaemon(true);
    long start = System.nanoTime();
    watcher.start();
    int code = Imgbeam.run(pipelineArgs(threads, inputs, output, 10), System.err, System.err);
    double seconds = (System.nanoTime() - start) / 1e9;
    watcher.join();
    long cpu = cpuNanos() - watcherCpu.get();
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
    String label = "imgbeam pipeline, DirectRunner (parallelism " + threads + ")";
    result("b", label, outcomes.size(), pixels, seconds, bytes, cpu);
    result(
        "b*",
        label + ", until the last output was staged",
        outcomes.size(),
        pixels,
        (lastStaged.get() - start) / 1e9,
        bytes,
        cpuAtLastStaged.get());
    threadCpu("b");
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
   * The pipeline on many large inputs, with a sampler that records the peak heap used (every 50 ms)
   * and the largest heap left after a collection (from the collectors' notifications: the live
   * set), and notes both when a quarter, half and all of the images are compressed (outputs staged
   * in the output folder), and again when the job has ended (outcomes, manifest and report
   * written).
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
    sampler.stop();
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
        System.getProperty("imgbeam.pixelBudget", "default (half the heap at 20 bytes a pixel)"));
    System.out.println("| images compressed | peak heap used (MB) | max heap after GC (MB) |");
    System.out.println("|---|---:|---:|");
    for (String row : sampler.rows) {
      System.out.println(row);
    }
  }

  /** Samples the heap every 50 ms until stopped; listens to every collection. */
  private static final class Sampler implements Runnable {
    private final Path output;
    private final long total;
    private final List<String> rows = new ArrayList<>();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private volatile boolean stopped;
    private long peakUsed;

    Sampler(Path output, long total) {
      this.output = output;
      this.total = total;
      Set<String> heapPools =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .map(MemoryPoolMXBean::getName)
              .collect(Collectors.toSet());
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc)
            .addNotificationListener(
                (notification, handback) -> {
                  if (notification
                      .getType()
                      .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from(
                            (CompositeData) notification.getUserData());
                    long after = 0;
                    for (Map.Entry<String, MemoryUsage> pool :
                        info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                      if (heapPools.contains(pool.getKey())) {
                        after += pool.getValue().getUsed();
                      }
                    }
                    peakAfterGc.accumulateAndGet(after, Math::max);
                  }
                },
                null,
                null);
      }
    }

    void stop() {
      stopped = true;
    }

    @Override
    public void run() {
      long[] marks = {total / 4, total / 2, total};
      int next = 0;
      try {
        while (true) {
          peakUsed =
              Math.max(
                  peakUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
          if (stopped) {
            rows.add(row("job ended (report written)"));
            return;
          }
          long done = staged(output);
          while (next < marks.length && done >= marks[next]) {
            rows.add(row(String.valueOf(marks[next])));
            next++;
          }
          Thread.sleep(50);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot count the outputs in " + output, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private String row(String what) {
      return String.format(
          Locale.ROOT, "| %s | %d | %d |", what, peakUsed >> 20, peakAfterGc.get() >> 20);
    }
  }

  /** JPEG outputs staged or moved into place in {@code output} so far. */
  private static long staged(Path output) throws IOException {
    if (!Files.isDirectory(output)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(output)) {
      return files.filter(f -> f.getFileName().toString().contains(".jpg")).count();
    }
  }

  private static void result(
      String part, String label, int images, long pixels, double seconds, long bytes)
      throws IOException {
    result(part, label, images, pixels, seconds, bytes, cpuNanos());
  }

  /**
   * One RESULT line; {@code cpuNanos}: the process's CPU time (all threads, user and system, JVM
   * start, JIT and collector included) when the part ended.
   */
  private static void result(
      String part, String label, int images, long pixels, double seconds, long bytes, long cpuNanos)
      throws IOException {
    System.out.printf(
        Locale.ROOT,
        "RESULT\t%s\t%s\t%d\t%d\t%.3f\t%d\t%d\t%.3f%n",
        part,
        label,
        images,
        pixels,
        seconds,
        peakRssKb(),
        bytes,
        cpuNanos / 1e9);
  }

  /**
   * One THREADS line: this process's CPU seconds so far by thread group, from {@code
   * /proc/self/task/N/stat} (user + system ticks of each live thread, its name cut to 15 characters
   * by the kernel), largest first, those under 0.05 s left out; "exited" is what threads that have
   * ended used (the process's total less the live threads').
   */
  private static void threadCpu(String part) throws IOException {
    Map<String, Double> groups = new TreeMap<>();
    double live = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (NoSuchFileException e) {
          continue; // the thread ended since the listing
        }
        // pid (comm) state ... utime stime: fields 14 and 15, counted after the name's ')'.
        int close = stat.lastIndexOf(')');
        String name = stat.substring(stat.indexOf('(') + 1, close);
        String[] fields = stat.substring(close + 2).split(" ");
        double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        live += seconds;
        groups.merge(threadGroup(name), seconds, Double::sum);
      }
    }
    groups.put("exited", Math.max(0, cpuNanos() / 1e9 - live));
    StringBuilder line = new StringBuilder("THREADS\t").append(part);
    groups.entrySet().stream()
        .filter(group -> group.getValue() >= 0.05)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(
            group ->
                line.append('\t')
                    .append(
                        String.format(Locale.ROOT, "%s=%.1f", group.getKey(), group.getValue())));
    System.out.println(line);
  }

  /** The group a thread's name belongs to: its name without numbers, JVM threads by job. */
  static String threadGroup(String name) {
    if (name.startsWith("C2 Compiler")) {
      return "C2";
    } else if (name.startsWith("C1 Compiler")) {
      return "C1";
    } else if (name.startsWith("direct-runner")) {
      return "direct-runner-worker";
    } else if (name.startsWith("pool-")) {
      return "pool";
    }
    return name.replaceAll("[0-9#-]+$", "").replaceAll("\\s+", "_");
  }

  /** CPU time of this process so far, in nanoseconds. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
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
    List<String> threads = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("RESULT\t")) {
        rows.add(line.split("\t"));
      } else if (line.startsWith("THREADS\t")) {
        String[] fields = line.split("\t");
        threads.add(fields[1] + ": " + String.join(" ", List.of(fields).subList(2, fields.length)));
      }
    }
    PrintStream out = System.out;
    out.println();
    out.println(
        "| part | what | images | MP | seconds | images/min | MP/s | peak RSS (MB) | output MB |"
            + " CPU s |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    Map<String, Double> perMinute = new HashMap<>();
    Map<String, Double> perCpuSecond = new HashMap<>();
    for (String[] r : rows) {
      int images = Integer.parseInt(r[3]);
      double mp = Long.parseLong(r[4]) / 1e6;
      double seconds = Double.parseDouble(r[5]);
      double rate = images * 60 / seconds;
      perMinute.put(r[1], rate);
      double cpu = Double.parseDouble(r[8]);
      perCpuSecond.put(r[1], images / cpu);
      out.printf(
          Locale.ROOT,
          "| %s | %s | %d | %.1f | %.1f | %.1f | %.2f | %d | %.1f | %.1f |%n",
          r[1],
          r[2],
          images,
          mp,
          seconds,
          rate,
          mp / seconds,
          Long.parseLong(r[6]) / 1024,
          Long.parseLong(r[7]) / 1e6,
          cpu);
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "b/a = %.2f (goal >= 0.90), b/c = %.2f (goal >= 1.00); per image, without the end-of-run"
            + " work: b*/a = %.2f, b*/c = %.2f%n",
        ratios(perMinute));
    // CPU time is what a cluster pays for, and it moves less than wall time when other processes
    // share the cores: images per CPU-second, in the same ratios.
    out.printf(
        Locale.ROOT,
        "by CPU time (images per CPU-second of the whole process): b/a = %.2f, b/c = %.2f;"
            + " b*/a = %.2f, b*/c = %.2f%n",
        ratios(perCpuSecond));
    out.println("CPU seconds by thread (exited: threads that had ended by then)");
    threads.forEach(out::println);
  }

  /** b/a, b/c, b{@literal *}/a and b{@literal *}/c of a rate per part. */
  private static Object[] ratios(Map<String, Double> rate) {
    return new Object[] {
      rate.get("b") / rate.get("a"),
      rate.get("b") / rate.get("c"),
      rate.get("b*") / rate.get("a"),
      rate.get("b*") / rate.get("c")
    };
  }
}
