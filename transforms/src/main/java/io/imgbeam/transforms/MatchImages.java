package io.imgbeam.transforms;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Turns glob patterns and a list file of paths into one {@link ImageInput} per distinct file.
 *
 * <p>A pattern's output paths are relative to its base, the folder before its first wildcard:
 * {@code photos/**} maps {@code photos/a/b.jpg} to {@code a/b.jpg}. A pattern that names a folder
 * means everything under it. Lines of the list file are paths or globs; relative lines are resolved
 * against the list file's folder and keep their relative path, absolute ones keep their whole path
 * under the output root. A path without a wildcard is passed on even when it does not exist, so
 * that its outcome says so. Files under the excluded folder (the output root) are never inputs, so
 * a second run does not compress the first run's outputs.
 */
public final class MatchImages extends PTransform<PBegin, PCollection<ImageInput>> {
  /** The counter of files matched, before duplicates are dropped ({@link RunProgress} reads it). */
  static final String MATCHED = "filesMatched";

  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][-a-zA-Z0-9+.]*://.*");

  private final List<String> patterns;
  private final String inputList;
  private final String excludedRoot;
  private final int buckets;

  private MatchImages(List<String> patterns, String inputList, String excludedRoot, int buckets) {
    this.patterns = patterns;
    this.inputList = inputList;
    this.excludedRoot = excludedRoot;
    this.buckets = buckets;
  }

  /** Matches nothing until patterns or a list are given. */
  public static MatchImages create() {
    return new MatchImages(List.of(), null, null, 0);
  }

  /**
   * How the matched files reach the next step: 0 (the default) reads them from a source ({@link
   * ImageInputSource}) whose splits of about equal bytes the runner hands to its workers as they
   * ask for more, the largest files first; N puts them in N random groups; 1 gathers them all into
   * one group (a {@code GroupByKey}, see {@link GatherAll}), which on the DirectRunner hands every
   * later step one bundle of them all instead of one per file, each with a fixed cost.
   */
  public MatchImages withRedistributeBuckets(int value) {
    if (value < 0 || value > 65536) {
      throw new IllegalArgumentException("expected 0-65536 for redistributeBuckets, got " + value);
    }
    return new MatchImages(patterns, inputList, excludedRoot, value);
  }

  /**
   * Glob patterns ({@code *}, {@code ?}, {@code **} across folders) or paths of files or folders.
   * Relative local paths are resolved against the current folder now, on the launching machine.
   */
  public MatchImages withPatterns(List<String> values) {
    List<String> resolved = new ArrayList<>();
    for (String value : values) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("expected a glob pattern for input, got \"\"");
      }
      resolved.add(absolutePattern(value.strip()));
    }
    return new MatchImages(List.copyOf(resolved), inputList, excludedRoot, buckets);
  }

  /** A text file with one path or glob per line; blank lines and lines starting with # skipped. */
  public MatchImages withInputList(String path) {
    Objects.requireNonNull(path, "inputList");
    return new MatchImages(patterns, absolutePattern(path), excludedRoot, buckets);
  }

  /** A folder whose files are never inputs: the output root. */
  public MatchImages excluding(String root) {
    String absolute =
        SCHEME.matcher(root).matches()
            ? root
            : Paths.get(root).toAbsolutePath().normalize().toString();
    return new MatchImages(
        patterns, inputList, absolute.endsWith("/") ? absolute : absolute + "/", buckets);
  }

  @Override
  public PCollection<ImageInput> expand(PBegin begin) {
    if (buckets == 0) {
      // Matched when the source is split, and handed to the workers as they ask (see the source).
      return begin.apply(
          "ReadInputs", Read.from(ImageInputSource.of(patterns, inputList, excludedRoot)));
    }
    List<KV<String, String>> specs = specs(patterns);
    KvCoder<String, String> specCoder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, String>> fromPatterns =
        begin.apply("CreatePatterns", Create.of(specs).withCoder(specCoder));
    PCollectionList<KV<String, String>> all = PCollectionList.of(fromPatterns);
    if (inputList != null) {
      String listFolder = inputList.substring(0, inputList.lastIndexOf('/') + 1);
      all =
          all.and(
              begin
                  .apply("ReadInputList", TextIO.read().from(inputList))
                  .apply("ResolveListedPaths", ParDo.of(new ResolveListedPathFn(listFolder)))
                  .setCoder(specCoder));
    }
    PCollection<ImageInput> matched =
        all.apply("FlattenSpecs", Flatten.pCollections())
            .apply("ExpandPatterns", ParDo.of(new ExpandPatternFn(excludedRoot)))
            .setCoder(ImageInput.Coder.of());
    if (buckets == 1) {
      // One group holds every file, so it also drops the duplicates: fewer steps than a
      // per-path combine followed by a gathering, each of which the DirectRunner runs at a cost.
      return GatherAll.group(matched)
          .apply("DropDuplicatePaths", ParDo.of(new DistinctPathsFn()))
          .setCoder(ImageInput.Coder.of());
    }
    return matched
        .apply(
            "KeyByPath",
            WithKeys.of((SerializableFunction<ImageInput, String>) ImageInput::path)
                .withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ImageInput.Coder.of()))
        // A file matched by two patterns is compressed once; the shuffle also spreads the work.
        .apply("DropDuplicatePaths", Combine.perKey(new FirstRelativePath()))
        .apply("Values", Values.create())
        .apply(
            "Redistribute",
            buckets == 0
                ? Reshuffle.viaRandomKey()
                : Reshuffle.<ImageInput>viaRandomKey().withNumBuckets(buckets));
  }

  /** Each pattern with its base ({@link #globBase}). */
  static List<KV<String, String>> specs(List<String> patterns) {
    List<KV<String, String>> specs = new ArrayList<>();
    for (String pattern : patterns) {
      specs.add(KV.of(pattern, globBase(pattern)));
    }
    return specs;
  }

  /**
   * The folder a pattern's output paths are relative to: the part before the first wildcard, cut
   * after its last slash (the file's folder for a plain path).
   */
  public static String globBase(String pattern) {
    int wildcard = firstWildcard(pattern);
    String prefix = wildcard < 0 ? pattern : pattern.substring(0, wildcard);
    return prefix.substring(0, prefix.lastIndexOf('/') + 1);
  }

  /** The output path of {@code path} relative to {@code base}; the file name when outside it. */
  static String relativeTo(String base, String path) {
    if (!base.isEmpty() && path.startsWith(base)) {
      return path.substring(base.length());
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static int firstWildcard(String pattern) {
    int first = -1;
    for (char c : new char[] {'*', '?', '[', '{'}) {
      int i = pattern.indexOf(c);
      if (i >= 0 && (first < 0 || i < first)) {
        first = i;
      }
    }
    return first;
  }

  private static String absolutePattern(String pattern) {
    if (SCHEME.matcher(pattern).matches()) {
      return pattern;
    }
    Path path = Paths.get(pattern).toAbsolutePath().normalize();
    String text = path.toString();
    if (firstWildcard(text) < 0 && Files.isDirectory(path)) {
      return text + "/**";
    }
    return text;
  }

  /** Turns one line of the list file into a (pattern, base) pair. */
  private static final class ResolveListedPathFn extends DoFn<String, KV<String, String>> {
    private final String listFolder;

    ResolveListedPathFn(String listFolder) {
      this.listFolder = listFolder;
    }

    @ProcessElement
    public void processElement(@Element String line, OutputReceiver<KV<String, String>> out) {
      KV<String, String> spec = listed(line, listFolder);
      if (spec != null) {
        out.output(spec);
      }
    }
  }

  /**
   * One line of the list file as a (pattern, base) pair, relative lines resolved against {@code
   * listFolder}; null for a blank line or a comment.
   */
  static KV<String, String> listed(String line, String listFolder) {
    String entry = line.strip();
    if (entry.isEmpty() || entry.startsWith("#")) {
      return null;
    }
    if (SCHEME.matcher(entry).matches()) {
      return KV.of(entry, globBase(entry));
    } else if (entry.startsWith("/")) {
      return KV.of(entry, firstWildcard(entry) < 0 ? "/" : globBase(entry));
    }
    String pattern = listFolder + entry;
    return KV.of(pattern, firstWildcard(entry) < 0 ? listFolder : globBase(pattern));
  }

  /** Matches one pattern against its file system. */
  private static final class ExpandPatternFn extends DoFn<KV<String, String>, ImageInput> {
    private static final Counter MATCHED = Metrics.counter(MatchImages.class, MatchImages.MATCHED);

    private final String excludedRoot;

    ExpandPatternFn(String excludedRoot) {
      this.excludedRoot = excludedRoot;
    }

    @ProcessElement
    public void processElement(@Element KV<String, String> spec, OutputReceiver<ImageInput> out)
        throws IOException {
      expand(
          spec.getKey(),
          spec.getValue(),
          excludedRoot,
          input -> {
            MATCHED.inc();
            out.output(input);
          });
    }
  }

  /**
   * Every input {@code pattern} names, with paths relative to {@code base}, into {@code out}; none
   * under {@code excludedRoot} (null: none excluded).
   */
  static void expand(String pattern, String base, String excludedRoot, Consumer<ImageInput> out)
      throws IOException {
    Consumer<ImageInput> kept =
        input -> {
          if (excludedRoot == null || !input.path().startsWith(excludedRoot)) {
            out.accept(input);
          }
        };
    if (firstWildcard(pattern) < 0) {
      // Not globbed: a missing file must still get its own FAILED outcome downstream.
      kept.accept(ImageInput.of(pattern, relativeTo(base, pattern), -1));
      return;
    }
    if (!SCHEME.matcher(pattern).matches()) {
      matchLocal(pattern, base, kept);
      return;
    }
    MatchResult match;
    try {
      match = FileSystems.match(List.of(pattern), EmptyMatchTreatment.ALLOW).get(0);
    } catch (IllegalArgumentException noFileSystem) {
      // No file system on the class path reads the pattern's scheme: the pattern itself gets a
      // FAILED outcome downstream, which says so, instead of failing the job.
      kept.accept(ImageInput.of(pattern, relativeTo(base, pattern), -1));
      return;
    }
    for (MatchResult.Metadata file : match.metadata()) {
      if (!file.resourceId().isDirectory()) {
        String path = file.resourceId().toString();
        kept.accept(ImageInput.of(path, relativeTo(base, path), file.sizeBytes()));
      }
    }
  }

  /**
   * Walks the local tree under the pattern's base without following symbolic links and emits every
   * entry that is not a folder: regular files, but also links, FIFOs, devices and names with
   * control characters, which Beam's local match leaves out silently. Each of them gets its own
   * outcome downstream (UNSUPPORTED or FAILED), so nothing in the tree goes unreported, and a link
   * loop cannot make the walk endless.
   */
  private static void matchLocal(String pattern, String base, Consumer<ImageInput> out)
      throws IOException {
    Path start = Paths.get(base.isEmpty() ? "/" : base);
    if (!Files.isDirectory(start)) {
      return;
    }
    PathMatcher matcher = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!attrs.isDirectory() && matches(matcher, file)) {
              String path = file.toString();
              out.accept(
                  ImageInput.of(
                      path, relativeTo(base, path), attrs.isRegularFile() ? attrs.size() : -1));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            // An unreadable folder or entry is still an input the job was pointed at.
            if (matches(matcher, file)) {
              String path = file.toString();
              out.accept(ImageInput.of(path, relativeTo(base, path), -1));
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * The JDK's glob turns {@code **} into {@code .*}, which stops at a line break: a name with a
   * newline would drop out unseen. Line breaks are matched as ordinary characters instead.
   */
  private static boolean matches(PathMatcher matcher, Path file) {
    return matcher.matches(
        Paths.get(file.toString().replaceAll("[\\n\\r\\u0085\\u2028\\u2029]", "_")));
  }

  /** Keeps one input per path, choosing the smallest relative path so the choice is stable. */
  private static final class FirstRelativePath extends Combine.BinaryCombineFn<ImageInput> {
    @Override
    public ImageInput apply(ImageInput left, ImageInput right) {
      return first(left, right);
    }
  }

  /** Of two matches of one file, the one with the smaller relative path. */
  static ImageInput first(ImageInput left, ImageInput right) {
    return left.relativePath().compareTo(right.relativePath()) <= 0 ? left : right;
  }

  /**
   * Every file of the one group once, with {@link #first}'s relative path, largest first ({@link
   * #LARGEST_FIRST}).
   */
  private static final class DistinctPathsFn
      extends DoFn<KV<Integer, Iterable<ImageInput>>, ImageInput> {
    @ProcessElement
    public void processElement(
        @Element KV<Integer, Iterable<ImageInput>> group, OutputReceiver<ImageInput> out) {
      distinctLargestFirst(group.getValue()).forEach(out::output);
    }
  }

  /**
   * Each file of {@code inputs} once, with {@link #first}'s relative path, {@link #LARGEST_FIRST}.
   */
  static List<ImageInput> distinctLargestFirst(Iterable<ImageInput> inputs) {
    Map<String, ImageInput> byPath = new HashMap<>();
    for (ImageInput input : inputs) {
      byPath.merge(input.path(), input, MatchImages::first);
    }
    List<ImageInput> distinct = new ArrayList<>(byPath.values());
    distinct.sort(LARGEST_FIRST);
    return distinct;
  }

  /**
   * The order of the one group's files: by size, largest first, then by path. The steps after it
   * (one bundle on the DirectRunner) start them in this order on a fixed number of threads; with
   * the longest jobs first, the last ones to finish are small, so no thread waits long on another's
   * large photo at the end of the run (a 17.9 MP progressive JPEG took 0.5 s after the others had
   * finished when the order was the group's hash order).
   */
  static final Comparator<ImageInput> LARGEST_FIRST =
      Comparator.comparingLong(ImageInput::sizeBytes).reversed().thenComparing(ImageInput::path);
}
