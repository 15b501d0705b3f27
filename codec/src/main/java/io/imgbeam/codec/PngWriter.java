package io.imgbeam.codec;

import com.googlecode.pngtastic.core.processing.zopfli.PartwiseZopfli;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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

  /** The PNG of {@code layout} at {@code effort} (see {@link PngOptions}), with zopfli when due. */
  static byte[] write(Layout layout, int effort, boolean interlace) {
    return finish(deflate(layout, effort, interlace), effort).png();
  }

  /** The smallest zlib stream of the filterings and deflate strategies {@code effort} tries. */
  static Stream deflate(Layout layout, int effort, boolean interlace) {
    return smallestStream(layout, effort, interlace);
  }

  /**
   * Deflates {@code stream}'s filtering again with the effort's slower deflaters (see {@link
   * PngOptions}), keeping the smallest stream: {@link NearOptimalDeflater} from effort 2, and
   * zopfli from effort 3. They run on one filtering only, the one zlib liked best: the filterings
   * rank nearly always the same under every deflater.
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

  /** Effort 2's near-optimal parse: libdeflate's level 11 settings, which oxipng -o2 uses. */
  static final NearOptimalDeflater.Level NEAR_OPTIMAL_EFFORT2 =
      new NearOptimalDeflater.Level(100, 150, 4);

  /** Effort 3 and 4's: libdeflate's level 12 settings. */
  static final NearOptimalDeflater.Level NEAR_OPTIMAL_EFFORT3 =
      new NearOptimalDeflater.Level(300, 258, 10);

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

  /** The fast level used to rank filterings before the best are deflated at level 9. */
  private static final int RANKING_LEVEL = 4;

  /**
   * The smallest zlib stream of the trials {@code effort} allows (see {@link PngOptions}): each
   * filtering is ranked by a fast deflate, and the best ones are deflated at level 9 with each
   * strategy of the effort. Unfiltered rows are always among the trials.
   */
  private static Stream smallestStream(Layout layout, int effort, boolean interlace) {
    boolean magnitudes = layout.colourType() != PALETTE && layout.bitDepth() >= 8;
    List<Integer> modes = new ArrayList<>();
    List<Integer> strategies = new ArrayList<>(List.of(Deflater.DEFAULT_STRATEGY));
    int finalists;
    if (effort == 0) {
      modes.add(magnitudes ? MIN_SUM : NONE);
      finalists = 1;
    } else if (effort == 1) {
      modes.add(NONE);
      if (magnitudes) {
        modes.add(MIN_SUM);
        strategies.add(Deflater.FILTERED);
      }
      finalists = modes.size();
    } else {
      for (int mode = NONE; mode <= ENTROPY; mode++) {
        modes.add(mode);
      }
      modes.add(BIGRAMS);
      strategies.add(Deflater.FILTERED);
      finalists = effort == 2 ? 0 : 2;
      if (effort >= 3) {
        if (layout.raw().length <= BRUTE_FORCE_MAX_BYTES) {
          modes.add(BRUTE_FORCE);
        }
        strategies.add(Deflater.HUFFMAN_ONLY);
        finalists = modes.size();
      }
    }
    List<byte[]> filtered = new ArrayList<>();
    for (int mode : modes) {
      filtered.add(interlace ? filterPasses(layout, mode) : filter(layout, mode));
    }
    if (finalists == 0) {
      // The near-optimal deflate of finish() decides the bytes: the ranking deflate is enough.
      byte[] best = null;
      byte[] bestFiltering = null;
      for (byte[] data : filtered) {
        byte[] compressed = deflate(data, RANKING_LEVEL, Deflater.DEFAULT_STRATEGY);
        if (best == null || compressed.length < best.length) {
          best = compressed;
          bestFiltering = data;
        }
      }
      return new Stream(layout, interlace, bestFiltering, best);
    }
    if (filtered.size() > finalists) {
      int[] sizes = new int[filtered.size()];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = deflate(filtered.get(i), RANKING_LEVEL, Deflater.DEFAULT_STRATEGY).length;
      }
      Integer[] order = new Integer[sizes.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingInt(i -> sizes[i]));
      List<byte[]> kept = new ArrayList<>();
      for (int i = 0; i < finalists; i++) {
        kept.add(filtered.get(order[i]));
      }
      filtered = kept;
    }
    byte[] best = null;
    byte[] bestFiltering = null;
    for (byte[] data : filtered) {
      for (int strategy : strategies) {
        byte[] compressed = deflate(data, Deflater.BEST_COMPRESSION, strategy);
        if (best == null || compressed.length < best.length) {
          best = compressed;
          bestFiltering = data;
        }
      }
    }
    return new Stream(layout, interlace, bestFiltering, best);
  }

  /** Adam7's passes: first column, first row, column step, row step. */
  private static final int[][] ADAM7 = {
    {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}
  };

  /** The seven Adam7 passes, each filtered as an image of its own; empty passes take no bytes. */
  private static byte[] filterPasses(Layout layout, int mode) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(layout.raw().length + layout.height() * 2);
    for (int[] pass : ADAM7) {
      Layout sub = pass(layout, pass[0], pass[1], pass[2], pass[3]);
      if (sub != null) {
        out.writeBytes(filter(sub, mode));
      }
    }
    return out.toByteArray();
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

  private static byte[] filter(Layout layout, int mode) {
    int rowBytes = layout.rowBytes();
    int bpp = layout.filterDistance();
    byte[] raw = layout.raw();
    byte[] out = new byte[(rowBytes + 1) * layout.height()];
    boolean perRow = mode >= MIN_SUM;
    byte[] candidate = new byte[rowBytes];
    byte[] best = new byte[rowBytes];
    int[] histogram = new int[256];
    long[] seen = mode == BIGRAMS ? new long[1 << 10] : null;
    Deflater rowDeflater = mode == BRUTE_FORCE ? new Deflater(Deflater.BEST_COMPRESSION) : null;
    byte[] deflated = mode == BRUTE_FORCE ? new byte[rowBytes * 2 + 64] : null;
    try {
      for (int y = 0; y < layout.height(); y++) {
        Progress.checkInterrupted();
        int row = y * rowBytes;
        int dst = y * (rowBytes + 1);
        double bestCost = Double.MAX_VALUE;
        int bestType = 0;
        for (int type = perRow ? 0 : mode; type <= (perRow ? 4 : mode); type++) {
          double cost =
              switch (mode) {
                case MIN_SUM -> filterRow(raw, row, rowBytes, bpp, y, type, candidate, bestCost);
                case ENTROPY -> {
                  filterRow(raw, row, rowBytes, bpp, y, type, candidate, Double.MAX_VALUE);
                  yield entropy(candidate, histogram);
                }
                case BIGRAMS -> {
                  filterRow(raw, row, rowBytes, bpp, y, type, candidate, Double.MAX_VALUE);
                  yield bigrams(candidate, seen);
                }
                case BRUTE_FORCE -> {
                  filterRow(raw, row, rowBytes, bpp, y, type, candidate, Double.MAX_VALUE);
                  yield deflatedSize(rowDeflater, candidate, deflated);
                }
                default -> filterRow(raw, row, rowBytes, bpp, y, type, candidate, Double.MAX_VALUE);
              };
          if (cost < bestCost) {
            bestCost = cost;
            bestType = type;
            byte[] swap = best;
            best = candidate;
            candidate = swap;
          }
        }
        out[dst] = (byte) bestType;
        System.arraycopy(best, 0, out, dst + 1, rowBytes);
      }
    } finally {
      if (rowDeflater != null) {
        rowDeflater.end();
      }
    }
    return out;
  }

  /**
   * Filters one row with {@code type} into {@code out}; returns the sum of absolute signed byte
   * values, stopping early (with a sum at least {@code limit}) once it cannot beat {@code limit}.
   */
  private static double filterRow(
      byte[] raw, int row, int rowBytes, int bpp, int y, int type, byte[] out, double limit) {
    int prev = row - rowBytes;
    long sum = 0;
    for (int i = 0; i < rowBytes; i++) {
      int x = raw[row + i] & 0xFF;
      int a = i >= bpp ? raw[row + i - bpp] & 0xFF : 0;
      int b = y > 0 ? raw[prev + i] & 0xFF : 0;
      int c = y > 0 && i >= bpp ? raw[prev + i - bpp] & 0xFF : 0;
      int predicted =
          switch (type) {
            case 0 -> 0;
            case 1 -> a;
            case 2 -> b;
            case 3 -> (a + b) >>> 1;
            default -> paeth(a, b, c);
          };
      byte value = (byte) (x - predicted);
      out[i] = value;
      sum += Math.abs(value);
      if (sum >= limit) {
        return sum;
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
