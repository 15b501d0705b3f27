package io.imgbeam.codec;

import com.googlecode.pngtastic.core.processing.zopfli.PartwiseZopfli;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes PNG files from unfiltered scanlines: IHDR, PLTE and tRNS when there is a palette, IDAT,
 * IEND, and no other chunk.
 *
 * <p>Filtering and deflate settings are trials chosen by the effort (see {@link PngOptions}): each
 * fixed filter for every row, and three per-row heuristics (libpng's minimum sum of absolute signed
 * bytes, the lowest byte entropy, and brute force: the filter whose row deflates smallest); the
 * smallest zlib stream wins, and {@link #finish} deflates its filtering again with {@link
 * NearOptimalDeflater} (and zopfli at the highest efforts). Interlaced files hold the seven Adam7
 * passes, each filtered as an image of its own.
 */
final class PngWriter {
  static final int GREY = 0;
  static final int RGB = 2;
  static final int PALETTE = 3;
  static final int GREY_ALPHA = 4;
  static final int RGBA = 6;

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final int IDAT_SIZE = 1 << 18;

  private PngWriter() {}

  /**
   * An image ready to write.
   *
   * @param raw the unfiltered scanlines, each {@link #rowBytes()} long, packed as PNG stores them
   * @param palette ARGB entries, for {@link #PALETTE} only (else null)
   */
  record Layout(int width, int height, int colourType, int bitDepth, int[] palette, byte[] raw) {
    int channels() {
      return switch (colourType) {
        case GREY, PALETTE -> 1;
        case GREY_ALPHA -> 2;
        case RGB -> 3;
        default -> 4;
      };
    }

    int rowBytes() {
      return (width * channels() * bitDepth + 7) / 8;
    }

    /**
     * Bytes per complete pixel, at least 1: the distance the Sub, Average and Paeth filters use.
     */
    int filterDistance() {
      return Math.max(1, channels() * bitDepth / 8);
    }
  }

  /**
   * The best zlib stream of one layout and the filtered scanlines it compresses.
   *
   * @param filtered the filter-type byte and filtered bytes of each row (of each Adam7 pass when
   *     interlaced)
   */
  record Stream(Layout layout, boolean interlaced, byte[] filtered, byte[] zlib) {
    /** The PNG file. */
    byte[] png() {
      return PngWriter.png(layout, interlaced, zlib);
    }

    /** This stream with {@code other} as its zlib data, when that is smaller. */
    Stream smaller(byte[] other) {
      return other.length < zlib.length ? new Stream(layout, interlaced, filtered, other) : this;
    }
  }

  /**
   * The PNG of {@code layout} with every row unfiltered, deflated once at zlib's default level: for
   * small pictures, where the filter trials cost more than they could save.
   */
  static byte[] unfiltered(Layout layout) {
    byte[] rows = filter(layout, List.of(NONE))[0];
    return png(
        layout, false, deflate(rows, Deflater.DEFAULT_COMPRESSION, Deflater.DEFAULT_STRATEGY));
  }

  /** The PNG of {@code layout} at {@code effort} (see {@link PngOptions}). */
  static byte[] write(Layout layout, int effort, boolean interlace) {
    return finish(deflate(layout, effort, interlace), effort).png();
  }

  /**
   * The smallest zlib stream of the filterings and deflate strategies {@code effort} tries (at
   * effort 2 a fast ranking deflate, for {@link #finish} to deflate the best filtering again).
   */
  static Stream deflate(Layout layout, int effort, boolean interlace) {
    return smallestStream(layout, effort, interlace);
  }

  /**
   * Deflates {@code stream}'s filtering again with the effort's slower deflaters (see {@link
   * PngOptions}), keeping the smallest stream: {@link NearOptimalDeflater} from effort 2, and
   * zopfli from effort 3. They run on one filtering only, the one zlib liked best: deflating the
   * runner-up too saved 0.03 % of the bench's bytes for half as much time again.
   */
  static Stream finish(Stream stream, int effort) {
    if (effort < 2) {
      return stream;
    }
    Stream best =
        stream.smaller(
            NearOptimalDeflater.zlib(
                stream.filtered(), effort == 2 ? NEAR_OPTIMAL_EFFORT2 : NEAR_OPTIMAL_EFFORT3));
    int iterations = effort >= 4 ? 15 : effort == 3 ? 5 : 0;
    long limit = effort >= 4 ? Long.MAX_VALUE : ZOPFLI_EFFORT3_MAX_BYTES;
    if (iterations == 0 || stream.filtered().length > limit) {
      return best;
    }
    return best.smaller(PartwiseZopfli.compress(stream.filtered(), iterations, ZOPFLI_PART));
  }

  /**
   * Effort 2's near-optimal parse: libdeflate's level 12 settings (search depth 300, nice length
   * 258, up to 10 passes). oxipng -o2 uses level 11 (100, 150, 4); level 12 costs this encoder
   * about a tenth more time, as filtering and ranking take most of it, and saves 0.15 %
   * (bench/png.sh).
   */
  static final NearOptimalDeflater.Level NEAR_OPTIMAL_EFFORT2 =
      new NearOptimalDeflater.Level(300, 258, 10);

  /** Effort 3 and 4's: effort 2's with up to 15 passes. */
  static final NearOptimalDeflater.Level NEAR_OPTIMAL_EFFORT3 =
      new NearOptimalDeflater.Level(300, 258, 15);

  /**
   * Zopfli's part size: the interrupt flag is checked between parts (a part takes well under a
   * second at 15 iterations), and each part boundary costs a block header.
   */
  private static final int ZOPFLI_PART = 1 << 17;

  /** The most filtered bytes effort 3 gives to zopfli: 4 MiB, a 1180x1180 RGB image. */
  private static final long ZOPFLI_EFFORT3_MAX_BYTES = 4L << 20;

  private static byte[] png(Layout layout, boolean interlaced, byte[] zlib) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(zlib.length + 1024);
    out.writeBytes(SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, layout.width());
    putInt(ihdr, 4, layout.height());
    ihdr[8] = (byte) layout.bitDepth();
    ihdr[9] = (byte) layout.colourType();
    ihdr[12] = (byte) (interlaced ? 1 : 0);
    chunk(out, "IHDR", ihdr, 0, ihdr.length);
    if (layout.colourType() == PALETTE) {
      writePalette(out, layout.palette());
    }
    for (int pos = 0; pos < zlib.length || pos == 0; pos += IDAT_SIZE) {
      chunk(out, "IDAT", zlib, pos, Math.min(IDAT_SIZE, zlib.length - pos));
    }
    chunk(out, "IEND", new byte[0], 0, 0);
    return out.toByteArray();
  }

  private static void writePalette(ByteArrayOutputStream out, int[] palette) {
    byte[] plte = new byte[palette.length * 3];
    int translucent = 0;
    for (int i = 0; i < palette.length; i++) {
      plte[3 * i] = (byte) (palette[i] >> 16);
      plte[3 * i + 1] = (byte) (palette[i] >> 8);
      plte[3 * i + 2] = (byte) palette[i];
      if ((palette[i] >>> 24) != 255) {
        translucent = i + 1;
      }
    }
    chunk(out, "PLTE", plte, 0, plte.length);
    if (translucent > 0) {
      // tRNS may stop at the last translucent entry; the rest default to opaque.
      byte[] trns = new byte[translucent];
      for (int i = 0; i < translucent; i++) {
        trns[i] = (byte) (palette[i] >>> 24);
      }
      chunk(out, "tRNS", trns, 0, trns.length);
    }
  }

  /** Fixed filters 0 to 4 apply one filter to every row; the heuristics choose per row. */
  private static final int NONE = 0;

  private static final int MIN_SUM = 5;
  private static final int ENTROPY = 6;
  private static final int BRUTE_FORCE = 7;
  private static final int BIGRAMS = 8;

  /** Brute force deflates every filter of every row: only for images up to this many bytes. */
  private static final int BRUTE_FORCE_MAX_BYTES = 1 << 20;

  /**
   * The fast zlib level that ranks effort 2's filterings for the near-optimal parser: level 1 ranks
   * as well as level 4 did on the bench's images (0.006 % more bytes) in a fifth less time.
   */
  private static final int RANKING_LEVEL = 1;

  /**
   * The smallest zlib stream of the trials {@code effort} allows (see {@link PngOptions}): at
   * effort 2 each filtering deflated by the fast ranking level, else each deflated at level 9 with
   * each strategy of the effort. Unfiltered rows are always among the trials.
   */
  private static Stream smallestStream(Layout layout, int effort, boolean interlace) {
    boolean magnitudes = layout.colourType() != PALETTE && layout.bitDepth() >= 8;
    List<Integer> modes = new ArrayList<>();
    List<Integer> strategies = new ArrayList<>(List.of(Deflater.DEFAULT_STRATEGY));
    if (effort == 0) {
      modes.add(magnitudes ? MIN_SUM : NONE);
    } else if (effort == 1) {
      modes.add(NONE);
      if (magnitudes) {
        modes.add(MIN_SUM);
        strategies.add(Deflater.FILTERED);
      }
    } else {
      for (int mode = NONE; mode <= ENTROPY; mode++) {
        modes.add(mode);
      }
      modes.add(BIGRAMS);
      strategies.add(Deflater.FILTERED);
      if (effort >= 3) {
        if (layout.raw().length <= BRUTE_FORCE_MAX_BYTES) {
          modes.add(BRUTE_FORCE);
        }
        strategies.add(Deflater.HUFFMAN_ONLY);
      }
    }
    byte[][] filtered = interlace ? filterPasses(layout, modes) : filter(layout, modes);
    Stream best = null;
    for (byte[] data : filtered) {
      if (effort == 2) {
        // The near-optimal deflate of finish() decides the bytes: a ranking deflate is enough.
        best = smaller(best, layout, interlace, data, RANKING_LEVEL, Deflater.DEFAULT_STRATEGY);
      } else {
        for (int strategy : strategies) {
          best = smaller(best, layout, interlace, data, Deflater.BEST_COMPRESSION, strategy);
        }
      }
    }
    return best;
  }

  /** {@code best}, or the stream of {@code data} at the level and strategy when it is smaller. */
  private static Stream smaller(
      Stream best, Layout layout, boolean interlace, byte[] data, int level, int strategy) {
    byte[] zlib = deflate(data, level, strategy);
    return best == null || zlib.length < best.zlib().length
        ? new Stream(layout, interlace, data, zlib)
        : best;
  }

  /** Adam7's passes: first column, first row, column step, row step. */
  private static final int[][] ADAM7 = {
    {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}
  };

  /**
   * The seven Adam7 passes, each filtered as an image of its own, for each mode; empty passes take
   * no bytes.
   */
  private static byte[][] filterPasses(Layout layout, List<Integer> modes) {
    ByteArrayOutputStream[] out = new ByteArrayOutputStream[modes.size()];
    for (int m = 0; m < out.length; m++) {
      out[m] = new ByteArrayOutputStream(layout.raw().length + layout.height() * 2);
    }
    for (int[] pass : ADAM7) {
      Layout sub = pass(layout, pass[0], pass[1], pass[2], pass[3]);
      if (sub != null) {
        byte[][] filtered = filter(sub, modes);
        for (int m = 0; m < out.length; m++) {
          out[m].writeBytes(filtered[m]);
        }
      }
    }
    byte[][] result = new byte[out.length][];
    for (int m = 0; m < out.length; m++) {
      result[m] = out[m].toByteArray();
    }
    return result;
  }

  /** The pixels of one Adam7 pass as a layout, or null when the pass holds none. */
  private static Layout pass(Layout layout, int x0, int y0, int dx, int dy) {
    int w = (layout.width() - x0 + dx - 1) / dx;
    int h = (layout.height() - y0 + dy - 1) / dy;
    if (w <= 0 || h <= 0) {
      return null;
    }
    int bits = layout.channels() * layout.bitDepth();
    Layout sub =
        new Layout(w, h, layout.colourType(), layout.bitDepth(), layout.palette(), new byte[0]);
    byte[] raw = new byte[sub.rowBytes() * h];
    int rowBytes = layout.rowBytes();
    for (int y = 0; y < h; y++) {
      int from = (y0 + y * dy) * rowBytes;
      int to = y * sub.rowBytes();
      for (int x = 0; x < w; x++) {
        int sx = x0 + x * dx;
        if (bits >= 8) {
          int size = bits / 8;
          System.arraycopy(layout.raw(), from + sx * size, raw, to + x * size, size);
        } else {
          int bit = sx * bits;
          int value = (layout.raw()[from + bit / 8] >> (8 - bits - bit % 8)) & ((1 << bits) - 1);
          int target = x * bits;
          raw[to + target / 8] |= (byte) (value << (8 - bits - target % 8));
        }
      }
    }
    return new Layout(w, h, layout.colourType(), layout.bitDepth(), layout.palette(), raw);
  }

  /**
   * The filtered rows of {@code layout} under each mode: each row is filtered once with each of the
   * five filters the modes may pick (all five when one mode chooses per row), and every mode picks
   * from those.
   */
  private static byte[][] filter(Layout layout, List<Integer> modes) {
    int rowBytes = layout.rowBytes();
    int bpp = layout.filterDistance();
    byte[] raw = layout.raw();
    byte[][] out = new byte[modes.size()][(rowBytes + 1) * layout.height()];
    byte[][] rows = new byte[5][rowBytes];
    long[] sums = new long[5];
    double[] costs = new double[5];
    int[] histogram = new int[256];
    boolean[] used = new boolean[5];
    for (int mode : modes) {
      if (mode < MIN_SUM) {
        used[mode] = true;
      } else {
        Arrays.fill(used, true);
      }
    }
    long[] seen = modes.contains(BIGRAMS) ? new long[1 << 10] : null;
    Deflater rowDeflater =
        modes.contains(BRUTE_FORCE) ? new Deflater(Deflater.BEST_COMPRESSION) : null;
    byte[] deflated = new byte[rowBytes * 2 + 64];
    try {
      for (int y = 0; y < layout.height(); y++) {
        Progress.checkInterrupted();
        int row = y * rowBytes;
        for (int type = 0; type < 5; type++) {
          if (used[type]) {
            sums[type] = filterRow(raw, row, rowBytes, bpp, y == 0, type, rows[type]);
          }
        }
        int dst = y * (rowBytes + 1);
        for (int m = 0; m < out.length; m++) {
          int mode = modes.get(m);
          int bestType = mode;
          if (mode >= MIN_SUM) {
            for (int type = 0; type < 5; type++) {
              costs[type] =
                  switch (mode) {
                    case MIN_SUM -> sums[type];
                    case ENTROPY -> entropy(rows[type], histogram);
                    case BIGRAMS -> bigrams(rows[type], seen);
                    default -> deflatedSize(rowDeflater, rows[type], deflated);
                  };
            }
            bestType = 0;
            for (int type = 1; type < 5; type++) {
              if (costs[type] < costs[bestType]) {
                bestType = type;
              }
            }
          }
          out[m][dst] = (byte) bestType;
          System.arraycopy(rows[bestType], 0, out[m], dst + 1, rowBytes);
        }
      }
    } finally {
      if (rowDeflater != null) {
        rowDeflater.end();
      }
    }
    return out;
  }

  /**
   * Filters one row with {@code type} into {@code out}; returns the sum of the absolute values of
   * the filtered bytes taken as signed (libpng's minimum-sum heuristic).
   */
  private static long filterRow(
      byte[] raw, int row, int rowBytes, int bpp, boolean first, int type, byte[] out) {
    int prev = row - rowBytes;
    long sum = 0;
    if (type == 0 || (type == 2 && first)) {
      for (int i = 0; i < rowBytes; i++) {
        byte v = raw[row + i];
        out[i] = v;
        sum += Math.abs(v);
      }
      return sum;
    }
    if (type == 2) {
      for (int i = 0; i < rowBytes; i++) {
        byte v = (byte) (raw[row + i] - raw[prev + i]);
        out[i] = v;
        sum += Math.abs(v);
      }
      return sum;
    }
    int lead = Math.min(bpp, rowBytes);
    for (int i = 0; i < lead; i++) {
      // No left neighbour: Sub and Paeth keep the byte (Paeth predicts the byte above), Average
      // subtracts half the byte above.
      int b = first ? 0 : raw[prev + i] & 0xFF;
      int predicted = type == 1 ? 0 : type == 3 ? b >>> 1 : b;
      byte v = (byte) (raw[row + i] - predicted);
      out[i] = v;
      sum += Math.abs(v);
    }
    if (type == 1) {
      for (int i = lead; i < rowBytes; i++) {
        byte v = (byte) (raw[row + i] - raw[row + i - bpp]);
        out[i] = v;
        sum += Math.abs(v);
      }
    } else if (type == 3) {
      for (int i = lead; i < rowBytes; i++) {
        int a = raw[row + i - bpp] & 0xFF;
        int b = first ? 0 : raw[prev + i] & 0xFF;
        byte v = (byte) (raw[row + i] - ((a + b) >>> 1));
        out[i] = v;
        sum += Math.abs(v);
      }
    } else if (first) {
      // Paeth with no row above predicts the left neighbour.
      for (int i = lead; i < rowBytes; i++) {
        byte v = (byte) (raw[row + i] - raw[row + i - bpp]);
        out[i] = v;
        sum += Math.abs(v);
      }
    } else {
      for (int i = lead; i < rowBytes; i++) {
        int a = raw[row + i - bpp] & 0xFF;
        int b = raw[prev + i] & 0xFF;
        int c = raw[prev + i - bpp] & 0xFF;
        byte v = (byte) (raw[row + i] - paeth(a, b, c));
        out[i] = v;
        sum += Math.abs(v);
      }
    }
    return sum;
  }

  /** Shannon entropy of a row's bytes, in bits: a closer estimate of deflate's cost than a sum. */
  private static double entropy(byte[] row, int[] histogram) {
    Arrays.fill(histogram, 0);
    for (byte b : row) {
      histogram[b & 0xFF]++;
    }
    double bits = 0;
    for (int count : histogram) {
      if (count > 0) {
        bits -= count * Math.log((double) count / row.length);
      }
    }
    return bits / Math.log(2);
  }

  /**
   * The number of distinct pairs of adjacent bytes in a row (oxipng's "bigrams" heuristic): fewer
   * distinct pairs mean more repeats for deflate to find.
   */
  private static int bigrams(byte[] row, long[] seen) {
    Arrays.fill(seen, 0);
    int distinct = 0;
    for (int i = 1; i < row.length; i++) {
      int pair = (row[i - 1] & 0xFF) << 8 | (row[i] & 0xFF);
      long bit = 1L << pair;
      if ((seen[pair >>> 6] & bit) == 0) {
        seen[pair >>> 6] |= bit;
        distinct++;
      }
    }
    return distinct;
  }

  private static int deflatedSize(Deflater deflater, byte[] row, byte[] buffer) {
    deflater.reset();
    deflater.setInput(row);
    deflater.finish();
    int size = 0;
    while (!deflater.finished()) {
      size += deflater.deflate(buffer);
    }
    return size;
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) {
      return a;
    }
    return pb <= pc ? b : c;
  }

  private static byte[] deflate(byte[] data, int level, int strategy) {
    Deflater deflater = new Deflater(level);
    try {
      deflater.setStrategy(strategy);
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
      byte[] buffer = new byte[1 << 16];
      while (!deflater.finished()) {
        Progress.checkInterrupted();
        int n = deflater.deflate(buffer);
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int off, int len) {
    byte[] header = new byte[8];
    putInt(header, 0, len);
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, header, 4, 4);
    out.write(header, 0, 8);
    out.write(data, off, len);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data, off, len);
    byte[] tail = new byte[4];
    putInt(tail, 0, (int) crc.getValue());
    out.write(tail, 0, 4);
  }

  private static void putInt(byte[] b, int pos, int value) {
    b[pos] = (byte) (value >>> 24);
    b[pos + 1] = (byte) (value >>> 16);
    b[pos + 2] = (byte) (value >>> 8);
    b[pos + 3] = (byte) value;
  }
}
