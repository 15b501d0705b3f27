package io.imgbeam.transforms;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.KV;

/**
 * The inputs of {@link MatchImages} as a bounded source, for runners that spread work over several
 * workers: the patterns and the list file are matched when the source is split (on Flink, on the
 * JobManager as the job starts), each file once, and the files are cut, largest first, into splits
 * that shrink from single large files to single small ones (see {@link #split}).
 *
 * <p>Why a source: a runner hands a source's splits to its workers as they ask for more (Flink:
 * Beam's {@code SourceInputFormat} with Flink's {@code DefaultInputSplitAssigner}), so a worker
 * that drew large photos takes fewer splits, and all finish together. A shuffle with random keys
 * gives each worker about as many files, whatever their sizes: on 240 photos of 1.3-24 MP one of
 * two TaskManagers compressed for 41.5-49.6 s where the other took 31.7-37.9 (README, Running on a
 * Flink cluster). Flink's assigner hands out the last split first, so the splits are listed in
 * reverse: the largest files start first and the last to finish are small.
 */
final class ImageInputSource extends BoundedSource<ImageInput> {
  private static final long serialVersionUID = 1L;

  /** Counts the files read, as {@link MatchImages}'s match step counts the files it matched. */
  private static final Counter MATCHED = Metrics.counter(MatchImages.class, MatchImages.MATCHED);

  /**
   * A split takes at most this fraction, per worker, of the bytes not yet in a split: the first
   * splits are large, the last single small files, with which the workers finish together.
   */
  static final int SPLITS_PER_WORKER = 16;

  private final ArrayList<String> patterns;
  private final String inputList;
  private final String excludedRoot;

  /** A split's own files; null in the source before it is split, which matches its patterns. */
  private final String[] paths;

  private final String[] relativePaths;
  private final long[] sizes;

  /** The files the patterns and the list matched, kept between size estimate and split. */
  private transient List<ImageInput> matched;

  private ImageInputSource(
      List<String> patterns, String inputList, String excludedRoot, List<ImageInput> split) {
    this.patterns = new ArrayList<>(patterns);
    this.inputList = inputList;
    this.excludedRoot = excludedRoot;
    if (split == null) {
      this.paths = null;
      this.relativePaths = null;
      this.sizes = null;
    } else {
      this.paths = new String[split.size()];
      this.relativePaths = new String[split.size()];
      this.sizes = new long[split.size()];
      for (int i = 0; i < split.size(); i++) {
        paths[i] = split.get(i).path();
        relativePaths[i] = split.get(i).relativePath();
        sizes[i] = split.get(i).sizeBytes();
      }
    }
  }

  /**
   * The files of {@code patterns} (absolute, see {@link MatchImages#withPatterns}) and of the list
   * file {@code inputList} (null: none), none under {@code excludedRoot} (null: none excluded).
   */
  static ImageInputSource of(List<String> patterns, String inputList, String excludedRoot) {
    return new ImageInputSource(patterns, inputList, excludedRoot, null);
  }

  /** The files this source reads: a split's own, or every distinct file its patterns match. */
  List<ImageInput> inputs(PipelineOptions options) throws IOException {
    if (paths != null) {
      List<ImageInput> own = new ArrayList<>(paths.length);
      for (int i = 0; i < paths.length; i++) {
        own.add(ImageInput.of(paths[i], relativePaths[i], sizes[i]));
      }
      return own;
    }
    if (matched == null) {
      FileSystems.setDefaultPipelineOptions(options);
      List<KV<String, String>> specs = MatchImages.specs(patterns);
      if (inputList != null) {
        specs.addAll(listedSpecs());
      }
      List<ImageInput> all = new ArrayList<>();
      for (KV<String, String> spec : specs) {
        MatchImages.expand(spec.getKey(), spec.getValue(), excludedRoot, all::add);
      }
      matched = MatchImages.distinctLargestFirst(all);
    }
    return matched;
  }

  /** The list file's lines as (pattern, base) pairs, read as TextIO reads it: UTF-8 lines. */
  private List<KV<String, String>> listedSpecs() throws IOException {
    String listFolder = inputList.substring(0, inputList.lastIndexOf('/') + 1);
    List<KV<String, String>> specs = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                Channels.newInputStream(
                    FileSystems.open(FileSystems.matchNewResource(inputList, false))),
                StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        KV<String, String> spec = MatchImages.listed(line, listFolder);
        if (spec != null) {
          specs.add(spec);
        }
      }
    }
    return specs;
  }

  /**
   * Splits in files taken largest first, each of at most a {@link #SPLITS_PER_WORKER}th of the
   * bytes still unassigned per worker (the runner asks for bundles of {@code
   * desiredBundleSizeBytes}, one per worker; a file of unknown size weighs {@link #unknownWeight}),
   * a file larger than that alone: large splits first, then smaller and smaller ones down to single
   * small files, so that the last splits the workers take are short. Listed in reverse (see the
   * class comment). A source without files is one empty split.
   */
  @Override
  public List<ImageInputSource> split(long desiredBundleSizeBytes, PipelineOptions options)
      throws IOException {
    List<ImageInput> all = inputs(options);
    long unknown = unknownWeight(all);
    long remaining = totalWeight(all, unknown);
    long workers =
        Math.max(1, Math.round((double) remaining / Math.max(1, desiredBundleSizeBytes)));
    List<ImageInputSource> splits = new ArrayList<>();
    List<ImageInput> current = new ArrayList<>();
    long weight = 0;
    long target = Math.max(1, remaining / (SPLITS_PER_WORKER * workers));
    for (ImageInput input : all) {
      long w = weight(input, unknown);
      if (!current.isEmpty() && weight + w > target) {
        splits.add(new ImageInputSource(patterns, inputList, excludedRoot, current));
        remaining -= weight;
        target = Math.max(1, remaining / (SPLITS_PER_WORKER * workers));
        current = new ArrayList<>();
        weight = 0;
      }
      current.add(input);
      weight += w;
    }
    if (!current.isEmpty() || splits.isEmpty()) {
      splits.add(new ImageInputSource(patterns, inputList, excludedRoot, current));
    }
    Collections.reverse(splits);
    return splits;
  }

  /**
   * What a file of unknown size weighs (a listed path, not globbed, is not looked at before its
   * read): the average known size, or 1 when no size is known, so that such a list is split by
   * count.
   */
  private static long unknownWeight(List<ImageInput> all) {
    long known = 0;
    int counted = 0;
    for (ImageInput input : all) {
      if (input.sizeBytes() >= 0) {
        known += input.sizeBytes();
        counted++;
      }
    }
    return counted == 0 ? 1 : Math.max(1, known / counted);
  }

  private static long weight(ImageInput input, long unknown) {
    return input.sizeBytes() >= 0 ? input.sizeBytes() : unknown;
  }

  private static long totalWeight(List<ImageInput> all, long unknown) {
    long total = 0;
    for (ImageInput input : all) {
      total += weight(input, unknown);
    }
    return total;
  }

  /** The files' bytes, a file of unknown size counted as {@link #unknownWeight} (see there). */
  @Override
  public long getEstimatedSizeBytes(PipelineOptions options) throws IOException {
    List<ImageInput> all = inputs(options);
    return totalWeight(all, unknownWeight(all));
  }

  @Override
  public BoundedReader<ImageInput> createReader(PipelineOptions options) throws IOException {
    return new Reader(this, inputs(options));
  }

  @Override
  public Coder<ImageInput> getOutputCoder() {
    return ImageInput.Coder.of();
  }

  /** Reads a source's files in order. */
  private static final class Reader extends BoundedReader<ImageInput> {
    private final ImageInputSource source;
    private final List<ImageInput> inputs;
    private int index = -1;

    Reader(ImageInputSource source, List<ImageInput> inputs) {
      this.source = source;
      this.inputs = inputs;
    }

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      if (index < inputs.size()) {
        index++;
      }
      if (index < inputs.size()) {
        MATCHED.inc();
        return true;
      }
      return false;
    }

    @Override
    public ImageInput getCurrent() {
      if (index < 0 || index >= inputs.size()) {
        throw new NoSuchElementException();
      }
      return inputs.get(index);
    }

    @Override
    public void close() {}

    @Override
    public BoundedSource<ImageInput> getCurrentSource() {
      return source;
    }
  }
}
