package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleFunction;
import java.util.function.Function;

/**
 * Compresses one encoded image. Thread-safe and cheap to create; holds only its settings.
 *
 * <p>The steps run in a fixed order, each returning early when it does not apply:
 *
 * <ol>
 *   <li>sniff the format from the magic bytes (never the file name);
 *   <li>probe the header and apply the size and frame limits before any pixel buffer exists;
 *   <li>check the container ({@link ContainerCheck}): metadata size, JPEG scan count, PNG CRCs and
 *       image data length, before the metadata parser or the decoder trust the file;
 *   <li>scan metadata: orientation, the privacy audit (GPS, serials, owners), and read the blocks
 *       the metadata policy may keep;
 *   <li>decode, holding a share of the per-JVM {@link PixelBudget} until verification ends; decoder
 *       warnings count as errors unless {@link FailOn#ERROR};
 *   <li>orient: the EXIF orientation goes into the pixels, since the output has no tag to carry it;
 *   <li>colour: convert to sRGB, after orientation, because both are per-pixel and independent, and
 *       before encoding, since the output carries no profile; or, with {@link IccPolicy#KEEP}, keep
 *       the samples and the profile;
 *   <li>resize ({@code --maxWidth}, {@code --maxHeight}, {@code --fit}): after orientation, so the
 *       limits apply to the displayed width and height, and after colour, so the filter works on
 *       sRGB samples it can linearise; before encoding, which must see the final pixels. When the
 *       target is much smaller, decoding already skipped pixels (see {@link #subsampling});
 *   <li>encode the target format, or with {@link OutputFormat#AUTO} every candidate format that can
 *       hold the image (its size, its alpha, the metadata kept); with a target score or a byte cap,
 *       each lossy format searches its quality ({@link QualitySearch}) on these same pixels;
 *   <li>verify: decode the output again and compare it with what was encoded; this runs before the
 *       metadata goes in, so that a profile in the output cannot change what the decoder returns;
 *   <li>metadata: write the blocks the policy keeps (orientation reset to 1, since the pixels are
 *       upright now) and the kept profile into the encoded file;
 *   <li>decide: auto keeps the smallest candidate (with goals: the smallest that meets them, else
 *       the best-scoring one under a target, the smallest under a cap); when the output is not
 *       smaller than an input of the same format (or, with auto, of a candidate format) and was not
 *       resized, keep the input's own bytes with its metadata filtered losslessly by the same
 *       policy. A resized output is never replaced by the unresized input.
 * </ol>
 *
 * <p>Data errors (corrupt files, unsupported formats, limits) end in a {@link CompressionResult}
 * with their status, stage and message; this method does not throw for them. It has no time limit
 * of its own: {@link BoundedCompressor} runs it on a worker thread it can abandon.
 */
public final class ImageCompressor {
  /** How many times the target size a subsampled decode keeps; see {@link #subsampling}. */
  private static final int KEPT_BEFORE_FILTER = 4;

  private final CompressionSettings settings;

  private ImageCompressor(CompressionSettings settings) {
    this.settings = settings;
  }

  /** A compressor with the given settings. */
  public static ImageCompressor of(CompressionSettings settings) {
    return new ImageCompressor(settings);
  }

  public CompressionSettings settings() {
    return settings;
  }

  /** Compresses {@code input}; never returns null, never throws for bad data. */
  public CompressionResult compress(byte[] input) {
    return compress(input, new Progress(), Preview.Wanted.NEVER);
  }

  /**
   * Compresses {@code input}, reporting its stage to {@code progress}. Besides data errors, a bug
   * (a runtime exception in a step) and a decoder that runs out of stack or heap end in a {@code
   * FAILED} record for this image: the pixel budget makes the heap case rare, and what the image
   * held is garbage once the stack unwinds. {@code previews} decides whether a written image's
   * report pictures are made from its pixels before they are released.
   */
  CompressionResult compress(byte[] input, Progress progress, Preview.Wanted previews) {
    long start = System.nanoTime();
    CompressionResult.Builder result =
        CompressionResult.builder().inputBytes(input.length).inputSha256(Hashes.sha256(input));
    progress.attach();
    try {
      run(input, result, progress, new Previews(previews, start));
    } catch (CodecException e) {
      result.status(e.status()).error(e.stage(), e.errorClass(), e.getMessage());
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      CodecException failed = CodecException.failed(progress.stage(), e);
      result.status(Status.FAILED).error(failed.stage(), failed.errorClass(), failed.getMessage());
    } finally {
      progress.detach();
    }
    return result.totalMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).build();
  }

  // The pixel-budget lease is held for the scope of its try block and never read: "try" lint.
  @SuppressWarnings("try")
  private void run(
      byte[] input, CompressionResult.Builder result, Progress progress, Previews previews)
      throws CodecException {
    progress.stage(Stage.READ);
    if (input.length > settings.maxInputBytes()) {
      throw new CodecException(
          Status.REJECTED_LIMIT,
          Stage.READ,
          "input is "
              + input.length
              + " bytes, over the limit maxInputBytes="
              + settings.maxInputBytes());
    }

    // 1. Sniff.
    progress.stage(Stage.SNIFF);
    ImageFormat format = sniff(input, result);

    // 2. Probe: the header only, then the limits it allows to check.
    progress.stage(Stage.PROBE);
    ImageReading.Header header = probe(input, format);
    result.inputSize(header.width(), header.height());
    progress.input(format, header.width(), header.height());

    // 3. The container, before anything parses its metadata or decodes its pixels.
    ContainerCheck.check(input, format, settings);

    // 4. Metadata. The blocks are read only when something may be kept.
    progress.stage(Stage.METADATA);
    MetadataScan metadata = MetadataScan.of(input);
    result.privacy(metadata.hasGps(), metadata.hasSerial(), metadata.hasOwner());
    MetadataBlocks blocks =
        settings.metadata() == MetadataPolicy.STRIP && settings.iccProfile() == IccPolicy.SRGB
            ? MetadataBlocks.NONE
            : MetadataBlocks.read(input, format);

    // Animations are kept as they are with --format=same or auto: a single-image encoder would
    // lose their frames.
    List<ImageEncoder> encoders = encoders(input, format, header);
    boolean swap = Orientation.swapsAxes(metadata.orientation());
    Resize.Plan plan =
        settings
            .resize()
            .plan(swap ? header.height() : header.width(), swap ? header.width() : header.height());
    boolean resized = !plan.isIdentity();
    if (encoders == null) {
      if (resized) {
        throw cannotResize(format, header);
      }
      progress.stage(Stage.DECIDE);
      keepOriginal(input, format, header, metadata, blocks, result, 0);
      return;
    }
    boolean auto = settings.outputFormat() == OutputFormat.AUTO;
    List<String> candidates = new ArrayList<>();

    // Formats that cannot hold the image's size are refused on the header: native encoders never
    // see a size they cannot handle, and nothing is decoded for nothing.
    // The output's size is the plan's canvas: a large input resized small fits any format.
    encoders =
        admit(encoders, auto, candidates, e -> e.refusal(plan.canvasWidth(), plan.canvasHeight()));

    // 5-11 hold decoded pixels: they share the JVM's pixel budget.
    progress.stage(Stage.DECODE);
    try (PixelBudget.Lease lease = PixelBudget.acquire((long) header.width() * header.height())) {
      encodeAndDecide(
          input,
          format,
          encoders,
          auto,
          candidates,
          header,
          metadata,
          blocks,
          plan,
          result,
          progress,
          previews);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CodecException(
          Status.REJECTED_LIMIT, Stage.DECODE, "cancelled while waiting for the pixel budget");
    }
  }

  private void encodeAndDecide(
      byte[] input,
      ImageFormat format,
      List<ImageEncoder> encoders,
      boolean auto,
      List<String> candidates,
      ImageReading.Header header,
      MetadataScan metadata,
      MetadataBlocks blocks,
      Resize.Plan plan,
      CompressionResult.Builder result,
      Progress progress,
      Previews previews)
      throws CodecException {
    boolean swap = Orientation.swapsAxes(metadata.orientation());
    boolean resized = !plan.isIdentity();
    // 5. Decode.
    BufferedImage image;
    try {
      image =
          ImageReading.decode(
              input,
              format,
              settings.failOn(),
              settings.iccProfile() == IccPolicy.KEEP,
              subsampling(header.width(), swap ? plan.scaledHeight() : plan.scaledWidth()),
              subsampling(header.height(), swap ? plan.scaledWidth() : plan.scaledHeight()));
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.DECODE, e);
    }

    // 6. Orient.
    progress.stage(Stage.ORIENT);
    image = Orientation.apply(image, metadata.orientation());

    // 7. Colour. A kept profile needs a format that can embed it: AVIF cannot, so with a fixed
    // AVIF output the pixels are converted to sRGB instead, and auto skips AVIF.
    progress.stage(Stage.COLOUR);
    byte[] keptProfile = null;
    boolean keepProfile =
        settings.iccProfile() == IccPolicy.KEEP
            && (auto || encoders.stream().allMatch(ImageEncoder::carriesMetadata));
    try {
      if (keepProfile && ColourConversion.canKeepProfile(image)) {
        keptProfile = blocks.icc() != null ? blocks.icc() : ColourConversion.profileData(image);
        image = ColourConversion.untagged(image);
      } else {
        image = ColourConversion.toSrgb(image);
      }
    } catch (RuntimeException e) {
      throw CodecException.failed(Stage.COLOUR, e);
    }

    // 8. Resize.
    if (resized) {
      progress.stage(Stage.RESIZE);
      try {
        image = Resizer.apply(image, plan);
      } catch (RuntimeException e) {
        throw CodecException.failed(Stage.RESIZE, e);
      }
    }
    MetadataBlocks kept =
        MetadataFilter.apply(
                blocks,
                settings.metadata(),
                settings.keepDates(),
                new MetadataFilter.Target(1, image.getWidth(), image.getHeight()))
            .withIcc(keptProfile);

    // Formats that would lose something the settings keep: alpha (JPEG), kept metadata (AVIF).
    boolean translucent = Pixels.hasAlpha(image) && !isOpaque(image);
    encoders =
        admit(
            encoders,
            auto,
            candidates,
            e -> {
              if (auto && translucent && !e.keepsAlpha()) {
                return Optional.of("it has no alpha channel");
              }
              if (!kept.isEmpty() && !e.carriesMetadata()) {
                return Optional.of(
                    "it cannot carry the metadata --metadata="
                        + settings.metadata().optionName()
                        + " keeps ("
                        + kept.describe()
                        + "); use --metadata=strip or another format");
              }
              return Optional.empty();
            });

    // 9. Encode, 10. verify and 11. add the kept metadata, for each candidate (several times each
    // when a search looks for the quality).
    Candidate best = null;
    long[] encodeNanos = {0};
    int encodes = 0;
    for (ImageEncoder encoder : encoders) {
      Candidate candidate =
          encodeCandidate(encoder, image, kept, encodeNanos, progress, previews.asked());
      encodes += candidate.encodes();
      candidates.add(encoder.format().recordName() + ":" + candidate.output().length);
      if (best == null || better(candidate, best)) {
        best = candidate;
      }
    }
    result.encodeMillis(TimeUnit.NANOSECONDS.toMillis(encodeNanos[0]));
    if (auto) {
      result.candidates(candidates);
    }

    // 12. Decide. A resized output stays, even when larger: the input does not have the size asked.
    progress.stage(Stage.DECIDE);
    ImageFormat target = best.format();
    boolean inputIsACandidate =
        auto ? settings.autoFormats().stream().anyMatch(f -> same(f, format)) : target == format;
    if (inputIsACandidate && !resized && best.output().length >= input.length) {
      keepOriginal(input, format, header, metadata, blocks, result, encodes);
      return;
    }
    BufferedImage reference = best.encoded().reference();
    result
        .status(Status.WRITTEN)
        .output(target, best.output(), reference.getWidth(), reference.getHeight())
        .quality(best.encoded().quality())
        .qualityExact(best.searched())
        .jpegLowFrequencyQuality(best.lowQuality())
        .score(settings.scoreMetric().optionName(), best.score())
        .encodesTried(encodes)
        .target(settings.goals(), best.met())
        .metadataRemoved(metadata.removedIn(MetadataScan.of(best.output())));
    // 13. The report's pictures, while the pixels are here: only when they are the pictures the
    // report would make from the files (no resize, whose fit the report cannot know; no kept
    // profile, so the pixels are sRGB) and the caller wants this image's.
    if (!resized && keptProfile == null && previews.wanted(best.score())) {
      result.previews(previews(image, best));
    }
  }

  /** What {@link #compress} was asked about report pictures, and when it started. */
  private record Previews(Preview.Wanted wanted, long startNanos) {
    boolean asked() {
      return wanted != Preview.Wanted.NEVER;
    }

    boolean wanted(double score) {
      return asked()
          && wanted.test(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), score);
    }
  }

  /**
   * The pictures of {@code image} and the output it became, or null when making them failed: they
   * only decorate the report, which then makes them from the files and says on the page why none
   * could be made, so the image's own outcome does not depend on them.
   */
  private static Preview.Images previews(BufferedImage image, Candidate best) {
    try {
      BufferedImage after =
          best.decoded() != null
              ? best.decoded()
              : ImageReading.decodeOwn(best.encoded().bytes(), best.format());
      // As the report decodes the file: in sRGB (the output has no orientation left to apply).
      return Preview.of(image, ColourConversion.toSrgb(after));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * One encoded, verified output with its metadata in place.
   *
   * @param searched the quality a search chose, exactly (a JPEG search steps in quarters), or null
   *     without a search
   * @param lowQuality the quality whose lowest-frequency steps (DC, first AC pair) a JPEG search's
   *     second phase kept with the lower {@code searched} quality's other steps, or null when the
   *     output has its own quality's
   * @param encodes how many encodes it took
   * @param met whether it meets the settings' goals (false when there are none)
   */
  private record Candidate(
      ImageFormat format,
      ImageEncoder.Encoded encoded,
      Double searched,
      Double lowQuality,
      double score,
      byte[] output,
      int encodes,
      boolean met,
      BufferedImage decoded) {}

  /**
   * Encodes, verifies and adds the kept metadata for one format: once, or, with goals and a lossy
   * format, at the qualities a {@link QualitySearch} tries.
   */
  private Candidate encodeCandidate(
      ImageEncoder encoder,
      BufferedImage image,
      MetadataBlocks kept,
      long[] encodeNanos,
      Progress progress,
      boolean keepDecoded)
      throws CodecException {
    // A JPEG search's encodes share the work that does not depend on the quality (the planes,
    // texture weights and DCT of the image), held until the search ends.
    JpegEncoder.Shared shared =
        settings.goals() != null && encoder instanceof JpegEncoder
            ? new JpegEncoder.Shared()
            : null;
    DoubleFunction<ImageEncoder> tuner = settings.goals() == null ? null : tuner(encoder, shared);
    QualitySearch.Encode encode =
        quality ->
            trial(
                tuner == null ? encoder : tuner.apply(quality),
                quality,
                image,
                kept,
                encodeNanos,
                progress);
    // JPEG's second phase keeps the lowest-frequency steps of the first phase's answer.
    QualitySearch.Refinement refinement =
        tuner != null && encoder instanceof JpegEncoder
            ? new QualitySearch.Refinement() {
              @Override
              public int part(double quality) {
                return JpegEncoder.lowSteps(quality);
              }

              @Override
              public QualitySearch.Trial at(double quality, double lowQuality)
                  throws CodecException {
                return trial(
                    new JpegEncoder(quality, lowQuality, settings.jpegEffort()).sharing(shared),
                    quality,
                    image,
                    kept,
                    encodeNanos,
                    progress);
              }
            }
            : null;
    Metric metric = settings.scoreMetric();
    // The decoded output of a single encode, kept for the report's pictures when they may be asked
    // for; a search's trials are not kept (the chosen one is decoded again if needed).
    BufferedImage[] decoded = new BufferedImage[1];
    // A target's search scores every encode against the same pixels: the SSIMULACRA 2 reference's
    // rows and blurred statistics are kept from its first score on, inside the pixel budget, until
    // the search ends. A byte cap alone scores only its answer (kept from a second score, should
    // there be one); a single encode keeps nothing.
    Ssimulacra2.ReferenceCache cache =
        tuner == null
            ? null
            : settings.targetScore() != null
                ? Ssimulacra2.ReferenceCache.forSearch()
                : new Ssimulacra2.ReferenceCache();
    QualitySearch.Score score =
        trial -> {
          progress.stage(Stage.VERIFY);
          return verify(trial.encoded(), encoder, metric, tuner == null ? decoded : null, cache);
        };
    if (tuner == null) {
      QualitySearch.Trial trial = encode.at(0);
      double value = score.of(trial);
      Metric.Target target = settings.targetScore();
      long cap = settings.maxOutputBytes();
      boolean met =
          settings.goals() != null
              && (target == null || target.metBy(value))
              && (cap == 0 || trial.output().length <= cap);
      return new Candidate(
          encoder.format(),
          trial.encoded(),
          null,
          null,
          value,
          trial.output(),
          1,
          met,
          keepDecoded && reportDecodesAsVerification(encoder.format()) ? decoded[0] : null);
    }
    QualitySearch.Result found;
    try (cache;
        shared) {
      found =
          new QualitySearch(
                  settings.targetScore(),
                  settings.maxOutputBytes(),
                  settings.maxEncodes(),
                  encoder.qualitySteps(),
                  encode,
                  score,
                  refinement)
              .run(startQuality(encoder.format()));
    }
    QualitySearch.Trial trial = found.trial();
    return new Candidate(
        encoder.format(),
        trial.encoded(),
        trial.quality(),
        trial.pinnedFrom(),
        found.score(),
        trial.output(),
        found.encodes(),
        found.met(),
        null);
  }

  /**
   * Encodes the image with one encoder and adds the kept metadata: one trial of a search, or the
   * only encode without one.
   */
  private static QualitySearch.Trial trial(
      ImageEncoder e,
      double quality,
      BufferedImage image,
      MetadataBlocks kept,
      long[] encodeNanos,
      Progress progress)
      throws CodecException {
    progress.stage(Stage.ENCODE);
    long start = System.nanoTime();
    ImageEncoder.Encoded encoded;
    try {
      encoded = e.encode(image);
    } catch (IOException | RuntimeException ex) {
      throw CodecException.failed(Stage.ENCODE, ex);
    } finally {
      encodeNanos[0] += System.nanoTime() - start;
    }
    byte[] output;
    try {
      output = kept.isEmpty() ? encoded.bytes() : kept.writeInto(encoded.bytes(), e.format(), true);
    } catch (IOException | RuntimeException ex) {
      throw CodecException.failed(Stage.ENCODE, ex);
    }
    return new QualitySearch.Trial(quality, encoded, output);
  }

  /**
   * Whether the report decodes a file of this format as verification does ({@link
   * ImageReading#decodeOwn}), so that pictures made from verification's decoded image are the ones
   * the report would make from the file; WebP and AVIF are verified with their own libraries.
   */
  private static boolean reportDecodesAsVerification(ImageFormat format) {
    return format == ImageFormat.JPEG || format == ImageFormat.PNG;
  }

  /**
   * The same encoder at another quality, or null when the format has no quality to search: PNG
   * (lossless or palette) and lossless WebP. JPEG encoders share {@code shared}'s work.
   */
  private DoubleFunction<ImageEncoder> tuner(ImageEncoder encoder, JpegEncoder.Shared shared) {
    if (encoder instanceof JpegEncoder) {
      return q -> new JpegEncoder(q, settings.jpegEffort()).sharing(shared);
    }
    // WebP and AVIF take whole qualities (their qualitySteps() is 1).
    if (encoder instanceof WebpEncoder webp && !webp.lossless()) {
      return q ->
          new WebpEncoder(
              (int) Math.round(q), settings.webpEffort(), false, settings.webpSharpYuv());
    }
    if (encoder instanceof AvifEncoder) {
      return q ->
          new AvifEncoder(
              (int) Math.round(q),
              settings.avifEffort(),
              settings.avifChroma() == 444,
              settings.avifBitDepth());
    }
    return null;
  }

  /** Where a search starts: the quality the settings give the format. */
  private int startQuality(ImageFormat format) {
    return switch (format) {
      case WEBP -> settings.webpQuality();
      case AVIF -> settings.avifQuality();
      default -> settings.jpegQuality();
    };
  }

  /**
   * Whether {@code candidate} beats {@code best} for auto: without goals the smaller output; with
   * goals, one that meets them beats one that does not, two that meet compare by size, and of two
   * that miss, the better score wins under a target (the smaller output under a cap alone).
   */
  private boolean better(Candidate candidate, Candidate best) {
    if (settings.goals() != null) {
      if (candidate.met() != best.met()) {
        return candidate.met();
      }
      if (!candidate.met() && settings.targetScore() != null) {
        return candidate.score() > best.score()
            || (candidate.score() == best.score()
                && candidate.output().length < best.output().length);
      }
    }
    return candidate.output().length < best.output().length;
  }

  private static boolean same(OutputFormat output, ImageFormat input) {
    return output.name().equals(input.name());
  }

  private static boolean isOpaque(BufferedImage image) {
    for (int p : Pixels.argb(image)) {
      if (p >>> 24 != 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * The encoders that accept the image. A refusal fails the image when the format was asked for;
   * with auto the candidate is skipped and listed as such, and the image fails only when no
   * candidate is left.
   */
  private static List<ImageEncoder> admit(
      List<ImageEncoder> encoders,
      boolean auto,
      List<String> candidates,
      Function<ImageEncoder, Optional<String>> refusal)
      throws CodecException {
    List<ImageEncoder> admitted = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (ImageEncoder encoder : encoders) {
      Optional<String> reason = refusal.apply(encoder);
      if (reason.isEmpty()) {
        admitted.add(encoder);
        continue;
      }
      String name = encoder.format().recordName();
      if (!auto) {
        throw new CodecException(
            Status.FAILED, Stage.ENCODE, "cannot write " + name + ": " + reason.get());
      }
      candidates.add(name + ":skipped (" + reason.get() + ")");
      reasons.add(name + ": " + reason.get());
    }
    if (admitted.isEmpty()) {
      throw new CodecException(
          Status.FAILED, Stage.ENCODE, "no candidate format fits: " + String.join("; ", reasons));
    }
    return admitted;
  }

  /**
   * The encoders to try, in order (one unless the format is auto), or null to keep the input's
   * bytes (animations with {@link OutputFormat#SAME} or {@link OutputFormat#AUTO}).
   */
  private List<ImageEncoder> encoders(byte[] input, ImageFormat format, ImageReading.Header header)
      throws CodecException {
    OutputFormat wanted = settings.outputFormat();
    boolean strippable = format != ImageFormat.TIFF && format != ImageFormat.BMP;
    boolean keepable = wanted == OutputFormat.SAME || wanted == OutputFormat.AUTO;
    if (header.frames() > 1) {
      if (keepable && strippable) {
        return null;
      }
      throw new CodecException(
          Status.UNSUPPORTED,
          Stage.PROBE,
          format.recordName()
              + " with "
              + header.frames()
              + " frames cannot be written as "
              + (keepable ? "a single image" : wanted.optionName())
              + " without losing frames"
              + (strippable ? "; --format=same keeps it (metadata removed)" : ""));
    }
    return switch (wanted) {
      case JPEG, PNG, WEBP, AVIF -> List.of(encoder(wanted, false));
      case AUTO -> settings.autoFormats().stream().map(f -> encoder(f, false)).toList();
      case SAME ->
          switch (format) {
            case JPEG -> List.of(encoder(OutputFormat.JPEG, false));
            // Lossless WebP stays lossless: it is a graphic, not a photo.
            case WEBP -> List.of(encoder(OutputFormat.WEBP, isLosslessWebp(input)));
            default -> List.of(encoder(OutputFormat.PNG, false));
          };
    };
  }

  private ImageEncoder encoder(OutputFormat format, boolean losslessWebp) {
    return switch (format) {
      case JPEG -> new JpegEncoder(settings.jpegQuality(), settings.jpegEffort());
      case PNG -> new PngEncoder(settings.png());
      case WEBP ->
          new WebpEncoder(
              settings.webpQuality(),
              settings.webpEffort(),
              settings.webpLossless() || losslessWebp,
              settings.webpSharpYuv());
      case AVIF ->
          new AvifEncoder(
              settings.avifQuality(),
              settings.avifEffort(),
              settings.avifChroma() == 444,
              settings.avifBitDepth());
      case SAME, AUTO -> throw new IllegalArgumentException("not a concrete format: " + format);
    };
  }

  /** Whether a WebP file's image is VP8L (lossless) rather than VP8 (lossy). */
  static boolean isLosslessWebp(byte[] webp) {
    for (int pos = 12; pos + 8 <= webp.length; ) {
      String fourCc = new String(webp, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
      if (fourCc.equals("VP8L")) {
        return true;
      }
      if (fourCc.equals("VP8 ")) {
        return false;
      }
      long size = Bytes.u32le(webp, pos + 4);
      pos += 8 + (int) Math.min(Integer.MAX_VALUE - 16, size + (size & 1));
    }
    return false;
  }

  /**
   * The decode step along one stored axis: how many source pixels to skip per pixel kept so that at
   * least four times the {@code target} size remains, or 1 when the reduction is less than 8 times.
   * Subsampling is point sampling, so what it drops aliases; at four times the target the final
   * Lanczos pass still sets the quality (SSIM 0.995 against a full decode's reference on photos),
   * while at twice the target the aliasing showed (0.983).
   */
  static int subsampling(int stored, int target) {
    return Math.max(1, stored / (KEPT_BEFORE_FILTER * Math.max(1, target)));
  }

  /**
   * Animations kept in their own format cannot be resized; passing them on unresized would break
   * the size promise, so they are refused instead.
   */
  private static CodecException cannotResize(ImageFormat format, ImageReading.Header header) {
    String message =
        "cannot resize an animated "
            + format.recordName()
            + " ("
            + header.frames()
            + " frames) without losing frames";
    return new CodecException(Status.UNSUPPORTED, Stage.RESIZE, message);
  }

  private static ImageFormat sniff(byte[] input, CompressionResult.Builder result)
      throws CodecException {
    if (input.length == 0) {
      throw new CodecException(Status.FAILED, Stage.SNIFF, "empty file (0 bytes)");
    }
    ImageFormat format = ImageFormat.sniff(input);
    result.inputFormat(format);
    if (format == ImageFormat.UNKNOWN) {
      int n = Math.min(8, input.length);
      throw new CodecException(
          Status.UNSUPPORTED,
          Stage.SNIFF,
          "not a recognised image format (first bytes "
              + HexFormat.ofDelimiter(" ").formatHex(input, 0, n)
              + ")");
    }
    if (!format.isDecodable()) {
      throw new CodecException(
          Status.UNSUPPORTED, Stage.SNIFF, format.recordName() + " input is not supported");
    }
    return format;
  }

  private ImageReading.Header probe(byte[] input, ImageFormat format) throws CodecException {
    ImageReading.Header header;
    try {
      header = ImageReading.probe(input, format);
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.PROBE, e);
    }
    if (header.width() <= 0 || header.height() <= 0) {
      throw new CodecException(
          Status.FAILED,
          Stage.PROBE,
          "invalid dimensions " + header.width() + "x" + header.height());
    }
    if (header.frames() > settings.maxFrames()) {
      throw new CodecException(
          Status.REJECTED_LIMIT,
          Stage.PROBE,
          header.frames() + " frames, over the limit maxFrames=" + settings.maxFrames());
    }
    if (header.pixels() > settings.maxInputPixels()) {
      throw new CodecException(
          Status.REJECTED_LIMIT,
          Stage.PROBE,
          header.width()
              + "x"
              + header.height()
              + (header.frames() > 1 ? "x" + header.frames() + " frames" : "")
              + " is "
              + header.pixels()
              + " pixels, over the limit maxInputPixels="
              + settings.maxInputPixels());
    }
    return header;
  }

  /**
   * Decodes the output and checks it against what was encoded; returns its score in {@code metric}
   * and, when {@code keep} is given, the decoded image in its first slot, unless a lossy JPEG
   * scored in SSIM was decoded to its luma only ({@link #verifyLuma}), which leaves the slot empty.
   */
  private static double verify(
      ImageEncoder.Encoded encoded,
      ImageEncoder encoder,
      Metric metric,
      BufferedImage[] keep,
      Ssimulacra2.ReferenceCache cache)
      throws CodecException {
    if (metric == Metric.SSIM && !encoded.lossless() && encoder.format() == ImageFormat.JPEG) {
      TurboJpeg.Frame frame = TurboJpeg.plain(encoded.bytes());
      if (frame != null) {
        return verifyLuma(encoded, frame, metric);
      }
    }
    BufferedImage decoded;
    try {
      decoded = encoder.decode(encoded.bytes());
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.VERIFY, e);
    }
    if (keep != null) {
      keep[0] = decoded;
    }
    BufferedImage reference = encoded.reference();
    if (decoded.getWidth() != reference.getWidth()
        || decoded.getHeight() != reference.getHeight()) {
      throw wrongSize(decoded.getWidth(), decoded.getHeight(), reference);
    }
    if (encoded.lossless()) {
      if (!PixelEquality.equal(reference, decoded)) {
        throw new CodecException(
            Status.FAILED, Stage.VERIFY, "lossless output does not decode to the same pixels");
      }
      return metric.perfect();
    }
    double score;
    try {
      score = metric.score(reference, decoded, cache);
    } catch (IllegalArgumentException e) {
      throw CodecException.failed(Stage.VERIFY, e);
    }
    return unlessBroken(score, metric);
  }

  /**
   * {@link #verify} of a lossy JPEG scored in SSIM, which compares luma only: the output is decoded
   * to its Y component alone ({@link TurboJpeg#luma}), which SSIM reads from native memory, instead
   * of to RGB on the heap, from which SSIM would compute that luma again but for RGB's rounding and
   * clipping (see {@link Ssim#score(BufferedImage, java.nio.ByteBuffer)}): 16.1 ms per megapixel
   * for decode and score against 18.7 ({@code bench/codec-steps.sh}), and 3 bytes a pixel less
   * heap. The report's pictures, which need the colours, decode the output again for the images
   * that get them.
   */
  private static double verifyLuma(
      ImageEncoder.Encoded encoded, TurboJpeg.Frame frame, Metric metric) throws CodecException {
    BufferedImage reference = encoded.reference();
    int[] size = new int[2];
    double score;
    try {
      score =
          TurboJpeg.luma(
              encoded.bytes(),
              frame,
              (width, height, rows) -> {
                size[0] = width;
                size[1] = height;
                return width == reference.getWidth() && height == reference.getHeight()
                    ? Ssim.score(reference, rows)
                    : Double.NaN;
              });
    } catch (CancellationException e) {
      // Past the time limit: the caller has recorded that already, as for the RGB path's SSIM.
      throw e;
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.VERIFY, e);
    }
    if (Double.isNaN(score)) {
      throw wrongSize(size[0], size[1], reference);
    }
    return unlessBroken(score, metric);
  }

  private static CodecException wrongSize(int width, int height, BufferedImage reference) {
    return new CodecException(
        Status.FAILED,
        Stage.VERIFY,
        "output decodes to "
            + width
            + "x"
            + height
            + ", expected "
            + reference.getWidth()
            + "x"
            + reference.getHeight());
  }

  /** {@code score}, unless it is below what {@code metric} calls broken. */
  private static double unlessBroken(double score, Metric metric) throws CodecException {
    if (score < metric.brokenBelow()) {
      throw new CodecException(
          Status.FAILED,
          Stage.VERIFY,
          "output " + metric.optionName() + " " + score + " is below " + metric.brokenBelow());
    }
    return score;
  }

  /**
   * The input's own bytes, metadata filtered losslessly: everything the policy does not keep is
   * removed, and what it keeps goes back in. The orientation stays as it was, since the pixels are
   * not rotated; it lives in the kept EXIF block, or, when there is none, in a minimal one.
   */
  private void keepOriginal(
      byte[] input,
      ImageFormat format,
      ImageReading.Header header,
      MetadataScan metadata,
      MetadataBlocks blocks,
      CompressionResult.Builder result,
      int encodes)
      throws CodecException {
    byte[] output;
    try {
      if (format == ImageFormat.GIF && settings.metadata() == MetadataPolicy.KEEP) {
        // GIF's metadata (comments, XMP application blocks) has nothing that becomes wrong.
        output = input;
      } else {
        MetadataBlocks kept =
            MetadataFilter.apply(
                blocks,
                settings.metadata(),
                settings.keepDates(),
                new MetadataFilter.Target(metadata.orientation(), header.width(), header.height()));
        boolean exifKept = kept.exif() != null && format != ImageFormat.GIF;
        output = MetadataStripper.strip(input, format, exifKept ? 1 : metadata.orientation());
        if (!kept.isEmpty()) {
          output = kept.writeInto(output, format, false);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw CodecException.failed(Stage.DECIDE, e);
    }
    boolean swap = Orientation.swapsAxes(metadata.orientation());
    result
        .status(Status.KEPT_ORIGINAL)
        .output(
            format,
            output,
            swap ? header.height() : header.width(),
            swap ? header.width() : header.height())
        .score(settings.scoreMetric().optionName(), settings.scoreMetric().perfect())
        .encodesTried(encodes)
        .target(
            settings.goals(),
            settings.maxOutputBytes() == 0 || output.length <= settings.maxOutputBytes())
        .metadataRemoved(metadata.removedIn(MetadataScan.of(output)));
  }
}
