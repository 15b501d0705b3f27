package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The search's contract on real JPEG encodes of a test photo, scored by the real metrics: it meets
 * the target when it can, stays within its encodes, is monotone in the target, respects the byte
 * cap, and falls back to the highest setting (target not met) when the target is out of reach.
 */
class QualitySearchTest {
  /**
   * The photo as 8-bit RGB, which the JPEG encoder takes as it is: every cached trial then shares
   * these pixels as its reference instead of holding a converted copy.
   */
  private static final BufferedImage PHOTO =
      Pixels.toRgb8(TestData.decode("orientation/upright.png"));

  /** Encodes and scores of the photo by quality, shared by the tests (the pixels never change). */
  private static final Map<Double, QualitySearch.Trial> TRIALS = new HashMap<>();

  /** JPEG's quality steps: quarters. */
  private static final int STEPS = JpegEncoder.QUALITY_STEPS;

  private static final double STEP = 1.0 / STEPS;

  private static final Map<String, Double> SCORES = new HashMap<>();

  private static synchronized QualitySearch.Trial jpeg(double quality) throws CodecException {
    QualitySearch.Trial trial = TRIALS.get(quality);
    if (trial == null) {
      try {
        ImageEncoder.Encoded encoded = new JpegEncoder(quality).encode(PHOTO);
        trial = new QualitySearch.Trial(quality, encoded, encoded.bytes());
      } catch (IOException e) {
        throw CodecException.failed(Stage.ENCODE, e);
      }
      TRIALS.put(quality, trial);
    }
    return trial;
  }

  private static synchronized double score(Metric metric, QualitySearch.Trial trial)
      throws CodecException {
    String key = metric + ":" + trial.quality();
    Double score = SCORES.get(key);
    if (score == null) {
      try {
        BufferedImage decoded = new JpegEncoder(trial.quality()).decode(trial.encoded().bytes());
        score = metric.score(trial.encoded().reference(), decoded);
      } catch (IOException e) {
        throw CodecException.failed(Stage.VERIFY, e);
      }
      SCORES.put(key, score);
    }
    return score;
  }

  /** A search whose encodes are counted, so the test can check the bound itself. */
  private static final class Counted {
    int encodes;
    final QualitySearch.Result result;

    Counted(Metric.Target target, long maxBytes, int maxEncodes, int start) throws CodecException {
      this(target, maxBytes, maxEncodes, start, STEPS);
    }

    Counted(Metric.Target target, long maxBytes, int maxEncodes, int start, int steps)
        throws CodecException {
      Metric metric = target != null ? target.metric() : Metric.SSIM;
      result =
          new QualitySearch(
                  target,
                  maxBytes,
                  maxEncodes,
                  steps,
                  q -> {
                    encodes++;
                    return jpeg(q);
                  },
                  t -> score(metric, t))
              .run(start);
    }
  }

  @Test
  void meetsAReachableTargetAtTheLowestQuarterQualityThatDoes() throws CodecException {
    for (String text : List.of("ssimulacra2:70", "ssimulacra2:85", "ssim:0.95", "ssimulacra2:40")) {
      Metric.Target target = Metric.Target.parse(text);
      // The default budget closes the bracket to one quarter step on this photo.
      Counted search = new Counted(target, 0, CompressionSettings.DEFAULT_MAX_ENCODES, 80);
      QualitySearch.Result r = search.result;
      assertTrue(r.met(), text + " " + r);
      assertTrue(r.closed(), text + " " + r);
      assertTrue(target.metBy(r.score()), text + ": " + r.score());
      double q = r.trial().quality();
      assertEquals(0, (q * STEPS) % 1, text + ": q" + q + " is not on a quarter step");
      if (q > 1) {
        assertFalse(
            target.metBy(score(target.metric(), jpeg(q - STEP))),
            text + ": quality " + (q - STEP) + " meets it too");
      }
      assertEquals(search.encodes, r.encodes());
    }
  }

  @Test
  void wholeStepsStayWhole() throws CodecException {
    Metric.Target target = Metric.Target.parse("ssimulacra2:72");
    QualitySearch.Result r = new Counted(target, 0, 8, 80, 1).result;
    double q = r.trial().quality();
    assertEquals(Math.rint(q), q, "q" + q);
    assertTrue(r.met());
    assertTrue(r.closed());
    assertFalse(target.metBy(score(target.metric(), jpeg(q - 1))), "q" + (q - 1) + " meets too");
  }

  @Test
  void quarterStepsLandCloserToTheTargetThanWholeOnes() throws CodecException {
    double fine = 0;
    double whole = 0;
    for (double value = 60; value <= 85; value += 1.7) {
      Metric.Target target = new Metric.Target(Metric.SSIMULACRA2, value);
      fine += new Counted(target, 0, 8, 80, STEPS).result.score() - value;
      whole += new Counted(target, 0, 8, 80, 1).result.score() - value;
    }
    assertTrue(fine < whole, "overshoot on quarters " + fine + ", on whole qualities " + whole);
  }

  @Test
  void neverEncodesMoreThanItsBudget() throws CodecException {
    for (int budget = 2; budget <= 10; budget++) {
      for (String text : List.of("ssimulacra2:60", "ssimulacra2:88", "ssimulacra2:99.9")) {
        Counted search = new Counted(Metric.Target.parse(text), 0, budget, 80);
        assertTrue(search.encodes <= budget, text + " budget " + budget + ": " + search.encodes);
        assertEquals(search.encodes, search.result.encodes());
      }
      Counted capped = new Counted(null, 9000, budget, 80);
      assertTrue(capped.encodes <= budget, "cap, budget " + budget + ": " + capped.encodes);
    }
  }

  @Test
  void qualityAndBytesGrowWithTheTargetWhereTheBracketCloses() throws CodecException {
    // Fine targets (every half point), the default budget: a search that closes its bracket
    // answers with the boundary itself, so the answers rise with the target. One that runs out of
    // encodes first may answer a step or two higher (low targets far below the start).
    double lastQuality = 0;
    int lastBytes = 0;
    int closed = 0;
    int searches = 0;
    for (double value = 30; value <= 92; value += 0.5) {
      QualitySearch.Result r =
          new Counted(
                  new Metric.Target(Metric.SSIMULACRA2, value),
                  0,
                  CompressionSettings.DEFAULT_MAX_ENCODES,
                  80)
              .result;
      searches++;
      if (!r.closed()) {
        continue;
      }
      closed++;
      double q = r.trial().quality();
      int bytes = r.trial().output().length;
      assertTrue(q >= lastQuality, "target " + value + ": q" + q + " after q" + lastQuality);
      assertTrue(bytes >= lastBytes, "target " + value + ": " + bytes + " after " + lastBytes);
      lastQuality = q;
      lastBytes = bytes;
    }
    assertTrue(closed >= 0.8 * searches, closed + " of " + searches + " closed");
  }

  @Test
  void wholeStepsAreMonotoneInTheTargetToo() throws CodecException {
    double lastQuality = 0;
    for (double value = 30; value <= 92; value += 2) {
      QualitySearch.Result r =
          new Counted(new Metric.Target(Metric.SSIMULACRA2, value), 0, 8, 80, 1).result;
      assertTrue(r.closed(), "target " + value);
      double q = r.trial().quality();
      assertTrue(q >= lastQuality, "target " + value + ": q" + q + " after q" + lastQuality);
      lastQuality = q;
    }
  }

  @Test
  void aByteCapGetsTheHighestQualityThatFits() throws CodecException {
    long cap = jpeg(50).output().length + 1;
    QualitySearch.Result r = new Counted(null, cap, 8, 80).result;
    assertTrue(r.met());
    assertTrue(r.closed());
    assertTrue(r.trial().output().length <= cap, r.trial().output().length + " > " + cap);
    double q = r.trial().quality();
    assertTrue(q >= 50, "quality " + q);
    assertTrue(
        q == 100 || jpeg(q + STEP).output().length > cap, "quality " + (q + STEP) + " fits too");
  }

  @Test
  void anUnreachableTargetGetsTheHighestSettingAndSaysSo() throws CodecException {
    QualitySearch.Result r =
        new Counted(new Metric.Target(Metric.SSIMULACRA2, 99.9), 0, 8, 80).result;
    assertFalse(r.met());
    assertEquals(QualitySearch.MAX_QUALITY, r.trial().quality());
    assertTrue(r.encodes() <= 3, "the start, a step up and the highest quality: " + r.encodes());
  }

  @Test
  void whenTheCapAndTheTargetConflictTheCapWins() throws CodecException {
    long cap = jpeg(30).output().length;
    Metric.Target target = new Metric.Target(Metric.SSIMULACRA2, 90);
    QualitySearch.Result r = new Counted(target, cap, 10, 80).result;
    assertFalse(r.met());
    assertTrue(r.trial().output().length <= cap);
    assertFalse(target.metBy(r.score()));
  }

  @Test
  void aCapNothingMeetsGetsTheSmallestOutput() throws CodecException {
    QualitySearch.Result r = new Counted(null, 100, 8, 80).result;
    assertFalse(r.met());
    assertEquals(QualitySearch.MIN_QUALITY, r.trial().quality());
  }

  @Test
  void theCompressorSearchesAndRecordsTheTarget() throws CodecException {
    byte[] input = TestData.bytes("orientation/upright.png");
    CompressionSettings settings =
        CompressionSettings.create()
            .withOutputFormat(OutputFormat.JPEG)
            .withTargetScore(Metric.Target.parse("ssimulacra2:75"));
    CompressionResult result = ImageCompressor.of(settings).compress(input);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertEquals("ssimulacra2", result.scoreName().orElseThrow());
    assertTrue(result.score().orElseThrow() >= 75, "score " + result.score());
    assertEquals("ssimulacra2:75", result.target().orElseThrow());
    assertTrue(result.targetMet().orElseThrow());
    int encodes = result.encodesTried().orElseThrow();
    assertTrue(encodes >= 2 && encodes <= CompressionSettings.DEFAULT_MAX_ENCODES, "" + encodes);
    double quality = result.qualityExact().orElse((double) result.qualitySetting().orElseThrow());
    assertEquals(Math.round(quality), (long) result.qualitySetting().orElseThrow());
    assertTrue(
        score(Metric.SSIMULACRA2, jpeg(quality - STEP)) < 75,
        "quality " + quality + " is not lowest");

    // The highest target the photo cannot reach: quality 100, written, target not met.
    CompressionResult unreachable =
        ImageCompressor.of(settings.withTargetScore(Metric.Target.parse("ssimulacra2:99.5")))
            .compress(input);
    assertEquals(Status.WRITTEN, unreachable.status());
    assertEquals(100, unreachable.qualitySetting().orElseThrow());
    assertFalse(unreachable.targetMet().orElseThrow());

    // Without goals: one encode, no target fields, the score in --scoreMetric's metric.
    CompressionResult plain =
        ImageCompressor.of(
                CompressionSettings.create()
                    .withOutputFormat(OutputFormat.JPEG)
                    .withScoreMetric(Metric.SSIMULACRA2))
            .compress(input);
    assertEquals(1, plain.encodesTried().orElseThrow());
    assertTrue(plain.target().isEmpty());
    assertTrue(plain.targetMet().isEmpty());
    assertEquals("ssimulacra2", plain.scoreName().orElseThrow());
  }

  @Test
  void autoKeepsTheSmallestFormatThatMeetsTheTargetAndPngIsOnlyScored() {
    byte[] input = TestData.bytes("orientation/upright.png");
    CompressionSettings settings =
        CompressionSettings.create()
            .withOutputFormat(OutputFormat.AUTO)
            .withAutoFormats(List.of(OutputFormat.WEBP, OutputFormat.JPEG, OutputFormat.PNG))
            .withTargetScore(Metric.Target.parse("ssimulacra2:70"))
            .withMaxEncodes(6);
    CompressionResult result = ImageCompressor.of(settings).compress(input);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    assertTrue(result.targetMet().orElseThrow());
    assertTrue(result.score().orElseThrow() >= 70);
    List<String> candidates = result.candidates().orElseThrow();
    assertEquals(3, candidates.size(), candidates.toString());
    long smallest =
        candidates.stream().mapToLong(c -> Long.parseLong(c.split(":")[1])).min().orElseThrow();
    assertEquals(smallest, result.output().orElseThrow().length, candidates.toString());
    // WebP and JPEG search (at most 6 each), PNG encodes once.
    int encodes = result.encodesTried().orElseThrow();
    assertTrue(encodes >= 5 && encodes <= 13, "encodes " + encodes);
  }

  @Test
  void aSearchPastTheTimeLimitIsAbandonedAndStops() throws Exception {
    // 3000x2000: eight JPEG encodes, decodes and SSIMULACRA 2 scores take well over a second.
    BufferedImage large = new BufferedImage(3000, 2000, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = large.createGraphics();
    g.drawImage(PHOTO, 0, 0, 3000, 2000, null);
    g.dispose();
    byte[] input = new JpegEncoder(95).encode(large).bytes();
    CompressionSettings settings =
        CompressionSettings.create()
            .withOutputFormat(OutputFormat.JPEG)
            .withTargetScore(Metric.Target.parse("ssimulacra2:99"))
            .withTimeoutSeconds(1);
    try (BoundedCompressor compressor = BoundedCompressor.of(settings)) {
      CompressionResult result = compressor.compress(input);
      assertEquals(Status.REJECTED_LIMIT, result.status(), result.toString());
      assertTrue(result.errorMessage().orElseThrow().startsWith("timed out after 1 s in stage "));
      // The encodes and the metric's rows check for the interrupt: the thread ends by itself.
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (compressor.busyThreads() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, compressor.busyThreads(), "the abandoned search is still running");
    }
  }

  @Test
  void fingerprintNamesTheGoalsAndKeepsOldFingerprintsWithout() {
    CompressionSettings plain = CompressionSettings.create();
    assertFalse(plain.fingerprint().contains("targetScore"));
    assertFalse(plain.fingerprint().contains("maxEncodes"));
    CompressionSettings goals =
        plain
            .withTargetScore(Metric.Target.parse("ssimulacra2:80"))
            .withMaxOutputBytes(50_000)
            .withMaxEncodes(6);
    assertTrue(
        goals
            .fingerprint()
            .endsWith(" targetScore=ssimulacra2:80 maxOutputBytes=50000 maxEncodes=6"),
        goals.fingerprint());
    assertEquals("ssimulacra2:80 maxOutputBytes=50000", goals.goals());
    assertTrue(
        plain
            .withScoreMetric(Metric.SSIMULACRA2)
            .fingerprint()
            .contains(" scoreMetric=ssimulacra2"));
    assertEquals(Metric.SSIMULACRA2, goals.scoreMetric());
  }
}
