package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /**
   * Encodes of the test images by image and setting (quality / DC quality), shared by the tests
   * (the pixels never change).
   */
  private static final Map<BufferedImage, Map<String, QualitySearch.Trial>> TRIALS =
      new IdentityHashMap<>();

  /** JPEG's quality steps: quarters. */
  private static final int STEPS = JpegEncoder.QUALITY_STEPS;

  private static final double STEP = 1.0 / STEPS;

  /** Scores by reference image, then metric and quality. */
  private static final Map<BufferedImage, Map<String, Double>> SCORES = new IdentityHashMap<>();

  /** Test images of different kinds, as 8-bit pixels, by name. */
  private static final Map<String, BufferedImage> IMAGES = new HashMap<>();

  private static synchronized BufferedImage image(String name) {
    return IMAGES.computeIfAbsent(
        name,
        n -> {
          BufferedImage image = TestData.decode(n);
          return Pixels.isGrey(image) ? Pixels.toGrey8(image) : Pixels.toRgb8(image);
        });
  }

  private static QualitySearch.Trial jpeg(double quality) throws CodecException {
    return jpeg(PHOTO, quality);
  }

  private static QualitySearch.Trial jpeg(BufferedImage image, double quality)
      throws CodecException {
    return jpeg(image, quality, null);
  }

  /**
   * An encode at {@code quality} with the lowest-frequency steps (DC, first AC pair) of {@code
   * lowQuality} (null: its own).
   */
  private static synchronized QualitySearch.Trial jpeg(
      BufferedImage image, double quality, Double lowQuality) throws CodecException {
    Map<String, QualitySearch.Trial> trials = TRIALS.computeIfAbsent(image, i -> new HashMap<>());
    String key = quality + "/" + lowQuality;
    QualitySearch.Trial trial = trials.get(key);
    if (trial == null) {
      try {
        JpegEncoder encoder =
            lowQuality == null
                ? new JpegEncoder(quality)
                : new JpegEncoder(quality, lowQuality, CompressionSettings.DEFAULT_JPEG_EFFORT);
        ImageEncoder.Encoded encoded = encoder.encode(image);
        trial = new QualitySearch.Trial(quality, encoded, encoded.bytes(), lowQuality);
      } catch (IOException e) {
        throw CodecException.failed(Stage.ENCODE, e);
      }
      trials.put(key, trial);
    }
    return trial;
  }

  /** JPEG's second phase: one quality's lowest-frequency steps kept under another's other steps. */
  private static QualitySearch.Refinement lowSteps(BufferedImage image, Set<String> encoded) {
    return new QualitySearch.Refinement() {
      @Override
      public int part(double quality) {
        return JpegEncoder.lowSteps(quality);
      }

      @Override
      public QualitySearch.Trial at(double quality, double lowQuality) throws CodecException {
        assertTrue(encoded.add(quality + "/" + lowQuality), quality + "/" + lowQuality + " twice");
        return jpeg(image, quality, lowQuality);
      }
    };
  }

  /**
   * The answers' order in which the search is monotone in the target: by the quality their
   * lowest-frequency steps come from (the qualities sharing those steps form one range), then, with
   * the same steps, by the quality of the other steps.
   */
  private static final Comparator<QualitySearch.Result> ANSWER_ORDER =
      (a, b) -> {
        double lowA = lowQuality(a.trial());
        double lowB = lowQuality(b.trial());
        return JpegEncoder.lowSteps(lowA) == JpegEncoder.lowSteps(lowB)
            ? Double.compare(a.trial().quality(), b.trial().quality())
            : Double.compare(lowA, lowB);
      };

  /** The quality whose lowest-frequency steps a trial has. */
  private static double lowQuality(QualitySearch.Trial trial) {
    return trial.pinnedFrom() != null ? trial.pinnedFrom() : trial.quality();
  }

  /**
   * Whether the setting a quarter step below a met answer misses the target: the quality below with
   * its own steps, or, for an answer of the second phase, with the same lowest-frequency steps
   * (unless it lies past the phase's range).
   */
  private static boolean quarterBelowMisses(
      BufferedImage image, Metric.Target target, QualitySearch.Result r) throws CodecException {
    QualitySearch.Trial t = r.trial();
    double below = t.quality() - STEP;
    if (below < QualitySearch.MIN_QUALITY) {
      return true;
    }
    if (t.pinnedFrom() == null) {
      return !target.metBy(score(target.metric(), jpeg(image, below)));
    }
    if (below < t.pinnedFrom() - QualitySearch.REFINE_STEPS * STEP) {
      return true;
    }
    return !target.metBy(score(target.metric(), jpeg(image, below, t.pinnedFrom())));
  }

  private static synchronized double score(Metric metric, QualitySearch.Trial trial)
      throws CodecException {
    Map<String, Double> scores =
        SCORES.computeIfAbsent(trial.encoded().reference(), i -> new HashMap<>());
    String key = metric + ":" + trial.quality() + "/" + trial.pinnedFrom();
    Double score = scores.get(key);
    if (score == null) {
      try {
        BufferedImage decoded = new JpegEncoder(trial.quality()).decode(trial.encoded().bytes());
        score = metric.score(trial.encoded().reference(), decoded);
      } catch (IOException e) {
        throw CodecException.failed(Stage.VERIFY, e);
      }
      scores.put(key, score);
    }
    return score;
  }

  /**
   * A search whose encodes are counted, so the test can check the bound itself, and which fails
   * when it encodes one setting twice. On quarter steps it has JPEG's second phase, as in the
   * product.
   */
  private static final class Counted {
    int encodes;
    final Set<Double> encoded = new HashSet<>();
    final Set<String> pinned = new HashSet<>();
    final QualitySearch.Result result;

    Counted(Metric.Target target, long maxBytes, int maxEncodes, int start) throws CodecException {
      this(PHOTO, target, maxBytes, maxEncodes, start, STEPS);
    }

    Counted(Metric.Target target, long maxBytes, int maxEncodes, int start, int steps)
        throws CodecException {
      this(PHOTO, target, maxBytes, maxEncodes, start, steps);
    }

    Counted(
        BufferedImage image,
        Metric.Target target,
        long maxBytes,
        int maxEncodes,
        int start,
        int steps)
        throws CodecException {
      Metric metric = target != null ? target.metric() : Metric.SSIM;
      result =
          new QualitySearch(
                  target,
                  maxBytes,
                  maxEncodes,
                  steps,
                  q -> {
                    assertTrue(encoded.add(q), "quality " + q + " encoded twice");
                    return jpeg(image, q);
                  },
                  t -> score(metric, t),
                  steps == STEPS ? lowSteps(image, pinned) : null)
              .run(start);
      encodes = encoded.size() + pinned.size();
    }
  }

  /**
   * A made-up encoder whose score and size follow formulas of the quality with bumps, so neither
   * rises everywhere: the search's construction, not the curve, must keep the answers in order.
   */
  private static QualitySearch.Result synthetic(Metric.Target target, long cap, int maxEncodes)
      throws CodecException {
    BufferedImage pixel = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    return new QualitySearch(
            target,
            cap,
            maxEncodes,
            STEPS,
            q -> {
              byte[] bytes = new byte[(int) (2000 + 300 * q + 900 * Math.sin(q / 2))];
              return new QualitySearch.Trial(
                  q, new ImageEncoder.Encoded(bytes, pixel, (int) Math.round(q)), bytes);
            },
            t -> bumpyScore(t.quality()))
        .run(80);
  }

  /** Rises from about -10 to 95 with quality, with bumps of 4 points every few qualities. */
  private static double bumpyScore(double q) {
    return 95 - 105 * Math.exp(-q / 25) + 4 * Math.sin(q * 1.3);
  }

  /**
   * Searches {@code image} for every target from {@code from} to {@code to} by {@code by} with
   * {@code budget} encodes and checks that the answer never falls as the target rises (in {@link
   * #ANSWER_ORDER}: the second phase's answers included), that a met target is met, and that a
   * closed search ends at the exact boundary; returns how many answers the second phase gave.
   */
  private static int assertMonotone(
      String name,
      BufferedImage image,
      int budget,
      Metric metric,
      double from,
      double to,
      double by)
      throws CodecException {
    QualitySearch.Result last = null;
    int refined = 0;
    for (int i = 0; from + i * by <= to + 1e-9; i++) {
      Metric.Target target = new Metric.Target(metric, from + i * by);
      Counted search = new Counted(image, target, 0, budget, 80, STEPS);
      QualitySearch.Result r = search.result;
      String what = name + " " + target + " budget " + budget + ": " + r + " " + r.trial();
      assertTrue(last == null || ANSWER_ORDER.compare(r, last) >= 0, what + " after " + last);
      assertTrue(search.encodes <= budget, what);
      assertEquals(search.encodes, r.encodes(), what);
      assertEquals(r.met(), target.metBy(r.score()), what);
      if (r.met() && r.closed()) {
        assertTrue(quarterBelowMisses(image, target, r), what);
      }
      if (r.trial().pinnedFrom() != null) {
        refined++;
        // Kept lowest steps, lower other steps: a quarter lower with its own coarser ones missed.
        assertTrue(r.trial().quality() < r.trial().pinnedFrom(), what);
        assertFalse(target.metBy(score(metric, jpeg(image, r.trial().pinnedFrom() - STEP))), what);
      }
      last = r;
    }
    return refined;
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
      assertTrue(quarterBelowMisses(PHOTO, target, r), text + ": a quarter lower meets it too");
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
      int budget = CompressionSettings.DEFAULT_MAX_ENCODES;
      fine += new Counted(target, 0, budget, 80, STEPS).result.score() - value;
      whole += new Counted(target, 0, budget, 80, 1).result.score() - value;
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
  void theQualityNeverFallsAsTheTargetRisesOnRealImagesWhateverTheBudget() throws CodecException {
    // Every half point of SSIMULACRA 2 from 40 to 90 and every 0.0025 of SSIM from 0.8 to 0.995,
    // on a photo, a portrait, a grey image and a colour chart, with budgets that run out (2-4)
    // and the default.
    for (String name :
        List.of(
            "orientation/upright.png",
            "photo/astronaut-gps.jpg",
            "png/grey.png",
            "colour/p3-reference.png")) {
      BufferedImage image = image(name);
      int refined = 0;
      for (int budget : new int[] {2, 3, 4, 12, CompressionSettings.DEFAULT_MAX_ENCODES}) {
        refined += assertMonotone(name, image, budget, Metric.SSIMULACRA2, 40, 90, 0.5);
        refined += assertMonotone(name, image, budget, Metric.SSIM, 0.8, 0.995, 0.0025);
      }
      // The lowest steps change every few qualities at these targets: some answers sit at a
      // change.
      assertTrue(refined >= 3, name + ": the second phase gave " + refined + " answers");
    }
  }

  @Test
  void theDefaultBudgetClosesEveryBracketOnAPhoto() throws CodecException {
    for (double value = 40; value <= 90; value += 0.5) {
      Metric.Target target = new Metric.Target(Metric.SSIMULACRA2, value);
      QualitySearch.Result r =
          new Counted(target, 0, CompressionSettings.DEFAULT_MAX_ENCODES, 80).result;
      assertTrue(r.closed(), target + ": " + r);
    }
  }

  /** A made-up encode of one byte, for searches on made-up score curves. */
  private static QualitySearch.Trial oneByte(double quality) {
    byte[] bytes = new byte[1];
    BufferedImage pixel = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    return new QualitySearch.Trial(
        quality, new ImageEncoder.Encoded(bytes, pixel, (int) quality), bytes);
  }

  @Test
  void theDefaultBudgetClosesEveryBracketFromEveryStart() throws CodecException {
    // The encodes depend only on the sides seen, so the longest path through them bounds every
    // search, whatever the curve: a step curve at every boundary covers every path. Quarter
    // steps close within 12 encodes, whole steps within 10.
    for (int steps : new int[] {STEPS, 1}) {
      for (int start = 1; start <= 100; start++) {
        for (int boundary = steps; boundary <= 100 * steps + 1; boundary++) {
          int edge = boundary;
          QualitySearch.Result r =
              new QualitySearch(
                      new Metric.Target(Metric.SSIM, 0.9),
                      0,
                      CompressionSettings.DEFAULT_MAX_ENCODES,
                      steps,
                      QualitySearchTest::oneByte,
                      t -> Math.round(t.quality() * steps) >= edge ? 1.0 : 0.8)
                  .run(start);
          String what = "steps " + steps + " start " + start + " boundary " + boundary + ": " + r;
          assertTrue(r.closed(), what);
          assertTrue(r.encodes() <= (steps == 1 ? 10 : 12), what);
          assertEquals(Math.min(boundary, 100 * steps) / (double) steps, r.trial().quality(), what);
          assertEquals(boundary <= 100 * steps, r.met(), what);
        }
      }
    }
  }

  @Test
  void theDefaultBudgetClosesEveryBracketAndFinishesTheSecondPhaseFromEveryStart()
      throws CodecException {
    // A made-up part that changes every 3 qualities, a step curve at every boundary, and kept-part
    // encodes that meet from 0 to 64 steps below the first phase's answer: whatever the first
    // phase's path, the second phase's encodes depend only on its own sides, so these cover the
    // longest path through both.
    int changes = 0;
    for (int start = 1; start <= 100; start++) {
      for (int boundary = STEPS; boundary <= 100 * STEPS; boundary++) {
        int edge = boundary;
        int depth = (start * 7 + boundary) % (QualitySearch.REFINE_STEPS + 2);
        QualitySearch.Refinement refinement =
            new QualitySearch.Refinement() {
              @Override
              public int part(double quality) {
                return (int) (quality / 3);
              }

              @Override
              public QualitySearch.Trial at(double quality, double partFrom) {
                return oneByte(quality);
              }
            };
        QualitySearch.Result r =
            new QualitySearch(
                    new Metric.Target(Metric.SSIM, 0.9),
                    0,
                    CompressionSettings.DEFAULT_MAX_ENCODES,
                    STEPS,
                    QualitySearchTest::oneByte,
                    t -> {
                      int step = (int) Math.round(t.quality() * STEPS);
                      return step >= (t.pinnedFrom() == null ? edge : edge - depth) ? 1.0 : 0.8;
                    },
                    refinement)
                .run(start);
        boolean change =
            refinement.part((edge - 1.0) / STEPS) != refinement.part(edge / (double) STEPS);
        changes += change ? 1 : 0;
        int reach = Math.min(Math.min(depth, QualitySearch.REFINE_STEPS), edge - STEPS);
        double expected = (change ? edge - reach : edge) / (double) STEPS;
        String what = "start " + start + " boundary " + boundary + " depth " + depth + ": " + r;
        assertTrue(r.closed(), what);
        assertTrue(r.met(), what);
        assertTrue(
            r.encodes() <= CompressionSettings.DEFAULT_MAX_ENCODES
                && r.encodes() <= 12 + QualitySearch.REFINE_ENCODES,
            what);
        assertEquals(expected, r.trial().quality(), what);
        assertEquals(
            change && reach > 0 ? Double.valueOf(edge / (double) STEPS) : null,
            r.trial().pinnedFrom(),
            what);
      }
    }
    assertTrue(changes > 100 * 30, "boundaries at a change of the part: " + changes);
  }

  @Test
  void aScoreThatFallsInPlacesStillGivesAnswersInTheTargetsOrder() throws CodecException {
    // The made-up curve falls by up to 4 points in places, so a quality that meets a target can
    // lie below one that misses it; the answers must still never fall as the target rises.
    int[] falls = {0};
    for (int step = 5; step <= 400; step++) {
      falls[0] += bumpyScore(step / 4.0) < bumpyScore((step - 1) / 4.0) ? 1 : 0;
    }
    assertTrue(falls[0] > 50, "the curve falls at " + falls[0] + " steps");
    for (int budget = 2; budget <= 14; budget++) {
      double last = 0;
      for (double value = 0; value <= 99; value += 0.25) {
        QualitySearch.Result r = synthetic(new Metric.Target(Metric.SSIMULACRA2, value), 0, budget);
        double q = r.trial().quality();
        assertTrue(
            q >= last, "budget " + budget + " target " + value + ": q" + q + " after " + last);
        assertTrue(r.encodes() <= budget);
        last = q;
      }
    }
  }

  @Test
  void theQualityNeverFallsAsTheCapRises() throws CodecException {
    // Sizes from the made-up encoder (which shrink in places as quality rises) and from the photo.
    for (int budget = 2; budget <= 12; budget += 2) {
      double last = 0;
      for (long cap = 1500; cap <= 35_000; cap += 250) {
        QualitySearch.Result r = synthetic(null, cap, budget);
        double q = r.trial().quality();
        assertTrue(q >= last, "budget " + budget + " cap " + cap + ": q" + q + " after " + last);
        last = q;
      }
    }
    long smallest = jpeg(1).output().length;
    long largest = jpeg(100).output().length;
    for (int budget : new int[] {3, CompressionSettings.DEFAULT_MAX_ENCODES}) {
      double last = 0;
      for (double cap = smallest; cap <= largest * 1.1; cap *= 1.03) {
        QualitySearch.Result r = new Counted(null, (long) cap, budget, 80).result;
        double q = r.trial().quality();
        assertTrue(q >= last, "budget " + budget + " cap " + (long) cap + ": q" + q);
        if (r.met()) {
          assertTrue(r.trial().output().length <= cap);
        }
        last = q;
      }
    }
  }

  @Test
  void wholeStepsAreMonotoneInTheTargetToo() throws CodecException {
    double lastQuality = 0;
    for (double value = 30; value <= 92; value += 2) {
      QualitySearch.Result r =
          new Counted(
                  new Metric.Target(Metric.SSIMULACRA2, value),
                  0,
                  CompressionSettings.DEFAULT_MAX_ENCODES,
                  80,
                  1)
              .result;
      assertTrue(r.closed(), "target " + value);
      double q = r.trial().quality();
      assertTrue(q >= lastQuality, "target " + value + ": q" + q + " after q" + lastQuality);
      lastQuality = q;
    }
  }

  @Test
  void aByteCapGetsTheHighestQualityThatFits() throws CodecException {
    long cap = jpeg(50).output().length + 1;
    QualitySearch.Result r =
        new Counted(null, cap, CompressionSettings.DEFAULT_MAX_ENCODES, 80).result;
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
    Double low = result.jpegLowFrequencyQuality().orElse(null);
    assertTrue(
        score(Metric.SSIMULACRA2, jpeg(PHOTO, quality - STEP, low)) < 75,
        "quality " + quality + "/" + low + " is not lowest");

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
  void anAnswerAtADcStepChangeKeepsItsLowestStepsWithLowerOtherStepsAndRecordsBoth()
      throws CodecException {
    // On this photo the target's boundary lies where the DC step changes (q59.75 -> q60.25).
    byte[] input = TestData.bytes("orientation/upright.png");
    Metric.Target target = Metric.Target.parse("ssimulacra2:63");
    CompressionResult result =
        ImageCompressor.of(
                CompressionSettings.create()
                    .withOutputFormat(OutputFormat.JPEG)
                    .withTargetScore(target))
            .compress(input);
    assertEquals(Status.WRITTEN, result.status(), result.toString());
    double low = result.jpegLowFrequencyQuality().orElseThrow();
    double quality = result.qualityExact().orElse((double) result.qualitySetting().orElseThrow());
    assertTrue(quality < low, quality + "/" + low);
    assertTrue(result.targetMet().orElseThrow());
    // The first phase's answer: the DC step changes just below it, where the score falls short.
    assertTrue(JpegEncoder.lowSteps(low - STEP) != JpegEncoder.lowSteps(low));
    assertTrue(
        JpegWriter.quantTable(JpegQualityScale.encoderQuality(low - STEP))[0]
            > JpegWriter.quantTable(JpegQualityScale.encoderQuality(low))[0]);
    assertFalse(target.metBy(score(Metric.SSIMULACRA2, jpeg(PHOTO, low - STEP))));
    // The two qualities reproduce the output: same score, and smaller than the first answer.
    QualitySearch.Trial again = jpeg(PHOTO, quality, low);
    assertEquals(result.score().orElseThrow(), score(Metric.SSIMULACRA2, again), 1e-9);
    assertEquals(result.output().orElseThrow().length, again.output().length);
    assertTrue(again.output().length < jpeg(PHOTO, low).output().length);
    // A quarter lower with the same lowest steps misses: the lowest that meets.
    assertFalse(target.metBy(score(Metric.SSIMULACRA2, jpeg(PHOTO, quality - STEP, low))));

    // Without a search, no second phase.
    CompressionResult plain =
        ImageCompressor.of(CompressionSettings.create().withOutputFormat(OutputFormat.JPEG))
            .compress(input);
    assertTrue(plain.jpegLowFrequencyQuality().isEmpty());
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
