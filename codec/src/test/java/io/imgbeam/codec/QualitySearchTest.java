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
  private static final BufferedImage PHOTO = TestData.decode("orientation/upright.png");

  /** Encodes and scores of the photo by quality, shared by the tests (the pixels never change). */
  private static final Map<Integer, QualitySearch.Trial> TRIALS = new HashMap<>();

  private static final Map<String, Double> SCORES = new HashMap<>();

  private static synchronized QualitySearch.Trial jpeg(int quality) throws CodecException {
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
      Metric metric = target != null ? target.metric() : Metric.SSIM;
      result =
          new QualitySearch(
                  target,
                  maxBytes,
                  maxEncodes,
                  q -> {
                    encodes++;
                    return jpeg(q);
                  },
                  t -> score(metric, t))
              .run(start);
    }
  }

  @Test
  void meetsAReachableTargetAtTheLowestQualityThatDoes() throws CodecException {
    for (String text : List.of("ssimulacra2:70", "ssimulacra2:85", "ssim:0.95")) {
      Metric.Target target = Metric.Target.parse(text);
      // 1-100 needs at most 2 + ceil(log2(99)) = 9 encodes to close the bracket.
      Counted search = new Counted(target, 0, 9, 80);
      QualitySearch.Result r = search.result;
      assertTrue(r.met(), text + " " + r);
      assertTrue(target.metBy(r.score()), text + ": " + r.score());
      int q = r.trial().quality();
      if (q > 1) {
        assertFalse(
            target.metBy(score(target.metric(), jpeg(q - 1))),
            text + ": quality " + (q - 1) + " meets it too");
      }
      assertEquals(search.encodes, r.encodes());
    }
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
  void qualityAndBytesGrowWithTheTarget() throws CodecException {
    for (int budget : new int[] {4, 8}) {
      int lastQuality = 0;
      int lastBytes = 0;
      for (double value : new double[] {30, 45, 55, 65, 72, 78, 84, 88, 92}) {
        QualitySearch.Result r =
            new Counted(new Metric.Target(Metric.SSIMULACRA2, value), 0, budget, 80).result;
        int q = r.trial().quality();
        int bytes = r.trial().output().length;
        assertTrue(q >= lastQuality, "budget " + budget + ", target " + value + ": q" + q);
        assertTrue(bytes >= lastBytes, "budget " + budget + ", target " + value + ": " + bytes);
        lastQuality = q;
        lastBytes = bytes;
      }
    }
  }

  @Test
  void aByteCapGetsTheHighestQualityThatFits() throws CodecException {
    long cap = jpeg(50).output().length + 1;
    QualitySearch.Result r = new Counted(null, cap, 9, 80).result;
    assertTrue(r.met());
    assertTrue(r.trial().output().length <= cap, r.trial().output().length + " > " + cap);
    int q = r.trial().quality();
    assertTrue(q >= 50, "quality " + q);
    assertTrue(q == 100 || jpeg(q + 1).output().length > cap, "quality " + (q + 1) + " fits too");
  }

  @Test
  void anUnreachableTargetGetsTheHighestSettingAndSaysSo() throws CodecException {
    QualitySearch.Result r =
        new Counted(new Metric.Target(Metric.SSIMULACRA2, 99.9), 0, 8, 80).result;
    assertFalse(r.met());
    assertEquals(QualitySearch.MAX_QUALITY, r.trial().quality());
    assertEquals(2, r.encodes(), "the start and the highest quality");
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
    int quality = result.qualitySetting().orElseThrow();
    assertTrue(
        score(Metric.SSIMULACRA2, jpeg(quality - 1)) < 75, "quality " + quality + " is not lowest");

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
