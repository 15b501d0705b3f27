package io.imgbeam.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;

/**
 * Has Beam generate the invoker class of every DoFn of a pipeline on a thread of its own, while the
 * DirectRunner translates the pipeline, instead of on the runner's one thread when each step first
 * runs.
 *
 * <p>Beam calls a DoFn's methods through a class it generates for each DoFn class (with Byte Buddy,
 * cached for the life of the JVM). On the DirectRunner the steps before the compression and the
 * steps after it each generate theirs when their first bundle arrives, on the one thread that runs
 * every step, while the other cores wait: about a third of that thread's work between {@code run()}
 * and the first image, and a fifth of its work after the last. The cache is a concurrent map whose
 * entries are made once, so a step that needs an invoker being made here waits for it rather than
 * making it again. Beam marks {@link DoFnInvokers} internal; if its call fails here, the step makes
 * the same call when it first runs and fails the job with the error there.
 */
final class InvokersAhead {
  private InvokersAhead() {}

  /** Starts the thread for {@code pipeline}'s DoFns, in the order their steps run; returns it. */
  static Thread start(Pipeline pipeline) {
    List<DoFn<?, ?>> fns = fns(pipeline);
    Thread thread =
        new Thread(
            () -> {
              for (DoFn<?, ?> fn : fns) {
                try {
                  DoFnInvokers.invokerFor(fn);
                } catch (RuntimeException | LinkageError madeAgainWhenTheStepRuns) {
                  // Only a head start: the runner's own call reports it.
                }
              }
            },
            "imgbeam-invokers");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The DoFn of every ParDo of {@code pipeline}, upstream steps first. */
  static List<DoFn<?, ?>> fns(Pipeline pipeline) {
    List<DoFn<?, ?>> fns = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            if (node.getTransform() instanceof ParDo.MultiOutput) {
              fns.add(((ParDo.MultiOutput<?, ?>) node.getTransform()).getFn());
            }
          }
        });
    return fns;
  }
}
