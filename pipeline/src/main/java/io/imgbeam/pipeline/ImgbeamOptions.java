package io.imgbeam.pipeline;

import io.imgbeam.codec.CompressionSettings;
import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * The job's options, {@code --name=value} on the command line. Defaults live here and only here.
 */
public interface ImgbeamOptions extends PipelineOptions {
  @Description(
      "Input images: a glob (* and ? within a folder, ** across folders), a file, or a folder "
          + "(meaning everything under it). Repeat --input for several. Output paths are relative "
          + "to the part before the first wildcard.")
  List<String> getInput();

  void setInput(List<String> value);

  @Description(
      "A text file listing input paths or globs, one per line (# comments); relative lines are "
          + "read from the list file's folder and keep their relative path in the output.")
  String getInputList();

  void setInputList(String value);

  @Description(
      "Output folder: receives the input tree of compressed images and _imgbeam/ with the "
          + "outcome records and summary. Never an input folder.")
  @Validation.Required
  String getOutput();

  void setOutput(String value);

  @Description(
      "Output format: same (JPEG stays JPEG, PNG stays PNG, WebP stays WebP, BMP/TIFF/still GIF "
          + "become PNG, animations are kept with metadata removed), jpeg, png, webp, avif, or auto "
          + "(encode every --formats candidate and keep the smallest).")
  @Default.String("same")
  String getFormat();

  void setFormat(String value);

  @Description(
      "The candidates of --format=auto, comma-separated, from jpeg, png, webp and avif. A "
          + "candidate that cannot hold an image (size, alpha for jpeg, kept metadata for avif) "
          + "is skipped for it.")
  @Default.String("webp,avif,jpeg")
  String getFormats();

  void setFormats(String value);

  @Description(
      "JPEG quality, 1-100, on sharp's and libjpeg's scale: N gives the mean SSIMULACRA 2 "
          + "sharp's mozjpeg reaches at N (imgbeam's encoder runs at its own table quality for that).")
  @Default.Integer(CompressionSettings.DEFAULT_JPEG_QUALITY)
  int getQuality();

  void setQuality(int value);

  @Description(
      "JPEG effort, 0 (fastest) or 1 (smallest): 0 rounds the DCT coefficients, 1 chooses them"
          + " by trellis quantisation.")
  @Default.Integer(CompressionSettings.DEFAULT_JPEG_EFFORT)
  int getJpegEffort();

  void setJpegEffort(int value);

  @Description("Lossy WebP quality, 1-100 (libwebp's scale).")
  @Default.Integer(CompressionSettings.DEFAULT_WEBP_QUALITY)
  int getWebpQuality();

  void setWebpQuality(int value);

  @Description("WebP effort, 0 (fastest) to 6 (smallest): libwebp's method, as cwebp -m.")
  @Default.Integer(CompressionSettings.DEFAULT_WEBP_EFFORT)
  int getWebpEffort();

  void setWebpEffort(int value);

  @Description("Write lossless WebP (exact pixels) instead of lossy.")
  @Default.Boolean(false)
  boolean getWebpLossless();

  void setWebpLossless(boolean value);

  @Description("Lossy WebP with libwebp's sharp RGB-to-YUV conversion (crisper coloured edges).")
  @Default.Boolean(false)
  boolean getWebpSharpYuv();

  void setWebpSharpYuv(boolean value);

  @Description(
      "PNG: lossless (exact pixels), lossy (at most 256 colours, dithered) or auto (lossy when"
          + " its SSIM reaches --pngMinScore and it is smaller, else lossless).")
  @Default.String("lossless")
  String getPng();

  void setPng(String value);

  @Description(
      "PNG effort, 0 (fastest) to 4 (smallest, zopfli): which filters and deflaters are tried.")
  @Default.Integer(CompressionSettings.DEFAULT_PNG_EFFORT)
  int getPngEffort();

  void setPngEffort(int value);

  @Description("SSIM floor of --png=auto, 0-1: below it the lossless PNG is written.")
  @Default.Double(CompressionSettings.DEFAULT_PNG_MIN_SCORE)
  double getPngMinScore();

  void setPngMinScore(double value);

  @Description("Dithering strength of lossy PNG, 0 (none) to 1 (full Floyd-Steinberg).")
  @Default.Double(CompressionSettings.DEFAULT_PNG_DITHER)
  double getPngDither();

  void setPngDither(double value);

  @Description(
      "SSIM at which lossy and auto PNG stop adding colours, 0-1: the fewest colours (2 to 256)"
          + " reaching it are used, like pngquant's --quality maximum; 1 allows 256 always.")
  @Default.Double(CompressionSettings.DEFAULT_PNG_MAX_SCORE)
  double getPngMaxScore();

  void setPngMaxScore(double value);

  @Description(
      "Write Adam7-interlaced PNG (a coarse preview shows while loading; usually larger)."
          + " The pixels are the same.")
  @Default.Boolean(false)
  boolean getPngInterlace();

  void setPngInterlace(boolean value);

  @Description(
      "Lossless PNG may set the colour of fully transparent pixels to transparent black"
          + " (invisible, but the stored RGB changes).")
  @Default.Boolean(false)
  boolean getPngCleanTransparent();

  void setPngCleanTransparent(boolean value);

  @Description(
      "AVIF quality, 1-100 (libavif's scale), mapped to libaom's crf = ((100 - q) * 63 + 50) / 100.")
  @Default.Integer(CompressionSettings.DEFAULT_AVIF_QUALITY)
  int getAvifQuality();

  void setAvifQuality(int value);

  @Description("AVIF effort, 0 (fastest) to 8 (smallest): libaom speed (cpu-used) 8 - effort.")
  @Default.Integer(CompressionSettings.DEFAULT_AVIF_EFFORT)
  int getAvifEffort();

  void setAvifEffort(int value);

  @Description("AVIF chroma sampling: 420 (smallest) or 444 (full-resolution colour).")
  @Default.Integer(420)
  int getAvifChroma();

  void setAvifChroma(int value);

  @Description("AVIF bits per sample: 8 or 10.")
  @Default.Integer(8)
  int getAvifBitDepth();

  void setAvifBitDepth(int value);

  @Description(
      "The metric of each outcome's score (output against the decoded input): ssim (0-1, "
          + "cheap) or ssimulacra2 (perceptual, up to 100; 1-5 times the cost of an encode). "
          + "With --targetScore the target's metric is used.")
  @Default.String("ssim")
  String getScoreMetric();

  void setScoreMetric(String value);

  @Description(
      "A score every JPEG, lossy WebP and AVIF output must reach, as METRIC:VALUE "
          + "(ssimulacra2:80, ssim:0.985): each image gets the lowest quality that reaches it "
          + "(JPEG in quarter steps), searched from the format's quality by stepping away from "
          + "it and then bisecting, at most --maxEncodes encodes (a JPEG answer where the DC "
          + "step or the first AC pair's change then keeps those steps while the other steps' "
          + "quality goes lower, recorded as jpeg_low_frequency_quality); when even quality 100 "
          + "cannot, "
          + "quality 100 is written and the record says target_met=false. PNG and lossless WebP are "
          + "encoded once and only scored. Unset: no search.")
  String getTargetScore();

  void setTargetScore(String value);

  @Description(
      "Largest output file wanted, in bytes (metadata included); 0 for none. Lossy outputs get "
          + "the highest quality that fits; with --targetScore, the lowest quality that reaches "
          + "the target unless it does not fit, in which case the cap wins and target_met=false.")
  @Default.Long(0)
  long getMaxOutputBytes();

  void setMaxOutputBytes(long value);

  @Description(
      "Most encodes per image and format of a --targetScore or --maxOutputBytes search, 2-100."
          + " The default 18 lets every search find its exact boundary (at most 12 encodes) and"
          + " a JPEG target search then keep the answer's DC and first AC pair steps while"
          + " lowering the other steps' quality (at most 6 more).")
  @Default.Integer(CompressionSettings.DEFAULT_MAX_ENCODES)
  int getMaxEncodes();

  void setMaxEncodes(int value);

  @Description(
      "Largest image accepted, in pixels (width x height x frames), checked on the header before "
          + "decoding; larger inputs are REJECTED_LIMIT.")
  @Default.Long(CompressionSettings.DEFAULT_MAX_INPUT_PIXELS)
  long getMaxInputPixels();

  void setMaxInputPixels(long value);

  @Description(
      "Largest input file accepted, in bytes, checked before reading; larger inputs are "
          + "REJECTED_LIMIT.")
  @Default.Long(CompressionSettings.DEFAULT_MAX_INPUT_BYTES)
  long getMaxInputBytes();

  void setMaxInputBytes(long value);

  @Description(
      "Metadata kept in every output, re-encoded or kept original: strip (none; a kept "
          + "original keeps only its orientation), keep-copyright (EXIF Artist and Copyright, XMP "
          + "dc:creator, dc:rights, xmpRights:* and photoshop:Credit, IPTC By-line, Credit and "
          + "CopyrightNotice, PNG Copyright and Author text) or keep (everything except thumbnails, "
          + "with the orientation reset to 1 for rotated pixels and pixel dimensions updated).")
  @Default.String("strip")
  String getMetadata();

  void setMetadata(String value);

  @Description(
      "With --metadata=keep-copyright, also keep capture and modification dates (EXIF, XMP, "
          + "IPTC, PNG).")
  @Default.Boolean(false)
  boolean getKeepDates();

  void setKeepDates(boolean value);

  @Description(
      "srgb: convert pixels from an embedded colour profile (Adobe RGB, Display P3, CMYK, grey) "
          + "to sRGB and write no profile. keep: write RGB and grey pixels unconverted with the "
          + "original profile embedded (CMYK is still converted). Kept originals keep their "
          + "profile either way.")
  @Default.String("srgb")
  String getIccProfile();

  void setIccProfile(String value);

  @Description(
      "Most frames (GIF, APNG, animated WebP, TIFF pages) accepted, checked on the header; more "
          + "are REJECTED_LIMIT.")
  @Default.Integer(CompressionSettings.DEFAULT_MAX_FRAMES)
  int getMaxFrames();

  void setMaxFrames(int value);

  @Description(
      "Most metadata bytes accepted (EXIF, XMP, ICC, comments, text chunks; compressed PNG text "
          + "counted inflated), measured before the metadata is parsed; more are REJECTED_LIMIT.")
  @Default.Long(CompressionSettings.DEFAULT_MAX_METADATA_BYTES)
  long getMaxMetadataBytes();

  void setMaxMetadataBytes(long value);

  @Description(
      "Seconds one image may take from probe to verified output; past it the image is abandoned "
          + "and REJECTED_LIMIT, and the job goes on.")
  @Default.Integer(CompressionSettings.DEFAULT_TIMEOUT_SECONDS)
  int getPerImageTimeoutSeconds();

  void setPerImageTimeoutSeconds(int value);

  @Description(
      "warning: decoder warnings about the data (truncation, bad CRCs, extra data) fail the "
          + "image; error: only decoder errors do, warnings are accepted.")
  @Default.String("warning")
  String getFailOn();

  void setFailOn(String value);

  @Description(
      "Read inputs through symbolic links (files or folders). Off: such inputs are UNSUPPORTED.")
  @Default.Boolean(false)
  boolean getFollowSymlinks();

  void setFollowSymlinks(boolean value);

  @Description(
      "Skip inputs whose bytes and settings match the previous run's manifest in the output "
          + "folder and whose output is unchanged (SKIPPED_UNCHANGED).")
  @Default.Boolean(true)
  boolean getIncremental();

  void setIncremental(boolean value);

  @Description(
      "Largest output width in pixels (1-65535), measured upright (after the EXIF orientation). "
          + "Unset: no limit.")
  Integer getMaxWidth();

  void setMaxWidth(Integer value);

  @Description("Largest output height in pixels (1-65535), measured upright. Unset: no limit.")
  Integer getMaxHeight();

  void setMaxHeight(Integer value);

  @Description(
      "How an image meets both --maxWidth and --maxHeight: inside (scale to fit within both, "
          + "aspect kept), cover (scale to cover both, aspect kept, then crop to exactly the box "
          + "at --gravity), fill (stretch to exactly the box), exact (scale as inside, then pad "
          + "to exactly the box with transparent bars, white in JPEG). With one limit, every mode "
          + "scales to it keeping the aspect.")
  @Default.String("inside")
  String getFit();

  void setFit(String value);

  @Description(
      "What cover keeps when it crops and where exact places the image: centre, north, "
          + "northeast, east, southeast, south, southwest, west or northwest.")
  @Default.String("centre")
  String getGravity();

  void setGravity(String value);

  @Description(
      "Scale images up to the limits when they are smaller. Default: never enlarge (cover then "
          + "only crops, fill only shrinks the sides over their limit, exact pads).")
  @Default.Boolean(false)
  boolean getEnlarge();

  void setEnlarge(boolean value);

  @Description(
      "Seconds between progress lines on the console while a DirectRunner job runs: images done "
          + "of those matched, images/min and the time left, rewritten in place on a terminal; "
          + "0 turns them off. 0-3600.")
  @Default.Double(10)
  double getProgressSeconds();

  void setProgressSeconds(double value);
}
