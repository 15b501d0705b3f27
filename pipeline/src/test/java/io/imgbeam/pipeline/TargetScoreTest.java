package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgbeam.testing.TestData;
import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.OutcomeStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --targetScore, --maxOutputBytes, --maxEncodes and --scoreMetric through the real entry point,
 * read back from the outcome records and summary.json it wrote.
 */
class TargetScoreTest {
  @TempDir Path dir;

  private final String photos = "--input=" + TestData.images() + "/photo/*.jpg";
  private final String png = "--input=" + TestData.images() + "/orientation/upright.png";

  @Test
  void everyOutputReachesTheTargetAndTheRecordsSaySo() throws IOException {
    Path out = dir.resolve("target");
    JobRun run =
        JobRun.of(
            photos,
            png,
            "--output=" + out,
            "--format=webp",
            "--targetScore=ssimulacra2:70",
            "--maxEncodes=7");
    assertEquals(0, run.code(), run.err());
    List<ImageOutcome> outcomes = JobRun.readOutcomes(out);
    assertEquals(3, outcomes.size());
    for (ImageOutcome o : outcomes) {
      assertEquals(OutcomeStatus.WRITTEN, o.getStatus(), o.toString());
      assertEquals("ssimulacra2", o.getScoreName());
      assertEquals("ssimulacra2:70", o.getTarget());
      assertTrue(o.getTargetMet(), o.toString());
      assertTrue(o.getScore() >= 70, o.toString());
      assertTrue(o.getEncodesTried() >= 2 && o.getEncodesTried() <= 7, o.toString());
      assertNotNull(o.getQualitySetting());
    }
    JsonNode summary = new ObjectMapper().readTree(out.resolve("_imgbeam/summary.json").toFile());
    assertEquals("ssimulacra2", summary.at("/score/name").asText());
    assertEquals(3, summary.at("/target/met").asInt());
    assertEquals(0, summary.at("/target/missed").asInt());
    assertEquals(
        outcomes.stream().mapToInt(ImageOutcome::getEncodesTried).sum(),
        summary.at("/encodes_tried").asInt());
  }

  @Test
  void anUnreachableTargetWritesTheHighestQualityAndAByteCapIsKept() throws IOException {
    Path out = dir.resolve("unreachable");
    JobRun run =
        JobRun.of(
            photos, png, "--output=" + out, "--format=jpeg", "--targetScore=ssimulacra2:99.9");
    assertEquals(0, run.code(), run.err());
    for (ImageOutcome o : JobRun.readOutcomes(out)) {
      assertEquals("ssimulacra2:99.9", o.getTarget(), o.toString());
      if (o.getStatus() == OutcomeStatus.WRITTEN) {
        assertEquals(100, o.getQualitySetting(), o.toString());
        assertFalse(o.getTargetMet(), o.toString());
      } else {
        // Quality 100 is larger than a JPEG input: the original is kept, which is identical.
        assertEquals(OutcomeStatus.KEPT_ORIGINAL, o.getStatus(), o.toString());
        assertTrue(o.getTargetMet(), o.toString());
        assertEquals(100.0, o.getScore(), 0);
      }
    }

    Path capped = dir.resolve("capped");
    JobRun cap =
        JobRun.of(photos, png, "--output=" + capped, "--format=avif", "--maxOutputBytes=6000");
    assertEquals(0, cap.code(), cap.err());
    for (ImageOutcome o : JobRun.readOutcomes(capped)) {
      assertEquals(OutcomeStatus.WRITTEN, o.getStatus(), o.toString());
      assertEquals("maxOutputBytes=6000", o.getTarget());
      assertTrue(o.getTargetMet(), o.toString());
      assertTrue(o.getOutputBytes() <= 6000, o.toString());
      assertEquals(o.getOutputBytes(), Files.size(Path.of(o.getOutputPath())));
      assertEquals("ssim", o.getScoreName());
    }
  }

  @Test
  void withoutGoalsTheScoreMetricIsChosenAndNoTargetIsRecorded() throws IOException {
    Path out = dir.resolve("plain");
    JobRun run = JobRun.of(photos, "--output=" + out, "--format=jpeg", "--scoreMetric=ssimulacra2");
    assertEquals(0, run.code(), run.err());
    for (ImageOutcome o : JobRun.readOutcomes(out)) {
      assertEquals("ssimulacra2", o.getScoreName(), o.toString());
      assertEquals(null, o.getTarget());
      assertEquals(null, o.getTargetMet());
      // One encode, whether it was written or the original was kept.
      assertEquals(1, o.getEncodesTried(), o.toString());
    }
  }

  @Test
  void anUnchangedRerunCarriesTheScoreAndANewTargetRedoesTheImage() throws IOException {
    Path out = dir.resolve("incremental");
    // At 63 this photo's answer sits where JPEG's DC step changes: the search keeps the answer's
    // DC steps with lower other steps (jpeg_low_frequency_quality).
    String[] args = {png, "--output=" + out, "--format=jpeg", "--targetScore=ssimulacra2:63"};
    JobRun first = JobRun.of(args);
    assertEquals(0, first.code(), first.err());
    ImageOutcome written = JobRun.readOutcomes(out).get(0);
    assertEquals(OutcomeStatus.WRITTEN, written.getStatus());

    JobRun second = JobRun.of(args);
    assertEquals(0, second.code(), second.err());
    ImageOutcome skipped = JobRun.readOutcomes(out).get(0);
    assertEquals(OutcomeStatus.SKIPPED_UNCHANGED, skipped.getStatus());
    assertEquals("ssimulacra2", skipped.getScoreName());
    assertEquals(written.getScore(), skipped.getScore());
    assertEquals(written.getQualitySetting(), skipped.getQualitySetting());
    // JPEG searches quarter qualities: the exact one, when fractional, is carried too.
    assertEquals(written.getQualityExact(), skipped.getQualityExact());
    if (written.getQualityExact() != null) {
      assertEquals(Math.round(written.getQualityExact()), (long) written.getQualitySetting());
      assertEquals(0, written.getQualityExact() * 4 % 1, written.toString());
    }
    assertNotNull(written.getJpegLowFrequencyQuality(), written.toString());
    double quality =
        written.getQualityExact() != null
            ? written.getQualityExact()
            : written.getQualitySetting().doubleValue();
    assertTrue(written.getJpegLowFrequencyQuality() > quality, written.toString());
    assertEquals(written.getJpegLowFrequencyQuality(), skipped.getJpegLowFrequencyQuality());
    assertEquals("ssimulacra2:63", skipped.getTarget());
    assertTrue(skipped.getTargetMet());
    assertEquals(0, skipped.getEncodesTried());

    // The target is part of the settings fingerprint: another target compresses again.
    JobRun third =
        JobRun.of(png, "--output=" + out, "--format=jpeg", "--targetScore=ssimulacra2:85");
    assertEquals(0, third.code(), third.err());
    ImageOutcome redone = JobRun.readOutcomes(out).get(0);
    assertEquals(OutcomeStatus.WRITTEN, redone.getStatus());
    assertEquals("ssimulacra2:85", redone.getTarget());
    assertTrue(redone.getQualitySetting() >= written.getQualitySetting(), redone.toString());
  }

  @Test
  void badGoalsAreRefusedWithAClearMessageAndHelpListsThem() {
    JobRun target = JobRun.of("--input=x", "--output=" + dir, "--targetScore=ssim:2");
    assertEquals(2, target.code());
    assertTrue(
        target.err().contains("expected a value above 0 up to 1 for targetScore ssim, got 2"),
        target.err());
    JobRun form = JobRun.of("--input=x", "--output=" + dir, "--targetScore=80");
    assertEquals(2, form.code());
    assertTrue(
        form.err()
            .contains("expected METRIC:VALUE (ssim:0.985, ssimulacra2:80) for targetScore, got 80"),
        form.err());
    JobRun metric = JobRun.of("--input=x", "--output=" + dir, "--scoreMetric=psnr");
    assertEquals(2, metric.code());
    assertTrue(
        metric.err().contains("expected one of ssim, ssimulacra2 for scoreMetric, got psnr"),
        metric.err());
    JobRun encodes = JobRun.of("--input=x", "--output=" + dir, "--maxEncodes=1");
    assertEquals(2, encodes.code());
    assertTrue(
        encodes.err().contains("expected a value from 2 to 100 for maxEncodes, got 1"),
        encodes.err());
    JobRun bytes = JobRun.of("--input=x", "--output=" + dir, "--maxOutputBytes=-1");
    assertEquals(2, bytes.code());
    assertTrue(bytes.err().contains("for maxOutputBytes, got -1"), bytes.err());

    JobRun help = JobRun.of("--help");
    for (String expected :
        List.of(
            "--scoreMetric=ssim|ssimulacra2  (default: ssim)",
            "--targetScore=METRIC:VALUE  (optional)",
            "--maxOutputBytes=N  (default: 0)",
            "--maxEncodes=N  (default: 18)")) {
      assertTrue(help.out().contains(expected), "missing " + expected + " in\n" + help.out());
    }
  }
}
