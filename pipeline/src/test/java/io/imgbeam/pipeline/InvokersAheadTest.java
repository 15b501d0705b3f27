package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;

class InvokersAheadTest {
  /** Used by this test only, so no other test has had Beam generate its invoker before. */
  static final class UpperFn extends DoFn<String, String> {
    @ProcessElement
    public void process(@Element String in, OutputReceiver<String> out) {
      out.output(in.toUpperCase(Locale.ROOT));
    }
  }

  /** Used by this test only. */
  static final class LengthFn extends DoFn<String, Integer> {
    @ProcessElement
    public void process(@Element String in, OutputReceiver<Integer> out) {
      out.output(in.length());
    }
  }

  @Test
  void listsEveryDoFnUpstreamFirst() {
    List<DoFn<?, ?>> fns = InvokersAhead.fns(twoSteps());
    int upper = indexOf(fns, UpperFn.class);
    int length = indexOf(fns, LengthFn.class);
    assertTrue(upper >= 0 && length > upper, fns.toString());
  }

  /** The invoker classes Beam generates for the DoFns exist once the thread has ended. */
  @Test
  void generatesTheInvokerOfEveryDoFn() throws InterruptedException {
    String upper = UpperFn.class.getName() + "$DoFnInvoker";
    String length = LengthFn.class.getName() + "$DoFnInvoker";
    ClassLoader loader = UpperFn.class.getClassLoader();
    assertThrows(ClassNotFoundException.class, () -> Class.forName(upper, false, loader));
    Thread thread = InvokersAhead.start(twoSteps());
    thread.join();
    assertFalse(thread.isAlive());
    assertDoesNotThrow(() -> Class.forName(upper, false, loader));
    assertDoesNotThrow(() -> Class.forName(length, false, loader));
  }

  private static Pipeline twoSteps() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply(Create.of("a", "bc"))
        .apply("Upper", ParDo.of(new UpperFn()))
        .apply("Length", ParDo.of(new LengthFn()));
    return p;
  }

  private static int indexOf(List<DoFn<?, ?>> fns, Class<?> type) {
    for (int i = 0; i < fns.size(); i++) {
      if (type.isInstance(fns.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
