package com.googlecode.pngtastic.core.processing.zopfli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;

/**
 * Zopfli's zlib stream from pngtastic's pure-Java port, compressed part by part so that a timed-out
 * image stops between parts: {@link Zopfli#compress} runs its whole input in one call with no way
 * out. It lives in pngtastic's package because the per-part step ({@code Deflate.deflatePart}) is
 * package-private; it is the loop of {@code Zopfli.compress} with a check of the interrupt flag
 * before each part. Each part still sees the 32 KiB before it as its window, so the parts cost only
 * the forced block boundaries between them.
 */
public final class PartwiseZopfli {
  private PartwiseZopfli() {}

  /**
   * The zlib stream of {@code data}: block splitting, {@code iterations} rounds of optimal parsing
   * per block, parts of {@code partSize} bytes.
   *
   * @throws CancellationException when the calling thread is interrupted between two parts
   */
  public static byte[] compress(byte[] data, int iterations, int partSize) {
    Options options =
        new Options(Options.OutputFormat.ZLIB, Options.BlockSplitting.FIRST, iterations);
    Cookie cookie = new Cookie(partSize);
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
    try {
      BitWriter bits = new BitWriter(out);
      Zopfli.Checksum checksum = Zopfli.createDigest(options.outputType);
      Zopfli.writePrologue(options.outputType, bits);
      if (data.length == 0) {
        Zopfli.writeEmptyBlock(bits, true);
      }
      for (int start = 0; start < data.length; start += partSize) {
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("interrupted: the image ran past its time limit");
        }
        int end = Math.min(start + partSize, data.length);
        Deflate.deflatePart(cookie, options, data, start, end, end == data.length, bits);
      }
      checksum.update(data, 0, data.length);
      Zopfli.writeEpilogue(options.outputType, bits, checksum);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
