package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class EngineDefaultsTest {
  @Test
  void directRunnerChecksOffAndOneThreadPerCore() {
    DirectOptions direct = applied().as(DirectOptions.class);
    assertFalse(direct.isEnforceImmutability());
    assertFalse(direct.isEnforceEncodability());
    assertEquals(Runtime.getRuntime().availableProcessors(), direct.getTargetParallelism());
    assertFalse(direct.isBlockOnRun());
  }

  @Test
  void whatTheUserGaveStays() {
    DirectOptions direct =
        applied(
                "--enforceImmutability=true",
                "--enforceEncodability",
                "--targetParallelism=7",
                "--blockOnRun=true")
            .as(DirectOptions.class);
    assertTrue(direct.isEnforceImmutability());
    assertTrue(direct.isEnforceEncodability());
    assertEquals(7, direct.getTargetParallelism());
    assertTrue(direct.isBlockOnRun());
  }

  @Test
  void inputsInAFewGroupsPerCoreOnTheDirectRunnerOneKeyEachElsewhere() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(8 * cores, EngineDefaults.redistributeBuckets(applied()));
    assertEquals(0, EngineDefaults.redistributeBuckets(applied("--runner=FlinkRunner")));
  }

  @Test
  void outcomesGatheredOnTheDirectRunnerOnly() {
    assertTrue(EngineDefaults.gatherOutcomes(applied()));
    assertFalse(EngineDefaults.gatherOutcomes(applied("--runner=FlinkRunner")));
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
