package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class EngineDefaultsTest {
  @Test
  void directRunnerChecksOffOneBeamThreadAndAnImagePerCoreInFlight() {
    DirectOptions direct = applied().as(DirectOptions.class);
    assertFalse(direct.isEnforceImmutability());
    assertFalse(direct.isEnforceEncodability());
    assertEquals(1, direct.getTargetParallelism());
    assertFalse(direct.isBlockOnRun());
    assertEquals(
        Runtime.getRuntime().availableProcessors(),
        EngineDefaults.imagesInFlight(applied(), List.of()));
  }

  @Test
  void whatTheUserGaveStaysAndTargetParallelismIsImagesInFlight() {
    List<String> args =
        List.of(
            "--enforceImmutability=true",
            "--enforceEncodability",
            "--targetParallelism=7",
            "--blockOnRun=true");
    PipelineOptions options = applied(args.toArray(String[]::new));
    DirectOptions direct = options.as(DirectOptions.class);
    assertTrue(direct.isEnforceImmutability());
    assertTrue(direct.isEnforceEncodability());
    assertTrue(direct.isBlockOnRun());
    assertEquals(1, direct.getTargetParallelism());
    assertEquals(7, EngineDefaults.imagesInFlight(options, args));
  }

  @Test
  void imagesInFlightOutOfRangeIsRefusedWithTheUniformMessage() {
    List<String> args = List.of("--targetParallelism=0");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EngineDefaults.imagesInFlight(applied("--targetParallelism=0"), args));
    assertEquals("expected 1-256 for targetParallelism, got 0", e.getMessage());
  }

  @Test
  void oneImageInFlightOnFlink() {
    List<String> args = List.of("--runner=FlinkRunner", "--targetParallelism=4");
    assertEquals(1, EngineDefaults.imagesInFlight(applied(args.toArray(String[]::new)), args));
  }

  @Test
  void inputsAndOutputsInOneGroupOnTheDirectRunner() {
    assertEquals(1, EngineDefaults.redistributeBuckets(applied()));
    assertEquals(1, EngineDefaults.moveShards(applied()));
    assertEquals(0, EngineDefaults.redistributeBuckets(applied("--runner=FlinkRunner")));
  }

  @Test
  void oneWorkerWritesTheRunFilesOnTheDirectRunnerOnly() {
    assertTrue(EngineDefaults.oneRunFileWriter(applied()));
    assertFalse(EngineDefaults.oneRunFileWriter(applied("--runner=FlinkRunner")));
  }

  @Test
  void embeddedUnlessAnotherRunnerIsNamed() {
    assertTrue(EngineDefaults.embedded(List.of("--input=a/*.jpg", "--output=out")));
    assertTrue(EngineDefaults.embedded(List.of("--runner=DirectRunner")));
    assertTrue(EngineDefaults.embedded(List.of("--runner=directrunner")));
    assertFalse(EngineDefaults.embedded(List.of("--runner=FlinkRunner", "--output=out")));
  }

  private static PipelineOptions applied(String... args) {
    PipelineOptions options = PipelineOptionsFactory.fromArgs(args).create();
    EngineDefaults.apply(options, List.of(args));
    return options;
  }
}
