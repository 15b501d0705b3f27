package io.imgbeam.codec;

import java.util.Arrays;
import java.util.zip.Adler32;

/**
 * A pure-Java deflate compressor with near-optimal parsing, writing zlib streams: the algorithm of
 * libdeflate's levels 10 to 12 ({@code deflate_compress_near_optimal} in libdeflate's
 * lib/deflate_compress.c and its binary-tree match finder in lib/bt_matchfinder.h, by Eric
 * Biggers), which oxipng uses for its default presets. Written from the description of the
 * algorithm, not translated from its code:
 *
 * <ol>
 *   <li>A binary-tree match finder (a tree of the 32 KiB window's strings per hash of their first
 *       three bytes, sorted lexicographically, re-rooted at each new position) finds, for each
 *       position, the longest match of each length on the way, searching at most {@code
 *       searchDepth} nodes; a match of {@code niceLength} ends the search, and the positions it
 *       covers are only inserted into the trees, not searched.
 *   <li>The matches of a chunk (up to 256 KiB of positions) are cached, and a parse is found as the
 *       minimum-cost path from its end to its start, each literal, and each length of each match,
 *       priced by a static bit-cost model: first for the whole chunk, priced by the Huffman code
 *       lengths of its greedy parse (each position's longest match).
 *   <li>That parse chooses where blocks end: over 1 KiB segments, the split that minimises the sum
 *       of each block's symbol entropy plus an estimate of its code description, found by dynamic
 *       programming (libdeflate ends blocks by a heuristic on symbol statistics instead).
 *   <li>Each block is then parsed again, each pass priced by the code lengths of the pass before
 *       (the first by the chunk parse's symbols in that block), up to {@code passes} passes or
 *       until a pass saves fewer than 8 bits; the smallest parse is kept and written as a dynamic,
 *       static or stored block, whichever is smallest.
 * </ol>
 *
 * <p>Output inflates with {@link java.util.zip.Inflater}. The calling thread's interrupt flag is
 * checked before each chunk, block and pass ({@link Progress#checkInterrupted()}), so a timed-out
 * image stops within one of them (a chunk's matches take well under a second).
 */
final class NearOptimalDeflater {
  /** How hard to search: tree nodes visited per position, the length ending a search, passes. */
  record Level(int searchDepth, int niceLength, int passes) {}

  private static final int MIN_MATCH = 3;
  private static final int MAX_MATCH = 258;
  private static final int WINDOW = 1 << 15;
  private static final int WINDOW_MASK = WINDOW - 1;
  private static final int HASH_BITS = 16;

  /**
   * Positions per chunk (whose matches are cached at once, and split into blocks) at most; the
   * cache holds this many matches per position on average, at most.
   */
  private static final int CHUNK_MAX = 1 << 18;

  private static final int CACHED_PER_POSITION = 8;

  /** Costs are in sixteenths of a bit, so that a first model can price symbols fractionally. */
  private static final int BIT = 16;

  /** Bits assumed for symbols that the previous pass did not use (libdeflate's choice). */
  private static final int LITERAL_NOSTAT = 13;

  private static final int LENGTH_NOSTAT = 13;
  private static final int DISTANCE_NOSTAT = 10;

  private static final int LITLEN_SYMBOLS = 288;
  private static final int DIST_SYMBOLS = 30;
  private static final int END_OF_BLOCK = 256;

  private static final int[] LENGTH_BASE = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258
  };
  private static final int[] LENGTH_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };
  private static final int[] DIST_BASE = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
    3073, 4097, 6145, 8193, 12289, 16385, 24577
  };
  private static final int[] DIST_EXTRA = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
  };
  private static final int[] PRECODE_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  /** The length slot (0 to 28) of each match length 3 to 258. */
  private static final byte[] LENGTH_SLOT = new byte[MAX_MATCH + 1];

  /** The distance slot (0 to 29) of each distance 1 to 32768. */
  private static final byte[] DIST_SLOT = new byte[WINDOW + 1];

  static {
    for (int slot = 0; slot < LENGTH_BASE.length; slot++) {
      int end = slot + 1 < LENGTH_BASE.length ? LENGTH_BASE[slot + 1] : MAX_MATCH + 1;
      for (int len = LENGTH_BASE[slot]; len < end; len++) {
        LENGTH_SLOT[len] = (byte) slot;
      }
    }
    // Length 258 has a slot of its own (285, no extra bits), not 284's last value.
    LENGTH_SLOT[MAX_MATCH] = (byte) (LENGTH_BASE.length - 1);
    for (int slot = 0; slot < DIST_BASE.length; slot++) {
      int end = slot + 1 < DIST_BASE.length ? DIST_BASE[slot + 1] : WINDOW + 1;
      for (int d = DIST_BASE[slot]; d < end; d++) {
        DIST_SLOT[d] = (byte) slot;
      }
    }
  }

  private final Level level;
  private final byte[] in;
  private final int n;

  private final int[] head = new int[1 << HASH_BITS];
  private final int[] child = new int[2 * WINDOW];

  /** Cached matches of the current block: position k's are [matchStart[k], matchStart[k+1]). */
  private final int[] matchStart;

  private final int cacheMax;

  private final short[] cacheLen;
  private final short[] cacheDist;

  /** Positions before this one are covered by a long match and only inserted. */
  private int skipUntil;

  /** The first position of the chunk whose matches are cached. */
  private int base;

  private final int[] litlenCost = new int[LITLEN_SYMBOLS];
  private final int[] lengthCost = new int[MAX_MATCH + 1];
  private final int[] distCost = new int[DIST_SYMBOLS];

  private final int[] pathCost;
  private final short[] choiceLen;
  private final short[] choiceDist;

  /** A parse: literal bytes (length 1, distance 0) and matches, in order. */
  private final short[] itemLen;

  private final short[] itemDist;
  private final short[] bestLen;
  private final short[] bestDist;
  private final BitWriter out;

  private NearOptimalDeflater(byte[] in, Level level) {
    this.in = in;
    this.n = in.length;
    this.level = level;
    int chunk = Math.max(1, Math.min(n, CHUNK_MAX));
    cacheMax = chunk * CACHED_PER_POSITION;
    matchStart = new int[chunk + 1];
    cacheLen = new short[cacheMax + MAX_MATCH];
    cacheDist = new short[cacheMax + MAX_MATCH];
    pathCost = new int[chunk + 1];
    choiceLen = new short[chunk];
    choiceDist = new short[chunk];
    itemLen = new short[chunk];
    itemDist = new short[chunk];
    bestLen = new short[chunk];
    bestDist = new short[chunk];
    this.out = new BitWriter(in.length / 2 + 64);
    Arrays.fill(head, -1);
  }

  /** The zlib stream (header, deflate blocks, Adler-32) of {@code data}. */
  static byte[] zlib(byte[] data, Level level) {
    NearOptimalDeflater deflater = new NearOptimalDeflater(data, level);
    // CMF: deflate with a 32 KiB window; FLG: "maximum compression", no dictionary, check bits.
    deflater.out.bits(0x78, 8);
    deflater.out.bits(0xDA, 8);
    deflater.compress();
    deflater.out.alignToByte();
    Adler32 adler = new Adler32();
    adler.update(data);
    long sum = adler.getValue();
    for (int shift = 24; shift >= 0; shift -= 8) {
      deflater.out.bits((int) (sum >>> shift) & 0xFF, 8);
    }
    return deflater.out.toByteArray();
  }

  private void compress() {
    if (n == 0) {
      out.bits(1, 1);
      out.bits(1, 2);
      writeCodes(Huffman.FIXED_LITLEN, Huffman.FIXED_DIST, 0);
      return;
    }
    int pos = 0;
    while (pos < n) {
      Progress.checkInterrupted();
      int end = findBlockMatches(pos);
      compressChunk(pos, end, end == n);
      pos = end;
    }
  }

  /**
   * Compresses the positions whose matches are cached: a first parse of the whole chunk, priced by
   * its greedy parse, chooses where blocks end ({@link #blockStarts}); each block is then parsed
   * again under its own cost model.
   */
  private void compressChunk(int start, int end, boolean last) {
    base = start;
    int items = greedy(start, end);
    setCosts(Huffman.of(this, items));
    cheapestPath(start, end);
    items = walkPath(start, end);
    int[] starts = blockStarts(start, end, items);
    for (int b = 0; b + 1 < starts.length; b++) {
      Progress.checkInterrupted();
      int from = starts[b];
      int to = starts[b + 1];
      compressBlock(from, to, last && to == end, Huffman.of(this, walkPath(from, to)));
    }
  }

  /**
   * Runs the match finder over the positions from {@code start}, caching their matches, until the
   * block is full; returns the block's end.
   */
  private int findBlockMatches(int start) {
    int limit = Math.min(n, start + matchStart.length - 1);
    int top = 0;
    int pos = start;
    while (pos < limit && top < cacheMax) {
      matchStart[pos - start] = top;
      if (pos < skipUntil) {
        findMatches(pos, top, false);
      } else {
        int found = findMatches(pos, top, true);
        if (found > 0) {
          int longest = cacheLen[top + found - 1];
          if (longest >= Math.min(level.niceLength(), n - pos)) {
            skipUntil = pos + longest;
          }
        }
        top += found;
      }
      pos++;
    }
    matchStart[pos - start] = top;
    return pos;
  }

  /**
   * Inserts {@code pos} into its binary tree and, when {@code record}, caches at {@code top} each
   * match longer than the ones before it; returns how many were cached.
   */
  private int findMatches(int pos, int top, boolean record) {
    int maxLen = Math.min(MAX_MATCH, n - pos);
    if (maxLen < MIN_MATCH) {
      return 0;
    }
    int nice = Math.min(level.niceLength(), maxLen);
    int h =
        (((in[pos] & 0xFF) << 16 | (in[pos + 1] & 0xFF) << 8 | (in[pos + 2] & 0xFF)) * 0x1E35A7BD)
            >>> (32 - HASH_BITS);
    int cur = head[h];
    head[h] = pos;
    int pendingLess = 2 * (pos & WINDOW_MASK);
    int pendingGreater = pendingLess + 1;
    if (cur < 0 || pos - cur >= WINDOW) {
      child[pendingLess] = -1;
      child[pendingGreater] = -1;
      return 0;
    }
    int found = 0;
    int best = MIN_MATCH - 1;
    int lenLess = 0;
    int lenGreater = 0;
    int depth = level.searchDepth();
    while (true) {
      int len = Math.min(lenLess, lenGreater);
      if (in[cur + len] == in[pos + len]) {
        len++;
        while (len < maxLen && in[cur + len] == in[pos + len]) {
          len++;
        }
        if (len > best) {
          best = len;
          if (record) {
            cacheLen[top + found] = (short) len;
            cacheDist[top + found] = (short) (pos - cur);
            found++;
          }
          if (len >= nice) {
            // Equal strings: pos takes cur's place in the tree, with cur's subtrees.
            int node = 2 * (cur & WINDOW_MASK);
            child[pendingLess] = child[node];
            child[pendingGreater] = child[node + 1];
            return found;
          }
        }
      }
      int node = 2 * (cur & WINDOW_MASK);
      if ((in[cur + len] & 0xFF) < (in[pos + len] & 0xFF)) {
        child[pendingLess] = cur;
        pendingLess = node + 1;
        cur = child[node + 1];
        lenLess = len;
      } else {
        child[pendingGreater] = cur;
        pendingGreater = node;
        cur = child[node];
        lenGreater = len;
      }
      if (--depth == 0 || cur < 0 || pos - cur >= WINDOW) {
        child[pendingLess] = -1;
        child[pendingGreater] = -1;
        return found;
      }
    }
  }

  private void compressBlock(int start, int end, boolean last, Huffman first) {
    int length = end - start;
    Huffman codes = first;
    int items;
    long bestBits = Long.MAX_VALUE;
    int bestItems = 0;
    Huffman bestCodes = codes;
    for (int pass = 0; pass < level.passes(); pass++) {
      Progress.checkInterrupted();
      setCosts(codes);
      cheapestPath(start, end);
      items = walkPath(start, end);
      codes = Huffman.of(this, items);
      long bits = codes.dynamicBits();
      if (bits < bestBits) {
        long gain = bestBits - bits;
        bestBits = bits;
        bestItems = items;
        bestCodes = codes;
        System.arraycopy(itemLen, 0, bestLen, 0, items);
        System.arraycopy(itemDist, 0, bestDist, 0, items);
        if (gain < MIN_GAIN_BITS) {
          break;
        }
      } else {
        break;
      }
    }
    System.arraycopy(bestLen, 0, itemLen, 0, bestItems);
    System.arraycopy(bestDist, 0, itemDist, 0, bestItems);
    long fixedBits = 3 + Huffman.FIXED_LITLEN.dataBits(Huffman.FIXED_DIST, bestCodes);
    long storedBits = 8L * length + 40L * ((length + 65534) / 65535) + 7;
    if (storedBits < bestBits && storedBits < fixedBits) {
      writeStored(start, end, last);
    } else if (fixedBits < bestBits) {
      out.bits(last ? 1 : 0, 1);
      out.bits(1, 2);
      writeCodes(Huffman.FIXED_LITLEN, Huffman.FIXED_DIST, bestItems);
    } else {
      out.bits(last ? 1 : 0, 1);
      out.bits(2, 2);
      bestCodes.writeHeader(out);
      writeCodes(bestCodes, bestCodes.distance(), bestItems);
    }
  }

  /** A pass that saves fewer bits than this ends the passes (libdeflate's level 11 uses 16). */
  private static final int MIN_GAIN_BITS = 8;

  /** The greedy parse of a block (each position's longest match, else its literal). */
  private int greedy(int start, int end) {
    int items = 0;
    int i = start;
    while (i < end) {
      int k = i - base;
      int first = matchStart[k];
      int count = matchStart[k + 1] - first;
      int len = count > 0 ? Math.min(cacheLen[first + count - 1], end - i) : 0;
      if (len >= MIN_MATCH) {
        itemLen[items] = (short) len;
        itemDist[items] = cacheDist[first + count - 1];
        i += len;
      } else {
        itemLen[items] = 1;
        itemDist[items] = in[i];
        i++;
      }
      items++;
    }
    return items;
  }

  private void setCosts(Huffman codes) {
    int[] lit = codes.lengths();
    for (int s = 0; s < LITLEN_SYMBOLS; s++) {
      litlenCost[s] =
          BIT * (lit[s] > 0 ? lit[s] : s < END_OF_BLOCK ? LITERAL_NOSTAT : LENGTH_NOSTAT);
    }
    for (int len = MIN_MATCH; len <= MAX_MATCH; len++) {
      int slot = LENGTH_SLOT[len];
      lengthCost[len] = litlenCost[257 + slot] + BIT * LENGTH_EXTRA[slot];
    }
    int[] dist = codes.distance().lengths();
    for (int s = 0; s < DIST_SYMBOLS; s++) {
      distCost[s] = BIT * ((dist[s] > 0 ? dist[s] : DISTANCE_NOSTAT) + DIST_EXTRA[s]);
    }
  }

  /** The minimum-cost choice at each position of the block, from its end backwards. */
  private void cheapestPath(int start, int end) {
    int length = end - start;
    int offset = start - base;
    pathCost[length] = 0;
    for (int k = length - 1; k >= 0; k--) {
      int best = litlenCost[in[start + k] & 0xFF] + pathCost[k + 1];
      int bestLength = 1;
      int bestDistance = 0;
      int first = matchStart[offset + k];
      int last = matchStart[offset + k + 1];
      int room = length - k;
      int len = MIN_MATCH;
      for (int m = first; m < last && len <= room; m++) {
        int matchLen = Math.min(cacheLen[m], room);
        int distance = cacheDist[m] & 0xFFFF;
        int offsetCost = distCost[DIST_SLOT[distance]];
        for (; len <= matchLen; len++) {
          int cost = lengthCost[len] + offsetCost + pathCost[k + len];
          if (cost < best) {
            best = cost;
            bestLength = len;
            bestDistance = distance;
          }
        }
      }
      pathCost[k] = best;
      choiceLen[offset + k] = (short) bestLength;
      choiceDist[offset + k] = (short) bestDistance;
    }
  }

  /** Turns the choices from {@code start} to {@code end} into the parse's items; their count. */
  private int walkPath(int start, int end) {
    int items = 0;
    int i = start;
    while (i < end) {
      int len = choiceLen[i - base];
      itemLen[items] = (short) len;
      itemDist[items] = len == 1 ? in[i] : choiceDist[i - base];
      items++;
      i += len;
    }
    return items;
  }

  /** Block-split candidates are this many positions apart. */
  private static final int SEGMENT = 1024;

  /** The longest block the split considers, in segments. */
  private static final int MAX_SEGMENTS = 64;

  /**
   * Where the chunk's blocks start (and, last, its end): the split into runs of whole segments that
   * minimises the estimated size of the parse in {@link #itemLen}, each block costing the entropy
   * of its own symbols plus an estimate of its code description. Each boundary moves to the first
   * item starting in its segment.
   */
  private int[] blockStarts(int start, int end, int items) {
    int segments = (end - start + SEGMENT - 1) / SEGMENT;
    int symbols = LITLEN_SYMBOLS + DIST_SYMBOLS;
    int[] prefix = new int[(segments + 1) * symbols];
    int[] itemStart = new int[segments + 1];
    Arrays.fill(itemStart, end);
    int pos = start;
    int segment = -1;
    for (int i = 0; i < items; i++) {
      int s = (pos - start) / SEGMENT;
      while (segment < s) {
        segment++;
        itemStart[segment] = pos;
        System.arraycopy(prefix, segment * symbols, prefix, (segment + 1) * symbols, symbols);
      }
      int row = (segment + 1) * symbols;
      int len = itemLen[i];
      if (len == 1) {
        prefix[row + (itemDist[i] & 0xFF)]++;
      } else {
        prefix[row + 257 + LENGTH_SLOT[len]]++;
        prefix[row + LITLEN_SYMBOLS + DIST_SLOT[itemDist[i] & 0xFFFF]]++;
      }
      pos += len;
    }
    // Segments in which no item starts (the last, when shorter than the match covering it) end
    // where the chunk does and add no symbols.
    for (int r = segment + 2; r <= segments; r++) {
      System.arraycopy(prefix, (segment + 1) * symbols, prefix, r * symbols, symbols);
    }
    itemStart[segments] = end;
    double[] best = new double[segments + 1];
    int[] from = new int[segments + 1];
    int[] counts = new int[symbols];
    for (int j = 1; j <= segments; j++) {
      best[j] = Double.MAX_VALUE;
      for (int i = Math.max(0, j - MAX_SEGMENTS); i < j; i++) {
        if (itemStart[i] >= itemStart[j]) {
          continue;
        }
        for (int s = 0; s < symbols; s++) {
          counts[s] = prefix[j * symbols + s] - prefix[i * symbols + s];
        }
        double cost = best[i] + estimatedBits(counts);
        if (cost < best[j]) {
          best[j] = cost;
          from[j] = i;
        }
      }
    }
    int blocks = 0;
    for (int j = segments; j > 0; j = from[j]) {
      blocks++;
    }
    int[] starts = new int[blocks + 1];
    starts[blocks] = end;
    for (int j = segments, b = blocks - 1; j > 0; j = from[j], b--) {
      starts[b] = itemStart[from[j]];
    }
    return starts;
  }

  /** Bits per symbol of a code description, roughly, plus its fixed part. */
  private static final double HEADER_BITS_PER_SYMBOL = 3;

  private static final double HEADER_BITS = 70;

  /** {@code c * log2(c)} of each count a chunk can hold. */
  private static final float[] C_LOG_C = new float[CHUNK_MAX + 2];

  static {
    for (int c = 1; c < C_LOG_C.length; c++) {
      C_LOG_C[c] = (float) (c * Math.log(c) / Math.log(2));
    }
  }

  /** The entropy of a block's symbols (one end-of-block added) plus its code description. */
  private static double estimatedBits(int[] counts) {
    double bits = HEADER_BITS;
    int litlen = 1;
    int dist = 0;
    double sum = 0;
    for (int s = 0; s < counts.length; s++) {
      int c = counts[s];
      if (c > 0) {
        if (s < LITLEN_SYMBOLS) {
          litlen += c;
        } else {
          dist += c;
        }
        sum += C_LOG_C[c];
        bits += HEADER_BITS_PER_SYMBOL;
      }
    }
    return bits + C_LOG_C[litlen] + C_LOG_C[dist] - sum;
  }

  private void writeCodes(Huffman litlen, Huffman dist, int items) {
    int[] litCodes = litlen.codes();
    int[] litLens = litlen.lengths();
    int[] distCodes = dist.codes();
    int[] distLens = dist.lengths();
    for (int i = 0; i < items; i++) {
      int len = itemLen[i];
      if (len == 1) {
        int b = itemDist[i] & 0xFF;
        out.bits(litCodes[b], litLens[b]);
      } else {
        int slot = LENGTH_SLOT[len];
        out.bits(litCodes[257 + slot], litLens[257 + slot]);
        out.bits(len - LENGTH_BASE[slot], LENGTH_EXTRA[slot]);
        int d = itemDist[i] & 0xFFFF;
        int ds = DIST_SLOT[d];
        out.bits(distCodes[ds], distLens[ds]);
        out.bits(d - DIST_BASE[ds], DIST_EXTRA[ds]);
      }
    }
    out.bits(litCodes[END_OF_BLOCK], litLens[END_OF_BLOCK]);
  }

  private void writeStored(int start, int end, boolean last) {
    int pos = start;
    do {
      int len = Math.min(65535, end - pos);
      out.bits(last && pos + len == end ? 1 : 0, 1);
      out.bits(0, 2);
      out.alignToByte();
      out.bits(len & 0xFF, 8);
      out.bits(len >>> 8, 8);
      out.bits(~len & 0xFF, 8);
      out.bits((~len >>> 8) & 0xFF, 8);
      out.bytes(in, pos, len);
      pos += len;
    } while (pos < end);
  }

  /** Symbol frequencies of the parse in {@link #itemLen} and {@link #itemDist}. */
  private void count(int items, int[] litlen, int[] dist) {
    for (int i = 0; i < items; i++) {
      int len = itemLen[i];
      if (len == 1) {
        litlen[itemDist[i] & 0xFF]++;
      } else {
        litlen[257 + LENGTH_SLOT[len]]++;
        dist[DIST_SLOT[itemDist[i] & 0xFFFF]]++;
      }
    }
    litlen[END_OF_BLOCK]++;
  }

  /**
   * A canonical Huffman code: code lengths (at most a limit), bit-reversed codes for LSB-first
   * output and the frequencies it was built from. A literal/length code also holds its distance
   * code.
   */
  private static final class Huffman {
    static final Huffman FIXED_LITLEN;
    static final Huffman FIXED_DIST;

    static {
      int[] lit = new int[LITLEN_SYMBOLS];
      Arrays.fill(lit, 0, 144, 8);
      Arrays.fill(lit, 144, 256, 9);
      Arrays.fill(lit, 256, 280, 7);
      Arrays.fill(lit, 280, 288, 8);
      int[] dist = new int[DIST_SYMBOLS];
      Arrays.fill(dist, 5);
      FIXED_DIST = new Huffman(dist, new int[DIST_SYMBOLS], null);
      FIXED_LITLEN = new Huffman(lit, new int[LITLEN_SYMBOLS], FIXED_DIST);
    }

    private final int[] lengths;
    private final int[] codes;
    private final int[] frequencies;
    private final Huffman distance;

    private Huffman(int[] lengths, int[] frequencies, Huffman distance) {
      this.lengths = lengths;
      this.frequencies = frequencies;
      this.distance = distance;
      this.codes = canonical(lengths);
    }

    /** The block's literal/length and distance codes for the parse held by {@code deflater}. */
    static Huffman of(NearOptimalDeflater deflater, int items) {
      int[] lit = new int[LITLEN_SYMBOLS];
      int[] dist = new int[DIST_SYMBOLS];
      deflater.count(items, lit, dist);
      Huffman distance = new Huffman(lengths(dist, 15), dist, null);
      return new Huffman(lengths(lit, 15), lit, distance);
    }

    int[] lengths() {
      return lengths;
    }

    int[] codes() {
      return codes;
    }

    Huffman distance() {
      return distance;
    }

    /** Bits of the block's symbols and extra bits under this code and {@code dist}. */
    long dataBits(Huffman dist, Huffman counted) {
      long bits = 0;
      for (int s = 0; s < LITLEN_SYMBOLS; s++) {
        int f = counted.frequencies[s];
        if (f > 0) {
          bits += (long) f * (lengths[s] + (s > 256 ? LENGTH_EXTRA[s - 257] : 0));
        }
      }
      for (int s = 0; s < DIST_SYMBOLS; s++) {
        int f = counted.distance.frequencies[s];
        if (f > 0) {
          bits += (long) f * (dist.lengths[s] + DIST_EXTRA[s]);
        }
      }
      return bits;
    }

    /** The whole dynamic block in bits: its 3 header bits, code description and symbols. */
    long dynamicBits() {
      BitCounter counter = new BitCounter();
      writeHeader(counter);
      return 3 + counter.bits + dataBits(distance, this);
    }

    /**
     * The dynamic block's code description: both codes' lengths as one sequence, run-length coded
     * with symbols 16 to 18, in the precode that is described first.
     */
    void writeHeader(BitSink sink) {
      int hlit = LITLEN_SYMBOLS - 2;
      while (hlit > 257 && lengths[hlit - 1] == 0) {
        hlit--;
      }
      int hdist = DIST_SYMBOLS;
      while (hdist > 1 && distance.lengths[hdist - 1] == 0) {
        hdist--;
      }
      int[] all = new int[hlit + hdist];
      System.arraycopy(lengths, 0, all, 0, hlit);
      System.arraycopy(distance.lengths, 0, all, hlit, hdist);
      int[] symbols = new int[all.length];
      int[] extras = new int[all.length];
      int runs = 0;
      for (int i = 0; i < all.length; ) {
        int value = all[i];
        int run = 1;
        while (i + run < all.length && all[i + run] == value) {
          run++;
        }
        if (value == 0 && run >= 3) {
          int take = Math.min(run, 138);
          symbols[runs] = take >= 11 ? 18 : 17;
          extras[runs++] = take >= 11 ? take - 11 : take - 3;
          i += take;
        } else if (value != 0 && run >= 4) {
          symbols[runs] = value;
          extras[runs++] = 0;
          int take = Math.min(run - 1, 6);
          symbols[runs] = 16;
          extras[runs++] = take - 3;
          i += 1 + take;
        } else {
          symbols[runs] = value;
          extras[runs++] = 0;
          i++;
        }
      }
      int[] precodeFreq = new int[19];
      for (int r = 0; r < runs; r++) {
        precodeFreq[symbols[r]]++;
      }
      int[] precodeLen = lengths(precodeFreq, 7);
      int[] precode = canonical(precodeLen);
      int hclen = 19;
      while (hclen > 4 && precodeLen[PRECODE_ORDER[hclen - 1]] == 0) {
        hclen--;
      }
      sink.bits(hlit - 257, 5);
      sink.bits(hdist - 1, 5);
      sink.bits(hclen - 4, 4);
      for (int i = 0; i < hclen; i++) {
        sink.bits(precodeLen[PRECODE_ORDER[i]], 3);
      }
      for (int r = 0; r < runs; r++) {
        int s = symbols[r];
        sink.bits(precode[s], precodeLen[s]);
        if (s >= 16) {
          sink.bits(extras[r], s == 16 ? 2 : s == 17 ? 3 : 7);
        }
      }
    }

    /**
     * Huffman code lengths of at most {@code limit} bits for {@code freq}; when fewer than two
     * symbols occur, two get length 1, so that every code is complete.
     */
    static int[] lengths(int[] freq, int limit) {
      int symbols = freq.length;
      int[] lens = new int[symbols];
      int used = 0;
      long[] leaves = new long[symbols];
      for (int s = 0; s < symbols; s++) {
        if (freq[s] > 0) {
          leaves[used++] = (long) freq[s] << 16 | s;
        }
      }
      if (used < 2) {
        int first = used == 1 ? (int) (leaves[0] & 0xFFFF) : 0;
        lens[first] = 1;
        lens[first == 0 ? 1 : 0] = 1;
        return lens;
      }
      Arrays.sort(leaves, 0, used);
      // The two-queue construction over leaves sorted by weight: internal nodes arise in weight
      // order, so the lightest two are always at the heads of the two queues.
      long[] weight = new long[2 * used];
      int[] parent = new int[2 * used];
      for (int i = 0; i < used; i++) {
        weight[i] = leaves[i] >>> 16;
      }
      int nextLeaf = 0;
      int nextNode = used;
      int made = used;
      int[] pick = new int[2];
      while (made < 2 * used - 1) {
        for (int p = 0; p < 2; p++) {
          if (nextLeaf < used && (nextNode >= made || weight[nextLeaf] <= weight[nextNode])) {
            pick[p] = nextLeaf++;
          } else {
            pick[p] = nextNode++;
          }
        }
        weight[made] = weight[pick[0]] + weight[pick[1]];
        parent[pick[0]] = made;
        parent[pick[1]] = made;
        made++;
      }
      int root = made - 1;
      int[] depth = new int[2 * used];
      int[] count = new int[LITLEN_SYMBOLS + 1];
      depth[root] = 0;
      for (int i = root - 1; i >= 0; i--) {
        depth[i] = depth[parent[i]] + 1;
        if (i < used) {
          count[Math.min(depth[i], count.length - 1)]++;
        }
      }
      // Lengths over the limit move to it; then the Kraft sum is brought back to exactly 1 by
      // lengthening the longest codes under the limit (as miniz and zlib do).
      for (int len = limit + 1; len < count.length; len++) {
        count[limit] += count[len];
        count[len] = 0;
      }
      long kraft = 0;
      for (int len = 1; len <= limit; len++) {
        kraft += (long) count[len] << (limit - len);
      }
      while (kraft > (1L << limit)) {
        count[limit]--;
        for (int len = limit - 1; len > 0; len--) {
          if (count[len] > 0) {
            count[len]--;
            count[len + 1] += 2;
            break;
          }
        }
        kraft--;
      }
      // The most frequent symbols (at the end of leaves) get the shortest codes.
      int leaf = used - 1;
      for (int len = 1; len <= limit; len++) {
        for (int c = count[len]; c > 0; c--) {
          lens[(int) (leaves[leaf--] & 0xFFFF)] = len;
        }
      }
      return lens;
    }

    /** Canonical codes of {@code lengths}, bit-reversed for deflate's LSB-first bit order. */
    static int[] canonical(int[] lengths) {
      int[] count = new int[16];
      for (int len : lengths) {
        count[len]++;
      }
      count[0] = 0;
      int[] next = new int[16];
      int code = 0;
      for (int len = 1; len < 16; len++) {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
      }
      int[] codes = new int[lengths.length];
      for (int s = 0; s < lengths.length; s++) {
        int len = lengths[s];
        if (len > 0) {
          codes[s] = Integer.reverse(next[len]++) >>> (32 - len);
        }
      }
      return codes;
    }
  }

  /** Where a block's bits go: the output, or a counter that only adds them up. */
  private interface BitSink {
    void bits(int value, int count);
  }

  private static final class BitCounter implements BitSink {
    long bits;

    @Override
    public void bits(int value, int count) {
      bits += count;
    }
  }

  /** Deflate's bit order: each value's bits from the least significant, bytes filled from bit 0. */
  private static final class BitWriter implements BitSink {
    private byte[] buf;
    private int size;
    private long pending;
    private int pendingBits;

    BitWriter(int capacity) {
      buf = new byte[Math.max(64, capacity)];
    }

    @Override
    public void bits(int value, int count) {
      pending |= (long) (value & ((1 << count) - 1)) << pendingBits;
      pendingBits += count;
      if (pendingBits >= 32) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
          buf[size++] = (byte) pending;
          pending >>>= 8;
        }
        pendingBits -= 32;
      }
    }

    void alignToByte() {
      ensure(8);
      while (pendingBits > 0) {
        buf[size++] = (byte) pending;
        pending >>>= 8;
        pendingBits = Math.max(0, pendingBits - 8);
      }
      pending = 0;
    }

    void bytes(byte[] data, int off, int len) {
      alignToByte();
      ensure(len);
      System.arraycopy(data, off, buf, size, len);
      size += len;
    }

    byte[] toByteArray() {
      alignToByte();
      return Arrays.copyOf(buf, size);
    }

    private void ensure(int extra) {
      if (size + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
      }
    }
  }
}
