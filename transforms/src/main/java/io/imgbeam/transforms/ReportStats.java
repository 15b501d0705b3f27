package io.imgbeam.transforms;

import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the run report shows beyond {@link RunSummary}, aggregated so that its size does not grow
 * with the run: bytes per output format and per status, fixed-bucket histograms of compression
 * ratios and scores, the {@value #ROWS} slowest and lowest-scoring images, and the first {@value
 * #FAILURE_ROWS} failures by path with the count of every kind of failure. Mergeable, so it is a
 * combiner's accumulator; the same {@link #add} serves the pipeline and {@code imgbeam report}.
 */
public final class ReportStats implements Serializable, OutcomeTotals.Accumulator<ReportStats> {
  private static final long serialVersionUID = 1L;

  /** Rows in the slowest and the lowest-scoring lists. */
  public static final int ROWS = 8;

  /** Failures listed one by one; all are counted by kind. */
  public static final int FAILURE_ROWS = 25;

  /** Distinct failure kinds (stage and error class) counted by name; the rest as "other". */
  static final int FAILURE_KINDS = 50;

  /** Longest error message kept, in characters. */
  static final int MESSAGE_CHARS = 400;

  /** Upper bounds of the ratio buckets (output / input); the last bucket is 1 and over. */
  static final double[] RATIO_BOUNDS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

  /**
   * Upper bounds of the score buckets, as fractions of the metric's perfect score (SSIM 1,
   * SSIMULACRA 2 100); the last bucket is exactly perfect (identical pixels).
   */
  static final double[] SCORE_BOUNDS = {0.80, 0.85, 0.90, 0.92, 0.94, 0.96, 0.97, 0.98, 0.99, 1.0};

  private static final Comparator<Row> SLOWEST =
      Comparator.comparingLong((Row r) -> -r.totalMillis).thenComparing(r -> r.inputPath);
  private static final Comparator<Row> LOWEST =
      Comparator.comparingDouble((Row r) -> r.score).thenComparing(r -> r.inputPath);
  private static final Comparator<Row> BY_PATH = Comparator.comparing(r -> r.inputPath);

  private final long[] ratios = new long[RATIO_BOUNDS.length + 1];
  private final long[] scores = new long[SCORE_BOUNDS.length + 1];
  private final TreeMap<String, long[]> byFormat = new TreeMap<>();
  private final TreeMap<String, long[]> byStatus = new TreeMap<>();
  private final TreeMap<String, Long> failureKinds = new TreeMap<>();
  private ArrayList<Row> slowest = new ArrayList<>();
  private ArrayList<Row> lowest = new ArrayList<>();
  private ArrayList<Row> failures = new ArrayList<>();

  /** One outcome, reduced to what a report row shows. Error messages are cut to length. */
  public static final class Row implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String inputPath;
    public final String outputPath;
    public final String status;
    public final String inputFormat;
    public final String outputFormat;
    public final long inputBytes;
    public final Long outputBytes;
    public final Integer width;
    public final Integer height;
    public final Integer outputWidth;
    public final Integer outputHeight;
    public final double score;
    public final long totalMillis;
    public final String inputSha256;
    public final String outputSha256;
    public final String errorStage;
    public final String errorClass;
    public final String errorMessage;

    Row(ImageOutcome o) {
      inputPath = o.getInputPath();
      outputPath = o.getOutputPath();
      status = o.getStatus().name();
      inputFormat = o.getInputFormat();
      outputFormat = o.getOutputFormat();
      inputBytes = o.getInputBytes();
      outputBytes = o.getOutputBytes();
      width = o.getWidth();
      height = o.getHeight();
      outputWidth = o.getOutputWidth();
      outputHeight = o.getOutputHeight();
      score = o.getScore() == null ? Double.NaN : o.getScore();
      totalMillis = o.getTotalMillis();
      inputSha256 = o.getInputSha256();
      outputSha256 = o.getOutputSha256();
      errorStage = o.getErrorStage();
      errorClass = o.getErrorClass();
      String message = o.getErrorMessage();
      errorMessage =
          message == null || message.length() <= MESSAGE_CHARS
              ? message
              : message.substring(0, MESSAGE_CHARS) + "...";
    }
  }

  /** Adds one outcome. */
  @Override
  public ReportStats add(ImageOutcome outcome) {
    String status = outcome.getStatus().name();
    long in = outcome.getInputBytes();
    Long out = outcome.getOutputBytes();
    addBytes(byStatus, status, 1, in, out == null ? 0 : out);
    if (out != null) {
      addBytes(byFormat, String.valueOf(outcome.getOutputFormat()), 1, in, out);
      if (outcome.getRatio() != null) {
        ratios[bucket(RATIO_BOUNDS, outcome.getRatio())]++;
      }
      slowest = keep(slowest, new Row(outcome), SLOWEST, ROWS);
      if (outcome.getScore() != null) {
        double score = outcome.getScore() / perfectScore(outcome.getScoreName());
        scores[score >= 1.0 ? SCORE_BOUNDS.length : bucket(SCORE_BOUNDS, score)]++;
        lowest = keep(lowest, new Row(outcome), LOWEST, ROWS);
      }
    } else if (outcome.getErrorStage() != null || outcome.getErrorMessage() != null) {
      String kind = outcome.getErrorStage() + " / " + outcome.getErrorClass();
      countKind(kind, 1);
      failures = keep(failures, new Row(outcome), BY_PATH, FAILURE_ROWS);
    }
    return this;
  }

  /** Adds everything another accumulator holds. */
  @Override
  public ReportStats merge(ReportStats other) {
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] += other.ratios[i];
    }
    for (int i = 0; i < scores.length; i++) {
      scores[i] += other.scores[i];
    }
    other.byFormat.forEach((k, v) -> addBytes(byFormat, k, v[0], v[1], v[2]));
    other.byStatus.forEach((k, v) -> addBytes(byStatus, k, v[0], v[1], v[2]));
    other.failureKinds.forEach(this::countKind);
    slowest = keepAll(slowest, other.slowest, SLOWEST, ROWS);
    lowest = keepAll(lowest, other.lowest, LOWEST, ROWS);
    failures = keepAll(failures, other.failures, BY_PATH, FAILURE_ROWS);
    return this;
  }

  /** Counts per ratio bucket ({@link #RATIO_BOUNDS}, then 1 and over). */
  public long[] ratioHistogram() {
    return ratios.clone();
  }

  /** The perfect score of a metric by its record name: 100 for ssimulacra2, else (SSIM) 1. */
  static double perfectScore(CharSequence scoreName) {
    return scoreName != null && "ssimulacra2".contentEquals(scoreName) ? 100.0 : 1.0;
  }

  /** Counts per score bucket ({@link #SCORE_BOUNDS}, then exactly 1). */
  public long[] scoreHistogram() {
    return scores.clone();
  }

  /** Per output format: outputs, their inputs' bytes, their bytes. */
  public Map<String, long[]> bytesByFormat() {
    return byFormat;
  }

  /** Per status: outcomes, input bytes, output bytes. */
  public Map<String, long[]> bytesByStatus() {
    return byStatus;
  }

  /** Failures counted by "stage / error class", at most {@value #FAILURE_KINDS} names. */
  public Map<String, Long> failureKinds() {
    return failureKinds;
  }

  /** The slowest outcomes with an output, slowest first. */
  public List<Row> slowest() {
    return sorted(slowest, SLOWEST, ROWS);
  }

  /** The lowest-scoring outcomes with an output, lowest first. */
  public List<Row> lowestScoring() {
    return sorted(lowest, LOWEST, ROWS);
  }

  /** The first failures by input path. */
  public List<Row> failures() {
    return sorted(failures, BY_PATH, FAILURE_ROWS);
  }

  /** Equal when every count and every kept row (by path, status, time and score) is. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ReportStats other && canonical().equals(other.canonical());
  }

  @Override
  public int hashCode() {
    return canonical().hashCode();
  }

  private String canonical() {
    StringBuilder text = new StringBuilder(Arrays.toString(ratios)).append(Arrays.toString(scores));
    byFormat.forEach((k, v) -> text.append(k).append(Arrays.toString(v)));
    byStatus.forEach((k, v) -> text.append(k).append(Arrays.toString(v)));
    text.append(failureKinds);
    for (List<Row> rows : List.of(slowest(), lowestScoring(), failures())) {
      for (Row r : rows) {
        text.append('|').append(r.inputPath).append(r.status).append(r.totalMillis).append(r.score);
      }
    }
    return text.toString();
  }

  private void countKind(String kind, long count) {
    String name =
        failureKinds.containsKey(kind) || failureKinds.size() < FAILURE_KINDS ? kind : "other";
    failureKinds.merge(name, count, Long::sum);
  }

  private static void addBytes(
      TreeMap<String, long[]> map, String key, long count, long in, long out) {
    long[] totals = map.computeIfAbsent(key, k -> new long[3]);
    totals[0] += count;
    totals[1] += in;
    totals[2] += out;
  }

  private static int bucket(double[] bounds, double value) {
    for (int i = 0; i < bounds.length; i++) {
      if (value < bounds[i]) {
        return i;
      }
    }
    return bounds.length;
  }

  /** Adds a row; sorts and cuts only when twice the limit has gathered, so adding stays O(1). */
  private static ArrayList<Row> keep(
      ArrayList<Row> rows, Row row, Comparator<Row> order, int limit) {
    rows.add(row);
    return rows.size() >= 2 * limit ? new ArrayList<>(sorted(rows, order, limit)) : rows;
  }

  private static ArrayList<Row> keepAll(
      ArrayList<Row> rows, List<Row> more, Comparator<Row> order, int limit) {
    ArrayList<Row> all = new ArrayList<>(rows);
    all.addAll(more);
    return new ArrayList<>(sorted(all, order, limit));
  }

  private static List<Row> sorted(List<Row> rows, Comparator<Row> order, int limit) {
    List<Row> copy = new ArrayList<>(rows);
    copy.sort(order);
    return List.copyOf(copy.subList(0, Math.min(limit, copy.size())));
  }
}
