package io.imgbeam.codec;

import java.io.Serializable;

/**
 * The PNG encoder's settings.
 *
 * <p>{@code effort} chooses the lossless trials (each one a full filtering of the image, deflated
 * by zlib; the smallest file wins, and from effort 2 its filtering is deflated again by {@link
 * NearOptimalDeflater}, a pure-Java port of the algorithm of libdeflate's near-optimal levels that
 * oxipng uses, and at effort 3 and more also by zopfli, keeping the smallest):
 *
 * <ul>
 *   <li>0: one filtering (minimum sum of absolute values, none for palette and sub-byte images),
 *       deflate level 9, default strategy;
 *   <li>1: unfiltered and minimum sum, default and "filtered" strategies;
 *   <li>2 (default): unfiltered, each of the four fixed filters, minimum sum, entropy and bigrams
 *       per row, for every colour type, ranked by a fast zlib deflate; a palette is also tried
 *       sorted by luminance, by frequency and as a chain of nearest colours; the best filtering is
 *       deflated by the near-optimal parser at libdeflate level 11's settings (search depth 100,
 *       nice length 150, up to 4 passes);
 *   <li>3: as 2, plus brute force per row (the filter whose row deflates smallest; images up to 1
 *       MiB of samples), the best filterings deflated by zlib level 9 with the default, "filtered"
 *       and Huffman-only strategies; then the near-optimal parser at level 12's settings (depth
 *       300, nice length 258, up to 10 passes) and zopfli (pngtastic's pure-Java port) at 5
 *       iterations up to 4 MiB;
 *   <li>4: as 3, zopfli at 15 iterations whatever the size: a little smaller, many times slower.
 * </ul>
 *
 * <p>Zopfli checks the interrupt flag between parts of 128 KiB, the near-optimal parser before each
 * block and pass, so a timed-out image stops.
 *
 * @param mode lossless, lossy or auto
 * @param effort 0 to 4, see above
 * @param cleanTransparent whether the colour of fully transparent pixels may be set to transparent
 *     black (invisible, but it changes the RGB values a lossless output stores)
 * @param minScore auto's SSIM floor for a quantised output, 0 to 1
 * @param dither Floyd-Steinberg error diffusion strength, 0 (none) to 1 (full)
 * @param maxScore lossy and auto use the fewest colours whose SSIM reaches this, 0 to 1 (1: up to
 *     256 colours whatever the score)
 * @param interlace whether to write Adam7-interlaced files (they show early while loading, and are
 *     usually larger)
 */
public record PngOptions(
    PngMode mode,
    int effort,
    boolean cleanTransparent,
    double minScore,
    double dither,
    double maxScore,
    boolean interlace)
    implements Serializable {
  /** The highest effort. */
  public static final int MAX_EFFORT = 4;

  /**
   * Lossless at effort 2, colours under transparent pixels kept, floor 0.95, dithering 0.25, the
   * fewest colours reaching SSIM 0.993, not interlaced.
   */
  public static final PngOptions DEFAULT =
      new PngOptions(
          PngMode.LOSSLESS,
          CompressionSettings.DEFAULT_PNG_EFFORT,
          false,
          CompressionSettings.DEFAULT_PNG_MIN_SCORE,
          CompressionSettings.DEFAULT_PNG_DITHER,
          CompressionSettings.DEFAULT_PNG_MAX_SCORE,
          false);

  PngOptions withMode(PngMode value) {
    return new PngOptions(value, effort, cleanTransparent, minScore, dither, maxScore, interlace);
  }

  PngOptions withEffort(int value) {
    return new PngOptions(mode, value, cleanTransparent, minScore, dither, maxScore, interlace);
  }

  PngOptions withCleanTransparent(boolean value) {
    return new PngOptions(mode, effort, value, minScore, dither, maxScore, interlace);
  }

  PngOptions withMinScore(double value) {
    return new PngOptions(mode, effort, cleanTransparent, value, dither, maxScore, interlace);
  }

  PngOptions withDither(double value) {
    return new PngOptions(mode, effort, cleanTransparent, minScore, value, maxScore, interlace);
  }

  PngOptions withMaxScore(double value) {
    return new PngOptions(mode, effort, cleanTransparent, minScore, dither, value, interlace);
  }

  PngOptions withInterlace(boolean value) {
    return new PngOptions(mode, effort, cleanTransparent, minScore, dither, maxScore, value);
  }
}
