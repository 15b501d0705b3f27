package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.OutcomeStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's aggregation stays small for a million outcomes and merges like one pass. */
class ReportStatsTest {
  private static final int N = 1_000_000;

  @Test
  void aMillionOutcomesMakeASmallAccumulatorAndPage() throws IOException {
    ReportStats[] parts = {new ReportStats(), new ReportStats(), new ReportStats()};
    ReportStats single = new ReportStats();
    RunSummary summary = new RunSummary();
    for (int i = 0; i < N; i++) {
      ImageOutcome outcome = outcome(i);
      parts[i % parts.length].add(outcome);
      single.add(outcome);
      summary.add(outcome);
    }
    ReportStats merged = new ReportStats();
    for (ReportStats part : parts) {
      merged.merge(part);
    }
    assertEquals(single, merged, "merging parts equals one pass");

    int size = serialized(merged);
    String page = ReportPage.render("/out", summary, merged, Map.of());
    System.out.printf(
        Locale.ROOT,
        "1,000,000 outcomes: accumulator %d bytes, page %d bytes%n",
        size,
        page.length());
    assertTrue(size < 64 * 1024, "accumulator is " + size + " bytes");
    assertTrue(page.length() < 100 * 1024, "page is " + page.length() + " characters");

    // The slowest are the highest millis; failures are every 10th outcome, first by path.
    List<ReportStats.Row> slowest = merged.slowest();
    assertEquals(ReportStats.ROWS, slowest.size());
    assertEquals(millis(N - 2), slowest.get(0).totalMillis);
    List<ReportStats.Row> failures = merged.failures();
    assertEquals(ReportStats.FAILURE_ROWS, failures.size());
    assertEquals(path(0), failures.get(0).inputPath);
    assertEquals(N / 10, merged.failureKinds().get("decode / java.io.IOException"));
    long ratios = 0;
    for (long c : merged.ratioHistogram()) {
      ratios += c;
    }
    assertEquals(N - N / 10, ratios);
    assertEquals(N - N / 10, merged.bytesByFormat().get("jpeg")[0]);
  }

  @Test
  void escapesFileNamesAndMessages() {
    String page =
        page(
            "/out/<x>",
            failed("/in/<script>alert(1)</script>.jpg", "bad <b>marker</b> & \"more\""));
    assertFalse(page.contains("<script>"), "unescaped path");
    assertFalse(page.contains("<b>marker"), "unescaped message");
    assertFalse(page.contains("/out/<x>"), "unescaped output folder");
    assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;.jpg"));
    assertTrue(page.contains("bad &lt;b&gt;marker&lt;/b&gt; &amp; &quot;more&quot;"));
  }

  @Test
  void thePageIsAsciiWithEveryOtherCharacterAsAReference() {
    String page =
        page(
            "/out",
            failed("/in/caf\u00e9/\u5317\u4eac \ud83d\udcf7.jpg", "bell \u0007 here"),
            outcome(1));
    assertTrue(page.chars().allMatch(c -> c < 0x80), "a character outside ASCII");
    assertTrue(page.contains("800&times;600 &rarr; 400&times;"), "a written row's dimensions");
    assertTrue(page.contains("/in/caf&#xe9;/&#x5317;&#x4eac; &#x1f4f7;.jpg"), "the path");
    assertTrue(page.contains("bell &#xfffd; here"), "a control character");
    assertTrue(page.contains("&#x2265;1"), "the last ratio bucket");
  }

  @Test
  void ssimulacra2ScoresFallInBucketsOnTheirOwnScale() {
    ReportStats stats = new ReportStats();
    RunSummary summary = new RunSummary();
    for (double score : new double[] {100, 86.5, 72}) {
      ImageOutcome o =
          ImageOutcome.newBuilder(outcome(1)).setScoreName("ssimulacra2").setScore(score).build();
      stats.add(o);
      summary.add(o);
    }
    long[] histogram = stats.scoreHistogram();
    assertEquals(1, histogram[ReportStats.SCORE_BOUNDS.length], "100 is perfect");
    assertEquals(1, histogram[0], "72 is under 80");
    assertEquals(1, histogram[2], "86.5 is in 85-90");
    String page = ReportPage.render("/out", summary, stats, Map.of());
    assertTrue(page.contains("Quality score (ssimulacra2)"));
    assertTrue(page.contains("&lt;80") || page.contains("<80"), "labels on the 0-100 scale");
    assertTrue(page.contains("lowest score (ssimulacra2)"));
  }

  private static String path(int i) {
    return String.format(Locale.ROOT, "/in/%07d.jpg", i);
  }

  private static long millis(int i) {
    return i % 1000 == 998 ? i : i % 97;
  }

  /** The page of {@code outcomes} for the output folder {@code root}, without pictures. */
  private static String page(String root, ImageOutcome... outcomes) {
    RunSummary summary = new RunSummary();
    ReportStats stats = new ReportStats();
    for (ImageOutcome o : outcomes) {
      summary.add(o);
      stats.add(o);
    }
    return ReportPage.render(root, summary, stats, Map.of());
  }

  /** A failed outcome (as {@code outcome(0)}) of {@code path}, with {@code message}. */
  private static ImageOutcome failed(String path, String message) {
    return ImageOutcome.newBuilder(outcome(0)).setInputPath(path).setErrorMessage(message).build();
  }

  private static ImageOutcome outcome(int i) {
    ImageOutcome.Builder b =
        ImageOutcome.newBuilder()
            .setInputPath(path(i))
            .setInputFormat("jpeg")
            .setInputBytes(100_000L + i % 5000)
            .setEncodeMillis(1L)
            .setTotalMillis(millis(i))
            .setHadGps(false);
    if (i % 10 == 0) {
      return b.setStatus(OutcomeStatus.FAILED)
          .setErrorStage("decode")
          .setErrorClass("java.io.IOException")
          .setErrorMessage("corrupt image data: " + "x".repeat(i % 1000))
          .build();
    }
    long out = 30_000L + i % 70_000;
    return b.setStatus(OutcomeStatus.WRITTEN)
        .setOutputPath("/out/" + i + ".jpg")
        .setOutputFormat("jpeg")
        .setOutputBytes(out)
        .setRatio(out / (100_000.0 + i % 5000))
        .setScore(0.9 + (i % 1000) / 10_000.0)
        .setWidth(800)
        .setHeight(600)
        .setOutputWidth(400)
        .setOutputHeight(300)
        .build();
  }

  private static int serialized(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.size();
  }
}
