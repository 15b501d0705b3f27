package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.imgbeam.transforms.avro.ImageOutcome;
import io.imgbeam.transforms.avro.OutcomeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
  @Test
  void countsAndMergesOutcomes() {
    RunSummary left =
        new RunSummary().add(privacy(written(1000, 400, 0.96), true, true, null)).add(failed(50));
    RunSummary right = new RunSummary().add(privacy(written(1000, 600, 0.98), true, false, true));
    RunSummary all = new RunSummary().merge(left).merge(right);
    assertEquals(3, all.inputs());
    assertEquals(2L, all.byStatus().get("WRITTEN"));
    assertEquals(1L, all.byStatus().get("FAILED"));
    assertEquals(2050, all.inputBytes());
    assertEquals(2000, all.producedInputBytes());
    assertEquals(1000, all.outputBytes());
    assertEquals(50.0, all.percentSaved(), 1e-9);
    assertEquals(2, all.inputsWithGps());
    assertEquals(1, all.inputsWithSerial());
    assertEquals(1, all.inputsWithOwner());
    assertEquals(
        "{\"schema_version\":1,\"inputs\":3,\"by_status\":{\"FAILED\":1,\"WRITTEN\":2},"
            + "\"by_input_format\":{\"jpeg\":3},\"by_output_format\":{\"jpeg\":2},"
            + "\"input_bytes\":2050,\"produced_input_bytes\":2000,\"output_bytes\":1000,"
            + "\"bytes_saved\":1000,\"percent_saved\":50.000000,\"inputs_with_gps\":2,"
            + "\"privacy\":{\"inputs_with_gps\":2,\"inputs_with_serial_numbers\":1,"
            + "\"inputs_with_owner_names\":1},"
            + "\"score\":{\"name\":\"ssim\",\"count\":2,\"min\":0.960000,\"mean\":0.970000,"
            + "\"max\":0.980000},\"image_millis\":30,\"encode_millis\":10,"
            + "\"encodes_tried\":0,\"target\":{\"met\":0,\"missed\":0}}",
        all.toJson());
    assertEquals(all, new RunSummary().merge(right).merge(left));
  }

  @Test
  void anEmptyRunHasZeroCountsAndNoScore() {
    String json = new RunSummary().toJson();
    assertEquals(true, json.contains("\"inputs\":0"));
    assertEquals(true, json.contains("\"min\":null"));
  }

  private static ImageOutcome written(long in, long out, double score) {
    return base(in)
        .setStatus(OutcomeStatus.WRITTEN)
        .setOutputFormat("jpeg")
        .setOutputBytes(out)
        .setScore(score)
        .setEncodeMillis(5L)
        .setTotalMillis(10L)
        .build();
  }

  /** Serial and owner may be null: records written before those fields existed. */
  private static ImageOutcome privacy(
      ImageOutcome outcome, boolean gps, Boolean serial, Boolean owner) {
    return ImageOutcome.newBuilder(outcome)
        .setHadGps(gps)
        .setHadSerial(serial)
        .setHadOwner(owner)
        .build();
  }

  private static ImageOutcome failed(long in) {
    return base(in).setStatus(OutcomeStatus.FAILED).setErrorStage("decode").build();
  }

  private static ImageOutcome.Builder base(long in) {
    return ImageOutcome.newBuilder()
        .setInputPath("/in/x.jpg")
        .setInputFormat("jpeg")
        .setInputBytes(in)
        .setEncodeMillis(0L)
        .setTotalMillis(10L)
        .setMetadataRemoved(List.of())
        .setHadGps(false);
  }
}
