package io.imgbeam.codec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What to do with each image: immutable; {@link #create()} holds every default in one place and
 * each {@code withX} checks its argument and returns a copy.
 */
public final class CompressionSettings implements Serializable {
  private static final long serialVersionUID = 4L;

  /**
   * Bumped whenever the codec would write different bytes for the same input and settings, so that
   * an incremental run redoes what an older codec wrote.
   */
  public static final int CODEC_VERSION = 8;

  /**
   * Default JPEG quality, on sharp's and libjpeg's 1-100 scale: N scores like sharp's mozjpeg at N
   * (imgbeam's encoder runs at the table quality a calibration maps N to).
   */
  public static final int DEFAULT_JPEG_QUALITY = 80;

  /**
   * Default WebP quality (libwebp's 0-100 scale): at default settings WebP, AVIF and JPEG reach a
   * comparable SSIM on photos (README, "WebP and AVIF").
   */
  public static final int DEFAULT_WEBP_QUALITY = 77;

  /** Default WebP effort: libwebp's method 4, cwebp's default. */
  public static final int DEFAULT_WEBP_EFFORT = 4;

  /** Default AVIF quality (libavif's 1-100 scale, mapped to libaom's constant-quality level). */
  public static final int DEFAULT_AVIF_QUALITY = 55;

  /** Default AVIF effort, 0-8: libaom speed (cpu-used) 8 - effort, so 2 is avifenc's speed 6. */
  public static final int DEFAULT_AVIF_EFFORT = 2;

  /**
   * Default PNG effort, 0-4: every filter heuristic but brute force, two zlib strategies, no zopfli
   * (too slow for a default: see {@link PngOptions}).
   */
  public static final int DEFAULT_PNG_EFFORT = 2;

  /** Default JPEG effort, 0-1: trellis quantisation on the image's own Huffman code lengths. */
  public static final int DEFAULT_JPEG_EFFORT = 1;

  /** Default SSIM floor of {@link PngMode#AUTO}. */
  public static final double DEFAULT_PNG_MIN_SCORE = 0.95;

  /**
   * Default dithering strength of quantised PNG: a quarter of Floyd-Steinberg's error diffusion, in
   * flat areas only, which still breaks up banding in gradients. The noise dithering adds costs
   * SSIM, so with the fewest colours reaching {@link #DEFAULT_PNG_MAX_SCORE} it also costs colours
   * and bytes: on testdata's PNGs 0.5 gave 3% more bytes than 0.25 at a lower mean SSIM (0.9920
   * against 0.9924), and 0 only 0.7% fewer (0.9926).
   */
  public static final double DEFAULT_PNG_DITHER = 0.25;

  /**
   * Default SSIM at which quantised PNG stops adding colours: about what pngquant's default
   * settings reach on photos (mean 0.992 on testdata's PNGs).
   */
  public static final double DEFAULT_PNG_MAX_SCORE = 0.993;

  /** Default candidates of {@link OutputFormat#AUTO}, tried in this order. */
  public static final List<OutputFormat> DEFAULT_AUTO_FORMATS =
      List.of(OutputFormat.WEBP, OutputFormat.AVIF, OutputFormat.JPEG);

  /** Default pixel limit: 100 megapixels, as sharp's {@code limitInputPixels} order of size. */
  public static final long DEFAULT_MAX_INPUT_PIXELS = 100_000_000L;

  /** Default input size limit: 200 MB. */
  public static final long DEFAULT_MAX_INPUT_BYTES = 200L * 1024 * 1024;

  /** Default frame limit: real animations stay far below; floods of tiny frames do not. */
  public static final int DEFAULT_MAX_FRAMES = 1000;

  /** Default metadata limit, 16 MiB: far above real EXIF, XMP and ICC data. */
  public static final long DEFAULT_MAX_METADATA_BYTES = 16L * 1024 * 1024;

  /** Default time one image may take, in seconds: a 100 MP PNG takes well under a minute. */
  public static final int DEFAULT_TIMEOUT_SECONDS = 120;

  /**
   * The metric of every outcome's score without a target: SSIM, because SSIMULACRA 2 costs 1 to 5
   * times an encode at 2-12 megapixels (bench/metrics.sh), SSIM about as much or less.
   */
  public static final Metric DEFAULT_SCORE_METRIC = Metric.SSIM;

  /** How many encodes a --targetScore or --maxOutputBytes search may make per format. */
  public static final int DEFAULT_MAX_ENCODES = 18;

  // Not final only so that copy() can set one field; never changed once a withX returns.
  private OutputFormat outputFormat;
  private int jpegQuality;
  private long maxInputPixels;
  private long maxInputBytes;
  private int maxFrames;
  private long maxMetadataBytes;
  private int timeoutSeconds;
  private FailOn failOn;
  private MetadataPolicy metadata;
  private boolean keepDates;
  private IccPolicy iccProfile;
  private FormatOptions formats;
  private Resize resize;
  private Scoring scoring;

  private CompressionSettings(
      OutputFormat outputFormat,
      int jpegQuality,
      long maxInputPixels,
      long maxInputBytes,
      int maxFrames,
      long maxMetadataBytes,
      int timeoutSeconds,
      FailOn failOn,
      MetadataPolicy metadata,
      boolean keepDates,
      IccPolicy iccProfile,
      FormatOptions formats,
      Resize resize,
      Scoring scoring) {
    this.outputFormat = outputFormat;
    this.jpegQuality = jpegQuality;
    this.maxInputPixels = maxInputPixels;
    this.maxInputBytes = maxInputBytes;
    this.maxFrames = maxFrames;
    this.maxMetadataBytes = maxMetadataBytes;
    this.timeoutSeconds = timeoutSeconds;
    this.failOn = failOn;
    this.metadata = metadata;
    this.keepDates = keepDates;
    this.iccProfile = iccProfile;
    this.formats = formats;
    this.resize = resize;
    this.scoring = scoring;
  }

  /**
   * The settings of the WebP and AVIF encoders and of {@link OutputFormat#AUTO}, kept together so
   * that this class grows by one field for them. Never changed after {@link #copy} returns it.
   */
  private static final class FormatOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    int jpegEffort = DEFAULT_JPEG_EFFORT;
    int webpQuality = DEFAULT_WEBP_QUALITY;
    int webpEffort = DEFAULT_WEBP_EFFORT;
    boolean webpLossless;
    boolean webpSharpYuv;
    int avifQuality = DEFAULT_AVIF_QUALITY;
    int avifEffort = DEFAULT_AVIF_EFFORT;
    int avifChroma = 420;
    int avifBitDepth = 8;
    List<OutputFormat> autoFormats = DEFAULT_AUTO_FORMATS;
    PngOptions png = PngOptions.DEFAULT;

    FormatOptions copy(Consumer<FormatOptions> change) {
      FormatOptions copy = new FormatOptions();
      copy.jpegEffort = jpegEffort;
      copy.webpQuality = webpQuality;
      copy.webpEffort = webpEffort;
      copy.webpLossless = webpLossless;
      copy.webpSharpYuv = webpSharpYuv;
      copy.avifQuality = avifQuality;
      copy.avifEffort = avifEffort;
      copy.avifChroma = avifChroma;
      copy.avifBitDepth = avifBitDepth;
      copy.autoFormats = autoFormats;
      copy.png = png;
      change.accept(copy);
      return copy;
    }

    @Override
    public String toString() {
      return "jpegEffort="
          + jpegEffort
          + ", webpQuality="
          + webpQuality
          + ", webpEffort="
          + webpEffort
          + ", webpLossless="
          + webpLossless
          + ", webpSharpYuv="
          + webpSharpYuv
          + ", avifQuality="
          + avifQuality
          + ", avifEffort="
          + avifEffort
          + ", avifChroma="
          + avifChroma
          + ", avifBitDepth="
          + avifBitDepth
          + ", formats="
          + autoFormats.stream().map(OutputFormat::optionName).collect(Collectors.joining(","))
          + ", png="
          + png.mode().optionName()
          + ", pngEffort="
          + png.effort()
          + ", pngCleanTransparent="
          + png.cleanTransparent()
          + ", pngMinScore="
          + png.minScore()
          + ", pngDither="
          + png.dither()
          + ", pngMaxScore="
          + png.maxScore()
          + ", pngInterlace="
          + png.interlace();
    }
  }

  /**
   * Same format, JPEG quality 80 at effort 1, 100 MP, 200 MB, 1000 frames, 16 MiB of metadata, 120
   * s per image, warnings fail, metadata stripped (dates too), pixels converted to sRGB; WebP
   * quality 77 at effort 4, AVIF quality 55 at effort 2 with 4:2:0 chroma and 8 bits, auto's
   * candidates webp, avif, jpeg; PNG lossless at effort 2 (auto floor SSIM 0.95, dithering 0.25);
   * no resizing (when limits are set: fit inside, centre gravity, never enlarge).
   */
  public static CompressionSettings create() {
    return new CompressionSettings(
        OutputFormat.SAME,
        DEFAULT_JPEG_QUALITY,
        DEFAULT_MAX_INPUT_PIXELS,
        DEFAULT_MAX_INPUT_BYTES,
        DEFAULT_MAX_FRAMES,
        DEFAULT_MAX_METADATA_BYTES,
        DEFAULT_TIMEOUT_SECONDS,
        FailOn.WARNING,
        MetadataPolicy.STRIP,
        false,
        IccPolicy.SRGB,
        new FormatOptions(),
        Resize.NONE,
        new Scoring(DEFAULT_SCORE_METRIC, null, DEFAULT_MAX_ENCODES, 0));
  }

  /** The output format; default {@link OutputFormat#SAME}. */
  public CompressionSettings withOutputFormat(OutputFormat format) {
    Objects.requireNonNull(format, "format");
    CompressionSettings copy = copy();
    copy.outputFormat = format;
    return copy;
  }

  /**
   * JPEG quality, 1 (smallest) to 100 (best), on sharp's and libjpeg's scale (N scores like sharp's
   * mozjpeg at N); default 80.
   */
  public CompressionSettings withJpegQuality(int quality) {
    checkRange("quality", quality, 1, 100);
    CompressionSettings copy = copy();
    copy.jpegQuality = quality;
    return copy;
  }

  /**
   * Largest accepted image area (width x height x frames), checked on the header before any pixel
   * buffer is allocated; default 100,000,000.
   */
  public CompressionSettings withMaxInputPixels(long pixels) {
    checkRange("maxInputPixels", pixels, 1, Long.MAX_VALUE);
    CompressionSettings copy = copy();
    copy.maxInputPixels = pixels;
    return copy;
  }

  /** Largest accepted input file, in bytes, checked before the file is read; default 200 MB. */
  public CompressionSettings withMaxInputBytes(long bytes) {
    checkRange("maxInputBytes", bytes, 1, Integer.MAX_VALUE - 64);
    CompressionSettings copy = copy();
    copy.maxInputBytes = bytes;
    return copy;
  }

  /**
   * Most frames (GIF, APNG, WebP animation, TIFF pages) accepted, checked on the header before
   * anything is decoded; default 1000.
   */
  public CompressionSettings withMaxFrames(int frames) {
    checkRange("maxFrames", frames, 1, Long.MAX_VALUE);
    CompressionSettings copy = copy();
    copy.maxFrames = frames;
    return copy;
  }

  /**
   * Most metadata bytes accepted (JPEG APPn and COM segments, PNG ancillary chunks with their
   * compressed text and ICC profiles counted inflated, GIF extensions, WebP EXIF/XMP/ICCP),
   * measured by a walk over the file before the metadata parser runs; default 16 MiB.
   */
  public CompressionSettings withMaxMetadataBytes(long bytes) {
    checkRange("maxMetadataBytes", bytes, 0, Long.MAX_VALUE);
    CompressionSettings copy = copy();
    copy.maxMetadataBytes = bytes;
    return copy;
  }

  /**
   * Time one image may take from probe to verified output, in seconds; past it the image is
   * abandoned and recorded as {@link Status#REJECTED_LIMIT}; default 120.
   */
  public CompressionSettings withTimeoutSeconds(int seconds) {
    checkRange("perImageTimeoutSeconds", seconds, 1, 86_400);
    CompressionSettings copy = copy();
    copy.timeoutSeconds = seconds;
    return copy;
  }

  /** Which decoder complaints fail an image; default {@link FailOn#WARNING}. */
  public CompressionSettings withFailOn(FailOn level) {
    Objects.requireNonNull(level, "failOn");
    CompressionSettings copy = copy();
    copy.failOn = level;
    return copy;
  }

  /**
   * Which metadata outputs keep, re-encoded and kept originals alike; default {@link
   * MetadataPolicy#STRIP}. See {@link MetadataPolicy} for what each keeps.
   */
  public CompressionSettings withMetadata(MetadataPolicy policy) {
    Objects.requireNonNull(policy, "metadata");
    CompressionSettings copy = copy();
    copy.metadata = policy;
    return copy;
  }

  /**
   * Whether {@link MetadataPolicy#KEEP_COPYRIGHT} also keeps the capture and modification dates
   * (EXIF, XMP, IPTC and PNG date fields); default false. {@link MetadataPolicy#KEEP} always keeps
   * them and {@link MetadataPolicy#STRIP} never does.
   */
  public CompressionSettings withKeepDates(boolean value) {
    CompressionSettings copy = copy();
    copy.keepDates = value;
    return copy;
  }

  /**
   * Convert pixels to sRGB and drop the profile ({@link IccPolicy#SRGB}, the default), or keep the
   * pixels and embed the original profile ({@link IccPolicy#KEEP}).
   */
  public CompressionSettings withIccProfile(IccPolicy policy) {
    Objects.requireNonNull(policy, "iccProfile");
    CompressionSettings copy = copy();
    copy.iccProfile = policy;
    return copy;
  }

  private CompressionSettings withFormats(Consumer<FormatOptions> change) {
    CompressionSettings copy = copy();
    copy.formats = formats.copy(change);
    return copy;
  }

  /**
   * JPEG effort, 0 (fastest) or 1 (smallest): 0 rounds the DCT coefficients, 1 chooses them by
   * trellis quantisation; default 1.
   */
  public CompressionSettings withJpegEffort(int effort) {
    checkRange("jpegEffort", effort, 0, 1);
    return withFormats(f -> f.jpegEffort = effort);
  }

  /** Lossy WebP quality, 1 (smallest) to 100 (best), libwebp's scale; default 77. */
  public CompressionSettings withWebpQuality(int quality) {
    checkRange("webpQuality", quality, 1, 100);
    return withFormats(f -> f.webpQuality = quality);
  }

  /**
   * WebP effort, 0 (fastest) to 6 (smallest): libwebp's method; default 4, as cwebp's {@code -m}.
   */
  public CompressionSettings withWebpEffort(int effort) {
    checkRange("webpEffort", effort, 0, 6);
    return withFormats(f -> f.webpEffort = effort);
  }

  /**
   * Whether WebP outputs are lossless (VP8L, exact pixels, quality ignored) rather than lossy;
   * default false.
   */
  public CompressionSettings withWebpLossless(boolean value) {
    return withFormats(f -> f.webpLossless = value);
  }

  /**
   * Whether lossy WebP uses libwebp's sharp (iterative) RGB-to-YUV conversion, which keeps thin
   * coloured edges crisper at some encode time; default false.
   */
  public CompressionSettings withWebpSharpYuv(boolean value) {
    return withFormats(f -> f.webpSharpYuv = value);
  }

  /**
   * AVIF quality, 1 (smallest) to 100 (best), libavif's scale, mapped to libaom's constant-quality
   * level as {@code crf = ((100 - quality) * 63 + 50) / 100}; default 55.
   */
  public CompressionSettings withAvifQuality(int quality) {
    checkRange("avifQuality", quality, 1, 100);
    return withFormats(f -> f.avifQuality = quality);
  }

  /**
   * AVIF effort, 0 (fastest) to 8 (smallest): libaom's speed {@code cpu-used = 8 - effort}; default
   * 2 (speed 6, avifenc's default).
   */
  public CompressionSettings withAvifEffort(int effort) {
    checkRange("avifEffort", effort, 0, 8);
    return withFormats(f -> f.avifEffort = effort);
  }

  /** AVIF chroma sampling: 420 (half-resolution chroma, default, smallest) or 444 (full). */
  public CompressionSettings withAvifChroma(int chroma) {
    if (chroma != 420 && chroma != 444) {
      throw new IllegalArgumentException("expected 420 or 444 for avifChroma, got " + chroma);
    }
    return withFormats(f -> f.avifChroma = chroma);
  }

  /** AVIF bits per sample: 8 (default) or 10. */
  public CompressionSettings withAvifBitDepth(int bits) {
    if (bits != 8 && bits != 10) {
      throw new IllegalArgumentException("expected 8 or 10 for avifBitDepth, got " + bits);
    }
    return withFormats(f -> f.avifBitDepth = bits);
  }

  /**
   * The candidates of {@link OutputFormat#AUTO}: one or more of jpeg, png, webp and avif, each at
   * most once; default webp, avif, jpeg. Auto encodes every candidate that can hold the image and
   * keeps the smallest.
   */
  public CompressionSettings withAutoFormats(List<OutputFormat> candidates) {
    Objects.requireNonNull(candidates, "formats");
    List<OutputFormat> checked = new ArrayList<>();
    for (OutputFormat candidate : candidates) {
      if (candidate == null
          || candidate == OutputFormat.SAME
          || candidate == OutputFormat.AUTO
          || checked.contains(candidate)) {
        throw new IllegalArgumentException(
            "expected distinct formats from jpeg, png, webp, avif for formats, got "
                + candidates.stream()
                    .map(c -> c == null ? "null" : c.optionName())
                    .collect(Collectors.joining(",")));
      }
      checked.add(candidate);
    }
    if (checked.isEmpty()) {
      throw new IllegalArgumentException(
          "expected distinct formats from jpeg, png, webp, avif for formats, got nothing");
    }
    return withFormats(f -> f.autoFormats = List.copyOf(checked));
  }

  /**
   * How PNG outputs are made: {@link PngMode#LOSSLESS} (default, exact pixels), {@link
   * PngMode#LOSSY} (at most 256 colours, whatever the score) or {@link PngMode#AUTO} (the quantised
   * image when its SSIM reaches {@link #withPngMinScore} and it is smaller, else lossless).
   */
  public CompressionSettings withPngMode(PngMode mode) {
    Objects.requireNonNull(mode, "png");
    return withFormats(f -> f.png = f.png.withMode(mode));
  }

  /**
   * PNG effort, 0 (fastest) to 4 (smallest): which filterings and deflate strategies are tried (see
   * {@link PngOptions}); default 2.
   */
  public CompressionSettings withPngEffort(int effort) {
    checkRange("pngEffort", effort, 0, PngOptions.MAX_EFFORT);
    return withFormats(f -> f.png = f.png.withEffort(effort));
  }

  /**
   * Whether lossless PNG may set the colour of fully transparent pixels to transparent black, which
   * is invisible but changes the stored RGB; default false (every sample kept).
   */
  public CompressionSettings withPngCleanTransparent(boolean value) {
    return withFormats(f -> f.png = f.png.withCleanTransparent(value));
  }

  /**
   * The SSIM a quantised PNG must reach under {@link PngMode#AUTO}, 0 to 1; default 0.95. Below it
   * the lossless output is written.
   */
  public CompressionSettings withPngMinScore(double score) {
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException(
          "expected a value from 0 to 1 for pngMinScore, got " + score);
    }
    return withFormats(f -> f.png = f.png.withMinScore(score));
  }

  /**
   * Floyd-Steinberg dithering strength of quantised PNG, 0 (none) to 1 (full error diffusion);
   * default 0.25.
   */
  public CompressionSettings withPngDither(double strength) {
    if (!(strength >= 0 && strength <= 1)) {
      throw new IllegalArgumentException(
          "expected a value from 0 to 1 for pngDither, got " + strength);
    }
    return withFormats(f -> f.png = f.png.withDither(strength));
  }

  /**
   * The SSIM at which lossy and auto PNG stop adding colours, 0 to 1: the fewest colours (from 2 to
   * 256) whose SSIM reaches it are used, as pngquant's {@code --quality=min-max} does with its
   * maximum; 1 always allows 256. Default {@value #DEFAULT_PNG_MAX_SCORE}.
   */
  public CompressionSettings withPngMaxScore(double score) {
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException(
          "expected a value from 0 to 1 for pngMaxScore, got " + score);
    }
    return withFormats(f -> f.png = f.png.withMaxScore(score));
  }

  /**
   * Whether PNG outputs are Adam7-interlaced (a coarse preview shows while the file loads; usually
   * a few percent larger); default false. The pixels are the same either way.
   */
  public CompressionSettings withPngInterlace(boolean value) {
    return withFormats(f -> f.png = f.png.withInterlace(value));
  }

  /**
   * The largest output width in pixels, 1 to 65535; default none. The image is scaled after it is
   * turned upright, so this is the displayed width. See {@link Fit} for how width and height limits
   * combine.
   */
  public CompressionSettings withMaxWidth(int pixels) {
    checkRange("maxWidth", pixels, 1, Resize.MAX_SIDE);
    return withResize(resize.withMaxWidth(pixels));
  }

  /** The largest output height in pixels, 1 to 65535; default none. See {@link #withMaxWidth}. */
  public CompressionSettings withMaxHeight(int pixels) {
    checkRange("maxHeight", pixels, 1, Resize.MAX_SIDE);
    return withResize(resize.withMaxHeight(pixels));
  }

  /**
   * How the image meets both limits: {@link Fit#INSIDE} (default), {@link Fit#COVER}, {@link
   * Fit#FILL} or {@link Fit#EXACT}; has an effect only when both limits are set.
   */
  public CompressionSettings withFit(Fit fit) {
    return withResize(resize.withFit(Objects.requireNonNull(fit, "fit")));
  }

  /**
   * What {@link Fit#COVER} keeps when it crops and where {@link Fit#EXACT} places the image;
   * default {@link Gravity#CENTRE}.
   */
  public CompressionSettings withGravity(Gravity gravity) {
    return withResize(resize.withGravity(Objects.requireNonNull(gravity, "gravity")));
  }

  /** Whether images smaller than the limits may be scaled up; default false (never enlarge). */
  public CompressionSettings withEnlarge(boolean value) {
    return withResize(resize.withEnlarge(value));
  }

  private CompressionSettings withResize(Resize value) {
    CompressionSettings copy = copy();
    copy.resize = value;
    return copy;
  }

  private CompressionSettings copy() {
    return new CompressionSettings(
        outputFormat,
        jpegQuality,
        maxInputPixels,
        maxInputBytes,
        maxFrames,
        maxMetadataBytes,
        timeoutSeconds,
        failOn,
        metadata,
        keepDates,
        iccProfile,
        formats,
        resize,
        scoring);
  }

  public OutputFormat outputFormat() {
    return outputFormat;
  }

  public int jpegQuality() {
    return jpegQuality;
  }

  public long maxInputPixels() {
    return maxInputPixels;
  }

  public long maxInputBytes() {
    return maxInputBytes;
  }

  public int maxFrames() {
    return maxFrames;
  }

  public long maxMetadataBytes() {
    return maxMetadataBytes;
  }

  public int timeoutSeconds() {
    return timeoutSeconds;
  }

  public FailOn failOn() {
    return failOn;
  }

  public MetadataPolicy metadata() {
    return metadata;
  }

  public boolean keepDates() {
    return keepDates;
  }

  public IccPolicy iccProfile() {
    return iccProfile;
  }

  /**
   * The geometry: limits, fit, gravity, enlarge; {@link Resize#requested()} is false by default.
   */
  /**
   * The metric of the recorded score: the target's when a target is set, else {@link
   * #withScoreMetric}'s.
   */
  public Metric scoreMetric() {
    return scoring.target != null ? scoring.target.metric() : scoring.metric;
  }

  /** The score each output must reach ({@code --targetScore}), or null. */
  public Metric.Target targetScore() {
    return scoring.target;
  }

  /** The most encodes per format of a target or byte-cap search. */
  public int maxEncodes() {
    return scoring.maxEncodes;
  }

  /** The largest output file wanted, in bytes, or 0 for no cap. */
  public long maxOutputBytes() {
    return scoring.maxOutputBytes;
  }

  /**
   * What the search aims at, as the records' {@code target} shows it: {@code ssimulacra2:80},
   * {@code maxOutputBytes=50000}, both separated by a space, or null when neither is set.
   */
  public String goals() {
    String cap = scoring.maxOutputBytes > 0 ? "maxOutputBytes=" + scoring.maxOutputBytes : null;
    if (scoring.target == null) {
      return cap;
    }
    return cap == null ? scoring.target.toString() : scoring.target + " " + cap;
  }

  /**
   * The metric of the recorded score when no target is set: {@link Metric#SSIM} (default) or {@link
   * Metric#SSIMULACRA2}.
   */
  public CompressionSettings withScoreMetric(Metric metric) {
    Objects.requireNonNull(metric, "scoreMetric");
    return withScoring(
        new Scoring(metric, scoring.target, scoring.maxEncodes, scoring.maxOutputBytes));
  }

  /**
   * The score every lossy output must reach; null (default) for none. With a target, each JPEG,
   * lossy WebP and AVIF output is encoded at the lowest quality that reaches it (see {@link
   * QualitySearch}), and the score is recorded in the target's metric.
   */
  public CompressionSettings withTargetScore(Metric.Target target) {
    return withScoring(
        new Scoring(scoring.metric, target, scoring.maxEncodes, scoring.maxOutputBytes));
  }

  /**
   * The most encodes per format and image of a search, 2-100; default 18, within which every search
   * closes its bracket (at most 12 encodes) and JPEG's second phase, which keeps the DC and first
   * AC pair steps of the answer while lowering the other steps' quality, finishes (at most 6 more)
   * ({@link QualitySearch}).
   */
  public CompressionSettings withMaxEncodes(int encodes) {
    checkRange("maxEncodes", encodes, 2, QualitySearch.MAX_QUALITY);
    return withScoring(
        new Scoring(scoring.metric, scoring.target, encodes, scoring.maxOutputBytes));
  }

  /**
   * The largest output wanted, in bytes (metadata included); 0 (default) for none. Lossy outputs
   * take the highest quality that fits; with a target too, the cap wins when they conflict.
   */
  public CompressionSettings withMaxOutputBytes(long bytes) {
    checkRange("maxOutputBytes", bytes, 0, Integer.MAX_VALUE);
    return withScoring(new Scoring(scoring.metric, scoring.target, scoring.maxEncodes, bytes));
  }

  private CompressionSettings withScoring(Scoring value) {
    CompressionSettings copy = copy();
    copy.scoring = value;
    return copy;
  }

  /** The score metric and the search's goals and budget. */
  private record Scoring(Metric metric, Metric.Target target, int maxEncodes, long maxOutputBytes)
      implements Serializable {
    /** Only what differs from the defaults, so that older fingerprints stay as they were. */
    @Override
    public String toString() {
      StringBuilder text = new StringBuilder();
      if (metric != DEFAULT_SCORE_METRIC) {
        text.append(" scoreMetric=").append(metric.optionName());
      }
      if (target != null) {
        text.append(" targetScore=").append(target);
      }
      if (maxOutputBytes > 0) {
        text.append(" maxOutputBytes=").append(maxOutputBytes);
      }
      if (target != null || maxOutputBytes > 0) {
        text.append(" maxEncodes=").append(maxEncodes);
      }
      return text.toString();
    }
  }

  public Resize resize() {
    return resize;
  }

  public int jpegEffort() {
    return formats.jpegEffort;
  }

  public int webpQuality() {
    return formats.webpQuality;
  }

  public int webpEffort() {
    return formats.webpEffort;
  }

  public boolean webpLossless() {
    return formats.webpLossless;
  }

  public boolean webpSharpYuv() {
    return formats.webpSharpYuv;
  }

  public int avifQuality() {
    return formats.avifQuality;
  }

  public int avifEffort() {
    return formats.avifEffort;
  }

  /** 420 or 444. */
  public int avifChroma() {
    return formats.avifChroma;
  }

  public int avifBitDepth() {
    return formats.avifBitDepth;
  }

  public List<OutputFormat> autoFormats() {
    return formats.autoFormats;
  }

  /** The PNG encoder's mode, effort, transparent-colour cleanup, score floor and dithering. */
  public PngOptions png() {
    return formats.png;
  }

  /**
   * The settings that decide an output's bytes, with the codec version: two runs with the same
   * fingerprint write the same output for the same input. Limits are left out: they decide whether
   * there is an output, not what it holds.
   */
  public String fingerprint() {
    return "codec="
        + CODEC_VERSION
        + " format="
        + outputFormat.optionName()
        + " quality="
        + jpegQuality
        + " failOn="
        + failOn.optionName()
        + " metadata="
        + metadata.optionName()
        + " keepDates="
        + keepDates
        + " iccProfile="
        + iccProfile.optionName()
        + " "
        + formats.toString().replace(", ", " ")
        + (resize.requested() ? " resize=" + resize : "")
        + scoring;
  }

  /** Fails with the one message every range check uses: expected X for NAME, got Y. */
  static void checkRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      String expected =
          max == Long.MAX_VALUE ? "at least " + min : "a value from " + min + " to " + max;
      throw new IllegalArgumentException(
          "expected " + expected + " for " + name + ", got " + value);
    }
  }

  @Override
  public String toString() {
    return "CompressionSettings{format="
        + outputFormat.optionName()
        + ", quality="
        + jpegQuality
        + ", maxInputPixels="
        + maxInputPixels
        + ", maxInputBytes="
        + maxInputBytes
        + ", maxFrames="
        + maxFrames
        + ", maxMetadataBytes="
        + maxMetadataBytes
        + ", perImageTimeoutSeconds="
        + timeoutSeconds
        + ", failOn="
        + failOn.optionName()
        + ", metadata="
        + metadata.optionName()
        + ", keepDates="
        + keepDates
        + ", iccProfile="
        + iccProfile.optionName()
        + ", "
        + formats
        + (resize.requested() ? ", resize=" + resize : "")
        + scoring.toString().replace(" ", ", ")
        + "}";
  }
}
