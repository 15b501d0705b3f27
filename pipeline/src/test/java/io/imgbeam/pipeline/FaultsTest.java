package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.imgbeam.codec.Hashes;
import io.imgbeam.testing.TestData;
import io.imgbeam.transforms.WriteManifest;
import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.ManifestEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry point against hostile trees and failing file systems. Every run checks the invariant:
 * one outcome per matched input, and no source file changed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultsTest {
  @TempDir Path dir;

  @Test
  void listedInputsOnAFileSystemTheJarLacksEachGetAFailedRecordAndTheJobGoesOn() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path out = dir.resolve("out");
    Files.write(in.resolve("local.jpg"), TestData.bytes("photo/coffee.jpg"));
    Path list =
        Files.writeString(
            dir.resolve("list.txt"),
            String.join(
                "\n",
                in.resolve("local.jpg").toString(),
                "gs://bucket/a.jpg",
                "gs://bucket/photos/*.jpg"));

    JobRun run = JobRun.of("--inputList=" + list, "--output=" + out);
    assertEquals(0, run.code(), run.err());
    Map<String, ImageOutcome> byPath = new TreeMap<>();
    for (ImageOutcome o : JobRun.readOutcomes(out)) {
      byPath.put(o.getInputPath(), o);
    }
    assertEquals(
        List.of("gs://bucket/a.jpg", "gs://bucket/photos/*.jpg", in.resolve("local.jpg").toString())
            .stream()
            .sorted()
            .collect(Collectors.toList()),
        List.copyOf(byPath.keySet()),
        "one outcome per listed entry");
    assertEquals("WRITTEN", byPath.get(in.resolve("local.jpg").toString()).getStatus().name());
    for (String remote : List.of("gs://bucket/a.jpg", "gs://bucket/photos/*.jpg")) {
      ImageOutcome o = byPath.get(remote);
      assertEquals("FAILED", o.getStatus().name(), remote);
      assertEquals("read", o.getErrorStage(), remote);
      assertTrue(o.getErrorMessage().contains("scheme gs"), o.getErrorMessage());
      assertTrue(o.getErrorMessage().contains("Beam's I/O module"), o.getErrorMessage());
    }
  }

  @Test
  void oddNamesSymlinksAndAFifoEachGetOneRecordWithoutHanging() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path out = dir.resolve("out");
    byte[] jpeg = TestData.bytes("photo/coffee.jpg");
    Files.write(in.resolve("a..b.jpg"), jpeg);
    Files.createDirectories(in.resolve("sub dir"));
    Files.write(in.resolve("sub dir/space name.jpg"), jpeg);
    Files.write(in.resolve("ünïcødé-写真.jpg"), jpeg);
    Files.write(in.resolve("new\nline.jpg"), jpeg);
    Files.write(outside.resolve("secret.jpg"), jpeg);
    Files.createSymbolicLink(in.resolve("link-in.jpg"), in.resolve("a..b.jpg"));
    Files.createSymbolicLink(in.resolve("link-out.jpg"), outside.resolve("secret.jpg"));
    Files.createSymbolicLink(in.resolve("link-dev.jpg"), Path.of("/dev/zero"));
    Process mkfifo = new ProcessBuilder("mkfifo", in.resolve("pipe.jpg").toString()).start();
    assertEquals(0, mkfifo.waitFor(), "mkfifo");
    Map<Path, String> sources = hashes(dir);

    JobRun run = JobRun.of("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, run.code(), run.err());
    Map<String, ImageOutcome> byName = byFileName(JobRun.readOutcomes(out));
    assertEquals(matchedInputs(in), byName.keySet(), "one outcome per matched input");
    for (String name : List.of("a..b.jpg", "space name.jpg", "ünïcødé-写真.jpg")) {
      assertEquals("WRITTEN", byName.get(name).getStatus().name(), name);
    }
    assertTrue(Files.isRegularFile(out.resolve("sub dir/space name.jpg")));
    assertTrue(Files.isRegularFile(out.resolve("ünïcødé-写真.jpg")));
    ImageOutcome newline = byName.get("new\nline.jpg");
    assertEquals("FAILED", newline.getStatus().name());
    assertEquals("write", newline.getErrorStage());
    assertTrue(newline.getErrorMessage().contains("control character 0xa"));
    ImageOutcome fifo = byName.get("pipe.jpg");
    assertEquals("UNSUPPORTED", fifo.getStatus().name());
    assertTrue(fifo.getErrorMessage().contains("FIFO"), fifo.getErrorMessage());
    for (String link : List.of("link-in.jpg", "link-out.jpg", "link-dev.jpg")) {
      assertEquals("UNSUPPORTED", byName.get(link).getStatus().name(), link);
      assertTrue(byName.get(link).getErrorMessage().contains("--followSymlinks"));
    }
    assertFalse(Files.exists(out.resolve("link-out.jpg")));
    assertEquals(sources, hashes(dir), "no source file changed");

    // Asked to, the job follows links to files; a device behind a link is still not opened.
    JobRun follow = JobRun.of("--input=" + in + "/**", "--output=" + out, "--followSymlinks=true");
    assertEquals(0, follow.code(), follow.err());
    Map<String, ImageOutcome> followed = byFileName(JobRun.readOutcomes(out));
    assertEquals("WRITTEN", followed.get("link-out.jpg").getStatus().name());
    assertEquals("UNSUPPORTED", followed.get("link-dev.jpg").getStatus().name());
    assertEquals(sources, hashes(dir), "no source file changed");
    Files.delete(in.resolve("link-dev.jpg"));
  }

  @Test
  void theHostileCorpusEndsInOneRecordPerFileAndTheJobGoesOn() throws IOException {
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    List<String> files = TestData.allHostile();
    for (String name : files) {
      Files.createDirectories(in.resolve(name).getParent());
      Files.copy(TestData.hostile().resolve(name), in.resolve(name));
    }
    Map<Path, String> sources = hashes(in);
    JobRun run = JobRun.of("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, run.code(), run.err());
    List<ImageOutcome> outcomes = JobRun.readOutcomes(out);
    assertEquals(files.size(), outcomes.size(), "one outcome per input");
    Map<String, Long> byStatus =
        outcomes.stream()
            .collect(
                Collectors.groupingBy(
                    o -> o.getStatus().name(), TreeMap::new, Collectors.counting()));
    // As HostileInputTest expects file by file; the 100 MP bomb is over this 1 GB JVM's budget.
    // Five tiny (48x32) JPEGs end WRITTEN or KEPT_ORIGINAL by the encoder's bytes of the day, so
    // those two statuses are counted together.
    long written = byStatus.getOrDefault("WRITTEN", 0L);
    long kept = byStatus.getOrDefault("KEPT_ORIGINAL", 0L);
    assertEquals(7L, written + kept, byStatus.toString());
    assertTrue(written >= 2, byStatus.toString());
    byStatus.remove("WRITTEN");
    byStatus.remove("KEPT_ORIGINAL");
    assertEquals(Map.of("FAILED", 29L, "REJECTED_LIMIT", 7L, "UNSUPPORTED", 10L), byStatus);
    assertEquals(sources, hashes(in), "no source file changed");
  }

  @Test
  void refusesAnOutputRootThatIsASymbolicLink() throws IOException {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    JobRun run = JobRun.of("--input=" + TestData.images() + "/photo/*.jpg", "--output=" + link);
    assertEquals(2, run.code());
    assertTrue(
        run.err().contains("expected a real folder for output, got symbolic link"), run.err());
  }

  @Test
  void aRerunSkipsWhatIsUnchangedAndRedoesWhatChanged() throws IOException {
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    for (String name :
        List.of("photo/coffee.jpg", "png/grey.png", "gif/static.gif", "bad/truncated.jpg")) {
      Files.createDirectories(in.resolve(name).getParent());
      Files.copy(TestData.path(name), in.resolve(name));
    }
    Map<Path, String> sources = hashes(in);

    JobRun first = JobRun.of("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, first.code(), first.err());
    Map<Path, String> outputs = outputHashes(out);
    assertEquals(3, outputs.size());

    // A killed run's temp file is cleaned up by the next run.
    Files.write(out.resolve("photo/.coffee.jpg.1234" + ".imgbeam-tmp"), new byte[] {1});
    JobRun second = JobRun.of("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("removed 1 temp files"), second.out());
    Map<String, String> statuses = statuses(JobRun.readOutcomes(out));
    assertEquals(
        Map.of(
            "coffee.jpg", "SKIPPED_UNCHANGED",
            "grey.png", "SKIPPED_UNCHANGED",
            "static.gif", "SKIPPED_UNCHANGED",
            "truncated.jpg", "FAILED"),
        statuses);
    assertEquals(outputs, outputHashes(out), "a skipping run leaves identical bytes");

    // A changed input is redone, the rest skipped; a deleted output is written again.
    Files.copy(
        TestData.path("orientation/orientation-1.jpg"),
        in.resolve("photo/coffee.jpg"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.delete(out.resolve("png/grey.png"));
    sources = hashes(in);
    JobRun third = JobRun.of("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, third.code(), third.err());
    statuses = statuses(JobRun.readOutcomes(out));
    assertEquals("WRITTEN", statuses.get("coffee.jpg"));
    assertTrue(statuses.get("grey.png").matches("WRITTEN|KEPT_ORIGINAL"), statuses.toString());
    assertEquals("SKIPPED_UNCHANGED", statuses.get("static.gif"));

    // --incremental=false compresses everything again.
    JobRun full = JobRun.of("--input=" + in + "/**", "--output=" + out, "--incremental=false");
    assertEquals(0, full.code(), full.err());
    assertFalse(statuses(JobRun.readOutcomes(out)).containsValue("SKIPPED_UNCHANGED"));
    assertEquals(sources, hashes(in), "no source file changed");
  }

  /**
   * A rerun's {@code SKIPPED_UNCHANGED} records say what their inputs hold and what the outputs
   * lack, as the first run's did, so that a nightly incremental run's privacy audit counts every
   * input; a manifest from before it carried those facts makes the next run compress its inputs
   * again.
   */
  @Test
  void aRerunKeepsThePrivacyAuditOfSkippedInputs() throws IOException {
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    for (String name :
        List.of("photo/astronaut-gps.jpg", "privacy/camera.jpg", "photo/coffee.jpg")) {
      Files.createDirectories(in.resolve(name).getParent());
      Files.copy(TestData.path(name), in.resolve(name));
    }
    JobRun first = JobRun.of("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, first.code(), first.err());
    Map<String, ImageOutcome> was = byFileName(JobRun.readOutcomes(out));
    assertTrue(was.get("astronaut-gps.jpg").getHadGps());
    assertEquals(Boolean.TRUE, was.get("camera.jpg").getHadSerial());
    assertEquals(Boolean.TRUE, was.get("camera.jpg").getHadOwner());
    assertTrue(was.get("camera.jpg").getMetadataRemoved().contains("gps"));

    JobRun second = JobRun.of("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, second.code(), second.err());
    Map<String, ImageOutcome> now = byFileName(JobRun.readOutcomes(out));
    for (String name : was.keySet()) {
      ImageOutcome before = was.get(name);
      ImageOutcome after = now.get(name);
      assertEquals("SKIPPED_UNCHANGED", after.getStatus().name(), name);
      assertEquals(before.getHadGps(), after.getHadGps(), name);
      assertEquals(before.getHadSerial(), after.getHadSerial(), name);
      assertEquals(before.getHadOwner(), after.getHadOwner(), name);
      assertEquals(before.getMetadataRemoved(), after.getMetadataRemoved(), name);
    }
    assertEquals(audit(first.out()), audit(second.out()));
    assertEquals(
        List.of("with GPS 2", "with serials 2", "with owner names 2"), audit(second.out()));

    // The manifest of an earlier version, without the facts: every input is compressed again.
    Path manifest = out.resolve("_imgbeam").resolve(WriteManifest.FILE_NAME);
    List<ManifestEntry> entries = new ArrayList<>();
    try (DataFileReader<ManifestEntry> reader =
        new DataFileReader<>(manifest.toFile(), new SpecificDatumReader<>(ManifestEntry.class))) {
      reader.forEach(
          e ->
              entries.add(
                  ManifestEntry.newBuilder(e)
                      .setMetadataRemoved(null)
                      .setHadGps(null)
                      .setHadSerial(null)
                      .setHadOwner(null)
                      .build()));
    }
    assertEquals(3, entries.size());
    try (DataFileWriter<ManifestEntry> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(ManifestEntry.class))) {
      writer.create(ManifestEntry.getClassSchema(), manifest.toFile());
      entries.forEach(
          e -> {
            try {
              writer.append(e);
            } catch (IOException ex) {
              throw new UncheckedIOException(ex);
            }
          });
    }
    JobRun third = JobRun.of("--input=" + in + "/**", "--output=" + out);
    assertEquals(0, third.code(), third.err());
    assertFalse(statuses(JobRun.readOutcomes(out)).containsValue("SKIPPED_UNCHANGED"));
    assertEquals(audit(first.out()), audit(third.out()));
  }

  /** The privacy audit's lines of a run's printed summary, spaces squeezed. */
  private static List<String> audit(String printed) {
    return printed
        .lines()
        .map(line -> line.strip().replaceAll(" +", " "))
        .filter(line -> line.startsWith("with "))
        .collect(Collectors.toList());
  }

  @Test
  void aFullDiskFailsOnlyTheImagesThatDoNotFitAndLeavesNoPartialFile() throws Exception {
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    List<String> names =
        List.of(
            "photo/coffee.jpg",
            "photo/astronaut-gps.jpg",
            "colour/adobergb.jpg",
            "colour/cmyk.jpg",
            "png/rgba.png",
            "png/palette.png",
            "png/grey.png",
            "png/text-chunks.png");
    for (String name : names) {
      Path copy = in.resolve("full").resolve(name.replace('/', '-'));
      Files.createDirectories(copy.getParent());
      Files.copy(TestData.path(name), copy);
    }
    Map<Path, String> sources = hashes(in);
    Path full = Files.createDirectories(out.resolve("full"));
    assumeTrue(mount(full, "size=200k"), "needs permission to mount a tmpfs (root)");
    try {
      JobRun run = JobRun.of("--input=" + in + "/**", "--output=" + out);
      assertEquals(0, run.code(), run.err());
      List<ImageOutcome> outcomes = JobRun.readOutcomes(out);
      assertEquals(names.size(), outcomes.size());
      long failed =
          outcomes.stream()
              .filter(o -> o.getStatus().name().equals("FAILED"))
              .peek(o -> assertEquals("write", o.getErrorStage()))
              .peek(
                  o ->
                      assertTrue(
                          o.getErrorMessage().contains("No space left on device"),
                          o.getErrorMessage()))
              .count();
      assertTrue(failed > 0 && failed < names.size(), outcomes.toString());
      assertOnlyRecordedOutputs(full, outcomes);
      assertTrue(run.out().contains("FAILED"), run.out());
    } finally {
      unmount(full);
    }
    assertEquals(sources, hashes(in), "no source file changed");
  }

  @Test
  void aReadOnlyOutputFailsEachImageWithTheIoError() throws Exception {
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    for (String name : List.of("coffee.jpg", "astronaut-gps.jpg")) {
      Files.createDirectories(in.resolve("ro"));
      Files.copy(TestData.path("photo/" + name), in.resolve("ro/" + name));
    }
    Map<Path, String> sources = hashes(in);
    Path readOnly = Files.createDirectories(out.resolve("ro"));
    // chmod 555 is what a user would do; root ignores it, so as root the folder is also a
    // read-only tmpfs mount.
    Files.setPosixFilePermissions(
        readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    boolean mounted = false;
    if ("root".equals(System.getProperty("user.name"))) {
      mounted = mount(readOnly, "size=64k,ro");
      assumeTrue(mounted, "root, but no permission to mount a read-only tmpfs");
    }
    try {
      JobRun run = JobRun.of("--input=" + in + "/**", "--output=" + out);
      assertEquals(0, run.code(), run.err());
      List<ImageOutcome> outcomes = JobRun.readOutcomes(out);
      assertEquals(2, outcomes.size());
      for (ImageOutcome o : outcomes) {
        assertEquals("FAILED", o.getStatus().name(), o.toString());
        assertEquals("write", o.getErrorStage());
        assertTrue(
            o.getErrorMessage().contains("Read-only file system")
                || o.getErrorClass().endsWith("AccessDeniedException"),
            o.toString());
      }
      try (Stream<Path> files = Files.walk(readOnly)) {
        assertEquals(1, files.count(), "nothing written");
      }
    } finally {
      if (mounted) {
        unmount(readOnly);
      }
    }
    assertEquals(sources, hashes(in), "no source file changed");
  }

  private static boolean mount(Path at, String options) throws Exception {
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }

  private static void unmount(Path at) throws Exception {
    Process p = new ProcessBuilder("umount", "-l", at.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor(), "umount " + at);
  }

  /** Every file under {@code folder} is a recorded output with its recorded hash: no partials. */
  private static void assertOnlyRecordedOutputs(Path folder, List<ImageOutcome> outcomes)
      throws IOException {
    Map<String, String> recorded = new TreeMap<>();
    for (ImageOutcome o : outcomes) {
      if (o.getOutputPath() != null) {
        recorded.put(o.getOutputPath(), o.getOutputSha256());
      }
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
        assertEquals(
            recorded.get(file.toString()),
            Hashes.sha256(Files.readAllBytes(file)),
            "unrecorded or partial file " + file);
      }
    }
  }

  /** What MatchImages sees: every entry under {@code in} that is not a folder, by file name. */
  private static java.util.Set<String> matchedInputs(Path in) throws IOException {
    try (Stream<Path> walk = Files.walk(in)) {
      return walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  private static Map<String, ImageOutcome> byFileName(List<ImageOutcome> outcomes) {
    Map<String, ImageOutcome> byName = new TreeMap<>();
    for (ImageOutcome o : outcomes) {
      String path = o.getInputPath();
      assertEquals(null, byName.put(path.substring(path.lastIndexOf('/') + 1), o), path);
    }
    return byName;
  }

  private static Map<String, String> statuses(List<ImageOutcome> outcomes) {
    Map<String, String> statuses = new TreeMap<>();
    byFileName(outcomes).forEach((name, o) -> statuses.put(name, o.getStatus().name()));
    return statuses;
  }

  /** Hashes of the regular files under {@code root}, links not followed. */
  private static Map<Path, String> hashes(Path root) throws IOException {
    Map<Path, String> hashes = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.collect(Collectors.toList())) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
            && !p.startsWith(root.resolve("out"))) {
          hashes.put(p, Hashes.sha256(Files.readAllBytes(p)));
        }
      }
    }
    return hashes;
  }

  private static Map<Path, String> outputHashes(Path out) throws IOException {
    Map<Path, String> hashes = hashes(out);
    hashes.keySet().removeIf(p -> p.startsWith(out.resolve("_imgbeam")));
    return hashes;
  }
}
