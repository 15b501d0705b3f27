package io.imgbeam.transforms;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Every element through one group, so that on the DirectRunner the steps after it get them all in
 * one bundle: that runner pays a fixed cost for every bundle of every step (an evaluator, the DoFn
 * deserialised, its transform translated). A {@code Reshuffle} does not do it, even with one
 * bucket: its trigger fires for every element, and that runner then makes a bundle of each. For
 * small elements (paths, outcome records) and a runner where one worker may hold them all; on a
 * cluster it would put the whole job on one worker.
 */
public final class GatherAll<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private GatherAll() {}

  public static <T> GatherAll<T> create() {
    return new GatherAll<>();
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    return group(input)
        .apply("DropKey", Values.<Iterable<T>>create())
        .apply("Ungroup", Flatten.<T>iterables());
  }

  /** Every element of {@code input} in one group, under the key 0: the steps of {@link #create}. */
  static <T> PCollection<KV<Integer, Iterable<T>>> group(PCollection<T> input) {
    return input
        .apply("KeyAllAlike", WithKeys.<Integer, T>of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), input.getCoder()))
        .apply("GroupAll", GroupByKey.<Integer, T>create());
  }
}
