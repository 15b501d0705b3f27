package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgbeam.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report, opened in headless Chromium as a person would open it: no console errors, no
 * network requests, charts drawn, the numbers of summary.json; and {@code imgbeam report OUTPUT}
 * writes the same page again from the outcome files.
 */
class ReportTest {
  /** A file name that would be markup if it were not escaped. */
  private static final String HOSTILE = "<img src=x onerror=alert(1)> & \"quoted\".jpg";

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theReportOpensCleanlyDrawsItsChartsAndShowsTheSummary() throws Exception {
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    ImgbeamTest.copyTestData(in);
    Files.writeString(in.resolve("bad").resolve(HOSTILE), "not an image");
    int code = Imgbeam.run(args("--input=" + in + "/**", "--output=" + out), quiet(), quiet());
    assertEquals(0, code);
    Path page = out.resolve("_imgbeam/report.html");
    byte[] html = Files.readAllBytes(page);
    System.out.printf(Locale.ROOT, "report.html: %d bytes%n", html.length);
    assertTrue(html.length < 1_000_000, "report is " + html.length + " bytes");
    String source = new String(html, StandardCharsets.UTF_8);
    assertFalse(source.contains("<img src=x"), "file name not escaped");
    assertTrue(source.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;"));

    JsonNode summary = JSON.readTree(out.resolve("_imgbeam/summary.json").toFile());
    Opened opened = open(page, dir.resolve("chromium"));
    assertEquals(List.of(), opened.problems, "console errors or exceptions");
    assertEquals(List.of(), opened.requests, "network requests besides the page");
    assertEquals(1, opened.documentRequests, "the page's own load, seen by the monitor");
    // Kept for a look (and the README's picture): pipeline/target/report-test/screenshot.png.
    Path shot = TestData.root().resolve("pipeline/target/report-test/screenshot.png");
    Files.createDirectories(shot.getParent());
    ImageIO.write(opened.screenshot, "png", shot.toFile());
    JsonNode dom = opened.dom;
    assertEquals(0, dom.get("scripts").asInt());
    assertTrue(
        textsOf(dom.get("failurePaths")).stream().anyMatch(p -> p.endsWith("/bad/" + HOSTILE)),
        dom.get("failurePaths").toString());
    assertTrue(dom.get("images").asInt() >= 4, "thumbnails: " + dom.get("images"));

    checkNumbers(dom.get("summary"), summary);
    checkCharts(dom.get("charts"), opened.screenshot, summary);

    // imgbeam report OUTPUT: the same page from the outcome files.
    Files.delete(page);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    assertEquals(
        0,
        Imgbeam.run(
            args("report", out.toString()),
            new PrintStream(printed, true, StandardCharsets.UTF_8),
            quiet()));
    assertTrue(printed.toString(StandardCharsets.UTF_8).contains("report: " + page));
    assertEquals(source, Files.readString(page), "the regenerated page differs");
    assertEquals(
        2, Imgbeam.run(args("report"), quiet(), quiet()), "report without OUTPUT is a usage error");
    assertEquals(1, Imgbeam.run(args("report", dir.resolve("none").toString()), quiet(), quiet()));
  }

  /** The monitor itself: a page that fetches and logs an error is caught on both counts. */
  @Test
  void theMonitorSeesRequestsAndConsoleErrors() throws Exception {
    Path page = dir.resolve("bad.html");
    Files.writeString(
        page,
        "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\">"
            + "<script>console.error('boom')</script></body></html>");
    Opened opened = open(page, dir.resolve("chromium"));
    assertTrue(
        opened.requests.stream().anyMatch(u -> u.startsWith("http://127.0.0.1:9/")),
        opened.requests.toString());
    assertTrue(
        opened.problems.stream().anyMatch(p -> p.contains("boom")), opened.problems.toString());
  }

  private record Opened(
      List<String> problems,
      List<String> requests,
      int documentRequests,
      JsonNode dom,
      BufferedImage screenshot) {}

  private static final String COLLECT =
      "JSON.stringify({"
          + "summary:[...document.querySelectorAll('[data-summary]')].map(e=>"
          + "({key:e.dataset.summary,value:e.dataset.value,text:e.textContent})),"
          + "charts:[...document.querySelectorAll('svg[data-chart]')].map(s=>{"
          + "const r=s.getBoundingClientRect();return {name:s.dataset.chart,"
          + "x:r.left+scrollX,y:r.top+scrollY,w:r.width,h:r.height,"
          + "bars:[...s.querySelectorAll('rect[data-count]')].map(b=>{"
          + "const q=b.getBoundingClientRect();return {count:+b.dataset.count,"
          + "x:q.left+scrollX,y:q.top+scrollY,w:q.width,h:q.height}})}}),"
          + "scripts:document.querySelectorAll('script').length,"
          + "images:document.querySelectorAll('img').length,"
          + "failurePaths:[...document.querySelectorAll('#failures td.path')].map(e=>e.textContent),"
          + "width:document.documentElement.scrollWidth,"
          + "height:document.documentElement.scrollHeight})";

  /**
   * Loads {@code page} with the page's Content-Security-Policy bypassed, so that any fetch the page
   * tries shows as a request rather than being blocked silently; collects problems and requests
   * until the load event, then reads the DOM and takes a full-page screenshot.
   */
  private static Opened open(Path page, Path profile) throws Exception {
    try (HeadlessChromium chromium = HeadlessChromium.start(profile)) {
      for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
        chromium.send(domain + ".enable", Map.of());
      }
      chromium.send("Page.setBypassCSP", Map.of("enabled", true));
      chromium.send(
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", 1200, "height", 900, "deviceScaleFactor", 1, "mobile", false));
      String url = page.toUri().toString();
      var loaded = chromium.next("Page.loadEventFired");
      chromium.send("Page.navigate", Map.of("url", url));
      loaded.get(60, TimeUnit.SECONDS);
      // Measure and shoot in one layout: the viewport is made as tall as the page first, so
      // nothing moves between reading the chart boxes and taking the picture.
      int height = collect(chromium).get("height").asInt();
      chromium.send(
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", 1200, "height", height, "deviceScaleFactor", 1, "mobile", false));
      JsonNode dom = collect(chromium);
      JsonNode shot = chromium.send("Page.captureScreenshot", Map.of("format", "png"));
      BufferedImage screenshot =
          ImageIO.read(
              new ByteArrayInputStream(Base64.getDecoder().decode(shot.get("data").asText())));
      List<String> problems = new ArrayList<>();
      List<String> requests = new ArrayList<>();
      int documentRequests = 0;
      for (JsonNode event : chromium.events()) {
        String method = event.path("method").asText();
        JsonNode params = event.path("params");
        switch (method) {
          case "Runtime.consoleAPICalled" -> {
            String type = params.path("type").asText();
            if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
              problems.add("console." + type + ": " + params.path("args"));
            }
          }
          case "Runtime.exceptionThrown" -> problems.add("exception: " + params);
          case "Log.entryAdded" -> {
            String level = params.path("entry").path("level").asText();
            if (level.equals("error") || level.equals("warning")) {
              problems.add("log " + level + ": " + params.path("entry").path("text").asText());
            }
          }
          case "Network.requestWillBeSent" -> {
            String requested = params.path("request").path("url").asText();
            if (requested.equals(url)) {
              documentRequests++;
            } else if (!requested.startsWith("data:")) {
              requests.add(requested);
            }
          }
          default -> {}
        }
      }
      return new Opened(problems, requests, documentRequests, dom, screenshot);
    }
  }

  private static JsonNode collect(HeadlessChromium chromium) throws Exception {
    return JSON.readTree(
        chromium
            .send("Runtime.evaluate", Map.of("expression", COLLECT, "returnByValue", true))
            .get("result")
            .get("value")
            .asText());
  }

  /** Every marked number equals summary.json, shown and raw; the key ones are all there. */
  private static void checkNumbers(JsonNode marked, JsonNode summary) {
    Set<String> keys = new HashSet<>();
    for (JsonNode m : marked) {
      String key = m.get("key").asText();
      keys.add(key);
      JsonNode expected = summary;
      for (String part : key.split("\\.")) {
        expected = expected.path(part);
      }
      assertFalse(expected.isMissingNode(), key + " is not in summary.json");
      String raw = m.get("value").asText();
      String text = m.get("text").asText();
      if (expected.isNull()) {
        assertEquals("null", raw, key);
      } else if (expected.isIntegralNumber()) {
        assertEquals(expected.asLong(), Long.parseLong(raw), key);
        assertEquals(expected.asLong(), Long.parseLong(text.replace(",", "")), key + " shown");
      } else {
        assertEquals(expected.asDouble(), Double.parseDouble(raw), 1e-12, key);
        double shown = Double.parseDouble(text.replace("%", ""));
        assertEquals(expected.asDouble(), shown, 0.051, key + " shown as " + text);
      }
    }
    List<String> required =
        new ArrayList<>(
            List.of(
                "inputs",
                "produced_input_bytes",
                "output_bytes",
                "bytes_saved",
                "percent_saved",
                "score.min",
                "score.mean",
                "score.count",
                "privacy.inputs_with_gps",
                "privacy.inputs_with_serial_numbers",
                "privacy.inputs_with_owner_names",
                "image_millis"));
    summary.get("by_status").fieldNames().forEachRemaining(s -> required.add("by_status." + s));
    for (String key : required) {
      assertTrue(keys.contains(key), "not on the page: " + key);
    }
  }

  /**
   * Each chart is drawn: a fair share of its area is not page background, and every bar with a
   * count shows as a coloured block in the screenshot at its place. The histograms count what
   * summary.json counts.
   */
  private static void checkCharts(JsonNode charts, BufferedImage shot, JsonNode summary) {
    Set<String> names = new HashSet<>();
    for (JsonNode chart : charts) {
      String name = chart.get("name").asText();
      names.add(name);
      int x0 = chart.get("x").asInt();
      int y0 = chart.get("y").asInt();
      int w = chart.get("w").asInt();
      int h = chart.get("h").asInt();
      assertTrue(w > 100 && h > 50, name + " is " + w + "x" + h);
      long inked = 0;
      for (int y = y0; y < y0 + h; y++) {
        for (int x = x0; x < x0 + w; x++) {
          if ((shot.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
            inked++;
          }
        }
      }
      double share = (double) inked / ((long) w * h);
      System.out.printf(Locale.ROOT, "chart %s: %.1f%% of %dx%d drawn%n", name, 100 * share, w, h);
      assertTrue(share > 0.02, name + ": only " + share + " of its area drawn");
      long counted = 0;
      int bars = 0;
      for (JsonNode bar : chart.get("bars")) {
        long count = bar.get("count").asLong();
        counted += count;
        if (count == 0) {
          continue;
        }
        bars++;
        // A thin bar (one pixel for a small count) may fall between pixel centres: look at every
        // pixel its box touches.
        int bx = (int) Math.floor(bar.get("x").asDouble());
        int by = (int) Math.floor(bar.get("y").asDouble());
        int bw = (int) Math.ceil(bar.get("x").asDouble() + bar.get("w").asDouble()) - bx;
        int bh = (int) Math.ceil(bar.get("y").asDouble() + bar.get("h").asDouble()) - by;
        long coloured = 0;
        for (int y = by; y < by + bh; y++) {
          for (int x = bx; x < bx + bw; x++) {
            coloured += (shot.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF ? 1 : 0;
          }
        }
        assertTrue(
            coloured * 2 >= (long) bw * bh,
            name + ": bar of " + count + " not drawn at " + bx + "," + by + " " + bw + "x" + bh);
      }
      assertTrue(bars > 0, name + " has no bars");
      long outputs =
          summary.get("by_status").path("WRITTEN").asLong()
              + summary.get("by_status").path("KEPT_ORIGINAL").asLong();
      if (name.equals("ratio-histogram")) {
        assertEquals(outputs, counted, name);
      }
      if (name.equals("score-histogram")) {
        assertEquals(summary.get("score").get("count").asLong(), counted, name);
      }
    }
    assertEquals(
        Set.of("bytes-by-format", "bytes-by-status", "ratio-histogram", "score-histogram"), names);
  }

  private static List<String> textsOf(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String[] args(String... args) {
    return args;
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
