package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Our own progressive JPEG encoder (ITU-T T.81), for the bytes the JDK's libjpeg 6b writer cannot
 * reach: a float AAN forward DCT; N. Robidoux's quantisation table (mozjpeg's default) for luma and
 * chroma, scaled by quality as libjpeg does and tilted by quality (see {@link #tilt});
 * rate-distortion trellis quantisation of the AC coefficients against the image's own Huffman code
 * lengths (the idea of mozjpeg's {@code quantize_trellis}: per coefficient the candidates are 0 and
 * the largest value of each bit size up to the rounded one, chosen by rate + lambda x distortion
 * with the end of block placed where it pays), its distortion weight scaled per block by the
 * block's texture (see {@link #textureWeights}), then the DC values chosen again by a Viterbi pass
 * over bits and error ({@link #dcTrellis}); the steps of a JPEG the pixels were decoded from kept
 * where ours are close to them ({@link #alignToSource}); spectral-selection progressive scans, DC
 * first, in the smallest of a few scripts for the image ({@link #scripts}), with optimised Huffman
 * tables, shared between scans where that is smaller ({@link #acTables}); 4:2:0 or 4:4:4 chroma;
 * edges padded by replicating the last row and column.
 */
final class JpegWriter {
  /** Chroma sampling of a colour JPEG. */
  enum Subsampling {
    /** Full-resolution chroma. */
    S444,
    /** Chroma halved in both directions. */
    S420
  }

  /** Natural (row-major) index of each zigzag position. */
  static final int[] ZIGZAG = {
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63
  };

  /** Zigzag position of each natural (row-major) index: the inverse of {@link #ZIGZAG}. */
  private static final int[] ZIGZAG_OF = new int[64];

  static {
    for (int k = 0; k < 64; k++) {
      ZIGZAG_OF[ZIGZAG[k]] = k;
    }
  }

  /**
   * N. Robidoux's table for ImageMagick, in natural order: mozjpeg's default ({@code -quant-table
   * 3}) for both luma and chroma; smoother in frequency than Annex K, which quantises some low
   * frequencies harder than higher ones.
   */
  private static final int[] ROBIDOUX = {
    16, 16, 16, 18, 25, 37, 56, 85, 16, 17, 20, 27, 34, 40, 53, 75, 16, 20, 24, 31, 43, 62, 91, 135,
    18, 27, 31, 40, 53, 74, 106, 156, 25, 34, 43, 53, 69, 94, 131, 189, 37, 40, 62, 74, 94, 124,
    169, 238, 56, 53, 91, 106, 131, 169, 226, 311, 85, 75, 135, 156, 189, 238, 311, 418
  };

  /** AAN scale factors: cos(k pi / 16) sqrt(2), 1 for k = 0. */
  private static final double[] AAN = {
    1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.541196100, 0.275899379
  };

  /** Trellis lambda = 2^14.75 / (2^16.5 + block energy), mozjpeg's defaults for its 8x DCT. */
  private static final double LAMBDA_SCALE = Math.pow(2, 14.75);

  private static final double LAMBDA_OFFSET = Math.pow(2, 16.5);

  /** Cost in bits assumed for a symbol the rate table has not seen. */
  private static final float UNSEEN_SYMBOL_BITS = 14f;

  /**
   * Texture weighting of the trellis: weight = ((TEXTURE_OFFSET + gradient) / (TEXTURE_OFFSET +
   * TEXTURE_REFERENCE))^TEXTURE_EXPONENT, gradient = the block's mean |dx| + |dy| of luma in 8-bit
   * units. See {@link #textureWeights}.
   */
  static final double TEXTURE_EXPONENT = 0.25;

  private static final double TEXTURE_OFFSET = 2;
  private static final double TEXTURE_REFERENCE = 4;

  private final int width;
  private final int height;
  private final int components;
  private final int[] hSamp;
  private final int[] vSamp;
  private final int hMax;
  private final int vMax;
  private final int mcusX;
  private final int mcusY;
  private final int[] blocksW;
  private final int[] blocksH;
  private final float[][] planes;

  /**
   * Scratch of {@link #yccRow} while the planes load: a row of red, green, blue, Y, Cb and Cr,
   * {@link #width} long.
   */
  private float[][] channelRows;

  /**
   * Whether the writer is {@link Prepared} for encodes at several qualities: then its planes keep
   * each block's DCT, and every quantisation pass scales it again instead of leaving it in
   * quantiser units ({@link #scaled}).
   */
  private boolean shared;

  /**
   * Quantised AC coefficients of every block, 64 per block in zigzag order (the DC's unused):
   * allocated by {@link #encodeTransformed}, as are {@link #dc} and {@link #nonzero}.
   */
  private short[][] coef;

  /**
   * The quantised DC of every block, row-major over the blocks: apart from the AC, so that the DC
   * passes read one short per block instead of a cache line.
   */
  private short[][] dc;

  /** Quantiser of each table in zigzag order. */
  private final int[][] quant = new int[2][64];

  /** {@link #quant} as floats, for the trellis's products. */
  private final float[][] steps = new float[2][64];

  /** Multiplier from the AAN DCT output to quantiser units, per table, zigzag order. */
  private final float[][] divisor = new float[2][64];

  // Trellis scratch, reused for every block.
  private final float[] accCost = new float[64];
  private final int[] runStart = new int[64];
  private final int[] chosen = new int[64];
  private final int[] states = new int[64];
  private final int[] sizeValue = new int[11];
  private final float[] sizeError = new float[11];

  /**
   * Trellis distortion weight of each block per component, row-major over its blocks ({@link
   * #textures}); null: all 1.
   */
  private float[][] textures;

  /** What {@link #sourceSteps} read and found per component; null until it runs. */
  private SourceScan[] sourceScans;

  /** DC in quantiser units and trellis weight of every block, set by a trellis pass. */
  private float[][] dcU;

  private float[][] dcWeight;

  /**
   * Whether the planes hold each block's coefficients in quantiser units, zigzag order (after the
   * first {@link #quantiseAll}), rather than its DCT ({@link #transformAll}) or pixels.
   */
  private boolean scaled;

  /**
   * Per component and block, bit k set where AC coefficient k (zigzag) is nonzero: set by {@link
   * #quantiseAll}, so that the counts and the scans visit only the nonzero coefficients.
   */
  private long[][] nonzero;

  private JpegWriter(int width, int height, boolean grey, Subsampling subsampling, double quality) {
    this(width, height, grey, subsampling, quality, quality);
  }

  /**
   * A writer whose lowest steps (the first {@link #LOW_STEPS} in zigzag order, in both tables) are
   * {@code lowQuality}'s and every other step {@code quality}'s.
   */
  private JpegWriter(
      int width,
      int height,
      boolean grey,
      Subsampling subsampling,
      double quality,
      double lowQuality) {
    this.width = width;
    this.height = height;
    components = grey ? 1 : 3;
    int factor = !grey && subsampling == Subsampling.S420 ? 2 : 1;
    hSamp = new int[components];
    vSamp = new int[components];
    hSamp[0] = factor;
    vSamp[0] = factor;
    for (int c = 1; c < components; c++) {
      hSamp[c] = 1;
      vSamp[c] = 1;
    }
    hMax = factor;
    vMax = factor;
    mcusX = (width + 8 * hMax - 1) / (8 * hMax);
    mcusY = (height + 8 * vMax - 1) / (8 * vMax);
    blocksW = new int[components];
    blocksH = new int[components];
    planes = new float[components][];
    for (int c = 0; c < components; c++) {
      blocksW[c] = mcusX * hSamp[c];
      blocksH[c] = mcusY * vSamp[c];
      planes[c] = new float[blocksW[c] * 8 * blocksH[c] * 8];
    }
    setTables(quality, lowQuality);
  }

  /**
   * Both quantisation tables at {@code quality}, their {@link #LOW_STEPS} at {@code lowQuality}.
   */
  private void setTables(double quality, double lowQuality) {
    int[] table = quantTable(quality);
    for (int t = 0; t < 2; t++) {
      for (int k = 0; k < 64; k++) {
        setStep(t, k, table[ZIGZAG[k]]);
      }
    }
    if (lowQuality != quality) {
      int[] low = quantTable(lowQuality);
      for (int t = 0; t < 2; t++) {
        for (int k = 0; k < LOW_STEPS; k++) {
          setStep(t, k, low[ZIGZAG[k]]);
        }
      }
    }
  }

  /** Sets table {@code t}'s step at zigzag position {@code k}. */
  private void setStep(int t, int k, int step) {
    int n = ZIGZAG[k];
    quant[t][k] = step;
    steps[t][k] = step;
    divisor[t][k] = (float) (1.0 / (8.0 * AAN[n >> 3] * AAN[n & 7] * step));
  }

  /**
   * libjpeg's quality scaling of the base table, tilted by {@link #tilt}, with the DC step at 0.45x
   * and the two lowest AC steps at three quarters; natural order, entries 1..255 (baseline).
   * SSIMULACRA 2 punishes the block edges and banding of coarse low frequencies in smooth areas: on
   * photos at equal score the finer DC saves 5 % at score 70, the finer first AC pair 1 % more.
   * With the DC trellis ({@link #dcTrellis}) a DC step of 0.45x instead of 0.5x saved another 0.3 %
   * (samples) and 0.3-0.9 % (wallpapers) at score 70 and at the mozjpeg q75 scores. The quality may
   * be fractional (libjpeg's formula without its integer division), so a search can step between
   * the integer qualities.
   */
  static int[] quantTable(double quality) {
    double scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
    double tilt = tilt(quality);
    int[] out = new int[64];
    for (int i = 0; i < 64; i++) {
      int frequency = (i >> 3) + (i & 7);
      double f = (1 + tilt * frequency / 14.0) * (i == 0 ? 0.45 : frequency == 1 ? 0.75 : 1);
      out[i] = (int) Math.max(1, Math.min(255, Math.round(ROBIDOUX[i] * f * scale / 100.0)));
    }
    return out;
  }

  /**
   * Zigzag positions whose steps a quality search's second phase keeps from another quality: the DC
   * and the first AC pair. See {@link #encode(BufferedImage, double, double, int, Subsampling)}.
   */
  static final int LOW_STEPS = 3;

  /**
   * The first {@link #LOW_STEPS} steps of {@link #quantTable}{@code (quality)} in zigzag order, one
   * byte each (every step is 1-255), as one number: equal for two qualities exactly when those
   * steps are. Each step is never finer at a lower quality, so the qualities sharing them form one
   * range.
   */
  static int lowSteps(double quality) {
    int[] table = quantTable(quality);
    int packed = 0;
    for (int k = 0; k < LOW_STEPS; k++) {
      packed = packed << 8 | table[ZIGZAG[k]];
    }
    return packed;
  }

  /**
   * How much steeper (positive) or flatter (negative) than Robidoux's the table is at the highest
   * frequency: measured with SSIMULACRA 2 on photos at equal bytes, low qualities gain from coarser
   * high frequencies and high qualities from finer ones (Robidoux's corner 418 against Annex K's
   * 99), so the tilt falls linearly from +0.3 at quality 30 to -0.92 (the corner step at 0.08x)
   * from quality 82 on. On the sample photos it saved 1 % at score 70 and 8 % at score 80 against
   * the untilted table. A steeper fall (-0.04 a quality step) won 1-2 % more on photos scaled to a
   * third but lost 1.3 % on the full-size wallpapers of the bench, so this one stays.
   */
  static double tilt(double quality) {
    return Math.max(-0.92, Math.min(0.3, 0.3 - (quality - 30) * 0.0233));
  }

  /**
   * Encodes opaque 8-bit sRGB ({@code TYPE_INT_RGB}, or interleaved bytes as decoders return it:
   * {@link Pixels#rgbByteOffsets}) or grey ({@code TYPE_BYTE_GRAY}) pixels.
   *
   * @param effort 0: rounding only; 1: trellis quantisation on the code lengths of the rounded
   *     coefficients (a second pass on its own code lengths measured no gain, so none is offered)
   */
  static byte[] encode(BufferedImage pixels, double quality, int effort, Subsampling subsampling) {
    return encode(pixels, quality, quality, effort, subsampling);
  }

  /**
   * Encodes with the lowest steps ({@link #LOW_STEPS}: the DC and the first AC pair, luma and
   * chroma) of {@code lowQuality}'s table and every other step {@code quality}'s: a quality
   * search's second phase ({@link QualitySearch.Refinement}) lowers the other steps' quality under
   * lowest steps it keeps. The same as {@link #encode(BufferedImage, double, int, Subsampling)}
   * when the two qualities are equal. The DC step changes the score most (up to 4.6 points of
   * SSIMULACRA 2 between two adjacent quarter qualities); keeping the first AC pair too made the
   * second phase run where those steps change as well and saved 0.09 % more on the sample photos
   * and 0.24 % more on the wallpapers at score 70 (both ratios to mozjpeg then under 0.70x), for 29
   * % and 13 % more encodes; keeping the chroma DC step with the luma one saved 0.2 % more than the
   * luma one alone on the five wallpapers whose answer sat at a DC change.
   */
  static byte[] encode(
      BufferedImage pixels,
      double quality,
      double lowQuality,
      int effort,
      Subsampling subsampling) {
    boolean grey = pixels.getType() == BufferedImage.TYPE_BYTE_GRAY;
    JpegWriter writer =
        new JpegWriter(
            pixels.getWidth(), pixels.getHeight(), grey, subsampling, quality, lowQuality);
    writer.loadPlanes(pixels, grey);
    return writer.encodeLoaded(effort);
  }

  /**
   * Encodes as {@link #encode(BufferedImage, double, double, int, Subsampling)} does, a colour
   * image in 4:2:0 unless its {@link #chromaDetail} is over {@code detailFor444}, then in 4:4:4.
   * The detail is measured while the 4:2:0 planes are loaded (the same Cb and Cr values), so a
   * 4:2:0 encode reads the pixels once.
   */
  static byte[] encode(
      BufferedImage pixels, double quality, double lowQuality, int effort, double detailFor444) {
    return loaded(pixels, quality, lowQuality, detailFor444).encodeLoaded(effort);
  }

  /**
   * A writer with the planes of {@code pixels} loaded: 4:2:0 unless their {@link #chromaDetail} is
   * over {@code detailFor444}, then 4:4:4.
   */
  private static JpegWriter loaded(
      BufferedImage pixels, double quality, double lowQuality, double detailFor444) {
    boolean grey = pixels.getType() == BufferedImage.TYPE_BYTE_GRAY;
    int w = pixels.getWidth();
    int h = pixels.getHeight();
    JpegWriter writer = new JpegWriter(w, h, grey, Subsampling.S420, quality, lowQuality);
    double detail = writer.loadPlanes(pixels, grey);
    if (!grey && detail > detailFor444) {
      writer = null; // its planes are garbage before the 4:4:4 ones are allocated
      writer = new JpegWriter(w, h, false, Subsampling.S444, quality, lowQuality);
      writer.loadPlanes(pixels, false);
    }
    return writer;
  }

  /**
   * What an encode of one image does before its quality matters, done once for encodes at many
   * qualities (a quality search's trials): the planes loaded from the pixels (with the 4:2:0 or
   * 4:4:4 choice of {@link #encode(BufferedImage, double, double, int, double)}), at effort 1 the
   * trellis's texture weights of every block, and every block's forward DCT. Encodes from it
   * ({@link #encode(Prepared, double, double)}) read the DCT and never change it, and their bytes
   * are those of a fresh encode at the same settings. Not for several threads at once: an encode
   * takes the prepared image as it is.
   */
  static final class Prepared {
    private final JpegWriter writer;
    private final int effort;

    private Prepared(JpegWriter writer, int effort) {
      this.writer = writer;
      this.effort = effort;
    }

    /**
     * Heap bytes it holds: one float per sample of the padded planes (6 bytes per pixel in 4:2:0,
     * 12 in 4:4:4, 4 for grey) and, at effort 1, one float per block of each component for the
     * texture weights (0.09 bytes per pixel in 4:2:0).
     */
    long bytes() {
      long floats = 0;
      for (int c = 0; c < writer.components; c++) {
        floats += writer.planes[c].length;
        floats += writer.textures == null ? 0 : writer.textures[c].length;
      }
      return 4 * floats;
    }
  }

  /**
   * Prepares {@code pixels} (as {@link #encode(BufferedImage, double, double, int, double)} takes
   * them) for encodes at {@code effort}.
   */
  static Prepared prepare(BufferedImage pixels, int effort, double detailFor444) {
    JpegWriter writer = loaded(pixels, 75, 75, detailFor444);
    writer.transformLoaded(effort);
    writer.shared = true;
    return new Prepared(writer, effort);
  }

  /**
   * Encodes a prepared image: the same bytes as {@link #encode(BufferedImage, double, double, int,
   * double)} of its pixels at its effort.
   */
  static byte[] encode(Prepared prepared, double quality, double lowQuality) {
    JpegWriter writer = prepared.writer;
    writer.setTables(quality, lowQuality);
    return writer.encodeTransformed(prepared.effort);
  }

  /** Quantises and writes the loaded planes (see {@link #encode}). */
  private byte[] encodeLoaded(int effort) {
    transformLoaded(effort);
    return encodeTransformed(effort);
  }

  /**
   * The quality-independent work on the loaded planes: at effort 1 the texture weights, which need
   * the pixels; then every block's DCT, which the planes hold from here on (block by block),
   * computed once for the source-step search and every quantisation pass.
   */
  private void transformLoaded(int effort) {
    if (effort > 0) {
      textures = textures(textureWeights());
    }
    transformAll();
  }

  /**
   * Quantises and writes the planes' DCT; keeps nothing of it but the planes, so that a prepared
   * writer holds only its DCT and texture weights between encodes.
   */
  private byte[] encodeTransformed(int effort) {
    coef = new short[components][];
    dc = new short[components][];
    nonzero = new long[components][];
    for (int c = 0; c < components; c++) {
      int blocks = blocksW[c] * blocksH[c];
      coef[c] = new short[blocks * 64];
      dc[c] = new short[blocks];
      nonzero[c] = new long[blocks];
    }
    alignToSource();
    // A writer of its own planes leaves the rounding pass's quantiser units in them for the trellis
    // pass; on shared planes each pass scales the DCT again (the same products, so the same bytes).
    quantiseAll(null, effort > 0 && !shared);
    if (effort > 0) {
      // The trellis pass reads the rounding pass's nonzero positions, so it runs right after it.
      float[][] costs = new float[2][];
      for (int t = 0; t < Math.min(2, components); t++) {
        costs[t] = JpegHuffman.of(countSequentialAc(t)).costs(UNSEEN_SYMBOL_BITS);
      }
      quantiseAll(costs, false);
      dcTrellis();
    }
    byte[] out = write();
    coef = null;
    dc = null;
    nonzero = null;
    dcU = null;
    dcWeight = null;
    return out;
  }

  /**
   * How much 4:2:0 would lose of an sRGB image's chroma: the mean squared difference between each
   * pixel's Cb and Cr and their 2x2 group's means, in 8-bit units (0 for grey or flat colour); over
   * the whole 2x2 groups inside the image.
   */
  static double chromaDetail(BufferedImage rgb) {
    return new JpegWriter(rgb.getWidth(), rgb.getHeight(), false, Subsampling.S420, 75)
        .loadPlanes(rgb, false);
  }

  /**
   * JFIF YCbCr planes, level-shifted, padded to whole MCUs by repeating the last row and column.
   * Returns the {@link #chromaDetail} of a colour image loaded in 4:2:0, else 0.
   */
  private double loadPlanes(BufferedImage pixels, boolean grey) {
    Raster raster = pixels.getRaster();
    int[] samples = new int[width * raster.getNumBands()];
    int lumaW = blocksW[0] * 8;
    int lumaH = blocksH[0] * 8;
    float[] luma = planes[0];
    if (grey) {
      byte[] greyRow = new byte[width];
      for (int y = 0; y < lumaH; y++) {
        if (y % 8 == 0) {
          Progress.checkInterrupted();
        }
        raster.getDataElements(0, Math.min(y, height - 1), width, 1, greyRow);
        int base = y * lumaW;
        for (int x = 0; x < lumaW; x++) {
          luma[base + x] = (greyRow[Math.min(x, width - 1)] & 0xFF) - 128f;
        }
      }
      return 0;
    }
    int[] rgbRow = new int[lumaW];
    int[] rgbBytes = Pixels.rgbByteOffsets(pixels);
    channelRows = new float[6][width];
    float[] cbPlane = planes[1];
    float[] crPlane = planes[2];
    if (hMax == 1) {
      for (int y = 0; y < lumaH; y++) {
        if (y % 8 == 0) {
          Progress.checkInterrupted();
        }
        int base = y * lumaW;
        int sy = Math.min(y, height - 1);
        yccRow(pixels, sy, rgbBytes, rgbRow, samples, luma, base, cbPlane, crPlane, base);
      }
      channelRows = null;
      return 0;
    }
    // 4:2:0, two rows at a time: each chroma sample sums its four pixels' quarters in the order
    // rows and columns come (row y: x, x + 1; row y + 1: x, x + 1), and the detail compares each
    // pixel with its group's mean in that order too.
    int chromaW = blocksW[1] * 8;
    float[][] cb = new float[2][lumaW];
    float[][] cr = new float[2][lumaW];
    double sum = 0;
    long groups = 0;
    for (int y = 0; y < lumaH; y += 2) {
      if (y % 8 == 0) {
        Progress.checkInterrupted();
      }
      for (int r = 0; r < 2; r++) {
        int sy = Math.min(y + r, height - 1);
        yccRow(pixels, sy, rgbBytes, rgbRow, samples, luma, (y + r) * lumaW, cb[r], cr[r], 0);
      }
      int chromaBase = (y >> 1) * chromaW;
      float[] cb0 = cb[0];
      float[] cb1 = cb[1];
      float[] cr0 = cr[0];
      float[] cr1 = cr[1];
      for (int i = 0; i < chromaW; i++) {
        cbPlane[chromaBase + i] = quarters(cb0, cb1, 2 * i);
        crPlane[chromaBase + i] = quarters(cr0, cr1, 2 * i);
      }
      if (y + 1 < height) {
        for (int x = 0; x + 1 < width; x += 2) {
          float mb = (cb0[x] + cb0[x + 1] + cb1[x] + cb1[x + 1]) * 0.25f;
          float mr = (cr0[x] + cr0[x + 1] + cr1[x] + cr1[x + 1]) * 0.25f;
          sum += (cb0[x] - mb) * (cb0[x] - mb) + (cr0[x] - mr) * (cr0[x] - mr);
          sum += (cb0[x + 1] - mb) * (cb0[x + 1] - mb) + (cr0[x + 1] - mr) * (cr0[x + 1] - mr);
          sum += (cb1[x] - mb) * (cb1[x] - mb) + (cr1[x] - mr) * (cr1[x] - mr);
          sum += (cb1[x + 1] - mb) * (cb1[x + 1] - mb) + (cr1[x + 1] - mr) * (cr1[x + 1] - mr);
          groups++;
        }
      }
    }
    channelRows = null;
    return groups == 0 ? 0 : sum / (4.0 * groups);
  }

  /** The sum of the quarters of a 2x2 group at column {@code x} of two rows, row by row. */
  private static float quarters(float[] row0, float[] row1, int x) {
    float sum = 0;
    sum += 0.25f * row0[x];
    sum += 0.25f * row0[x + 1];
    sum += 0.25f * row1[x];
    sum += 0.25f * row1[x + 1];
    return sum;
  }

  /**
   * Row {@code y} of 8-bit RGB pixels as JFIF YCbCr, {@code rgbRow.length} pixels, the last one
   * repeated to the end: luma level-shifted into {@code luma} from {@code base}, Cb and Cr into
   * {@code cb} and {@code cr} from {@code chromaBase}. Interleaved RGB bytes ({@code rgbBytes}:
   * their band offsets, from {@link Pixels#rgbByteOffsets}) are read straight from their array,
   * other layouts as {@code getRGB} gives them (Pixels' fast path for packed ints). The samples are
   * first taken apart into a row per channel, which HotSpot 17 then converts in a loop of
   * independent lanes ({@link #ycc}); the interleaved loop it left scalar (2.35 ns a pixel in a
   * microbenchmark, 1.07 this way).
   */
  private void yccRow(
      BufferedImage pixels,
      int y,
      int[] rgbBytes,
      int[] rgbRow,
      int[] samples,
      float[] luma,
      int base,
      float[] cb,
      float[] cr,
      int chromaBase) {
    int n = rgbRow.length;
    float[] red = channelRows[0];
    float[] green = channelRows[1];
    float[] blue = channelRows[2];
    if (rgbBytes == null) {
      Pixels.argbRow(pixels, y, rgbRow, samples);
      for (int x = 0; x < width; x++) {
        int p = rgbRow[x];
        red[x] = (p >> 16) & 0xFF;
        green[x] = (p >> 8) & 0xFF;
        blue[x] = p & 0xFF;
      }
    } else {
      Raster raster = pixels.getRaster();
      DataBufferByte buffer = (DataBufferByte) raster.getDataBuffer();
      int stride = ((PixelInterleavedSampleModel) raster.getSampleModel()).getScanlineStride();
      int start =
          buffer.getOffset()
              + (y - raster.getSampleModelTranslateY()) * stride
              - raster.getSampleModelTranslateX() * 3;
      byte[] data = buffer.getData();
      int r = start + rgbBytes[0];
      int g = start + rgbBytes[1];
      int b = start + rgbBytes[2];
      for (int x = 0, p = 0; x < width; x++, p += 3) {
        red[x] = data[r + p] & 0xFF;
        green[x] = data[g + p] & 0xFF;
        blue[x] = data[b + p] & 0xFF;
      }
    }
    float[] yRow = channelRows[3];
    float[] cbRow = channelRows[4];
    float[] crRow = channelRows[5];
    ycc(red, green, blue, yRow, cbRow, crRow, width);
    System.arraycopy(yRow, 0, luma, base, width);
    System.arraycopy(cbRow, 0, cb, chromaBase, width);
    System.arraycopy(crRow, 0, cr, chromaBase, width);
    int last = width - 1;
    Arrays.fill(luma, base + width, base + n, luma[base + last]);
    Arrays.fill(cb, chromaBase + width, chromaBase + n, cb[chromaBase + last]);
    Arrays.fill(cr, chromaBase + width, chromaBase + n, cr[chromaBase + last]);
  }

  /** JFIF YCbCr of the first {@code n} 8-bit RGB pixels, luma level-shifted. */
  private static void ycc(
      float[] red, float[] green, float[] blue, float[] luma, float[] cb, float[] cr, int n) {
    for (int x = 0; x < n; x++) {
      float r = red[x];
      float g = green[x];
      float b = blue[x];
      luma[x] = 0.299f * r + 0.587f * g + 0.114f * b - 128f;
      cb[x] = -0.168736f * r - 0.331264f * g + 0.5f * b;
      cr[x] = 0.5f * r - 0.418688f * g - 0.081312f * b;
    }
  }

  /**
   * Per luma block, how much the trellis weighs its distortion against bits, from the block's mean
   * luma gradient g: ((2 + g) / 6)^0.25, so 0.80 for a flat block, 1 at g = 4 and 1.38 at g = 20.
   * Measured with SSIMULACRA 2, textured blocks want more weight than mozjpeg's lambda alone gives
   * them (its lambda falls with the block's AC energy, which keeps edges and texture from eating
   * bits but loses detail the metric sees): at equal score (bytes interpolated between quarter
   * qualities) it saved 0.3 % at the mozjpeg q75 scores and 0.6-0.8 % at score 70, on the sample
   * photos and on the wallpapers. The opposite direction (jpegli's masking: flat blocks finer,
   * texture coarser) cost 4 % at exponent -0.5 and 14 % at -1.
   */
  private float[] textureWeights() {
    int bw = blocksW[0];
    int bh = blocksH[0];
    int planeW = bw * 8;
    int planeH = bh * 8;
    float[] luma = planes[0];
    float[] out = new float[bw * bh];
    for (int by = 0; by < bh; by++) {
      Progress.checkInterrupted();
      for (int bx = 0; bx < bw; bx++) {
        float sum = 0;
        for (int r = 0; r < 8; r++) {
          int y = by * 8 + r;
          int row = y * planeW + bx * 8;
          int down = y + 1 < planeH ? planeW : 0;
          for (int x = 0; x < 8; x++) {
            int i = row + x;
            int right = bx * 8 + x + 1 < planeW ? 1 : 0;
            sum += Math.abs(luma[i + right] - luma[i]) + Math.abs(luma[i + down] - luma[i]);
          }
        }
        double gradient = sum / 64.0;
        out[by * bw + bx] =
            (float)
                Math.pow(
                    (TEXTURE_OFFSET + gradient) / (TEXTURE_OFFSET + TEXTURE_REFERENCE),
                    TEXTURE_EXPONENT);
      }
    }
    return out;
  }

  /** Zigzag positions whose source step {@link #sourceSteps} looks for. */
  static final int SOURCE_POSITIONS = 15;

  /** A step up to this many times the source's is replaced by the source's own. */
  private static final double SOURCE_FINER = 1.25;

  /** A step within this many source steps of a multiple of it (up to 3) becomes that multiple. */
  private static final double SOURCE_MULTIPLE_TOLERANCE = 0.2;

  private static final double SOURCE_MAX_MULTIPLE = 3;

  /**
   * Re-encoding a decoded JPEG: where {@link #sourceSteps} finds the source's step q0 of a
   * coefficient, a step s of this table up to 1.25 q0 becomes q0 (the source's values are then kept
   * exactly, in fewer bits than a finer step would spend on its rounding noise), and one within 0.2
   * q0 of 2 q0 or 3 q0 becomes that multiple (each source value then lands on a step or a fixed
   * fraction of one from it); a step between is left alone. Otherwise quantising the source's grid
   * with an unrelated step adds a second rounding error the metric sees. Cb and Cr share a table:
   * it follows them where they agree or one of them shows nothing. On the wallpapers (JPEGs at
   * libjpeg quality 75-100) this saved 14 % on {@code FreshFlower.jpg} and 2 % on {@code
   * LadyBird.jpg} at the mozjpeg q75 scores, 0.7 % on {@code FreshFlower.jpg} at score 70, and
   * changed the rest by 0.1 % or less. Snapping every step to its nearest multiple (the DC step of
   * {@code LadyBird.jpg} to 10, twice its source's 5) lost 7 % on that photo at score 70.
   */
  private void alignToSource() {
    int[][] found = new int[components][];
    for (int c = 0; c < components; c++) {
      // a source step below s / 3.2 changes nothing: look only from there
      int[] from = new int[SOURCE_POSITIONS];
      for (int k = 0; k < SOURCE_POSITIONS; k++) {
        from[k] = Math.max(2, (int) (quant[c == 0 ? 0 : 1][k] / 3.2));
      }
      found[c] = sourceSteps(c, from);
    }
    for (int t = 0; t < Math.min(2, components); t++) {
      for (int k = 0; k < SOURCE_POSITIONS; k++) {
        int q0 = found[t][k];
        if (t == 1) {
          int cr = found[2][k];
          q0 = q0 == 0 ? cr : cr == 0 || cr == q0 ? q0 : 0;
        }
        if (q0 == 0) {
          continue;
        }
        double r = quant[t][k] / (double) q0;
        long m = Math.max(1, Math.round(r));
        if (r > SOURCE_MAX_MULTIPLE
            || (r > SOURCE_FINER && Math.abs(r - m) > SOURCE_MULTIPLE_TOLERANCE)) {
          continue;
        }
        setStep(t, k, (int) Math.min(255, q0 * m));
      }
    }
  }

  /**
   * Blocks {@link #sourceSteps} reads at most, evenly spread: 1024 lost steps at positions 10-14 on
   * the wallpapers that 2048 and 4096 found; reading all of a small image's blocks cost a quarter
   * of its encode.
   */
  private static final int SOURCE_BLOCKS = 2048;

  /** Largest source step looked for. */
  private static final int SOURCE_MAX_STEP = 64;

  /**
   * The quantisation steps of the JPEG these pixels were decoded from, as far as they show: per
   * zigzag position below {@link #SOURCE_POSITIONS}, over component {@code c}'s whole 8x8 blocks on
   * the grid from the top left corner (at most about {@link #SOURCE_BLOCKS} of them, evenly
   * spread), the steps q (2 to 64) for which at least 85 % of the coefficients that round to a
   * nonzero multiple of q (at least 30) lie within 0.2 q of it; of those from the largest down to
   * three quarters of it, the one whose mean distance to its multiples is the smallest (a value
   * near 9 also passes for q = 10); 0 where no step passes. A decoded JPEG's coefficients are its
   * steps' multiples up to the rounding of its pixels (a few tenths); other images pass only by
   * chance (40 % of values fall in the window). DC counts only blocks with some AC (a flat block's
   * DC is a multiple of 8 in any image). A resized or cropped JPEG is off the grid and shows
   * nothing. Reads the blocks' DCT ({@link #transformAll}).
   */
  private int[] sourceSteps(int c, int[] from) {
    if (sourceScans == null) {
      sourceScans = new SourceScan[components];
    }
    if (sourceScans[c] == null) {
      sourceScans[c] = sourceScan(c);
    }
    SourceScan scan = sourceScans[c];
    int[] steps = new int[SOURCE_POSITIONS];
    for (int k = 0; k < SOURCE_POSITIONS; k++) {
      double bestResidual = Double.MAX_VALUE;
      int top = 0;
      for (int q = SOURCE_MAX_STEP; q >= from[k] && (top == 0 || 4 * q >= 3 * top); q--) {
        double residual = scan.fit(k, q);
        if (!Double.isNaN(residual)) {
          top = top == 0 ? q : top;
          if (residual < bestResidual) {
            bestResidual = residual;
            steps[k] = q;
          }
        }
      }
    }
    return steps;
  }

  /**
   * What {@link #sourceSteps} reads of one component's DCT, and what it found for each step so far:
   * none of it depends on this writer's steps, so a {@link Prepared} writer keeps it for all its
   * encodes (under 0.5 MB per image, at most about {@link #SOURCE_BLOCKS} blocks' values).
   */
  private static final class SourceScan {
    /** Per zigzag position, the values read, ordered by {@link #byIntegerPart}. */
    private final float[][] values;

    /**
     * Per position and step q, the mean distance of the values to the multiples of q when q passes,
     * NaN when it does not; null where not yet measured.
     */
    private final Double[][] fits = new Double[SOURCE_POSITIONS][SOURCE_MAX_STEP + 1];

    SourceScan(float[][] values) {
      this.values = values;
    }

    double fit(int k, int q) {
      Double fit = fits[k][q];
      if (fit == null) {
        fit = measure(values[k], q);
        fits[k][q] = fit;
      }
      return fit;
    }

    /** Whether step q passes on values {@code v} and then their mean distance to its multiples. */
    private static double measure(float[] v, int q) {
      int used = 0;
      int near = 0;
      double residual = 0;
      float half = 0.5f * q;
      for (int i = 0; i < v.length && (int) v[i] >= (int) half; i++) {
        if (v[i] < half) {
          continue;
        }
        float m = v[i] / q;
        float r = Math.round(m);
        if (r != 0) {
          used++;
          residual += Math.abs(m - r) * q;
          if (Math.abs(m - r) <= 0.2f) {
            near++;
          } else if (used >= 100 && near < 0.5 * used) {
            break; // far from passing: most steps are rejected after 100 values
          }
        }
      }
      return used >= 30 && near >= 0.85 * used ? residual / used : Double.NaN;
    }
  }

  /** The values {@link #sourceSteps} reads of component {@code c}'s DCT. */
  private SourceScan sourceScan(int c) {
    int wholeW = (width * hSamp[c] / hMax) / 8;
    int wholeH = (height * vSamp[c] / vMax) / 8;
    int stride = Math.max(1, (int) Math.ceil(Math.sqrt(wholeW * (double) wholeH / SOURCE_BLOCKS)));
    int cap = (wholeW / stride + 1) * (wholeH / stride + 1);
    float[][] values = new float[SOURCE_POSITIONS][cap];
    int[] count = new int[SOURCE_POSITIONS];
    float[] ws = new float[64];
    float[] scale = new float[64];
    for (int n = 0; n < 64; n++) {
      scale[n] = (float) (1.0 / (8.0 * AAN[n >> 3] * AAN[n & 7]));
    }
    for (int by = 0; by < wholeH; by += stride) {
      Progress.checkInterrupted();
      for (int bx = 0; bx < wholeW; bx += stride) {
        System.arraycopy(planes[c], (by * blocksW[c] + bx) * 64, ws, 0, 64);
        float ac = 0;
        for (int n = 1; n < 64; n++) {
          ac += Math.abs(ws[ZIGZAG_OF[n]]) * scale[n];
        }
        for (int k = ac > 4 ? 0 : 1; k < SOURCE_POSITIONS; k++) {
          float v = Math.abs(ws[k] * scale[ZIGZAG[k]]);
          if (v >= 1) { // rounds to 0 for every step looked for
            values[k][count[k]++] = v;
          }
        }
      }
    }
    float[][] sorted = new float[SOURCE_POSITIONS][];
    for (int k = 0; k < SOURCE_POSITIONS; k++) {
      sorted[k] = byIntegerPart(values[k], count[k]);
    }
    return new SourceScan(sorted);
  }

  /**
   * The first {@code n} values (all at least 1) ordered by their integer part, largest first (a
   * counting sort: each step then reads only the values from half of it up).
   */
  private static float[] byIntegerPart(float[] values, int n) {
    int buckets = 1024;
    int[] start = new int[buckets + 1];
    for (int i = 0; i < n; i++) {
      start[buckets - 1 - Math.min(buckets - 1, (int) values[i])]++;
    }
    for (int b = 0, sum = 0; b <= buckets; b++) {
      int size = b < buckets ? start[b] : 0;
      start[b] = sum;
      sum += size;
    }
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[start[buckets - 1 - Math.min(buckets - 1, (int) values[i])]++] = values[i];
    }
    return out;
  }

  /** {@link #sourceSteps} of component {@code c} of 8-bit RGB or grey pixels (as 4:4:4). */
  static int[] sourceSteps(BufferedImage pixels, int c) {
    boolean grey = pixels.getType() == BufferedImage.TYPE_BYTE_GRAY;
    JpegWriter writer =
        new JpegWriter(pixels.getWidth(), pixels.getHeight(), grey, Subsampling.S444, 75);
    writer.loadPlanes(pixels, grey);
    writer.transformAll();
    int[] from = new int[SOURCE_POSITIONS];
    Arrays.fill(from, 2);
    return writer.sourceSteps(c, from);
  }

  /** {@link #textureWeights} of 8-bit RGB or grey pixels (luma blocks of 4:4:4). */
  static float[] textureWeights(BufferedImage pixels) {
    boolean grey = pixels.getType() == BufferedImage.TYPE_BYTE_GRAY;
    JpegWriter writer =
        new JpegWriter(pixels.getWidth(), pixels.getHeight(), grey, Subsampling.S444, 75);
    writer.loadPlanes(pixels, grey);
    return writer.textureWeights();
  }

  /**
   * The texture weight of every block of each component, row-major, from the luma blocks' {@code
   * luma}: its own for luma, the mean of the luma blocks it covers for chroma.
   */
  private float[][] textures(float[] luma) {
    float[][] out = new float[components][];
    out[0] = luma;
    int f = hMax;
    int bw = blocksW[0];
    for (int c = 1; c < components; c++) {
      float[] chroma = new float[blocksW[c] * blocksH[c]];
      for (int by = 0; by < blocksH[c]; by++) {
        for (int bx = 0; bx < blocksW[c]; bx++) {
          float sum = 0;
          for (int yy = 0; yy < f; yy++) {
            for (int xx = 0; xx < f; xx++) {
              sum += luma[(by * f + yy) * bw + bx * f + xx];
            }
          }
          chroma[by * blocksW[c] + bx] = sum / (f * f);
        }
      }
      out[c] = chroma;
    }
    return out;
  }

  /**
   * The forward DCT of every block of every plane, stored block by block in zigzag order: block
   * (bx, by) of a plane at {@code (by * blocksW + bx) * 64}, as in {@link #coef} (each row of
   * blocks takes the place of its eight rows of pixels).
   */
  private void transformAll() {
    float[] ws = new float[64];
    for (int c = 0; c < components; c++) {
      int planeW = blocksW[c] * 8;
      float[] plane = planes[c];
      float[] rows = new float[8 * planeW];
      for (int by = 0; by < blocksH[c]; by++) {
        Progress.checkInterrupted();
        int start = by * rows.length;
        System.arraycopy(plane, start, rows, 0, rows.length);
        for (int bx = 0; bx < blocksW[c]; bx++) {
          for (int r = 0; r < 8; r++) {
            System.arraycopy(rows, r * planeW + bx * 8, ws, r * 8, 8);
          }
          forwardDct(ws, plane, start + bx * 64);
        }
      }
    }
  }

  /**
   * Quantises every block: by rounding, or by trellis against {@code costs} (per table), and marks
   * its nonzero AC coefficients ({@link #nonzero}). Reads the blocks' DCT; {@code keepScaled}
   * leaves each block in zigzag order in quantiser units in its place instead, which later passes
   * read as they are (the step table is fixed by then). Blocks go {@link #GROUP} at a time, so that
   * the trellis can run their serial sums side by side ({@link #trellisGroup}). The rounding pass
   * runs first, on the fresh (zero) {@link #coef}, and writes only the nonzero values; the trellis
   * pass right after it, on the rounding pass's nonzero positions (the same quantiser units).
   */
  private void quantiseAll(float[][] costs, boolean keepScaled) {
    if (costs != null) {
      dcU = new float[components][];
      dcWeight = new float[components][];
      for (int c = 0; c < components; c++) {
        dcU[c] = new float[blocksW[c] * blocksH[c]];
        dcWeight[c] = new float[dcU[c].length];
      }
    }
    for (int c = 0; c < components; c++) {
      int t = c == 0 ? 0 : 1;
      float[] div = divisor[t];
      float[] plane = planes[c];
      short[] out = coef[c];
      short[] dcs = dc[c];
      long[] masks = nonzero[c];
      float[] weights = costs == null || textures == null ? null : textures[c];
      for (int first = 0; first < masks.length; first += GROUP) {
        if ((first & 0xFFF) == 0) {
          Progress.checkInterrupted(); // every 4096 blocks
        }
        int n = Math.min(GROUP, masks.length - first);
        // The group's quantiser units, 64 a block from u[base]: the planes' own once scaled (or
        // scaled here in place, to be kept), else groupU.
        float[] u = plane;
        int base = first * 64;
        if (!scaled) {
          if (!keepScaled) {
            u = groupU;
            base = 0;
          }
          for (int j = 0; j < n; j++) {
            int off = (first + j) * 64;
            int to = base + j * 64;
            for (int k = 0; k < 64; k++) {
              u[to + k] = plane[off + k] * div[k];
            }
          }
        }
        for (int j = 0; j < n; j++) {
          dcs[first + j] = (short) clamp(Math.round(u[base + j * 64]), 2047);
        }
        if (costs == null) {
          for (int j = 0; j < n; j++) {
            int off = (first + j) * 64;
            int from = base + j * 64;
            // The nonzero positions first, branch-free; the values of those only (the rest of a
            // fresh coefficient array is 0 already).
            long mask = 0;
            for (int k = 1; k < 64; k++) {
              mask |= (long) roundsToNonzero(u[from + k]) << k;
            }
            for (long m = mask; m != 0; m &= m - 1) {
              int k = Long.numberOfTrailingZeros(m);
              out[off + k] = (short) roundAc(u[from + k]);
            }
            masks[first + j] = mask;
          }
        } else {
          trellisGroup(n, u, base, steps[t], weights, first);
          for (int j = 0; j < n; j++) {
            int block = first + j;
            float w = groupWeight[j];
            // the rounding pass's nonzero positions, of the same quantiser units
            masks[block] =
                trellis(u, base + j * 64, masks[block], j * 64, w, costs[t], out, block * 64);
            dcU[c][block] = u[base + j * 64];
            dcWeight[c][block] = w;
          }
        }
      }
    }
    scaled |= keepScaled;
  }

  private static int clamp(int v, int limit) {
    return Math.max(-limit, Math.min(limit, v));
  }

  /**
   * 1 where {@link #roundAc} of {@code u} is nonzero, else 0: where |u| + 0.5 (as roundAc adds it,
   * in float) is at least 1, which compares as its bits do (it is positive; the DCT of 8-bit
   * samples is finite).
   */
  static int roundsToNonzero(float u) {
    return (0x3F7FFFFF - Float.floatToRawIntBits(Math.abs(u) + 0.5f)) >>> 31;
  }

  static int roundAc(float u) {
    int m = Math.min(1023, (int) (Math.abs(u) + 0.5f));
    int sign = Float.floatToRawIntBits(u) >> 31; // -1 for negative (and -0, which rounds to 0)
    return (m ^ sign) - sign;
  }

  /**
   * Blocks quantised together: the trellis's two serial sums per block (its AC energy in double and
   * the running distortion of zeroing its coefficients, {@link #groupZero}) are chains of 63
   * dependent additions each, and four blocks' chains side by side keep the adder busy where one
   * block's waited for each addition; every sum still adds the same values in the same order. When
   * the trellis first ran this way, four blocks took 20.1 and 21.0 CPU ms per MP for the encode at
   * effort 1 against 21.2 twice for one block at a time ({@code bench/codec-steps.sh}, alternating
   * runs); eight blocks measured no better than four.
   */
  private static final int GROUP = 4;

  /** Quantiser units of the group's blocks, 64 each in zigzag order, where the planes keep none. */
  private final float[] groupU = new float[GROUP * 64];

  /**
   * Per block of the group and zigzag position i, the weighted squared error of zeroing its AC
   * coefficients 1..i (0 at i = 0).
   */
  private final float[] groupZero = new float[GROUP * 64];

  /** Per block of the group, the squares of its coefficients in the DCT's units. */
  private final double[] groupSquares = new double[GROUP * 64];

  /** Per block of the group, its AC energy: the sum of its squares but the DC's. */
  private final double[] groupEnergy = new double[GROUP];

  /** Per block of the group, the weighted squared error of zeroing each coefficient. */
  private final float[] groupErrors = new float[GROUP * 64];

  /** Per block of the group, the trellis weight (lambda x texture). */
  private final float[] groupWeight = new float[GROUP];

  /**
   * The trellis weight and the running zeroing error of each of the first {@code n} blocks of the
   * group (block {@code first} of the component on; quantiser units, 64 a block from {@code
   * u[base]}): mozjpeg's lambda from the block's AC energy, scaled by its {@code textures} weight
   * (null: 1). The squares are computed in loops of independent lanes into {@link #groupSquares},
   * and only their sums run in order, four blocks side by side: in a microbenchmark the energy took
   * 30 ns per block this way and 76 ns with each square computed in the chain's loop.
   */
  private void trellisGroup(int n, float[] u, int base, float[] q, float[] textures, int first) {
    double[] squares = groupSquares;
    for (int j = 0; j < n; j++) {
      int from = base + j * 64;
      int to = j * 64;
      for (int k = 0; k < 64; k++) {
        double c = u[from + k] * q[k];
        squares[to + k] = c * c;
      }
    }
    double[] energy = groupEnergy;
    if (n < GROUP) {
      for (int j = 0; j < n; j++) {
        energy[j] = sum(squares, j * 64);
      }
    } else {
      sum4(squares, energy);
    }
    for (int j = 0; j < n; j++) {
      // mozjpeg measures on coefficients 8x ours: 64x the squared error in quantiser units.
      float texture = textures == null ? 1 : textures[first + j];
      groupWeight[j] =
          texture * (float) (64.0 * LAMBDA_SCALE / (LAMBDA_OFFSET + 64.0 * energy[j] / 63.0));
    }
    float[] errors = groupErrors;
    for (int j = 0; j < n; j++) {
      float w = groupWeight[j];
      int from = base + j * 64;
      int to = j * 64;
      for (int i = 0; i < 64; i++) {
        float x = Math.abs(u[from + i]);
        errors[to + i] = w * x * x;
      }
    }
    float[] zero = groupZero;
    if (n < GROUP) {
      for (int j = 0; j < n; j++) {
        prefix(errors, zero, j * 64);
      }
    } else {
      prefix4(errors, zero);
    }
  }

  /** The sum of {@code squares[from + 1 .. from + 63]}, in order. */
  private static double sum(double[] squares, int from) {
    double e = 0;
    for (int k = 1; k < 64; k++) {
      e += squares[from + k];
    }
    return e;
  }

  /** {@link #sum} of the four blocks of {@code squares} into {@code out}, side by side. */
  private static void sum4(double[] squares, double[] out) {
    double e0 = 0;
    double e1 = 0;
    double e2 = 0;
    double e3 = 0;
    for (int k = 1; k < 64; k++) {
      e0 += squares[k];
      e1 += squares[64 + k];
      e2 += squares[128 + k];
      e3 += squares[192 + k];
    }
    out[0] = e0;
    out[1] = e1;
    out[2] = e2;
    out[3] = e3;
  }

  /** The running sums of {@code errors[from + 1 .. from + i]} into {@code zero}, i = 0..63. */
  private static void prefix(float[] errors, float[] zero, int from) {
    float z = 0;
    zero[from] = 0;
    for (int i = 1; i < 64; i++) {
      z += errors[from + i];
      zero[from + i] = z;
    }
  }

  /** {@link #prefix} of the four blocks of {@code errors}, side by side. */
  private static void prefix4(float[] errors, float[] zero) {
    float z0 = 0;
    float z1 = 0;
    float z2 = 0;
    float z3 = 0;
    zero[0] = 0;
    zero[64] = 0;
    zero[128] = 0;
    zero[192] = 0;
    for (int i = 1; i < 64; i++) {
      z0 += errors[i];
      z1 += errors[64 + i];
      z2 += errors[128 + i];
      z3 += errors[192 + i];
      zero[i] = z0;
      zero[64 + i] = z1;
      zero[128 + i] = z2;
      zero[192 + i] = z3;
    }
  }

  /**
   * Chooses the AC values of one block (zigzag, in quantiser units from {@code u[base]}; its {@code
   * nonzero} positions, zeroing errors (from {@code groupZero[z]}) and {@code weight} from {@link
   * #trellisGroup}) minimising bits + weight x squared error, where bits are the Huffman lengths in
   * {@code cost} of each (run, size) symbol plus the size bits, and the block ends with an EOB
   * wherever that is cheapest. Writes them into {@code out} from {@code off} and returns their
   * nonzero positions. A coefficient that rounds to 0 is never worth coding (every candidate of it
   * is 0), so only the nonzero positions are visited: a zero only lengthens the runs, and what it
   * costs is in the running zeroing error.
   */
  private long trellis(
      float[] u, int base, long nonzero, int z, float weight, float[] cost, short[] out, int off) {
    float[] zero = groupZero;
    float zrl = cost[0xF0];
    float eob = cost[0x00];
    int stateCount = 1;
    states[0] = 0;
    accCost[0] = 0;
    for (long m = nonzero; m != 0; m &= m - 1) {
      int i = Long.numberOfTrailingZeros(m);
      float x = Math.abs(u[base + i]);
      int rounded = Math.min(1023, (int) (x + 0.5f));
      int sizes = 32 - Integer.numberOfLeadingZeros(rounded);
      // Each size's value and error are the same from every start.
      for (int size = 1; size <= sizes; size++) {
        int value = size == sizes ? rounded : (1 << size) - 1;
        float d = value - x;
        sizeValue[size] = value;
        sizeError[size] = weight * d * d;
      }
      // The latest starts first: they are usually the cheapest, and every cost added to a start's
      // base is at least 1 (a symbol's length and its size bits), so an earlier start whose base
      // plus 1 is already over the best cannot win. On a tie the earlier start wins, as it did
      // when starts were tried from the first.
      float best = Float.MAX_VALUE;
      int bestStart = 0;
      int bestValue = 0;
      float zeroBefore = zero[z + i - 1];
      for (int s = stateCount - 1; s >= 0; s--) {
        int j = states[s];
        int run = i - 1 - j;
        float start = accCost[j] + zeroBefore - zero[z + j] + (run >> 4) * zrl;
        if (start + 1f > best) {
          continue;
        }
        int runNibble = (run & 15) << 4;
        float startBest = Float.MAX_VALUE;
        int startValue = 0;
        for (int size = 1; size <= sizes; size++) {
          float total = start + cost[runNibble | size] + size + sizeError[size];
          if (total < startBest) {
            startBest = total;
            startValue = sizeValue[size];
          }
        }
        if (startBest <= best) {
          best = startBest;
          bestStart = j;
          bestValue = startValue;
        }
      }
      accCost[i] = best;
      runStart[i] = bestStart;
      chosen[i] = bestValue;
      states[stateCount++] = i;
    }
    int last = 0;
    float all = zero[z + 63];
    float best = all + eob;
    for (int s = 1; s < stateCount; s++) {
      int i = states[s];
      float total = accCost[i] + all - zero[z + i] + (i < 63 ? eob : 0);
      if (total < best) {
        best = total;
        last = i;
      }
    }
    for (long m = nonzero; m != 0; m &= m - 1) {
      out[off + Long.numberOfTrailingZeros(m)] = 0; // the rounding pass's values
    }
    long mask = 0;
    for (int i = last; i > 0; i = runStart[i]) {
      out[off + i] = (short) (u[base + i] < 0 ? -chosen[i] : chosen[i]);
      mask |= 1L << i;
    }
    return mask;
  }

  /** Block indices of component {@code c} in the order the DC scan codes them. */
  private int[] dcOrder(int c) {
    Scan scan = dcScan();
    if (scan.comps.length == 1) {
      int[] order = new int[coveredBlocksW(c) * coveredBlocksH(c)];
      int n = 0;
      for (int by = 0; by < coveredBlocksH(c); by++) {
        for (int bx = 0; bx < coveredBlocksW(c); bx++) {
          order[n++] = by * blocksW[c] + bx;
        }
      }
      return order;
    }
    int[] order = new int[blocksW[c] * blocksH[c]];
    int n = 0;
    for (int my = 0; my < mcusY; my++) {
      for (int mx = 0; mx < mcusX; mx++) {
        for (int yy = 0; yy < vSamp[c]; yy++) {
          for (int xx = 0; xx < hSamp[c]; xx++) {
            order[n++] = (my * vSamp[c] + yy) * blocksW[c] + mx * hSamp[c] + xx;
          }
        }
      }
    }
    return order;
  }

  /**
   * Chooses every DC value again, now that the AC trellis has run: per component, a Viterbi pass in
   * coding order over the floor and the ceiling of each block's DC, minimising the Huffman bits of
   * the differences (code lengths of the rounded DC) + the block's own trellis weight x squared
   * error. Most of a smooth full-size photo's bytes at low quality are DC (two thirds of a sky at
   * score 70); the pass saved 1-3 % there at an equal or better SSIMULACRA 2 (fewer DC steps
   * between neighbours that rounding split).
   */
  private void dcTrellis() {
    long[][] freq = new long[2][256];
    dcScan(dcScan(), freq, null, null);
    float[][] bits = new float[2][];
    for (int t = 0; t < Math.min(2, components); t++) {
      bits[t] = JpegHuffman.of(freq[t]).costs(UNSEEN_SYMBOL_BITS);
    }
    for (int c = 0; c < components; c++) {
      Progress.checkInterrupted();
      int[] order = dcOrder(c);
      float[] u = new float[order.length];
      float[] weight = new float[order.length];
      for (int i = 0; i < order.length; i++) {
        u[i] = dcU[c][order[i]];
        weight[i] = dcWeight[c][order[i]];
      }
      short[] chosen = chooseDc(u, weight, bits[c == 0 ? 0 : 1]);
      for (int i = 0; i < order.length; i++) {
        dc[c][order[i]] = chosen[i];
      }
    }
  }

  /**
   * The DC values (each the floor or the ceiling of {@code u}, clamped to +-2047) minimising the
   * bits of the differences between neighbours in sequence (DPCM from 0; {@code bits}: Huffman
   * length of each size category) + {@code weight} x squared error.
   */
  static short[] chooseDc(float[] u, float[] weight, float[] bits) {
    int n = u.length;
    short[] out = new short[n];
    if (n == 0) {
      return out;
    }
    int[] floor = new int[n];
    byte[] from = new byte[2 * n];
    float cost0 = 0;
    float cost1 = 0;
    for (int i = 0; i < n; i++) {
      floor[i] = Math.max(-2047, Math.min(2046, (int) Math.floor(u[i])));
      float next0 = 0;
      float next1 = 0;
      for (int s = 0; s < 2; s++) {
        int v = floor[i] + s;
        float d = weight[i] * (v - u[i]) * (v - u[i]);
        float best;
        int arg = 0;
        if (i == 0) {
          best = dcBits(v, bits);
        } else {
          float via0 = cost0 + dcBits(v - floor[i - 1], bits);
          float via1 = cost1 + dcBits(v - floor[i - 1] - 1, bits);
          best = Math.min(via0, via1);
          arg = via1 < via0 ? 1 : 0;
        }
        from[2 * i + s] = (byte) arg;
        if (s == 0) {
          next0 = best + d;
        } else {
          next1 = best + d;
        }
      }
      cost0 = next0;
      cost1 = next1;
    }
    int s = cost1 < cost0 ? 1 : 0;
    for (int i = n - 1; i >= 0; i--) {
      out[i] = (short) (floor[i] + s);
      s = from[2 * i + s];
    }
    return out;
  }

  private static float dcBits(int diff, float[] bits) {
    int size = bitSize(diff);
    return bits[size] + size;
  }

  /** Symbol counts of the AC coefficients of table {@code t}'s components, coded sequentially. */
  private long[] countSequentialAc(int t) {
    long[] freq = new long[256];
    for (int c = 0; c < components; c++) {
      if ((c == 0 ? 0 : 1) != t) {
        continue;
      }
      short[] blocks = coef[c];
      long[] masks = nonzero[c];
      for (int block = 0; block < masks.length; block++) {
        if ((block & 0xFFF) == 0) {
          Progress.checkInterrupted(); // every 4096 blocks
        }
        int prev = 0;
        for (long m = masks[block]; m != 0; m &= m - 1) {
          int k = Long.numberOfTrailingZeros(m);
          int run = k - prev - 1;
          freq[0xF0] += run >> 4;
          freq[((run & 15) << 4) | bitSize(blocks[block * 64 + k])]++;
          prev = k;
        }
        if (prev < 63) {
          freq[0]++;
        }
      }
    }
    return freq;
  }

  private static int bitSize(int v) {
    return 32 - Integer.numberOfLeadingZeros(Math.abs(v));
  }

  /**
   * libjpeg's float AAN forward DCT of the 8x8 samples in {@code d} (row-major; its row pass
   * overwrites them), written to {@code out} from {@code o} in zigzag order; outputs scaled by 8
   * AAN[u] AAN[v]. Each column's outputs go straight to their zigzag places (constant indices once
   * inlined), so quantisation reads a block in the order it codes it, with no gather.
   */
  static void forwardDct(float[] d, float[] out, int o) {
    for (int p = 0; p < 64; p += 8) {
      dct8(d, p, 1, d, p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7);
    }
    dct8(d, 0, 8, out, o, o + 2, o + 3, o + 9, o + 10, o + 20, o + 21, o + 35);
    dct8(d, 1, 8, out, o + 1, o + 4, o + 8, o + 11, o + 19, o + 22, o + 34, o + 36);
    dct8(d, 2, 8, out, o + 5, o + 7, o + 12, o + 18, o + 23, o + 33, o + 37, o + 48);
    dct8(d, 3, 8, out, o + 6, o + 13, o + 17, o + 24, o + 32, o + 38, o + 47, o + 49);
    dct8(d, 4, 8, out, o + 14, o + 16, o + 25, o + 31, o + 39, o + 46, o + 50, o + 57);
    dct8(d, 5, 8, out, o + 15, o + 26, o + 30, o + 40, o + 45, o + 51, o + 56, o + 58);
    dct8(d, 6, 8, out, o + 27, o + 29, o + 41, o + 44, o + 52, o + 55, o + 59, o + 62);
    dct8(d, 7, 8, out, o + 28, o + 42, o + 43, o + 53, o + 54, o + 60, o + 61, o + 63);
  }

  /**
   * One 8-point pass over {@code d[p + i s]}, i = 0..7, output i into {@code out[oi]} (all inputs
   * are read before the first output is written, so {@code out} may be {@code d}).
   */
  private static void dct8(
      float[] d,
      int p,
      int s,
      float[] out,
      int o0,
      int o1,
      int o2,
      int o3,
      int o4,
      int o5,
      int o6,
      int o7) {
    float tmp0 = d[p] + d[p + 7 * s];
    float tmp7 = d[p] - d[p + 7 * s];
    float tmp1 = d[p + s] + d[p + 6 * s];
    float tmp6 = d[p + s] - d[p + 6 * s];
    float tmp2 = d[p + 2 * s] + d[p + 5 * s];
    float tmp5 = d[p + 2 * s] - d[p + 5 * s];
    float tmp3 = d[p + 3 * s] + d[p + 4 * s];
    float tmp4 = d[p + 3 * s] - d[p + 4 * s];

    float tmp10 = tmp0 + tmp3;
    float tmp13 = tmp0 - tmp3;
    float tmp11 = tmp1 + tmp2;
    float tmp12 = tmp1 - tmp2;
    out[o0] = tmp10 + tmp11;
    out[o4] = tmp10 - tmp11;
    float z1 = (tmp12 + tmp13) * 0.707106781f;
    out[o2] = tmp13 + z1;
    out[o6] = tmp13 - z1;

    tmp10 = tmp4 + tmp5;
    tmp11 = tmp5 + tmp6;
    tmp12 = tmp6 + tmp7;
    float z5 = (tmp10 - tmp12) * 0.382683433f;
    float z2 = 0.541196100f * tmp10 + z5;
    float z4 = 1.306562965f * tmp12 + z5;
    float z3 = tmp11 * 0.707106781f;
    float z11 = tmp7 + z3;
    float z13 = tmp7 - z3;
    out[o5] = z13 + z2;
    out[o3] = z13 - z2;
    out[o1] = z11 + z4;
    out[o7] = z11 - z4;
  }

  // ---- Output ----

  private record Scan(int[] comps, int ss, int se) {}

  /** The first scan: the DC of all components. */
  private Scan dcScan() {
    return new Scan(components == 1 ? new int[] {0} : new int[] {0, 1, 2}, 0, 0);
  }

  /**
   * Where the candidate scripts split luma's AC (each number the last coefficient of a band, in
   * zigzag order): of the splittings tried (14 on the sample photos, 8 of them on the wallpapers),
   * these were the smallest on some photo. The first band comes before chroma's, the rest after.
   */
  private static final int[][] LUMA_SPLITS = {{2, 9}, {2, 14}, {2, 7}, {5}, {9}};

  /**
   * Where the candidate scripts split each chroma component's AC: whole, or after the first two.
   */
  private static final int[][] CHROMA_SPLITS = {{}, {2}};

  /**
   * The candidate scan scripts: DC of all components first, then luma's first AC band, chroma (Cb
   * and Cr band by band), luma's other bands ({@link #LUMA_SPLITS} x {@link #CHROMA_SPLITS}).
   */
  private Scan[][] scripts() {
    List<Scan[]> out = new ArrayList<>();
    int[][] chromaSplits = components == 1 ? new int[][] {{}} : CHROMA_SPLITS;
    for (int[] luma : LUMA_SPLITS) {
      for (int[] chroma : chromaSplits) {
        List<Scan> script = new ArrayList<>();
        script.add(dcScan());
        script.add(new Scan(new int[] {0}, 1, luma[0]));
        for (int b = 0; b <= chroma.length && components == 3; b++) {
          int ss = b == 0 ? 1 : chroma[b - 1] + 1;
          int se = b == chroma.length ? 63 : chroma[b];
          script.add(new Scan(new int[] {1}, ss, se));
          script.add(new Scan(new int[] {2}, ss, se));
        }
        for (int b = 0; b < luma.length; b++) {
          script.add(new Scan(new int[] {0}, luma[b] + 1, b + 1 < luma.length ? luma[b + 1] : 63));
        }
        out.add(script.toArray(new Scan[0]));
      }
    }
    return out.toArray(new Scan[0][]);
  }

  private byte[] write() {
    JpegBitWriter out = new JpegBitWriter(width * height / 4);
    out.marker(0xD8);
    out.marker(0xE0);
    out.shortOut(16);
    for (byte b : new byte[] {'J', 'F', 'I', 'F', 0, 1, 1, 0}) {
      out.byteOut(b);
    }
    out.shortOut(1);
    out.shortOut(1);
    out.byteOut(0);
    out.byteOut(0);
    int tables = components == 1 ? 1 : 2;
    out.marker(0xDB);
    out.shortOut(2 + 65 * tables);
    for (int t = 0; t < tables; t++) {
      out.byteOut(t);
      for (int k = 0; k < 64; k++) {
        out.byteOut(quant[t][k]);
      }
    }
    out.marker(0xC2);
    out.shortOut(8 + 3 * components);
    out.byteOut(8);
    out.shortOut(height);
    out.shortOut(width);
    out.byteOut(components);
    for (int c = 0; c < components; c++) {
      out.byteOut(c + 1);
      out.byteOut((hSamp[c] << 4) | vSamp[c]);
      out.byteOut(c == 0 ? 0 : 1);
    }
    Scan[][] candidates = scripts();
    Map<Integer, Band> bands = countBands(candidates);
    Scan[] scans = null;
    long bits = Long.MAX_VALUE;
    for (Scan[] candidate : candidates) {
      long b = acTables(candidate, bands, null);
      if (b < bits) {
        scans = candidate;
        bits = b;
      }
    }
    JpegHuffman[] acTables = new JpegHuffman[scans.length];
    acTables(scans, bands, acTables);
    for (int i = 0; i < scans.length; i++) {
      if (scans[i].ss == 0) {
        writeDcScan(scans[i], out);
      } else {
        writeAcScan(scans[i], acTables[i], i == 0 || acTables[i] != acTables[i - 1], out);
      }
    }
    out.marker(0xD9);
    return out.toByteArray();
  }

  private static void writeTable(JpegBitWriter out, int tableClass, int id, JpegHuffman table) {
    out.marker(0xC4);
    out.shortOut(2 + 17 + table.values.length);
    out.byteOut((tableClass << 4) | id);
    for (int len = 1; len <= 16; len++) {
      out.byteOut(table.bits[len]);
    }
    for (int v : table.values) {
      out.byteOut(v);
    }
  }

  /** {@code dcTables}: 2 for luma's and chroma's own DC tables, 1 for one shared, 0 in AC scans. */
  private void writeScanHeader(JpegBitWriter out, Scan scan, int dcTables) {
    out.marker(0xDA);
    out.shortOut(6 + 2 * scan.comps.length);
    out.byteOut(scan.comps.length);
    for (int c : scan.comps) {
      out.byteOut(c + 1);
      out.byteOut(dcTables == 2 && c > 0 ? 0x10 : 0);
    }
    out.byteOut(scan.ss);
    out.byteOut(scan.se);
    out.byteOut(0);
  }

  /** Blocks of component {@code c} that cover the image (a one-component scan codes only these). */
  private int coveredBlocksW(int c) {
    return ((width * hSamp[c] + hMax - 1) / hMax + 7) / 8;
  }

  private int coveredBlocksH(int c) {
    return ((height * vSamp[c] + vMax - 1) / vMax + 7) / 8;
  }

  private void writeDcScan(Scan scan, JpegBitWriter out) {
    long[][] freq = new long[2][256];
    dcScan(scan, freq, null, null);
    JpegHuffman[] tables = new JpegHuffman[2];
    int count = Math.min(2, components);
    if (count == 2) {
      long[] merged = plus(freq[0], freq[1]);
      if (tableBits(merged) < tableBits(freq[0]) + tableBits(freq[1])) {
        freq[0] = merged;
        count = 1;
      }
    }
    for (int t = 0; t < count; t++) {
      tables[t] = JpegHuffman.of(freq[t]);
      writeTable(out, 0, t, tables[t]);
    }
    if (count == 1) {
      tables[1] = tables[0];
    }
    writeScanHeader(out, scan, count);
    dcScan(scan, null, tables, out);
    out.flushBits();
  }

  private void dcScan(Scan scan, long[][] freq, JpegHuffman[] tables, JpegBitWriter out) {
    int[] pred = new int[components];
    if (scan.comps.length == 1) {
      int c = scan.comps[0];
      for (int by = 0; by < coveredBlocksH(c); by++) {
        Progress.checkInterrupted();
        for (int bx = 0; bx < coveredBlocksW(c); bx++) {
          dcBlock(c, by * blocksW[c] + bx, pred, freq, tables, out);
        }
      }
      return;
    }
    for (int my = 0; my < mcusY; my++) {
      Progress.checkInterrupted();
      for (int mx = 0; mx < mcusX; mx++) {
        for (int c : scan.comps) {
          for (int yy = 0; yy < vSamp[c]; yy++) {
            for (int xx = 0; xx < hSamp[c]; xx++) {
              int block = (my * vSamp[c] + yy) * blocksW[c] + mx * hSamp[c] + xx;
              dcBlock(c, block, pred, freq, tables, out);
            }
          }
        }
      }
    }
  }

  private void dcBlock(
      int c, int block, int[] pred, long[][] freq, JpegHuffman[] tables, JpegBitWriter out) {
    int value = dc[c][block];
    int diff = value - pred[c];
    pred[c] = value;
    int size = bitSize(diff);
    int t = c == 0 ? 0 : 1;
    if (freq != null) {
      freq[t][size]++;
      return;
    }
    codeAndValue(tables[t], size, diff, size, out);
  }

  /**
   * Writes symbol {@code s}'s code and the low {@code size} bits of {@code value} (less one when
   * negative) in one call: at most 16 + 12 bits.
   */
  private static void codeAndValue(
      JpegHuffman table, int s, int value, int size, JpegBitWriter out) {
    int bits = (value < 0 ? value - 1 : value) & ((1 << size) - 1);
    out.bits((table.code[s] << size) | bits, table.length[s] + size);
  }

  /**
   * Symbol counts of one AC band of one component, its bits beyond the codes and its code bits with
   * its own table ({@link #tableBits}).
   */
  private record Band(long[] freq, long extra, long bits) {}

  private static int bandKey(Scan scan) {
    return (scan.comps[0] << 12) | (scan.ss << 6) | scan.se;
  }

  /**
   * The {@link Band} of every AC scan of the scripts, keyed by {@link #bandKey}: one pass over each
   * component's blocks, which runs every band over a block's nonzero coefficients ({@link
   * #nonzero}), counted as {@link #acScan} would code them.
   */
  private Map<Integer, Band> countBands(Scan[][] scripts) {
    Map<Integer, Band> out = new HashMap<>();
    for (int c = 0; c < components; c++) {
      List<Scan> bands = new ArrayList<>();
      Set<Integer> seen = new HashSet<>();
      for (Scan[] script : scripts) {
        for (Scan scan : script) {
          if (scan.ss > 0 && scan.comps[0] == c && seen.add(bandKey(scan))) {
            bands.add(scan);
          }
        }
      }
      BandCounter counter = new BandCounter(bands, coef[c], nonzero[c], blocksW[c]);
      for (int by = 0; by < coveredBlocksH(c); by++) {
        Progress.checkInterrupted();
        counter.row(by, coveredBlocksW(c));
      }
      counter.finish(out);
    }
    return out;
  }

  /**
   * The symbol counts of one component's AC bands, a row of blocks per call: C2 compiles the row
   * once, where one long loop over all rows was compiled again for each on-stack replacement (six
   * compilations of about 30 kB, 0.2 s each, per run).
   */
  private static final class BandCounter {
    private final List<Scan> bands;
    private final short[] blocks;
    private final long[] masks;
    private final int blocksW;
    private final int n;
    private final long[][] freq;
    private final long[] extra;
    private final int[] eobRun;
    private final long[] bandBits;
    private final int[] ss;
    private final int[] se;
    private final int[] size = new int[64];

    BandCounter(List<Scan> bands, short[] blocks, long[] masks, int blocksW) {
      this.bands = bands;
      this.blocks = blocks;
      this.masks = masks;
      this.blocksW = blocksW;
      n = bands.size();
      freq = new long[n][256];
      extra = new long[n];
      eobRun = new int[n];
      bandBits = new long[n];
      ss = new int[n];
      se = new int[n];
      for (int b = 0; b < n; b++) {
        bandBits[b] = bandMask(bands.get(b));
        ss[b] = bands.get(b).ss;
        se[b] = bands.get(b).se;
      }
    }

    void row(int by, int width) {
      for (int bx = 0; bx < width; bx++) {
        int block = by * blocksW + bx;
        int off = block * 64;
        long mask = masks[block];
        for (long m = mask; m != 0; m &= m - 1) {
          int k = Long.numberOfTrailingZeros(m);
          size[k] = bitSize(blocks[off + k]);
        }
        for (int b = 0; b < n; b++) {
          long m = mask & bandBits[b];
          int prev = ss[b] - 1;
          if (m != 0) {
            long[] f = freq[b];
            if (eobRun[b] > 0) {
              extra[b] += eobRun(eobRun[b], f, null, null);
              eobRun[b] = 0;
            }
            long valueBits = 0;
            do {
              int k = Long.numberOfTrailingZeros(m);
              int run = k - prev - 1;
              f[0xF0] += run >> 4;
              f[((run & 15) << 4) | size[k]]++;
              valueBits += size[k];
              prev = k;
              m &= m - 1;
            } while (m != 0);
            extra[b] += valueBits;
          }
          if (prev < se[b] && ++eobRun[b] == 0x7FFF) {
            extra[b] += eobRun(eobRun[b], freq[b], null, null);
            eobRun[b] = 0;
          }
        }
      }
    }

    void finish(Map<Integer, Band> out) {
      for (int b = 0; b < n; b++) {
        if (eobRun[b] > 0) {
          extra[b] += eobRun(eobRun[b], freq[b], null, null);
        }
        out.put(bandKey(bands.get(b)), new Band(freq[b], extra[b], tableBits(freq[b])));
      }
    }
  }

  /**
   * The Huffman table of each AC scan: consecutive scans share one (defined once, before the first
   * of them) where the shared table's extra bits cost less than a second table's definition, which
   * is 17 bytes plus one per symbol: on images of a few kilobytes the definitions are several
   * percent of the file (on the sample photos this and the same choice for the two DC tables saved
   * 0.3 % at equal score). A table is shared as long as adding the next scan to it pays. Returns
   * the bits of every AC scan's codes, value and run bits and table definitions; fills {@code
   * tables} (one per scan, null for DC) when given.
   */
  private static long acTables(Scan[] scans, Map<Integer, Band> bands, JpegHuffman[] tables) {
    long bits = 0;
    long[] group = null;
    long groupBits = 0;
    int first = 0;
    for (int i = 0; i <= scans.length; i++) {
      Band band = i < scans.length && scans[i].ss > 0 ? bands.get(bandKey(scans[i])) : null;
      if (band != null && group != null) {
        long[] merged = plus(group, band.freq);
        long mergedBits = tableBits(merged);
        if (mergedBits < groupBits + band.bits) {
          group = merged;
          groupBits = mergedBits;
          bits += band.extra;
          continue;
        }
      }
      if (group != null && tables != null) {
        JpegHuffman table = JpegHuffman.of(group);
        Arrays.fill(tables, first, i, table);
      }
      bits += groupBits;
      group = band == null ? null : band.freq;
      groupBits = band == null ? 0 : band.bits;
      bits += band == null ? 0 : band.extra;
      first = i;
    }
    return bits;
  }

  /** The symbol counts of two tables' codes under one table. */
  private static long[] plus(long[] a, long[] b) {
    long[] sum = a.clone();
    for (int v = 0; v < sum.length; v++) {
      sum[v] += b[v];
    }
    return sum;
  }

  /** Bits of the Huffman codes for {@code freq} with its own optimal table, plus the table. */
  private static long tableBits(long[] freq) {
    JpegHuffman table = JpegHuffman.of(freq);
    long bits = 8L * (17 + table.values.length);
    for (int v = 0; v < 256; v++) {
      bits += freq[v] * table.length[v];
    }
    return bits;
  }

  private void writeAcScan(Scan scan, JpegHuffman table, boolean define, JpegBitWriter out) {
    if (define) {
      writeTable(out, 1, 0, table);
    }
    writeScanHeader(out, scan, 0);
    acScan(scan, table, out);
    out.flushBits();
  }

  /** Writes one spectral band of one component, first pass (no successive approximation). */
  private void acScan(Scan scan, JpegHuffman table, JpegBitWriter out) {
    int c = scan.comps[0];
    short[] blocks = coef[c];
    long band = bandMask(scan);
    int eobRun = 0;
    for (int by = 0; by < coveredBlocksH(c); by++) {
      Progress.checkInterrupted();
      for (int bx = 0; bx < coveredBlocksW(c); bx++) {
        int block = by * blocksW[c] + bx;
        int prev = scan.ss - 1;
        for (long m = nonzero[c][block] & band; m != 0; m &= m - 1) {
          int k = Long.numberOfTrailingZeros(m);
          int v = blocks[block * 64 + k];
          if (eobRun > 0) {
            eobRun(eobRun, null, table, out);
            eobRun = 0;
          }
          int run = k - prev - 1;
          while (run > 15) {
            symbol(0xF0, null, table, out);
            run -= 16;
          }
          int size = bitSize(v);
          codeAndValue(table, (run << 4) | size, v, size, out);
          prev = k;
        }
        if (prev < scan.se && ++eobRun == 0x7FFF) {
          eobRun(eobRun, null, table, out);
          eobRun = 0;
        }
      }
    }
    if (eobRun > 0) {
      eobRun(eobRun, null, table, out);
    }
  }

  /** Bits {@code ss} to {@code se} of an AC scan's band, as in {@link #nonzero}'s masks. */
  private static long bandMask(Scan scan) {
    long upTo = scan.se == 63 ? -1L : (1L << (scan.se + 1)) - 1;
    return upTo & -(1L << scan.ss);
  }

  private static void symbol(int s, long[] freq, JpegHuffman table, JpegBitWriter out) {
    if (freq != null) {
      freq[s]++;
    } else {
      out.bits(table.code[s], table.length[s]);
    }
  }

  /** An end-of-band run of {@code run} blocks, counted or written; returns its value bits. */
  private static int eobRun(int run, long[] freq, JpegHuffman table, JpegBitWriter out) {
    int n = 31 - Integer.numberOfLeadingZeros(run);
    symbol(n << 4, freq, table, out);
    if (out != null && n > 0) {
      out.bits(run, n);
    }
    return n;
  }
}
