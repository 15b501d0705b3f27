package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class GatherAllTest {
  private static final List<Integer> NUMBERS =
      IntStream.range(0, 40).boxed().collect(Collectors.toList());

  @Test
  void keepsEveryElementAndHandsTheNextStepOneBundle(TestPipeline p) {
    assertEquals(1, bundlesAfter(p, GatherAll.create()));
  }

  /**
   * Why GatherAll exists: a one-bucket Reshuffle fires per element, and the DirectRunner gives the
   * step after it several bundles (in imgbeam's pipeline, after a per-path Combine, one per file).
   */
  @Test
  void aOneBucketReshuffleDoesNot(TestPipeline p) {
    long bundles = bundlesAfter(p, Reshuffle.<Integer>viaRandomKey().withNumBuckets(1));
    assertTrue(bundles > 1, bundles + " bundles after the Reshuffle");
  }

  private static long bundlesAfter(
      TestPipeline p, PTransform<PCollection<Integer>, PCollection<Integer>> gather) {
    PCollection<Integer> out =
        p.apply(Create.of(NUMBERS)).apply(gather).apply(ParDo.of(new CountBundlesFn()));
    PAssert.that(out).containsInAnyOrder(NUMBERS);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    long bundles = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(GatherAllTest.class, "bundles"))
                    .build())
            .getCounters()) {
      bundles += counter.getAttempted();
    }
    return bundles;
  }

  private static final class CountBundlesFn extends DoFn<Integer, Integer> {
    private static final Counter BUNDLES = Metrics.counter(GatherAllTest.class, "bundles");

    @StartBundle
    public void startBundle() {
      BUNDLES.inc();
    }

    @ProcessElement
    public void processElement(@Element Integer value, OutputReceiver<Integer> out) {
      out.output(value);
    }
  }
}
