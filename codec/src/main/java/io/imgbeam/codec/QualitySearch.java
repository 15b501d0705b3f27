package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The quality setting of one lossy encoder for one image that meets a score target, a byte cap, or
 * both, in at most a given number of encodes. Every encode works on the same decoded, oriented,
 * converted and resized pixels; each quality is encoded and scored at most once.
 *
 * <p>Qualities are 1 to 100 in the encoder's steps: whole numbers, or finer where the encoder takes
 * fractions (JPEG: quarters, so 397 settings). Each search looks for the boundary between the
 * qualities below it (target missed, or output within the cap) and those above it:
 *
 * <ul>
 *   <li>target: the lowest quality whose score reaches the target. If even the highest quality
 *       misses, the target is out of reach and the highest quality is the answer (target not met).
 *   <li>byte cap alone: the highest quality whose output fits, with the lowest quality as the
 *       fallback (cap not met when even that is too big).
 *   <li>both: the target's answer when it fits; otherwise the cap wins, since it is a hard limit:
 *       the highest quality below the target's answer that fits, and the record says the target was
 *       not met.
 * </ul>
 *
 * <p>The first encode is at the configured quality, the second 10 qualities towards the boundary;
 * from then on each quality is read off the score (or log-size) curve against the logarithm of the
 * quality (on which scores rise far more evenly than on the quality): extrapolated along the last
 * two encodes (at most three times their distance) until the boundary is bracketed, then
 * interpolated between the bracket's ends, an end that stays for consecutive steps counting half as
 * much each time (the Illinois rule, so a curved score does not stall the bracket on one side). On
 * the bench photos that closes the bracket to one quarter step in about 6 encodes (3 to 8; targets
 * far below the start take the most), where bisection of 397 steps needs 10 or 11.
 *
 * <p>Every step is a fixed function of the encodes so far and the goal, so a search is
 * deterministic. The answer is the lowest (target) or highest (cap) quality tried on its side of
 * the boundary; when the bracket closes ({@link Result#closed}) and the score rises with quality
 * around it, that is the exact boundary, so the answer is monotone in the target. Where the encodes
 * run out first, an answer may be a step or two above the boundary, and a slightly higher target
 * may then get a quarter step less. (Bisection alone is monotone for any score curve, but cannot
 * reach quarter steps in 8 encodes.)
 */
final class QualitySearch {
  static final int MIN_QUALITY = 1;
  static final int MAX_QUALITY = 100;

  /** Qualities the second encode moves from the first, towards the boundary. */
  static final int FIRST_STEP = 10;

  /** An encode at one quality: the encoded image and the output file it makes. */
  record Trial(double quality, ImageEncoder.Encoded encoded, byte[] output) {}

  /** Encodes at a quality. */
  @FunctionalInterface
  interface Encode {
    Trial at(double quality) throws CodecException;
  }

  /** Decodes and scores a trial's output (verification included). */
  @FunctionalInterface
  interface Score {
    double of(Trial trial) throws CodecException;
  }

  /**
   * What the search chose.
   *
   * @param trial the chosen encode
   * @param score its score
   * @param encodes how many encodes the search made
   * @param met whether the output meets the target and fits the cap
   * @param closed whether the search closed its bracket before the encodes ran out: the answer is
   *     then next to a quality on the other side of the boundary (or at the end of the range)
   */
  record Result(Trial trial, double score, int encodes, boolean met, boolean closed) {}

  private final Metric.Target target;
  private final long maxBytes;
  private final int maxEncodes;
  private final int steps;
  private final Encode encode;
  private final Score score;

  /** Trials by quality step (quality x steps). */
  private final TreeMap<Integer, Trial> tried = new TreeMap<>();

  private final Map<Integer, Double> scores = new HashMap<>();

  /**
   * The pixels every trial was encoded from after the encoder's own reductions. They do not depend
   * on the quality, so one copy serves every trial: the trials kept in {@link #tried} hold only
   * their bytes, and a full-size image per quality never piles up.
   */
  private BufferedImage reference;

  /**
   * @param target the score to reach, or null
   * @param maxBytes the largest output allowed, or 0 for no cap
   * @param maxEncodes at most this many encodes, at least 2
   * @param steps quality steps per unit the encoder takes: 1 for whole qualities, 4 for quarters
   */
  QualitySearch(
      Metric.Target target, long maxBytes, int maxEncodes, int steps, Encode encode, Score score) {
    if (target == null && maxBytes <= 0) {
      throw new IllegalArgumentException("expected a target or a byte cap, got neither");
    }
    CompressionSettings.checkRange("maxEncodes", maxEncodes, 2, MAX_QUALITY);
    CompressionSettings.checkRange("quality steps", steps, 1, 100);
    this.target = target;
    this.maxBytes = maxBytes;
    this.maxEncodes = maxEncodes;
    this.steps = steps;
    this.encode = encode;
    this.score = score;
  }

  /** Runs the search from {@code start} (the configured quality). */
  Result run(double start) throws CodecException {
    int lowest = MIN_QUALITY * steps;
    int highest = MAX_QUALITY * steps;
    int first = (int) Math.max(lowest, Math.min(highest, Math.round(start * steps)));
    Bracket b;
    if (target != null) {
      b = boundary(new Side(true), lowest, highest, first);
      Integer found = b.above();
      if (maxBytes > 0 && (found == null || !fits(found))) {
        int below = found != null ? found - 1 : highest;
        if (below >= lowest) {
          b = boundary(new Side(false), lowest, below, below);
        }
      }
    } else {
      b = boundary(new Side(false), lowest, highest, first);
    }
    return choose(b.closed());
  }

  /**
   * What a search looks for, as a predicate that is false below the boundary and true above it,
   * with a value that rises through a threshold there: the score against the target, or the log of
   * the output size against the log of the cap ("too big").
   */
  private final class Side {
    private final boolean score;

    Side(boolean score) {
      this.score = score;
    }

    boolean above(int step) throws CodecException {
      return score ? meets(step) : !fits(step);
    }

    /** The value minus the threshold: negative below the boundary. */
    double excess(int step) throws CodecException {
      if (score) {
        return scoreOf(step) - target.value();
      }
      return Math.log(trial(step).output().length) - Math.log(maxBytes);
    }
  }

  /**
   * The boundary as far as the encodes show it: {@code below} the highest step known below it,
   * {@code above} the lowest known above it (either null when none is known in the range).
   */
  private record Bracket(Integer below, Integer above, boolean closed) {}

  /** The known steps of [lo, hi] on each side of the boundary closest to it. */
  private Bracket known(Side side, int lo, int hi) throws CodecException {
    Integer above = null;
    for (int step : tried.subMap(lo, true, hi, true).keySet()) {
      if (side.above(step)) {
        above = step;
        break;
      }
    }
    Integer below = null;
    int top = above != null ? above - 1 : hi;
    for (int step :
        top < lo ? List.<Integer>of() : tried.subMap(lo, true, top, true).descendingKeySet()) {
      if (!side.above(step)) {
        below = step;
        break;
      }
    }
    boolean closed =
        below != null && above != null
            ? above - below <= 1
            : (above == null && below != null && below == hi)
                || (below == null && above != null && above == lo);
    return new Bracket(below, above, closed);
  }

  /**
   * Encodes steps of [lo, hi] until the boundary is closed to adjacent steps, shown to lie outside
   * the range, or the encodes run out; returns the bracket it reached.
   */
  private Bracket boundary(Side side, int lo, int hi, int first) throws CodecException {
    int keptBelow = 0;
    int keptAbove = 0;
    while (true) {
      Bracket b = known(side, lo, hi);
      if (b.closed()) {
        return b;
      }
      int next;
      if (b.below() == null && b.above() == null) {
        next = first;
      } else if (b.below() == null) {
        next = extrapolate(side, lo, b.above(), false);
      } else if (b.above() == null) {
        next = extrapolate(side, hi, b.below(), true);
      } else {
        next = interpolate(side, b.below(), b.above(), keptBelow, keptAbove);
      }
      if (!canTry(next)) {
        return b;
      }
      if (side.above(next)) {
        keptBelow++;
        keptAbove = 0;
      } else {
        keptAbove++;
        keptBelow = 0;
      }
    }
  }

  /**
   * The next step beyond {@code edge} (the known step nearest the unbracketed side) towards {@code
   * limit}: {@link #FIRST_STEP} qualities when only one step is known there, else along the line
   * through the two known steps nearest the boundary, a quarter further, but at most twice their
   * distance (on the log-quality axis of {@link #interpolate}); at the limit when that line does
   * not rise.
   */
  private int extrapolate(Side side, int limit, int edge, boolean up) throws CodecException {
    Integer inner = up ? tried.lowerKey(edge) : tried.higherKey(edge);
    double guess;
    if (inner == null || (up ? side.above(inner) : !side.above(inner))) {
      guess = edge + (up ? 1 : -1) * FIRST_STEP * steps;
    } else {
      double e0 = side.excess(inner);
      double e1 = side.excess(edge);
      double gap = Math.log(edge) - Math.log(inner);
      double slope = (e1 - e0) / gap;
      if (!(slope > 0) || !Double.isFinite(slope)) {
        return limit;
      }
      double move = -1.25 * e1 / slope;
      guess = Math.exp(Math.log(edge) + (up ? Math.min(move, 3 * gap) : Math.max(move, 3 * gap)));
    }
    long rounded = up ? (long) Math.ceil(guess) : (long) Math.floor(guess);
    return (int)
        (up
            ? Math.max(edge + 1, Math.min(limit, rounded))
            : Math.min(edge - 1, Math.max(limit, rounded)));
  }

  /**
   * The step where the line between the bracket's ends crosses the threshold, strictly inside the
   * bracket; an end kept for k steps in a row has its excess halved k - 1 times (Illinois). The
   * line is drawn against the logarithm of the quality, on which scores rise far more evenly than
   * on the quality itself (they climb steeply at low qualities and flatten above 50).
   */
  private int interpolate(Side side, int below, int above, int keptBelow, int keptAbove)
      throws CodecException {
    double e0 = side.excess(below) / Math.pow(2, Math.max(0, keptBelow - 1));
    double e1 = side.excess(above) / Math.pow(2, Math.max(0, keptAbove - 1));
    double x0 = Math.log(below);
    double x1 = Math.log(above);
    double guess = Math.exp(x0 + (x1 - x0) * (-e0) / (e1 - e0));
    if (!Double.isFinite(guess)) {
      guess = (below + above) / 2.0;
    }
    return (int) Math.max(below + 1, Math.min(above - 1, Math.round(guess)));
  }

  /**
   * The answer from everything tried: the lowest quality that meets the target and fits; else, with
   * a cap, the highest quality that fits (or the smallest output when none does); else the highest
   * quality tried.
   */
  private Result choose(boolean closed) throws CodecException {
    List<Map.Entry<Integer, Trial>> all = List.copyOf(tried.entrySet());
    Map.Entry<Integer, Trial> chosen = null;
    boolean met = false;
    for (Map.Entry<Integer, Trial> t : all) {
      if ((target == null || meets(t.getKey())) && fits(t.getKey())) {
        // Lowest quality when a target is set, highest under a cap alone.
        if (chosen == null || target == null) {
          chosen = t;
        }
        met = true;
        if (target != null) {
          break;
        }
      }
    }
    if (chosen == null && maxBytes > 0) {
      chosen =
          all.stream()
              .filter(t -> t.getValue().output().length <= maxBytes)
              .reduce((a, b) -> b)
              .orElseGet(
                  () ->
                      all.stream()
                          .min(Comparator.comparingInt(t -> t.getValue().output().length))
                          .get());
    }
    if (chosen == null) {
      chosen = tried.lastEntry();
    }
    return new Result(
        whole(chosen.getValue()), scoreOf(chosen.getKey()), tried.size(), met, closed);
  }

  private boolean canTry(int step) {
    return tried.containsKey(step) || tried.size() < maxEncodes;
  }

  private Trial trial(int step) throws CodecException {
    Trial t = tried.get(step);
    if (t == null) {
      Progress.checkInterrupted();
      t = encode.at(step / (double) steps);
      if (reference == null) {
        reference = t.encoded().reference();
      }
      ImageEncoder.Encoded e = t.encoded();
      t =
          new Trial(
              t.quality(), new ImageEncoder.Encoded(e.bytes(), null, e.quality()), t.output());
      tried.put(step, t);
    }
    return t;
  }

  /** A kept trial with the shared reference pixels again. */
  private Trial whole(Trial t) {
    ImageEncoder.Encoded e = t.encoded();
    return new Trial(
        t.quality(), new ImageEncoder.Encoded(e.bytes(), reference, e.quality()), t.output());
  }

  private double scoreOf(int step) throws CodecException {
    Double s = scores.get(step);
    if (s == null) {
      s = score.of(whole(trial(step)));
      scores.put(step, s);
    }
    return s;
  }

  private boolean meets(int step) throws CodecException {
    return target.metBy(scoreOf(step));
  }

  private boolean fits(int step) throws CodecException {
    return maxBytes <= 0 || trial(step).output().length <= maxBytes;
  }
}
