package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every file of {@code testdata/hostile} through the bounded codec, in a JVM whose heap is capped
 * at {@value #HEAP_BOUND_MB} MB (the surefire execution {@code hostile-input} runs this class alone
 * with {@code -Xmx256m -XX:+ExitOnOutOfMemoryError}, so any OutOfMemoryError ends the fork and
 * fails the build): each file gets its expected status within the time limit.
 */
class HostileInputTest {
  static final int HEAP_BOUND_MB = 256;
  static final int TIMEOUT_SECONDS = 10;

  /** Status, and a fragment of the message for the ones that must name their limit. */
  /** The status a file must end in ({@code orElse}: a second one allowed), and its message. */
  private record Expected(Status status, String message, Status orElse) {
    Expected(Status status, String message) {
      this(status, message, status);
    }
  }

  private static BoundedCompressor compressor;
  private static final Map<String, String> REPORT = new TreeMap<>();

  @BeforeAll
  static void start() {
    compressor =
        BoundedCompressor.of(CompressionSettings.create().withTimeoutSeconds(TIMEOUT_SECONDS));
  }

  @AfterAll
  static void stop() {
    compressor.close();
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "hostile corpus: %d files, max heap %d MB, peak heap used %d MB%n",
        REPORT.size(),
        Runtime.getRuntime().maxMemory() >> 20,
        peak >> 20);
    REPORT.forEach((file, line) -> System.out.printf(Locale.ROOT, "  %-40s %s%n", file, line));
  }

  private static Expected expected(String file) {
    String dir = file.substring(0, file.indexOf('/'));
    String name = file.substring(file.indexOf('/') + 1);
    return switch (dir) {
      case "dims", "truncated" -> new Expected(Status.FAILED, null);
      // The metadata is ignored and the 48x32 pixels encoded: whether that output or the original
      // (under a kilobyte either way) is smaller depends on the encoder's bytes of the day.
      case "exif" -> new Expected(Status.KEPT_ORIGINAL, null, Status.WRITTEN);
      case "scans" -> new Expected(Status.REJECTED_LIMIT, "maxJpegScans");
      case "flood" ->
          switch (name) {
            case "gif-40000-frames.gif" -> new Expected(Status.REJECTED_LIMIT, "maxFrames");
            case "png-bomb-10000x10000.png" -> new Expected(Status.REJECTED_LIMIT, "pixelBudget");
            case "png-ztxt-bomb.png" -> new Expected(Status.REJECTED_LIMIT, "maxMetadataBytes");
            case "png-idat-overflow.png" -> new Expected(Status.FAILED, "inflates past");
            default -> new Expected(Status.REJECTED_LIMIT, "maxInputPixels");
          };
      case "pngsuite" ->
          name.startsWith("xs") || name.startsWith("xcr") || name.startsWith("xlf")
              ? new Expected(Status.UNSUPPORTED, null)
              : new Expected(Status.FAILED, null);
      case "polyglot" ->
          switch (name) {
            case "gif-script.gif", "png-zip.png" -> new Expected(Status.WRITTEN, null);
            // 48x32 again: re-encoded (without the comment) or kept, by the bytes of the day.
            case "jpeg-php-comment.jpg" -> new Expected(Status.KEPT_ORIGINAL, null, Status.WRITTEN);
            default -> new Expected(Status.UNSUPPORTED, null);
          };
      default -> throw new AssertionError("no expectation for " + file);
    };
  }

  @Test
  void runsUnderTheHeapBound() {
    assertTrue(
        Runtime.getRuntime().maxMemory() <= (HEAP_BOUND_MB + 16L) << 20,
        "run this class with -Xmx" + HEAP_BOUND_MB + "m (the surefire execution hostile-input)");
  }

  @Test
  void everyHostileFileGetsItsStatusWithinTheTimeLimit() throws IOException {
    List<String> files = TestData.allHostile();
    assertTrue(files.size() >= 50, "hostile corpus missing: " + files);
    for (String file : files) {
      byte[] bytes = Files.readAllBytes(TestData.hostile().resolve(file));
      long start = System.nanoTime();
      CompressionResult result = compressor.compress(bytes);
      long millis = (System.nanoTime() - start) / 1_000_000;
      String message = result.errorMessage().orElse("");
      REPORT.put(
          file,
          String.format(
              Locale.ROOT,
              "%-15s %5d ms  %s",
              result.status(),
              millis,
              result.errorStage().map(Stage::recordName).orElse("") + " " + message));
      Expected want = expected(file);
      if (result.status() != want.orElse()) {
        assertEquals(want.status(), result.status(), file + ": " + result);
      }
      if (want.message() != null) {
        assertTrue(message.contains(want.message()), file + ": " + message);
      }
      assertTrue(millis < TIMEOUT_SECONDS * 1000L, file + " took " + millis + " ms");
      result.output().ifPresent(out -> assertCarriesNoPayload(file, out));
    }
  }

  @Test
  void acceptsDecoderWarningsWithFailOnError() throws IOException {
    try (BoundedCompressor lenient =
        BoundedCompressor.of(
            CompressionSettings.create()
                .withTimeoutSeconds(TIMEOUT_SECONDS)
                .withFailOn(FailOn.ERROR))) {
      for (String file : List.of("truncated/jpeg-90.jpg", "flood/png-idat-overflow.png")) {
        CompressionResult result =
            lenient.compress(Files.readAllBytes(TestData.hostile().resolve(file)));
        assertEquals(Status.WRITTEN, result.status(), file + ": " + result);
      }
      // A wrong CRC on a critical chunk is an error, not a warning.
      CompressionResult crc =
          lenient.compress(Files.readAllBytes(TestData.hostile().resolve("pngsuite/xcsn0g01.png")));
      assertEquals(Status.FAILED, crc.status(), crc.toString());
    }
  }

  private static void assertCarriesNoPayload(String file, byte[] output) {
    String text = new String(output, StandardCharsets.ISO_8859_1);
    for (String payload : List.of("alert(", "<?php", "PK\u0003\u0004", "imgbeam-polyglot")) {
      assertFalse(text.contains(payload), file + " output still carries " + payload);
    }
    Optional<ImageFormat> format = Optional.of(ImageFormat.sniff(output));
    assertTrue(format.get().isDecodable(), file + " output is not an image");
  }
}
