package io.imgbeam.transforms;

import io.imgbeam.transforms.avro.ImageOutcome;
import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * A combiner over outcomes whose accumulator is also its result: {@link RunSummary} for
 * summary.json, {@link ReportStats} for the report. Both add one outcome at a time and merge
 * partial totals, so one combiner serves both.
 */
final class OutcomeTotals<A extends OutcomeTotals.Accumulator<A> & Serializable>
    extends Combine.CombineFn<ImageOutcome, A, A> {
  private static final long serialVersionUID = 1L;

  /** Totals that take one outcome at a time and merge with partial totals of the same kind. */
  interface Accumulator<A> {
    A add(ImageOutcome outcome);

    A merge(A other);
  }

  private final Class<A> type;
  private final SerializableFunction<Void, A> create;

  private OutcomeTotals(Class<A> type, SerializableFunction<Void, A> create) {
    this.type = type;
    this.create = create;
  }

  static <A extends Accumulator<A> & Serializable> OutcomeTotals<A> of(
      Class<A> type, SerializableFunction<Void, A> create) {
    return new OutcomeTotals<>(type, create);
  }

  @Override
  public A createAccumulator() {
    return create.apply(null);
  }

  @Override
  public A addInput(A accumulator, ImageOutcome outcome) {
    return accumulator.add(outcome);
  }

  @Override
  public A mergeAccumulators(Iterable<A> accumulators) {
    A merged = createAccumulator();
    for (A one : accumulators) {
      merged.merge(one);
    }
    return merged;
  }

  @Override
  public A extractOutput(A accumulator) {
    return accumulator;
  }

  @Override
  public Coder<A> getAccumulatorCoder(CoderRegistry registry, Coder<ImageOutcome> inputCoder) {
    return SerializableCoder.of(type);
  }

  @Override
  public Coder<A> getDefaultOutputCoder(CoderRegistry registry, Coder<ImageOutcome> inputCoder) {
    return SerializableCoder.of(type);
  }
}
