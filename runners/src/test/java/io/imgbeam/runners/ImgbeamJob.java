package io.imgbeam.runners;

import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/** The bundled jar run as a user runs it, in its own JVM, and what it wrote. */
final class ImgbeamJob {
  private final Process process;
  private final Path log;

  private ImgbeamJob(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ImgbeamJob start(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(System.getProperty("imgbeam.bundledJar"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ImgbeamJob(process, log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the job; fails with its output when it does not end well within the limit. */
  String finish(int minutes) throws IOException, InterruptedException {
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("job still running after " + minutes + " min:\n" + output());
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("job exited with " + process.exitValue() + ":\n" + output());
    }
    return output();
  }

  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  static List<ImageOutcome> outcomes(Path output) throws IOException {
    List<ImageOutcome> outcomes = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(output.resolve("_imgbeam"), "outcomes-*.avro")) {
      for (Path file : files) {
        try (DataFileReader<ImageOutcome> reader =
            new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ImageOutcome.class))) {
          reader.forEach(outcomes::add);
        }
      }
    }
    return outcomes;
  }
}
