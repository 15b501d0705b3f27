package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OptionsRegistryTest {
  private static final String[] EMBEDDED = {
    "--input=/photos/*.jpg", "--output=/tmp/out", "--quality=70", "--targetParallelism=3"
  };

  /** By name: javac would warn that it cannot read the class's {@code @AutoService} annotation. */
  private static final String DIRECT_REGISTRAR =
      "org.apache.beam.runners.direct.DirectRegistrar$Options";

  @AfterEach
  void wholeRegistryForTheNextTest() {
    PipelineOptionsFactory.resetCache();
  }

  @Test
  void embeddedRegistrarsAreTheDirectRunnersAloneOfThoseOnTheClassPath() {
    ClassLoader loader = OptionsRegistryTest.class.getClassLoader();
    List<String> all = registrars(loader);
    assertTrue(all.contains(DIRECT_REGISTRAR), all.toString());
    assertTrue(all.size() > 2, all.toString());
    assertEquals(
        List.of(DIRECT_REGISTRAR), registrars(new OptionsRegistry.EmbeddedRegistrars(loader)));
  }

  @Test
  void anEmbeddedRunIsParsedWithTheDirectRunnersOptionsOnly() {
    OptionsRegistry.restrict();
    assertTrue(OptionsRegistry.restricted());
    ImgbeamOptions options = OptionsRegistry.parse(EMBEDDED);
    assertTrue(OptionsRegistry.restricted());
    assertFalse(PipelineOptionsFactory.getRegisteredOptions().contains(FlinkPipelineOptions.class));
    assertEquals(List.of("/photos/*.jpg"), options.getInput());
    assertEquals("/tmp/out", options.getOutput());
    assertEquals(70, options.getQuality());
    assertEquals(DirectRunner.class, options.getRunner());
    assertEquals(3, options.as(DirectOptions.class).getTargetParallelism());
  }

  @Test
  void anOptionOfAnotherInterfaceIsParsedWithTheWholeRegistry() {
    OptionsRegistry.restrict();
    List<String> args = new ArrayList<>(List.of(EMBEDDED));
    args.add("--experiments=beam_fn_api_off");
    ImgbeamOptions options = OptionsRegistry.parse(args.toArray(String[]::new));
    assertFalse(OptionsRegistry.restricted());
    assertEquals(
        List.of("beam_fn_api_off"), options.as(ExperimentalOptions.class).getExperiments());
    assertEquals(70, options.getQuality());
  }

  @Test
  void aClusterRunGetsTheWholeRegistry() {
    OptionsRegistry.restrict();
    ImgbeamOptions options =
        OptionsRegistry.parse(
            new String[] {
              "--runner=FlinkRunner",
              "--flinkMaster=localhost:8081",
              "--input=/photos/*.jpg",
              "--output=/tmp/out"
            });
    assertFalse(OptionsRegistry.restricted());
    assertEquals(FlinkRunner.class, options.getRunner());
    assertEquals("localhost:8081", options.as(FlinkPipelineOptions.class).getFlinkMaster());
  }

  @Test
  void aMistakeGetsTheMessageTheWholeRegistryGives() {
    String[] args = {"--input=/photos/*.jpg", "--output=/tmp/out", "--qualty=70"};
    String whole =
        assertThrows(IllegalArgumentException.class, () -> OptionsRegistry.parse(args))
            .getMessage();
    OptionsRegistry.restrict();
    String restricted =
        assertThrows(IllegalArgumentException.class, () -> OptionsRegistry.parse(args))
            .getMessage();
    assertEquals(whole, restricted);
    assertTrue(restricted.contains("qualty"), restricted);
    assertFalse(OptionsRegistry.restricted());
  }

  private static List<String> registrars(ClassLoader loader) {
    List<String> found = new ArrayList<>();
    for (PipelineOptionsRegistrar registrar :
        ServiceLoader.load(PipelineOptionsRegistrar.class, loader)) {
      found.add(registrar.getClass().getName());
    }
    return found;
  }
}
