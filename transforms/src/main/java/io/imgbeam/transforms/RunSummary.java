package io.imgbeam.transforms;

import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Totals over all outcomes of a run, mergeable so it can be a combiner's accumulator, and rendered
 * as {@code summary.json}.
 */
public final class RunSummary implements Serializable, OutcomeTotals.Accumulator<RunSummary> {
  private static final long serialVersionUID = 1L;

  private long inputs;
  private final TreeMap<String, Long> byStatus = new TreeMap<>();
  private final TreeMap<String, Long> byInputFormat = new TreeMap<>();
  private final TreeMap<String, Long> byOutputFormat = new TreeMap<>();
  private long inputBytes;
  private long producedInputBytes;
  private long outputBytes;
  private long withGps;
  private long withSerial;
  private long withOwner;
  private long scored;
  private double scoreSum;
  private double scoreMin = Double.NaN;
  private double scoreMax = Double.NaN;
  private String scoreName;
  private long encodesTried;
  private long targetMet;
  private long targetMissed;
  private long totalMillis;
  private long encodeMillis;

  /** Adds one outcome. */
  @Override
  public RunSummary add(ImageOutcome outcome) {
    inputs++;
    byStatus.merge(outcome.getStatus().name(), 1L, Long::sum);
    if (outcome.getInputFormat() != null) {
      byInputFormat.merge(outcome.getInputFormat(), 1L, Long::sum);
    }
    inputBytes += outcome.getInputBytes();
    if (outcome.getOutputBytes() != null) {
      byOutputFormat.merge(String.valueOf(outcome.getOutputFormat()), 1L, Long::sum);
      producedInputBytes += outcome.getInputBytes();
      outputBytes += outcome.getOutputBytes();
    }
    if (outcome.getHadGps()) {
      withGps++;
    }
    if (Boolean.TRUE.equals(outcome.getHadSerial())) {
      withSerial++;
    }
    if (Boolean.TRUE.equals(outcome.getHadOwner())) {
      withOwner++;
    }
    if (outcome.getScore() != null) {
      double score = outcome.getScore();
      scored++;
      scoreSum += score;
      scoreMin = Double.isNaN(scoreMin) ? score : Math.min(scoreMin, score);
      scoreMax = Double.isNaN(scoreMax) ? score : Math.max(scoreMax, score);
      // Records written before score_name existed scored with SSIM.
      scoreName =
          mergeName(scoreName, outcome.getScoreName() == null ? "ssim" : outcome.getScoreName());
    }
    if (outcome.getEncodesTried() != null) {
      encodesTried += outcome.getEncodesTried();
    }
    if (outcome.getTargetMet() != null) {
      if (outcome.getTargetMet()) {
        targetMet++;
      } else {
        targetMissed++;
      }
    }
    totalMillis += outcome.getTotalMillis();
    encodeMillis += outcome.getEncodeMillis();
    return this;
  }

  /** Adds everything another summary counted. */
  @Override
  public RunSummary merge(RunSummary other) {
    inputs += other.inputs;
    other.byStatus.forEach((k, v) -> byStatus.merge(k, v, Long::sum));
    other.byInputFormat.forEach((k, v) -> byInputFormat.merge(k, v, Long::sum));
    other.byOutputFormat.forEach((k, v) -> byOutputFormat.merge(k, v, Long::sum));
    inputBytes += other.inputBytes;
    producedInputBytes += other.producedInputBytes;
    outputBytes += other.outputBytes;
    withGps += other.withGps;
    withSerial += other.withSerial;
    withOwner += other.withOwner;
    if (other.scored > 0) {
      scoreMin = scored == 0 ? other.scoreMin : Math.min(scoreMin, other.scoreMin);
      scoreMax = scored == 0 ? other.scoreMax : Math.max(scoreMax, other.scoreMax);
      scored += other.scored;
      scoreSum += other.scoreSum;
      scoreName = mergeName(scoreName, other.scoreName);
    }
    encodesTried += other.encodesTried;
    targetMet += other.targetMet;
    targetMissed += other.targetMissed;
    totalMillis += other.totalMillis;
    encodeMillis += other.encodeMillis;
    return this;
  }

  public long inputs() {
    return inputs;
  }

  /** Count per status name; statuses that did not occur are absent. */
  public Map<String, Long> byStatus() {
    return byStatus;
  }

  /** Bytes of all inputs read. */
  public long inputBytes() {
    return inputBytes;
  }

  /** Bytes of the inputs that produced an output (written or kept). */
  public long producedInputBytes() {
    return producedInputBytes;
  }

  public long outputBytes() {
    return outputBytes;
  }

  /** Inputs that carried GPS data. */
  public long inputsWithGps() {
    return withGps;
  }

  /** Inputs that named a camera body or lens serial number. */
  public long inputsWithSerial() {
    return withSerial;
  }

  /** Inputs that named the camera's owner. */
  public long inputsWithOwner() {
    return withOwner;
  }

  /** The summary as a JSON object, keys in a fixed order. */
  public String toJson() {
    StringBuilder json = new StringBuilder("{");
    field(json, "schema_version", "1").append(',');
    field(json, "inputs", Long.toString(inputs)).append(',');
    json.append("\"by_status\":").append(object(byStatus)).append(',');
    json.append("\"by_input_format\":").append(object(byInputFormat)).append(',');
    json.append("\"by_output_format\":").append(object(byOutputFormat)).append(',');
    field(json, "input_bytes", Long.toString(inputBytes)).append(',');
    field(json, "produced_input_bytes", Long.toString(producedInputBytes)).append(',');
    field(json, "output_bytes", Long.toString(outputBytes)).append(',');
    field(json, "bytes_saved", Long.toString(producedInputBytes - outputBytes)).append(',');
    field(json, "percent_saved", number(percentSaved())).append(',');
    field(json, "inputs_with_gps", Long.toString(withGps)).append(',');
    json.append("\"privacy\":{");
    field(json, "inputs_with_gps", Long.toString(withGps)).append(',');
    field(json, "inputs_with_serial_numbers", Long.toString(withSerial)).append(',');
    field(json, "inputs_with_owner_names", Long.toString(withOwner)).append("},");
    json.append("\"score\":{");
    field(json, "name", scoreName == null ? "null" : "\"" + scoreName + "\"").append(',');
    field(json, "count", Long.toString(scored)).append(',');
    field(json, "min", number(scoreMin)).append(',');
    field(json, "mean", number(scored == 0 ? Double.NaN : scoreSum / scored)).append(',');
    field(json, "max", number(scoreMax)).append("},");
    field(json, "image_millis", Long.toString(totalMillis)).append(',');
    field(json, "encode_millis", Long.toString(encodeMillis)).append(',');
    field(json, "encodes_tried", Long.toString(encodesTried)).append(',');
    json.append("\"target\":{");
    field(json, "met", Long.toString(targetMet)).append(',');
    field(json, "missed", Long.toString(targetMissed)).append('}');
    return json.append('}').toString();
  }

  /** One metric's name, or "mixed" when outcomes were scored with different metrics. */
  private static String mergeName(String a, String b) {
    return a == null || a.equals(b) ? b : b == null ? a : "mixed";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunSummary other && toJson().equals(other.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  /** Bytes saved over the inputs that produced an output, in percent; 0 when there were none. */
  public double percentSaved() {
    return producedInputBytes == 0
        ? 0
        : 100.0 * (producedInputBytes - outputBytes) / producedInputBytes;
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    return json.append('"').append(name).append("\":").append(value);
  }

  private static String object(Map<String, Long> counts) {
    StringBuilder json = new StringBuilder("{");
    counts.forEach(
        (k, v) -> {
          if (json.length() > 1) {
            json.append(',');
          }
          json.append('"').append(escape(k)).append("\":").append(v);
        });
    return json.append('}').toString();
  }

  private static String number(double value) {
    return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.6f", value);
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
