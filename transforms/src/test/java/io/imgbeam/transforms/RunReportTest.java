package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.codec.CompressionSettings;
import io.imgbeam.codec.Hashes;
import io.imgbeam.codec.Preview;
import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.OutcomeStatus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report shows a row's pictures only while its input and output are still the files the run
 * read and wrote (their SHA-256 in the record), whether the pictures were made during the run
 * ({@link PreviewCache}) or are made from the files when the page is written.
 */
class RunReportTest {
  private static final CompressionSettings SETTINGS = CompressionSettings.create();

  /** Stands for pictures made during the run: bytes no picture made from the files would have. */
  private static final Preview.Images MADE_DURING_THE_RUN =
      new Preview.Images(
          "before-thumbnail".getBytes(StandardCharsets.US_ASCII),
          "after-thumbnail".getBytes(StandardCharsets.US_ASCII),
          "before-crop".getBytes(StandardCharsets.US_ASCII),
          "after-crop".getBytes(StandardCharsets.US_ASCII));

  @TempDir Path root;
  private Path input;
  private Path output;
  private ImageOutcome outcome;

  @BeforeEach
  void writeAnInputAndItsOutput() throws IOException {
    input = root.resolve("in.jpg");
    output = root.resolve("out.jpg");
    Files.write(input, jpeg(96, 64, 0));
    Files.write(output, jpeg(96, 64, 6));
    outcome =
        ImageOutcome.newBuilder()
            .setInputPath(input.toString())
            .setInputFormat("jpeg")
            .setInputBytes(Files.size(input))
            .setInputSha256(Hashes.sha256(Files.readAllBytes(input)))
            .setOutputPath(output.toString())
            .setOutputFormat("jpeg")
            .setOutputBytes(Files.size(output))
            .setOutputSha256(Hashes.sha256(Files.readAllBytes(output)))
            .setWidth(96)
            .setHeight(64)
            .setScoreName("ssim")
            .setScore(0.97)
            .setEncodeMillis(5L)
            .setTotalMillis(20L)
            .setMetadataRemoved(List.of())
            .setHadGps(false)
            .setStatus(OutcomeStatus.WRITTEN)
            .build();
  }

  @Test
  void picturesMadeDuringTheRunShowWhileTheFilesAreTheRuns() throws IOException {
    storePictures();
    String page = page();
    assertTrue(page.contains(base64(MADE_DURING_THE_RUN.before())), "the stored thumbnail");
    assertTrue(page.contains(base64(MADE_DURING_THE_RUN.afterCrop())), "the stored crop");
    assertFalse(page.contains("changed since the run"));
  }

  @Test
  void picturesMadeDuringTheRunAreLeftOutOnceTheInputChanged() throws IOException {
    storePictures();
    Files.write(input, jpeg(96, 64, 40));
    assertLeftOut(page(), "the input changed since the run");
  }

  @Test
  void picturesMadeDuringTheRunAreLeftOutOnceTheOutputChanged() throws IOException {
    storePictures();
    Files.write(output, jpeg(96, 64, 40));
    assertLeftOut(page(), "the output changed since the run");
  }

  @Test
  void picturesMadeDuringTheRunAreLeftOutOnceTheInputIsGone() throws IOException {
    storePictures();
    Files.delete(input);
    assertLeftOut(page(), "NoSuchFileException");
  }

  @Test
  void picturesMadeDuringTheRunAreLeftOutForAnInputOverTheByteLimit() throws IOException {
    storePictures();
    long limit = Files.size(input) - 1;
    assertLeftOut(page(SETTINGS.withMaxInputBytes(limit)), "over " + limit + " bytes");
  }

  @Test
  void withoutStoredPicturesTheyAreMadeFromTheFiles() throws IOException {
    String page = page();
    // The one image is both the slowest and the lowest-scoring: a row in each list.
    assertEquals(8, count(page, "src=\"data:image/"), "two thumbnails and two crops a row");
    assertFalse(page.contains("changed since the run"));
  }

  @Test
  void withoutStoredPicturesAChangedInputGetsNone() throws IOException {
    Files.write(input, jpeg(96, 64, 40));
    String page = page();
    assertTrue(page.contains("the input changed since the run"), "the page says why");
    assertEquals(0, count(page, "src=\"data:image/"));
  }

  /** The page says {@code why} and shows none of the pictures stored during the run. */
  private static void assertLeftOut(String page, String why) {
    assertTrue(page.contains(why), "the page says why: " + why);
    assertFalse(page.contains(base64(MADE_DURING_THE_RUN.before())), "the stored thumbnail");
    assertFalse(page.contains(base64(MADE_DURING_THE_RUN.afterCrop())), "the stored crop");
  }

  private void storePictures() throws IOException {
    PreviewCache.write(
        root, outcome.getInputSha256(), outcome.getOutputSha256(), MADE_DURING_THE_RUN);
  }

  private String page() throws IOException {
    return page(SETTINGS);
  }

  private String page(CompressionSettings settings) throws IOException {
    RunSummary summary = new RunSummary();
    ReportStats stats = new ReportStats();
    summary.add(outcome);
    stats.add(outcome);
    return Files.readString(
        RunReport.write(root, summary, stats, settings), StandardCharsets.US_ASCII);
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  /** A smooth gradient, shifted by {@code shift} levels, as a JPEG. */
  private static byte[] jpeg(int width, int height, int shift) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int v = Math.min(255, x * 2 + shift);
        image.setRGB(x, y, (v << 16) | ((y * 3) << 8) | 128);
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", bytes);
    return bytes.toByteArray();
  }
}
