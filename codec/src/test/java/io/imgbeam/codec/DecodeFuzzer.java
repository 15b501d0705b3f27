package io.imgbeam.codec;

import io.imgbeam.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A seeded mutation fuzzer over the whole codec path (sniff, probe, container check, metadata,
 * decode, encode, verify), seeded with every file of testdata/images and testdata/hostile. Each
 * mutant goes through a {@link BoundedCompressor}; a finding is a mutant whose compression throws,
 * or that runs into the time limit (a hang). Findings are written to {@code
 * codec/target/fuzz-findings/} for replay.
 *
 * <p>{@code bench/fuzz.sh MINUTES [SEED]} runs it for a while; {@link DecodeFuzzTest} runs a fixed
 * number of mutants in every build.
 */
final class DecodeFuzzer {
  private static final int[] INTERESTING = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF};

  private final Random random;
  private final List<byte[]> seeds = new ArrayList<>();
  private final Path findings;
  private int runs;
  private final List<String> found = new ArrayList<>();

  DecodeFuzzer(long seed, Path findings) {
    this.random = new Random(seed);
    this.findings = findings;
    for (Path root : List.of(TestData.images(), TestData.hostile())) {
      List<String> files =
          root.equals(TestData.images()) ? TestData.allImages() : TestData.allHostile();
      for (String file : files) {
        try {
          byte[] bytes = Files.readAllBytes(root.resolve(file));
          if (bytes.length > 0 && bytes.length < 300_000) {
            seeds.add(bytes);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** Runs until {@code maxRuns} mutants, {@code deadlineNanos} or 20 findings. */
  List<String> run(int maxRuns, long deadlineNanos, int timeoutSeconds) {
    try (BoundedCompressor compressor =
        BoundedCompressor.of(CompressionSettings.create().withTimeoutSeconds(timeoutSeconds))) {
      while (runs < maxRuns && System.nanoTime() < deadlineNanos && found.size() < 20) {
        byte[] mutant = mutate(seeds.get(random.nextInt(seeds.size())));
        runs++;
        try {
          CompressionResult result = compressor.compress(mutant);
          String message = result.errorMessage().orElse("");
          if (message.startsWith("timed out") || message.startsWith("not started")) {
            record("hang", mutant, result.toString());
          } else if (result.errorClass().orElse("").startsWith("java.lang.")
              && !result.errorClass().orElse("").equals("java.lang.OutOfMemoryError")
              && result.status() == Status.FAILED
              && result.errorStage().orElse(Stage.READ) != Stage.DECODE
              && result.errorStage().orElse(Stage.READ) != Stage.PROBE) {
            // A runtime exception outside the decoder's own error paths is a bug of ours.
            record("bug", mutant, result.toString());
          }
        } catch (RuntimeException e) {
          record("crash", mutant, e.toString());
        }
      }
    }
    return found;
  }

  int runs() {
    return runs;
  }

  private void record(String kind, byte[] mutant, String what) {
    String name = String.format(Locale.ROOT, "%s-%05d.bin", kind, runs);
    found.add(name + ": " + what);
    try {
      Files.createDirectories(findings);
      Files.write(findings.resolve(name), mutant);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] mutate(byte[] seed) {
    byte[] data = seed.clone();
    int edits = 1 + random.nextInt(8);
    for (int e = 0; e < edits && data.length > 0; e++) {
      int pos = random.nextInt(data.length);
      switch (random.nextInt(7)) {
        case 0 -> data[pos] ^= (byte) (1 << random.nextInt(8));
        case 1 -> data[pos] = (byte) random.nextInt(256);
        case 2 -> {
          // An interesting 16-bit value, big- or little-endian: sizes, counts, lengths.
          int v = INTERESTING[random.nextInt(INTERESTING.length)];
          if (pos + 1 < data.length) {
            boolean big = random.nextBoolean();
            data[pos] = (byte) (big ? v >> 8 : v);
            data[pos + 1] = (byte) (big ? v : v >> 8);
          }
        }
        case 3 -> data = java.util.Arrays.copyOf(data, Math.max(1, pos));
        case 4 -> {
          // Duplicate a slice (repeats segments, chunks, scans).
          int len = Math.min(data.length - pos, 1 + random.nextInt(512));
          byte[] grown = new byte[data.length + len];
          System.arraycopy(data, 0, grown, 0, pos + len);
          System.arraycopy(data, pos, grown, pos + len, data.length - pos);
          data = grown;
        }
        case 5 -> {
          // Delete a slice.
          int len = Math.min(data.length - pos - 1, random.nextInt(256));
          if (len > 0) {
            byte[] shrunk = new byte[data.length - len];
            System.arraycopy(data, 0, shrunk, 0, pos);
            System.arraycopy(data, pos + len, shrunk, pos, data.length - pos - len);
            data = shrunk;
          }
        }
        default -> {
          // Splice the tail of another seed.
          byte[] other = seeds.get(random.nextInt(seeds.size()));
          int from = random.nextInt(other.length);
          byte[] spliced = java.util.Arrays.copyOf(data, pos + other.length - from);
          System.arraycopy(other, from, spliced, pos, other.length - from);
          data = spliced;
        }
      }
    }
    if (ImageFormat.sniff(data) == ImageFormat.PNG && random.nextBoolean()) {
      fixPngCrcs(data);
    }
    return data;
  }

  /**
   * Rewrites every PNG chunk CRC, so that mutants get past the CRC check into the decoder half of
   * the time.
   */
  private static void fixPngCrcs(byte[] d) {
    int pos = 8;
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    while (pos + 12 <= d.length) {
      long len =
          ((d[pos] & 0xFFL) << 24)
              | ((d[pos + 1] & 0xFFL) << 16)
              | ((d[pos + 2] & 0xFFL) << 8)
              | (d[pos + 3] & 0xFFL);
      if (pos + 12 + len > d.length) {
        return;
      }
      crc.reset();
      crc.update(d, pos + 4, 4 + (int) len);
      int at = pos + 8 + (int) len;
      long v = crc.getValue();
      d[at] = (byte) (v >> 24);
      d[at + 1] = (byte) (v >> 16);
      d[at + 2] = (byte) (v >> 8);
      d[at + 3] = (byte) v;
      pos = at + 4;
    }
  }

  /** {@code DecodeFuzzer SECONDS [SEED]}: prints the findings; exit 1 when there are any. */
  public static void main(String[] args) {
    int seconds = Integer.parseInt(args[0]);
    long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
    Path out = Path.of(System.getProperty("fuzz.findings", "codec/target/fuzz-findings"));
    DecodeFuzzer fuzzer = new DecodeFuzzer(seed, out);
    long start = System.nanoTime();
    List<String> found = fuzzer.run(Integer.MAX_VALUE, start + seconds * 1_000_000_000L, 10);
    System.out.printf(
        Locale.ROOT,
        "fuzz: seed %d, %d mutants in %d s, %d findings (in %s)%n",
        seed,
        fuzzer.runs(),
        (System.nanoTime() - start) / 1_000_000_000L,
        found.size(),
        out);
    found.forEach(f -> System.out.println("  " + f));
    System.exit(found.isEmpty() ? 0 : 1);
  }
}
