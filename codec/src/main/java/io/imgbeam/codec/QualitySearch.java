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
 *       not met. The target's search stops early when a quality that misses the target is already
 *       too big (every quality that meets it lies above, outputs growing with quality), so that the
 *       encodes left go to the cap.
 * </ul>
 *
 * <p>Which quality is encoded next depends only on which side of the boundary each earlier encode
 * fell, never on the target's or the cap's value: the first encode is at the configured quality;
 * while only one side is known, the search steps away from it, {@link #FIRST_STEP_UP} qualities up
 * or {@link #FIRST_STEP_DOWN} down, each further step twice the last (80, 60, 20, 1 down; 80, 90,
 * 100 up); once the boundary is bracketed, the bracket is halved in quality steps until it is
 * closed to adjacent steps ({@link Result#closed}) or the encodes run out. The answer is the end of
 * the final bracket on the goal's side: the lowest quality in it that meets the target, the highest
 * that fits the cap.
 *
 * <p>That makes the answer monotone in the target by construction, for every search and every score
 * curve, whether the bracket closed or not: two targets T1 &lt; T2 encode the same qualities while
 * every encode falls on the same side for both, up to the first quality p that meets T1 and misses
 * T2; from there every encode of T1 lies below p and its answer is at most p, every encode of T2
 * lies above p and its answer is above p. Where the score is not monotone in the quality, a closed
 * bracket still gives a quality that meets the target next to one that misses it, though a lower
 * one may meet it elsewhere. The same holds for the byte cap (a larger cap never gets a lower
 * quality). A search with both goals is not monotone in this sense: the cap's search runs below the
 * target's answer.
 *
 * <p>A second phase refines a target's answer where the encoder offers one ({@link Refinement}:
 * JPEG's lowest-frequency steps, the DC and the first AC pair, which change in whole steps, so that
 * the score jumps by up to 4.6 points of SSIMULACRA 2 between two adjacent quarter qualities where
 * the DC step changes, against 0-0.8 for a quarter step of the other steps). When the target's
 * bracket closed at adjacent steps lo (misses) and hi (meets) whose parts differ, the target may
 * lie inside the jump, and hi's output overshoots it. The second phase keeps hi's part and bisects
 * over the {@link #REFINE_STEPS} steps below hi for the lowest that meets the target (and fits the
 * cap, if any); the answer is that one, or hi when none is found. On the bench at SSIMULACRA 2 70
 * it saved 0.1 % of the sample photos' bytes and 1.5 % of the wallpapers' (up to 6 % on one).
 *
 * <p>Answers are then (part, quality) pairs, ordered by the part as the quality orders it (JPEG:
 * steps coarse to fine), then by the quality, and they stay monotone in the target in that order.
 * For T1 &lt; T2 the first phase gives hi1 &lt;= hi2 as above. With the same bracket, the second
 * phase runs for both or neither, and as a bisection whose next encode depends only on the sides
 * seen it is monotone as the first phase is. With hi1 &lt; hi2, either part(hi1) comes before
 * part(hi2), and T1's answer is smaller whatever its quality; or the parts are equal, and then lo2
 * &gt;= hi1 (the two searches parted at an encode that met T1 and missed T2, below which T1's
 * bracket lies and above which T2's does), so part(lo2) = part(hi2), since qualities sharing a part
 * form one range: the second phase does not run for T2, whose answer keeps quality hi2, above every
 * quality T1's answer can have (at most hi1).
 *
 * <p>Score-space bisection (the encode where the score curve reaches the midpoint of the bracket
 * ends' scores) and bisection of the logarithm of the quality were measured against plain bisection
 * in quality on the bench photos' score curves: none closed the bracket in fewer encodes, since
 * closing means isolating one quarter step among the bracket's steps. As the encodes depend only on
 * the sides seen, the longest path through them bounds every search, whatever the curve: from any
 * start, quarter steps close within 12 encodes (11 from 80, about 9.4 on average over all
 * boundaries) and whole steps within 10, and the second phase takes at most {@link #REFINE_ENCODES}
 * more, so at the default budget ({@link CompressionSettings#DEFAULT_MAX_ENCODES}, 18) every search
 * ends at the exact boundary and every second phase finishes.
 */
final class QualitySearch {
  static final int MIN_QUALITY = 1;
  static final int MAX_QUALITY = 100;

  /** Qualities the first step up from the start covers. */
  static final int FIRST_STEP_UP = 10;

  /** Qualities the first step down from the start covers. */
  static final int FIRST_STEP_DOWN = 20;

  /**
   * Quality steps below the first phase's answer that the second phase ({@link Refinement}) tries
   * with the answer's part kept: 1 to {@value} (2^6 - 1, so its bisection takes at most 6 encodes;
   * 15.75 qualities in JPEG's quarters).
   */
  static final int REFINE_STEPS = 63;

  /** The most encodes the second phase makes: its bisection over {@link #REFINE_STEPS} + 1. */
  static final int REFINE_ENCODES = 6;

  /**
   * An encode at one quality: the encoded image and the output file it makes.
   *
   * @param pinnedFrom the quality whose {@link Refinement#part} the encode kept instead of its own,
   *     or null
   */
  record Trial(double quality, ImageEncoder.Encoded encoded, byte[] output, Double pinnedFrom) {
    Trial(double quality, ImageEncoder.Encoded encoded, byte[] output) {
      this(quality, encoded, output, null);
    }
  }

  /** Encodes at a quality. */
  @FunctionalInterface
  interface Encode {
    Trial at(double quality) throws CodecException;
  }

  /**
   * A second phase an encoder may offer for a target: a part of its setting that changes in large
   * steps between adjacent qualities, so that the score jumps there (JPEG: the DC and first AC pair
   * steps), and encodes that keep one quality's part while the rest of the setting takes a lower
   * quality.
   */
  interface Refinement {
    /**
     * The part at a quality. The qualities sharing a part must form one unbroken range (as with a
     * part that never rises, or never falls, with the quality).
     */
    int part(double quality);

    /** Encodes at {@code quality} with the part of {@code partFrom}. */
    Trial at(double quality, double partFrom) throws CodecException;
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
   * @param closed whether the search closed its bracket (and finished its second phase, if one ran)
   *     before the encodes ran out: the answer is then next to a setting on the other side of the
   *     boundary (or at the end of the range)
   */
  record Result(Trial trial, double score, int encodes, boolean met, boolean closed) {}

  private final Metric.Target target;
  private final long maxBytes;
  private final int maxEncodes;
  private final int steps;
  private final Score score;
  private final Refinement refinement;

  /** The first phase's encodes. */
  private final Trials tried;

  /** The second phase's encodes, with the part of one quality; null until it starts. */
  private Trials pinned;

  /**
   * With a cap and a target: a step that missed the target with an output already over the cap,
   * which ended the target's search; null while none has.
   */
  private Integer tooBigMiss;

  /**
   * The pixels every trial was encoded from after the encoder's own reductions. They do not depend
   * on the quality, so one copy serves every trial: the trials kept hold only their bytes, and a
   * full-size image per quality never piles up.
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
    this(target, maxBytes, maxEncodes, steps, encode, score, null);
  }

  /**
   * @param refinement the encoder's second phase, or null for none
   */
  QualitySearch(
      Metric.Target target,
      long maxBytes,
      int maxEncodes,
      int steps,
      Encode encode,
      Score score,
      Refinement refinement) {
    if (target == null && maxBytes <= 0) {
      throw new IllegalArgumentException("expected a target or a byte cap, got neither");
    }
    CompressionSettings.checkRange("maxEncodes", maxEncodes, 2, MAX_QUALITY);
    CompressionSettings.checkRange("quality steps", steps, 1, 100);
    this.target = target;
    this.maxBytes = maxBytes;
    this.maxEncodes = maxEncodes;
    this.steps = steps;
    this.score = score;
    this.refinement = refinement;
    this.tried = new Trials(encode);
  }

  /** Runs the search from {@code start} (the configured quality). */
  Result run(double start) throws CodecException {
    int lowest = MIN_QUALITY * steps;
    int highest = MAX_QUALITY * steps;
    int first = (int) Math.max(lowest, Math.min(highest, Math.round(start * steps)));
    if (target == null) {
      Bracket b = boundary(new Side(false), lowest, highest, first);
      return b.below() != null ? result(b.below(), b.closed()) : smallest(b.closed());
    }
    Bracket b = boundary(new Side(true), lowest, highest, first);
    int top;
    if (tooBigMiss != null) {
      // A quality that misses the target is already too big: every quality that meets it lies
      // above, with a larger output, so the encodes left go to the cap.
      top = tooBigMiss - 1;
    } else {
      // The lowest quality of the final bracket that meets the target; none met: the highest tried.
      int answer = b.above() != null ? b.above() : tried.byStep.lastKey();
      if (maxBytes <= 0 || tried.fits(answer)) {
        return refined(b, answer);
      }
      // The cap is a hard limit: the highest quality below the target's answer that fits.
      top = answer - 1;
    }
    if (top < lowest) {
      return smallest(b.closed());
    }
    Bracket capped = boundary(new Side(false), lowest, top, top);
    return capped.below() != null
        ? result(capped.below(), capped.closed())
        : smallest(capped.closed());
  }

  /**
   * The second phase, after the target's search closed its bracket at adjacent steps whose {@link
   * Refinement#part}s differ: with the part of the answer {@code hi} kept, bisection over the
   * quality steps 1 to {@link #REFINE_STEPS} below it for the lowest that meets the target (and
   * fits the cap, if any, as {@code hi} does); {@code hi} itself when none is found. As in the
   * first phase, the next encode depends only on the sides seen.
   */
  private Result refined(Bracket b, int hi) throws CodecException {
    if (refinement == null
        || !b.closed()
        || b.below() == null
        || b.above() == null
        || refinement.part(b.below() / (double) steps) == refinement.part(hi / (double) steps)) {
      return result(hi, b.closed());
    }
    double from = hi / (double) steps;
    pinned =
        new Trials(
            q -> {
              Trial t = refinement.at(q, from);
              return new Trial(t.quality(), t.encoded(), t.output(), from);
            });
    // Candidate i is step hi - i; 0 (hi) meets, and the one past the range counts as a miss
    // without an encode.
    int meets = 0;
    int misses = Math.min(REFINE_STEPS, hi - MIN_QUALITY * steps) + 1;
    while (misses - meets > 1) {
      int mid = (meets + misses) / 2;
      int step = hi - mid;
      if (!canTry(pinned, step)) {
        break;
      }
      if (pinned.meets(step) && pinned.fits(step)) {
        meets = mid;
      } else {
        misses = mid;
      }
    }
    boolean closed = misses - meets <= 1;
    return meets == 0 ? result(hi, closed) : result(pinned, hi - meets, closed);
  }

  /**
   * What a search looks for, as a predicate that is false below the boundary and true above it:
   * "meets the target" or "too big for the cap".
   */
  private final class Side {
    private final boolean score;

    Side(boolean score) {
      this.score = score;
    }

    boolean above(int step) throws CodecException {
      return score ? tried.meets(step) : !tried.fits(step);
    }
  }

  /**
   * The boundary as far as the encodes show it: {@code below} the highest step known below it,
   * {@code above} the lowest known above it (either null when none is known in the range); steps
   * between them are untried.
   */
  private record Bracket(Integer below, Integer above, boolean closed) {
    static Bracket of(Integer below, Integer above, int lo, int hi) {
      boolean closed =
          below != null && above != null
              ? above - below <= 1
              : (above == null && below != null && below == hi)
                  || (below == null && above != null && above == lo);
      return new Bracket(below, above, closed);
    }
  }

  /** The known steps of [lo, hi] on each side of the boundary closest to it. */
  private Bracket known(Side side, int lo, int hi) throws CodecException {
    Integer above = null;
    for (int step : tried.byStep.subMap(lo, true, hi, true).keySet()) {
      if (side.above(step)) {
        above = step;
        break;
      }
    }
    Integer below = null;
    int top = above != null ? above - 1 : hi;
    for (int step :
        top < lo
            ? List.<Integer>of()
            : tried.byStep.subMap(lo, true, top, true).descendingKeySet()) {
      if (!side.above(step)) {
        below = step;
        break;
      }
    }
    return Bracket.of(below, above, lo, hi);
  }

  /**
   * Encodes steps of [lo, hi] until the boundary is closed to adjacent steps, shown to lie outside
   * the range, or the encodes run out; returns the bracket it reached. Every encode lies strictly
   * inside the bracket, which it then narrows from one side.
   */
  private Bracket boundary(Side side, int lo, int hi, int first) throws CodecException {
    Bracket b = known(side, lo, hi);
    while (!b.closed()) {
      int next;
      if (b.below() == null && b.above() == null) {
        next = first;
      } else if (b.below() == null) {
        next = away(b.above(), lo, false);
      } else if (b.above() == null) {
        next = away(b.below(), hi, true);
      } else {
        next = (b.below() + b.above()) / 2;
      }
      if (!canTry(tried, next)) {
        return b;
      }
      boolean above = side.above(next);
      if (side.score && maxBytes > 0 && !above && !tried.fits(next)) {
        tooBigMiss = next;
        return b;
      }
      b = above ? Bracket.of(b.below(), next, lo, hi) : Bracket.of(next, b.above(), lo, hi);
    }
    return b;
  }

  /**
   * The next step beyond {@code edge} (the known step nearest the open side) towards {@code limit}:
   * {@link #FIRST_STEP_UP} or {@link #FIRST_STEP_DOWN} qualities from the only step known there,
   * else twice the distance from the previous one; at most the limit.
   */
  private int away(int edge, int limit, boolean up) {
    Integer inner = up ? tried.byStep.lowerKey(edge) : tried.byStep.higherKey(edge);
    int first = (up ? FIRST_STEP_UP : FIRST_STEP_DOWN) * steps;
    int distance = inner == null ? first : Math.max(first, 2 * Math.abs(edge - inner));
    return up ? Math.min(limit, edge + distance) : Math.max(limit, edge - distance);
  }

  /** The chosen step of the first phase. */
  private Result result(int step, boolean closed) throws CodecException {
    return result(tried, step, closed);
  }

  /** The chosen step: met when it meets the target (if any) and fits the cap (if any). */
  private Result result(Trials trials, int step, boolean closed) throws CodecException {
    boolean met = (target == null || trials.meets(step)) && trials.fits(step);
    return new Result(whole(trials.byStep.get(step)), trials.scoreOf(step), encodes(), met, closed);
  }

  /** Nothing fits the cap: the smallest output tried (not met). */
  private Result smallest(boolean closed) throws CodecException {
    int step =
        tried.byStep.entrySet().stream()
            .min(Comparator.comparingInt(t -> t.getValue().output().length))
            .orElseThrow()
            .getKey();
    return new Result(whole(tried.byStep.get(step)), tried.scoreOf(step), encodes(), false, closed);
  }

  private int encodes() {
    return tried.byStep.size() + (pinned == null ? 0 : pinned.byStep.size());
  }

  private boolean canTry(Trials trials, int step) {
    return trials.byStep.containsKey(step) || encodes() < maxEncodes;
  }

  /** A kept trial with the shared reference pixels again. */
  private Trial whole(Trial t) {
    ImageEncoder.Encoded e = t.encoded();
    return new Trial(
        t.quality(),
        new ImageEncoder.Encoded(e.bytes(), reference, e.quality()),
        t.output(),
        t.pinnedFrom());
  }

  /** The encodes of one phase by quality step (quality x steps), each encoded and scored once. */
  private final class Trials {
    final TreeMap<Integer, Trial> byStep = new TreeMap<>();
    private final Map<Integer, Double> scores = new HashMap<>();
    private final Encode encode;

    Trials(Encode encode) {
      this.encode = encode;
    }

    Trial trial(int step) throws CodecException {
      Trial t = byStep.get(step);
      if (t == null) {
        Progress.checkInterrupted();
        t = encode.at(step / (double) steps);
        if (reference == null) {
          reference = t.encoded().reference();
        }
        ImageEncoder.Encoded e = t.encoded();
        t =
            new Trial(
                t.quality(),
                new ImageEncoder.Encoded(e.bytes(), null, e.quality()),
                t.output(),
                t.pinnedFrom());
        byStep.put(step, t);
      }
      return t;
    }

    double scoreOf(int step) throws CodecException {
      Double s = scores.get(step);
      if (s == null) {
        s = score.of(whole(trial(step)));
        scores.put(step, s);
      }
      return s;
    }

    boolean meets(int step) throws CodecException {
      return target.metBy(scoreOf(step));
    }

    boolean fits(int step) throws CodecException {
      return maxBytes <= 0 || trial(step).output().length <= maxBytes;
    }
  }
}
