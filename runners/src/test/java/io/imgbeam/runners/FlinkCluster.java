package io.imgbeam.runners;

import io.imgbeam.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Flink session cluster started by {@code runners/flink/start-cluster.sh}; closing it (or
 * the JVM exiting) stops it, so a failing test never leaves a cluster behind.
 */
final class FlinkCluster implements AutoCloseable {
  /** Where JavaCPP extracts native libraries (a system property of JavaCPP's). */
  private static final String JAVACPP_CACHE = "org.bytedeco.javacpp.cachedir";

  /** The folder under the work folder that the cluster's processes take as JavaCPP's cache. */
  private static final String JAVACPP_FOLDER = "javacpp-cache";

  private final Path work;
  private final String master;
  private final Thread stopOnExit;

  private FlinkCluster(Path work, String master) {
    this.work = work;
    this.master = master;
    this.stopOnExit = new Thread(this::stopQuietly, "stop-flink-cluster");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  static FlinkCluster start(Path work, int taskManagers, int slots)
      throws IOException, InterruptedException {
    Path log = Files.createDirectories(work).resolve("start.log");
    Process start =
        new ProcessBuilder(
                script("start-cluster.sh").toString(),
                "--taskmanagers",
                Integer.toString(taskManagers),
                "--slots",
                Integer.toString(slots),
                "--work",
                work.toString(),
                // The natives the job's jar brings are extracted here, not in the user's home.
                "--java-opts",
                "-D" + JAVACPP_CACHE + "=" + work.resolve(JAVACPP_FOLDER))
            .redirectError(log.toFile())
            .start();
    String stdout = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!start.waitFor(5, TimeUnit.MINUTES) || start.exitValue() != 0) {
      throw new IllegalStateException("cluster did not start:\n" + Files.readString(log));
    }
    List<String> lines = stdout.strip().lines().toList();
    return new FlinkCluster(work, lines.get(lines.size() - 1));
  }

  /** The REST address to pass as {@code --flinkMaster}. */
  String master() {
    return master;
  }

  Path logFolder() {
    return work.resolve("log");
  }

  /** JavaCPP's cache folder of every process of the cluster, shared as on one host. */
  Path javacppCache() {
    return work.resolve(JAVACPP_FOLDER);
  }

  /** The process id of a TaskManager, 1-based, as the start script recorded it. */
  long taskManagerPid(int index) throws IOException {
    for (String line : Files.readAllLines(work.resolve("pids"))) {
      String[] parts = line.split(" ");
      if (parts[1].equals("taskmanager-" + index)) {
        return Long.parseLong(parts[0]);
      }
    }
    throw new IllegalStateException("no taskmanager-" + index + " in " + work.resolve("pids"));
  }

  @Override
  public void close() {
    stopQuietly();
    Runtime.getRuntime().removeShutdownHook(stopOnExit);
  }

  private void stopQuietly() {
    try {
      Process stop =
          new ProcessBuilder(script("stop-cluster.sh").toString(), "--work", work.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      stop.waitFor(2, TimeUnit.MINUTES);
    } catch (IOException e) {
      throw new IllegalStateException("could not stop the cluster in " + work, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path script(String name) {
    return TestData.root().resolve("runners/flink").resolve(name);
  }
}
