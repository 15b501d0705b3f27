package io.imgbeam.transforms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgbeam.codec.Preview;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@code report.html}: one self-contained page (inline CSS and SVG, pictures as data: URIs,
 * no script, and a Content-Security-Policy that forbids every fetch), so it opens anywhere without
 * a network. Every text that comes from a file name or an error message is HTML-escaped.
 *
 * <p>Every number taken from {@code summary.json} is rendered from that same JSON text and marked
 * {@code data-summary="path.in.json" data-value="raw value"}, so a test can hold the page to it.
 */
final class ReportPage {
  private static final String INPUT_COLOUR = "#9db4d0";
  private static final String OUTPUT_COLOUR = "#2f855a";
  private static final String BAR_COLOUR = "#3b6fb6";
  private static final int CHART_WIDTH = 480;

  /** "becomes", between an input's value and its output's: a right arrow, as a reference. */
  private static final String ARROW = " &rarr; ";

  /** Between a width and a height: a multiplication sign, as a reference. */
  private static final String BY = "&times;";

  private final JsonNode summary;
  private final ReportStats stats;
  private final Map<String, Previews> previews;
  private final StringBuilder html = new StringBuilder(64 * 1024);

  /** The pictures for one row, or why there are none. */
  record Previews(Preview.Images images, String missing) {}

  private ReportPage(RunSummary summary, ReportStats stats, Map<String, Previews> previews) {
    try {
      this.summary = new ObjectMapper().readTree(summary.toJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.stats = stats;
    this.previews = previews;
  }

  /** The page; {@code previews} is keyed by input path. */
  static String render(
      String outputRoot, RunSummary summary, ReportStats stats, Map<String, Previews> previews) {
    return new ReportPage(summary, stats, previews).page(outputRoot);
  }

  /**
   * The page, in ASCII only: what is not ASCII is written as a character reference ({@link #esc},
   * {@link #ARROW}). A Java string holds one byte a character while all its characters are Latin-1,
   * and two from the first one that is not; a 300 kB page of base64 pictures then took two copies
   * at two bytes a character and a character-by-character UTF-8 encode, most of the report's time
   * at the end of a run, where nothing else runs beside it.
   */
  private String page(String outputRoot) {
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
        .append("img-src data:; style-src 'unsafe-inline'\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>imgbeam report</title><style>")
        .append(STYLE)
        .append("</style></head><body>\n<header><h1>imgbeam run report</h1><p class=\"muted\">")
        .append(esc(outputRoot))
        .append("</p></header>\n");
    totals();
    bytesTables();
    histograms();
    rows(
        "slowest",
        "Slowest images",
        "By total time (read, compress, write).",
        stats.slowest(),
        true);
    rows(
        "lowest-scoring",
        "Lowest-scoring images",
        "By SSIM of the output against the decoded input; the zoom shows where they differ most.",
        stats.lowestScoring(),
        false);
    failures();
    html.append("<footer class=\"muted\">Written by imgbeam from the run's outcome records.")
        .append(" Regenerate with <code>./imgbeam report ")
        .append(esc(outputRoot))
        .append("</code>.</footer>\n</body></html>\n");
    return html.toString();
  }

  private void totals() {
    html.append("<section id=\"totals\"><h2>Totals</h2><div class=\"cards\">");
    card("inputs", "inputs", false);
    for (Iterator<String> it = summary.get("by_status").fieldNames(); it.hasNext(); ) {
      String status = it.next();
      card(status.toLowerCase(Locale.ROOT).replace('_', ' '), "by_status." + status, false);
    }
    card("bytes in (with an output)", "produced_input_bytes", true);
    card("bytes out", "output_bytes", true);
    card("bytes saved", "bytes_saved", true);
    html.append("<div class=\"card big\"><div class=\"label\">saved</div><div class=\"value\">")
        .append(value("percent_saved", String.format(Locale.ROOT, "%.1f%%", percent())))
        .append("</div></div>");
    scoreCard("lowest score", "score.min");
    scoreCard("mean score", "score.mean");
    card("scored outputs", "score.count", false);
    card("inputs with GPS", "privacy.inputs_with_gps", false);
    card("with serial numbers", "privacy.inputs_with_serial_numbers", false);
    card("with owner names", "privacy.inputs_with_owner_names", false);
    card("image time, ms", "image_millis", false);
    html.append("</div></section>\n");
  }

  private double percent() {
    return summary.get("percent_saved").asDouble();
  }

  private void card(String label, String path, boolean bytes) {
    long n = node(path).asLong();
    html.append("<div class=\"card\"><div class=\"label\">")
        .append(esc(label))
        .append("</div><div class=\"value\">")
        .append(value(path, String.format(Locale.ROOT, "%,d", n)))
        .append("</div>");
    if (bytes) {
      html.append("<div class=\"muted\">").append(human(n)).append("</div>");
    }
    html.append("</div>");
  }

  private void scoreCard(String label, String path) {
    JsonNode n = node(path);
    html.append("<div class=\"card\"><div class=\"label\">")
        .append(esc(label))
        .append(" (")
        .append(esc(scoreName()))
        .append(")</div><div class=\"value\">")
        .append(value(path, n.isNull() ? "-" : String.format(Locale.ROOT, "%.4f", n.asDouble())))
        .append("</div></div>");
  }

  /** A number from summary.json, marked with its path and raw value. */
  private String value(String path, String shown) {
    return "<span data-summary=\""
        + esc(path)
        + "\" data-value=\""
        + esc(node(path).asText())
        + "\">"
        + esc(shown)
        + "</span>";
  }

  /** The run's score metric as summary.json names it (ssim when nothing was scored). */
  private String scoreName() {
    JsonNode name = node("score.name");
    return name.isTextual() ? name.asText() : "ssim";
  }

  /** The score buckets' labels on the metric's own scale (SSIMULACRA 2: 0-100). */
  private String[] scoreLabels() {
    double perfect = ReportStats.perfectScore(scoreName());
    String[] labels = labels(ReportStats.SCORE_BOUNDS, "=1");
    if (perfect == 1.0) {
      return labels;
    }
    double[] bounds = ReportStats.SCORE_BOUNDS;
    labels[0] = "<" + Math.round(bounds[0] * perfect);
    for (int i = 1; i < bounds.length; i++) {
      labels[i] = Long.toString(Math.round(bounds[i - 1] * perfect));
    }
    labels[bounds.length] = "=" + Math.round(perfect);
    return labels;
  }

  private JsonNode node(String path) {
    JsonNode n = summary;
    for (String part : path.split("\\.")) {
      n = n.path(part);
    }
    return n;
  }

  private void bytesTables() {
    html.append("<section id=\"bytes\"><h2>Bytes saved</h2><div class=\"pair\">");
    bytesTable("bytes-by-format", "By output format", "format", stats.bytesByFormat());
    bytesTable("bytes-by-status", "By status", "status", stats.bytesByStatus());
    html.append("</div></section>\n");
  }

  private void bytesTable(String id, String title, String keyName, Map<String, long[]> rows) {
    html.append("<div><h3>").append(esc(title)).append("</h3>");
    long max = 1;
    for (long[] v : rows.values()) {
      max = Math.max(max, Math.max(v[1], v[2]));
    }
    int rowHeight = 34;
    int height = Math.max(1, rows.size()) * rowHeight + 24;
    int labelWidth = 120;
    int barSpace = CHART_WIDTH - labelWidth - 90;
    openChart(id, title, height, "");
    int y = 4;
    for (Map.Entry<String, long[]> row : rows.entrySet()) {
      long[] v = row.getValue();
      html.append(text(4, y + 20, esc(row.getKey()), "start"));
      bar(labelWidth, y + 2, scale(v[1], max, barSpace), 13, INPUT_COLOUR, v[1]);
      bar(labelWidth, y + 16, scale(v[2], max, barSpace), 13, OUTPUT_COLOUR, v[2]);
      html.append(text(labelWidth + scale(v[1], max, barSpace) + 4, y + 13, human(v[1]), "start"))
          .append(text(labelWidth + scale(v[2], max, barSpace) + 4, y + 27, human(v[2]), "start"));
      y += rowHeight;
    }
    html.append(legend(4, height - 6)).append("</svg>");
    html.append("<table><thead><tr><th>")
        .append(esc(keyName))
        .append("</th><th>images</th><th>bytes in</th><th>bytes out</th><th>saved</th>")
        .append("</tr></thead><tbody>");
    for (Map.Entry<String, long[]> row : rows.entrySet()) {
      long[] v = row.getValue();
      html.append("<tr><td>")
          .append(esc(row.getKey()))
          .append("</td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%,d", v[0]))
          .append("</td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%,d", v[1]))
          .append("</td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%,d", v[2]))
          .append("</td><td class=\"num\">")
          .append(v[2] == 0 ? "-" : saved(v[1], v[2]))
          .append("</td></tr>");
    }
    html.append("</tbody></table></div>");
  }

  /** The opening tag of a chart: marked with its name, as wide as every chart. */
  private void openChart(String id, String title, int height, String attributes) {
    html.append("<svg data-chart=\"")
        .append(id)
        .append('"')
        .append(attributes)
        .append(" width=\"")
        .append(CHART_WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(CHART_WIDTH)
        .append(' ')
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(esc(title))
        .append("\">");
  }

  private static String saved(long in, long out) {
    return String.format(
        Locale.ROOT, "%,d (%.1f%%)", in - out, in == 0 ? 0 : 100.0 * (in - out) / in);
  }

  private String legend(int x, int y) {
    return "<rect x=\""
        + x
        + "\" y=\""
        + (y - 9)
        + "\" width=\"10\" height=\"10\" fill=\""
        + INPUT_COLOUR
        + "\"/>"
        + text(x + 14, y, "input", "start")
        + "<rect x=\""
        + (x + 64)
        + "\" y=\""
        + (y - 9)
        + "\" width=\"10\" height=\"10\" fill=\""
        + OUTPUT_COLOUR
        + "\"/>"
        + text(x + 78, y, "output", "start");
  }

  private static int scale(long v, long max, int space) {
    return v == 0 ? 0 : Math.max(1, (int) Math.round((double) v * space / max));
  }

  private void bar(int x, int y, int w, int h, String colour, long count) {
    html.append("<rect data-count=\"")
        .append(count)
        .append("\" x=\"")
        .append(x)
        .append("\" y=\"")
        .append(y)
        .append("\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(h)
        .append("\" fill=\"")
        .append(colour)
        .append("\"/>");
  }

  private static String text(int x, int y, String escaped, String anchor) {
    return "<text x=\""
        + x
        + "\" y=\""
        + y
        + "\" text-anchor=\""
        + anchor
        + "\">"
        + escaped
        + "</text>";
  }

  private void histograms() {
    html.append("<section id=\"histograms\"><h2>Distributions</h2><div class=\"pair\">");
    histogram(
        "ratio-histogram",
        "Compression ratio (output / input bytes)",
        stats.ratioHistogram(),
        labels(ReportStats.RATIO_BOUNDS, "\u22651"));
    histogram(
        "score-histogram",
        "Quality score (" + scoreName() + ")",
        stats.scoreHistogram(),
        scoreLabels());
    html.append("</div></section>\n");
  }

  /** Bucket labels: "<b0", then each lower bound, then the last one. */
  private static String[] labels(double[] bounds, String last) {
    String[] out = new String[bounds.length + 1];
    out[0] = "<" + trim(bounds[0]);
    for (int i = 1; i < bounds.length; i++) {
      out[i] = trim(bounds[i - 1]);
    }
    out[bounds.length] = last;
    return out;
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.endsWith("0") ? s.substring(0, s.length() - 1) : s;
  }

  private void histogram(String id, String title, long[] counts, String[] labels) {
    long max = 1;
    long total = 0;
    for (long c : counts) {
      max = Math.max(max, c);
      total += c;
    }
    int height = 200;
    int top = 18;
    int base = height - 34;
    int slot = (CHART_WIDTH - 20) / counts.length;
    html.append("<div><h3>").append(esc(title)).append("</h3>");
    openChart(id, title, height, " data-total=\"" + total + "\"");
    html.append("<line x1=\"10\" x2=\"")
        .append(CHART_WIDTH - 10)
        .append("\" y1=\"")
        .append(base)
        .append("\" y2=\"")
        .append(base)
        .append("\" stroke=\"#888\"/>");
    for (int i = 0; i < counts.length; i++) {
      int x = 10 + i * slot;
      int h = scale(counts[i], max, base - top);
      bar(x + 3, base - h, slot - 6, h, BAR_COLOUR, counts[i]);
      if (counts[i] > 0) {
        html.append(text(x + slot / 2, base - h - 4, Long.toString(counts[i]), "middle"));
      }
      html.append(text(x + slot / 2, base + 16, esc(labels[i]), "middle"));
    }
    html.append(text(CHART_WIDTH / 2, height - 2, total + " outputs", "middle"))
        .append("</svg></div>");
  }

  private void rows(
      String id, String title, String note, List<ReportStats.Row> rows, boolean time) {
    html.append("<section id=\"")
        .append(id)
        .append("\"><h2>")
        .append(esc(title))
        .append("</h2><p class=\"muted\">")
        .append(esc(note))
        .append("</p>");
    if (rows.isEmpty()) {
      html.append("<p>None.</p></section>\n");
      return;
    }
    html.append("<table class=\"images\"><thead><tr><th>before</th><th>after</th>")
        .append("<th>zoom: before | after</th><th>file</th><th>size</th><th>pixels</th>")
        .append("<th>")
        .append(time ? "time" : "score")
        .append("</th></tr></thead><tbody>");
    for (ReportStats.Row row : rows) {
      Previews p = previews.get(row.inputPath);
      html.append("<tr>");
      if (p != null && p.images() != null) {
        Preview.Images images = p.images();
        html.append("<td>")
            .append(img(images.before(), "image/jpeg", "before", "thumb"))
            .append("</td><td>")
            .append(img(images.after(), "image/jpeg", "after", "thumb"))
            .append("</td><td class=\"zoom\">");
        if (images.beforeCrop() != null) {
          html.append(img(images.beforeCrop(), "image/png", "before, zoomed", "crop"))
              .append(img(images.afterCrop(), "image/png", "after, zoomed", "crop"));
        } else {
          html.append("<span class=\"muted\">cropped or padded: no common scale</span>");
        }
        html.append("</td>");
      } else {
        html.append("<td colspan=\"3\" class=\"muted\">no preview")
            .append(p == null ? "" : ": " + esc(p.missing()))
            .append("</td>");
      }
      html.append("<td class=\"path\">")
          .append(esc(row.inputPath))
          .append("<div class=\"muted\">")
          .append(esc(row.status))
          .append(", ")
          .append(esc(String.valueOf(row.inputFormat)))
          .append(ARROW)
          .append(esc(String.valueOf(row.outputFormat)))
          .append("</div></td><td class=\"num\">")
          .append(human(row.inputBytes))
          .append(ARROW)
          .append(row.outputBytes == null ? "-" : human(row.outputBytes))
          .append("</td><td class=\"num\">")
          .append(row.width)
          .append(BY)
          .append(row.height)
          .append(ARROW)
          .append(row.outputWidth)
          .append(BY)
          .append(row.outputHeight)
          .append("</td><td class=\"num\">");
      if (time) {
        html.append(String.format(Locale.ROOT, "%,d ms", row.totalMillis));
      } else {
        html.append(String.format(Locale.ROOT, "%.4f", row.score));
      }
      html.append("</td></tr>");
    }
    html.append("</tbody></table></section>\n");
  }

  private static String img(byte[] data, String type, String alt, String cssClass) {
    return "<img class=\""
        + cssClass
        + "\" alt=\""
        + alt
        + "\" src=\"data:"
        + type
        + ";base64,"
        + Base64.getEncoder().encodeToString(data)
        + "\">";
  }

  private void failures() {
    html.append("<section id=\"failures\"><h2>Failures</h2>");
    Map<String, Long> kinds = stats.failureKinds();
    if (kinds.isEmpty()) {
      html.append("<p>None.</p></section>\n");
      return;
    }
    html.append("<table><thead><tr><th>stage / error</th><th>images</th></tr></thead><tbody>");
    kinds.forEach(
        (kind, count) ->
            html.append("<tr><td>")
                .append(esc(kind))
                .append("</td><td class=\"num\">")
                .append(String.format(Locale.ROOT, "%,d", count))
                .append("</td></tr>"));
    html.append("</tbody></table><h3>The first ")
        .append(ReportStats.FAILURE_ROWS)
        .append(" by path</h3><table class=\"failures\"><thead><tr><th>file</th><th>status</th>")
        .append("<th>stage</th><th>error</th></tr></thead><tbody>");
    for (ReportStats.Row row : stats.failures()) {
      html.append("<tr><td class=\"path\">")
          .append(esc(row.inputPath))
          .append("</td><td>")
          .append(esc(row.status))
          .append("</td><td>")
          .append(esc(String.valueOf(row.errorStage)))
          .append("</td><td><code>")
          .append(esc(String.valueOf(row.errorClass)))
          .append("</code><div>")
          .append(esc(String.valueOf(row.errorMessage)))
          .append("</div></td></tr>");
    }
    html.append("</tbody></table></section>\n");
  }

  /** Bytes for people: 1.2 MB. */
  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /**
   * Escapes text for HTML element content and quoted attribute values; every character outside
   * ASCII becomes a numeric reference, so the page stays ASCII (see {@link #page}).
   */
  static String esc(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            out.append("&#xfffd;");
          } else if (c < 0x80) {
            out.append((char) c);
          } else {
            out.append("&#x").append(Integer.toHexString(c)).append(';');
          }
        }
      }
    }
    return out.toString();
  }

  private static final String STYLE =
      "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1a202c;"
          + "background:#fff;margin:0 auto;max-width:1120px;padding:16px 24px}"
          + "h1{font-size:24px;margin:8px 0 0}h2{font-size:18px;margin:28px 0 8px;"
          + "border-bottom:1px solid #e2e8f0;padding-bottom:4px}h3{font-size:15px;margin:8px 0}"
          + ".muted{color:#718096;font-size:12px}"
          + ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:8px}"
          + ".card{border:1px solid #e2e8f0;border-radius:6px;padding:8px 10px;background:#f7fafc}"
          + ".card .label{color:#4a5568;font-size:12px}.card .value{font-size:20px;"
          + "font-weight:600;font-variant-numeric:tabular-nums}"
          + ".card.big .value{color:#2f855a;font-size:26px}"
          + ".pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}"
          + "svg{display:block;font-size:11px;fill:#2d3748}"
          + "table{border-collapse:collapse;margin:8px 0;width:100%}"
          + "th,td{border-bottom:1px solid #edf2f7;padding:4px 6px;text-align:left;"
          + "vertical-align:top}th{font-size:12px;color:#4a5568}"
          + ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
          + ".path{word-break:break-all;max-width:320px}"
          + "img.thumb{display:block;max-width:120px;max-height:120px;"
          + "background:repeating-conic-gradient(#ddd 0 25%,#fff 0 50%) 0 0/12px 12px}"
          + "img.crop{width:96px;height:96px;image-rendering:pixelated;margin-right:4px;"
          + "border:1px solid #cbd5e0}"
          + "td.zoom{white-space:nowrap}code{font-size:12px}"
          + "footer{margin:32px 0 8px}";
}
