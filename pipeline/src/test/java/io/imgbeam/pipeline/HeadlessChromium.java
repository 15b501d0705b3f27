package io.imgbeam.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgbeam.testing.ReferenceTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol from the JDK's own HTTP and
 * WebSocket clients (no extra libraries, no services): the page's console messages, exceptions, log
 * entries and every network request arrive as protocol events, which is more reliable than scraping
 * {@code --enable-logging} output, and the same connection takes the screenshot and reads the DOM.
 * Installed with apt-get when missing. The flags keep Chromium itself off the network (this machine
 * refuses outside connections) and in a fresh profile.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<JsonNode>> awaited = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new ArrayList<>();

  private HeadlessChromium(Process process, Path profile, String pageSocket) {
    this.process = process;
    this.profile = profile;
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create(pageSocket), new Listener())
            .join();
  }

  /** Starts Chromium on about:blank with a fresh profile in {@code profile}. */
  static HeadlessChromium start(Path profile) throws IOException {
    ReferenceTools.ensure(CHROMIUM.getFileName().toString(), "chromium");
    Files.createDirectories(profile);
    Process process =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1200,900",
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    CompletableFuture<String> browserSocket = new CompletableFuture<>();
    Thread drain =
        new Thread(
            () -> {
              try (BufferedReader err =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    browserSocket.complete(m.group(1));
                  }
                }
              } catch (IOException e) {
                browserSocket.completeExceptionally(e);
              }
              browserSocket.completeExceptionally(new IOException("chromium exited"));
            },
            "chromium-stderr");
    drain.setDaemon(true);
    drain.start();
    try {
      URI browser = URI.create(browserSocket.get(60, TimeUnit.SECONDS));
      HttpResponse<String> list =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://" + browser.getAuthority() + "/json/list"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      for (JsonNode target : JSON.readTree(list.body())) {
        if (target.path("type").asText().equals("page")) {
          return new HeadlessChromium(
              process, profile, target.get("webSocketDebuggerUrl").asText());
        }
      }
      throw new IOException("no page target in " + list.body());
    } catch (Exception e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new IOException("chromium did not start: " + e, e);
    }
  }

  /** Sends one protocol command and waits for its result. */
  JsonNode send(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", JSON.valueToTree(params));
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(JSON.writeValueAsString(message), true).join();
    JsonNode answer = reply.get(60, TimeUnit.SECONDS);
    if (answer.has("error")) {
      throw new IOException(method + ": " + answer.get("error"));
    }
    return answer.get("result");
  }

  /** A future for the next event named {@code method}; ask before causing it. */
  CompletableFuture<JsonNode> next(String method) {
    return awaited.computeIfAbsent(method, m -> new CompletableFuture<>());
  }

  /** Every event received so far. */
  synchronized List<JsonNode> events() {
    return List.copyOf(events);
  }

  private synchronized void received(JsonNode message) {
    if (message.has("id")) {
      CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
      if (reply != null) {
        reply.complete(message);
      }
      return;
    }
    events.add(message);
    CompletableFuture<JsonNode> waiting = awaited.remove(message.path("method").asText());
    if (waiting != null) {
      waiting.complete(message);
    }
  }

  @Override
  public void close() {
    socket.abort();
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    removeSingletonFolder();
  }

  /**
   * Chromium keeps its singleton socket in a folder of its own under /tmp, linked from the profile;
   * the profile goes with the test's temp folder, that folder is removed here.
   */
  private void removeSingletonFolder() {
    Path link = profile.resolve("SingletonSocket");
    try {
      if (Files.isSymbolicLink(link)) {
        Path folder = Files.readSymbolicLink(link).getParent();
        if (folder != null && folder.getFileName().toString().startsWith("org.chromium.")) {
          try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
              Files.deleteIfExists(file);
            }
          }
          Files.deleteIfExists(folder);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          received(JSON.readTree(partial.toString()));
        } catch (IOException e) {
          throw new IllegalStateException("unreadable DevTools message", e);
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }
}
