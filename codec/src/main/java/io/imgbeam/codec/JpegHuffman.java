package io.imgbeam.codec;

import java.util.Arrays;

/**
 * One optimised JPEG Huffman table (ITU-T T.81 Annex K.2): code lengths from symbol counts, limited
 * to 16 bits with the all-ones code reserved, and the canonical codes derived from them.
 */
final class JpegHuffman {
  /** Number of codes of each length 1..16 ({@code bits[0]} unused). */
  final int[] bits = new int[17];

  /** Symbols in code order. */
  final int[] values;

  /** Code and length of each symbol (length 0: symbol unused). */
  final int[] code = new int[256];

  final int[] length = new int[256];

  private JpegHuffman(int[] values) {
    this.values = values;
  }

  /** The optimal table for {@code counts} (256 entries; at least one symbol is given a code). */
  static JpegHuffman of(long[] counts) {
    long[] freq = new long[257];
    System.arraycopy(counts, 0, freq, 0, 256);
    boolean any = false;
    for (int i = 0; i < 256; i++) {
      any |= freq[i] > 0;
    }
    if (!any) {
      freq[0] = 1;
    }
    freq[256] = 1; // reserves the all-ones code, which a JPEG table may not use
    int[] codeSize = new int[257];
    int[] others = new int[257];
    Arrays.fill(others, -1);
    // libjpeg's merging (T.81 Figure K.1) over the symbols still in play, in ascending order (the
    // same choices among equal counts as scanning all 257 entries, in a fraction of the time)
    int[] live = new int[257];
    int alive = 0;
    for (int i = 0; i <= 256; i++) {
      if (freq[i] != 0) {
        live[alive++] = i;
      }
    }
    while (alive > 1) {
      int a = -1;
      long v = Long.MAX_VALUE;
      for (int j = 0; j < alive; j++) {
        if (freq[live[j]] <= v) {
          v = freq[live[j]];
          a = j;
        }
      }
      int b = -1;
      v = Long.MAX_VALUE;
      for (int j = 0; j < alive; j++) {
        if (j != a && freq[live[j]] <= v) {
          v = freq[live[j]];
          b = j;
        }
      }
      int c1 = live[a];
      int c2 = live[b];
      freq[c1] += freq[c2];
      freq[c2] = 0;
      System.arraycopy(live, b + 1, live, b, alive - b - 1);
      alive--;
      codeSize[c1]++;
      while (others[c1] >= 0) {
        c1 = others[c1];
        codeSize[c1]++;
      }
      others[c1] = c2;
      codeSize[c2]++;
      while (others[c2] >= 0) {
        c2 = others[c2];
        codeSize[c2]++;
      }
    }
    int[] count = new int[33];
    for (int i = 0; i <= 256; i++) {
      if (codeSize[i] > 0) {
        count[codeSize[i]]++;
      }
    }
    // Lengths over 16: move pairs up the tree (T.81 Figure K.3).
    for (int i = 32; i > 16; i--) {
      while (count[i] > 0) {
        int j = i - 2;
        while (count[j] == 0) {
          j--;
        }
        count[i] -= 2;
        count[i - 1]++;
        count[j + 1] += 2;
        count[j]--;
      }
    }
    int longest = 16;
    while (count[longest] == 0) {
      longest--;
    }
    count[longest]--; // the reserved code
    int symbols = 0;
    for (int i = 1; i <= 16; i++) {
      symbols += count[i];
    }
    int[] values = new int[symbols];
    int n = 0;
    for (int size = 1; size <= 32; size++) {
      for (int s = 0; s < 256; s++) {
        if (codeSize[s] == size) {
          values[n++] = s;
        }
      }
    }
    JpegHuffman table = new JpegHuffman(values);
    System.arraycopy(count, 1, table.bits, 1, 16);
    int k = 0;
    int c = 0;
    for (int len = 1; len <= 16; len++) {
      for (int i = 0; i < table.bits[len]; i++) {
        int symbol = values[k++];
        table.code[symbol] = c++;
        table.length[symbol] = len;
      }
      c <<= 1;
    }
    return table;
  }

  /**
   * Bit costs for rate estimates: the code length of each symbol, and {@code unused} for symbols
   * the table does not hold (they may still be chosen; the final table will give them a code).
   */
  float[] costs(float unused) {
    float[] out = new float[256];
    for (int s = 0; s < 256; s++) {
      out[s] = length[s] > 0 ? length[s] : unused;
    }
    return out;
  }
}
