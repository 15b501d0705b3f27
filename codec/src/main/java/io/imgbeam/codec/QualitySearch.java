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
 * <p>The search is bisection on the integer quality, started at the format's configured quality:
 *
 * <ul>
 *   <li>target: the smallest quality whose score reaches the target. When the start misses, the
 *       highest quality is tried next: if that misses too, the target is out of reach and the
 *       highest quality is the answer (target not met). Otherwise the bracket (start, highest]
 *       halves until it closes or the encodes run out; the answer is the lowest quality seen to
 *       meet the target.
 *   <li>byte cap alone: the highest quality whose output fits, by the mirror image of the above,
 *       with the lowest quality as the fallback (cap not met when even that is too big).
 *   <li>both: the target's answer when it fits; otherwise the cap wins, since it is a hard limit:
 *       the highest quality below the target's answer that fits, and the record says the target was
 *       not met.
 * </ul>
 *
 * <p>Bisection rather than a secant step: with a fixed rule for the next quality, the answer is
 * monotone in the target even where the score is not monotone in quality (two targets follow the
 * same path until the first quality that meets one and not the other, after which the lower target
 * stays below it and the higher one above), and it needs at most about 8 encodes for 1-100.
 */
final class QualitySearch {
  static final int MIN_QUALITY = 1;
  static final int MAX_QUALITY = 100;

  /** An encode at one quality: the encoded image and the output file it makes. */
  record Trial(int quality, ImageEncoder.Encoded encoded, byte[] output) {}

  /** Encodes at a quality. */
  @FunctionalInterface
  interface Encode {
    Trial at(int quality) throws CodecException;
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
   */
  record Result(Trial trial, double score, int encodes, boolean met) {}

  private final Metric.Target target;
  private final long maxBytes;
  private final int maxEncodes;
  private final Encode encode;
  private final Score score;
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
   */
  QualitySearch(Metric.Target target, long maxBytes, int maxEncodes, Encode encode, Score score) {
    if (target == null && maxBytes <= 0) {
      throw new IllegalArgumentException("expected a target or a byte cap, got neither");
    }
    CompressionSettings.checkRange("maxEncodes", maxEncodes, 2, MAX_QUALITY);
    this.target = target;
    this.maxBytes = maxBytes;
    this.maxEncodes = maxEncodes;
    this.encode = encode;
    this.score = score;
  }

  /** Runs the search from {@code start} (the configured quality). */
  Result run(int start) throws CodecException {
    int first = Math.max(MIN_QUALITY, Math.min(MAX_QUALITY, start));
    if (target != null) {
      Integer found = smallestMeeting(MIN_QUALITY, MAX_QUALITY, first);
      if (maxBytes > 0) {
        int below = found != null ? found : MAX_QUALITY + 1;
        if (found == null || !fits(found)) {
          largestFitting(MIN_QUALITY, below - 1, (MIN_QUALITY + below - 1 + 1) / 2);
        }
      }
    } else {
      largestFitting(MIN_QUALITY, MAX_QUALITY, first);
    }
    return choose();
  }

  /** The lowest quality in [lo, hi] seen to meet the target, or null. */
  private Integer smallestMeeting(int lo, int hi, int first) throws CodecException {
    if (!canTry(first)) {
      return null;
    }
    if (meets(first)) {
      hi = first;
    } else {
      lo = first + 1;
      if (lo > hi || !canTry(hi) || !meets(hi)) {
        return null;
      }
    }
    while (lo < hi && canTry((lo + hi) / 2)) {
      int mid = (lo + hi) / 2;
      if (meets(mid)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return hi;
  }

  /** The highest quality in [lo, hi] seen to fit the cap, or null. */
  private Integer largestFitting(int lo, int hi, int first) throws CodecException {
    if (lo > hi) {
      return null;
    }
    first = Math.max(lo, Math.min(hi, first));
    if (!canTry(first)) {
      return null;
    }
    if (fits(first)) {
      lo = first;
    } else {
      hi = first - 1;
      if (lo > hi || !canTry(lo) || !fits(lo)) {
        return null;
      }
    }
    while (lo < hi && canTry((lo + hi + 1) / 2)) {
      int mid = (lo + hi + 1) / 2;
      if (fits(mid)) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * The answer from everything tried: the lowest quality that meets the target and fits; else, with
   * a cap, the highest quality that fits (or the smallest output when none does); else the highest
   * quality tried.
   */
  private Result choose() throws CodecException {
    List<Trial> all = List.copyOf(tried.values());
    Trial chosen = null;
    boolean met = false;
    for (Trial t : all) {
      if ((target == null || meets(t.quality())) && fits(t.quality())) {
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
              .filter(t -> t.output().length <= maxBytes)
              .reduce((a, b) -> b)
              .orElseGet(
                  () -> all.stream().min(Comparator.comparingInt(t -> t.output().length)).get());
    }
    if (chosen == null) {
      chosen = tried.lastEntry().getValue();
    }
    return new Result(whole(chosen), scoreOf(chosen.quality()), tried.size(), met);
  }

  private boolean canTry(int quality) {
    return tried.containsKey(quality) || tried.size() < maxEncodes;
  }

  private Trial trial(int quality) throws CodecException {
    Trial t = tried.get(quality);
    if (t == null) {
      Progress.checkInterrupted();
      t = encode.at(quality);
      if (reference == null) {
        reference = t.encoded().reference();
      }
      ImageEncoder.Encoded e = t.encoded();
      t = new Trial(quality, new ImageEncoder.Encoded(e.bytes(), null, e.quality()), t.output());
      tried.put(quality, t);
    }
    return t;
  }

  /** A kept trial with the shared reference pixels again. */
  private Trial whole(Trial t) {
    ImageEncoder.Encoded e = t.encoded();
    return new Trial(
        t.quality(), new ImageEncoder.Encoded(e.bytes(), reference, e.quality()), t.output());
  }

  private double scoreOf(int quality) throws CodecException {
    Double s = scores.get(quality);
    if (s == null) {
      s = score.of(whole(trial(quality)));
      scores.put(quality, s);
    }
    return s;
  }

  private boolean meets(int quality) throws CodecException {
    return target.metBy(scoreOf(quality));
  }

  private boolean fits(int quality) throws CodecException {
    return maxBytes <= 0 || trial(quality).output().length <= maxBytes;
  }
}
