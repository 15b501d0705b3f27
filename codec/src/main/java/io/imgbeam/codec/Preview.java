package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Small before/after pictures of one compressed image, for the run report: both images upright and
 * in sRGB, shrunk to a thumbnail, and a zoomed crop of the same spot in both, at the output's
 * resolution, where the two differ most.
 *
 * <p>Thumbnails are JPEG (quality 70, smaller again if over {@link #MAX_THUMBNAIL_BYTES}); crops
 * are lossless PNG, so the crop shows the output's own artefacts and no new ones.
 */
public final class Preview {
  /** The longest side of a thumbnail, in pixels. */
  public static final int THUMBNAIL = 120;

  /** The side of the square crop, in output pixels. */
  public static final int CROP = 48;

  private static final int MAX_THUMBNAIL_BYTES = 12_000;

  private Preview() {}

  /**
   * The pictures for one input and its output.
   *
   * @param before thumbnail of the input (JPEG)
   * @param after thumbnail of the output (JPEG)
   * @param beforeCrop the input at the output's size, cropped (PNG); null when the output is not
   *     the input's picture at another scale (cover crops, letterboxing)
   * @param afterCrop the same spot of the output (PNG); null with {@code beforeCrop}
   */
  public record Images(byte[] before, byte[] after, byte[] beforeCrop, byte[] afterCrop) {}

  /**
   * Whether the compressor should make the pictures of the image it has just written, while its
   * pixels are still in memory (see {@link #of(BufferedImage, BufferedImage)}): asked once per
   * written image with the milliseconds it has taken so far and its score. A run report shows a few
   * images only, the slowest and the lowest-scoring, so a caller answers yes to the images that are
   * among those of the images it has seen so far; pictures made now cost a fraction of decoding the
   * files again at the end of the run.
   */
  @FunctionalInterface
  public interface Wanted {
    /** Never: no pictures are made during compression. */
    Wanted NEVER = (millis, score) -> false;

    boolean test(long millis, double score);
  }

  /**
   * Makes the pictures of {@code input} and {@code output}, the files of one outcome; refuses
   * images over {@code maxPixels} (checked on the header, as the compressor does). Holds a share of
   * the JVM's {@link PixelBudget} for both images while it works, so that pictures made in parallel
   * cannot exhaust the heap either.
   */
  // The pixel-budget lease is held for the scope of its try block and never read: "try" lint.
  @SuppressWarnings("try")
  public static Images of(byte[] input, byte[] output, long maxPixels) throws IOException {
    try (PixelBudget.Lease lease = PixelBudget.acquire(pixels(input) + pixels(output))) {
      return make(input, output, maxPixels);
    } catch (CodecException e) {
      throw new IOException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("cancelled while waiting for the pixel budget");
    }
  }

  private static long pixels(byte[] data) throws IOException {
    ImageFormat format = ImageFormat.sniff(data);
    if (!format.isDecodable()) {
      throw new IOException("cannot decode " + format.recordName());
    }
    ImageReading.Header header = ImageReading.probe(data, format);
    return (long) header.width() * header.height();
  }

  private static Images make(byte[] input, byte[] output, long maxPixels) throws IOException {
    BufferedImage after = upright(output, true, maxPixels, 0, 0);
    BufferedImage before = upright(input, false, maxPixels, after.getWidth(), after.getHeight());
    return of(before, after);
  }

  /**
   * The pictures from pixels already decoded: {@code before}, the input upright and in sRGB (at any
   * scale), and {@code after}, the output as decoded, upright and in sRGB.
   */
  static Images of(BufferedImage before, BufferedImage after) throws IOException {
    byte[] beforeThumb = thumbnail(before);
    byte[] afterThumb = thumbnail(after);
    double aspectBefore = (double) before.getWidth() / before.getHeight();
    double aspectAfter = (double) after.getWidth() / after.getHeight();
    if (Math.abs(aspectBefore / aspectAfter - 1) > 0.02) {
      return new Images(beforeThumb, afterThumb, null, null);
    }
    if (before.getWidth() != after.getWidth() || before.getHeight() != after.getHeight()) {
      Resize.Plan fill =
          Resize.NONE
              .withMaxWidth(after.getWidth())
              .withMaxHeight(after.getHeight())
              .withFit(Fit.FILL)
              .withEnlarge(true)
              .plan(before.getWidth(), before.getHeight());
      before = Resizer.apply(before, fill);
    }
    int w = after.getWidth();
    int h = after.getHeight();
    int size = Math.min(CROP, Math.min(w, h));
    int[] spot = mostDifferent(before, after, size);
    return new Images(
        beforeThumb,
        afterThumb,
        crop(before, spot[0], spot[1], size),
        crop(after, spot[0], spot[1], size));
  }

  /**
   * Decoded, oriented and in sRGB; decoded at a reduced scale when far larger than needed. {@code
   * own}: imgbeam wrote the file (the output), which may take the fast decoder. The input is
   * decoded as the compressor decodes it, so that these pictures are those {@link
   * CompressionResult#previews()} made during the run from the same pixels.
   */
  private static BufferedImage upright(
      byte[] data, boolean own, long maxPixels, int needW, int needH) throws IOException {
    ImageFormat format = ImageFormat.sniff(data);
    if (!format.isDecodable()) {
      throw new IOException("cannot decode " + format.recordName());
    }
    ImageReading.Header header = ImageReading.probe(data, format);
    if (header.pixels() > maxPixels) {
      throw new IOException(header.width() + "x" + header.height() + " is over the pixel limit");
    }
    int orientation = MetadataScan.of(data).orientation();
    boolean swap = Orientation.swapsAxes(orientation);
    int stepX = 1;
    int stepY = 1;
    if (needW > 0) {
      stepX = ImageCompressor.subsampling(header.width(), swap ? needH : needW);
      stepY = ImageCompressor.subsampling(header.height(), swap ? needW : needH);
    }
    BufferedImage image =
        own && stepX == 1 && stepY == 1
            ? ImageReading.decodeOwn(data, format)
            : ImageReading.decode(data, format, FailOn.WARNING, false, stepX, stepY);
    return ColourConversion.toSrgb(Orientation.apply(image, orientation));
  }

  private static byte[] thumbnail(BufferedImage image) throws IOException {
    Resize.Plan plan =
        Resize.NONE
            .withMaxWidth(THUMBNAIL)
            .withMaxHeight(THUMBNAIL)
            .plan(image.getWidth(), image.getHeight());
    BufferedImage small =
        plan.isIdentity() ? image : Resizer.apply(pointSampled(image, plan), plan);
    byte[] jpeg = new JpegEncoder(70).encode(small).bytes();
    return jpeg.length <= MAX_THUMBNAIL_BYTES ? jpeg : new JpegEncoder(40).encode(small).bytes();
  }

  /**
   * Every n-th pixel of a large image, keeping at least twice the thumbnail's size, so that the
   * Lanczos pass reads thousands of pixels rather than millions; the image itself when it is small.
   * (A subsampled decode of a real output keeps four times, see {@link
   * ImageCompressor#subsampling}; a 120-pixel picture in a report does not need the last 0.01 of
   * SSIM that buys, and the Lanczos pass over four times as many pixels was a third of the
   * pictures' cost.)
   */
  private static BufferedImage pointSampled(BufferedImage image, Resize.Plan plan) {
    int stepX = Math.max(1, image.getWidth() / (2 * Math.max(1, plan.scaledWidth())));
    int stepY = Math.max(1, image.getHeight() / (2 * Math.max(1, plan.scaledHeight())));
    if (stepX == 1 && stepY == 1) {
      return image;
    }
    int w = image.getWidth() / stepX;
    int h = image.getHeight() / stepY;
    boolean alpha = Pixels.hasAlpha(image);
    BufferedImage out =
        new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    int[] row = new int[image.getWidth()];
    int[] samples = new int[image.getWidth() * image.getRaster().getNumBands()];
    int[] kept = new int[w];
    for (int y = 0; y < h; y++) {
      Pixels.argbRowSampled(image, y * stepY + stepY / 2, stepX / 2, stepX, w, kept, row, samples);
      out.setRGB(0, y, w, 1, kept, 0, w);
    }
    return out;
  }

  /**
   * The top-left corner of the crop-sized block where the luma of the two differs most, among
   * blocks {@code size / 2} apart. The differences are summed once per half-block cell, read row by
   * row (every fourth pixel of every fourth row for the usual crop), and each block adds up its
   * cells: a 24 MP image costs a sixteenth of one pass, not four.
   */
  static int[] mostDifferent(BufferedImage a, BufferedImage b, int size) {
    int w = a.getWidth();
    int h = a.getHeight();
    int step = Math.max(1, size / 2);
    int cellsX = w / step;
    int cellsY = h / step;
    long[] cells = new long[cellsX * cellsY];
    int[] rowA = new int[w];
    int[] rowB = new int[w];
    int[] scratch = new int[w];
    int[] samplesA = new int[w * a.getRaster().getNumBands()];
    int[] samplesB = new int[w * b.getRaster().getNumBands()];
    // Every other row and column of small cells, every fourth of the usual 24-pixel ones: still 36
    // samples or more in each cell (144 in each block compared), plenty to find where compression
    // changed most, at a sixteenth of the pixels. When the cells are a multiple of that wide, only
    // the columns used are read.
    int sample = step >= 16 ? 4 : step >= 4 ? 2 : 1;
    int read = step % sample == 0 ? sample : 1;
    int shift = Integer.numberOfTrailingZeros(read);
    int count = (cellsX * step + read - 1) / read;
    for (int y = 0; y < cellsY * step; y += sample) {
      Pixels.argbRowSampled(a, y, 0, read, count, rowA, scratch, samplesA);
      Pixels.argbRowSampled(b, y, 0, read, count, rowB, scratch, samplesB);
      int base = (y / step) * cellsX;
      for (int cell = 0; cell < cellsX; cell++) {
        long sum = 0;
        for (int x = cell * step, end = x + step; x < end; x += sample) {
          sum += Math.abs(luma(rowA[x >> shift]) - luma(rowB[x >> shift]));
        }
        cells[base + cell] += sum;
      }
    }
    // A block spans size / step cells: two, or three when size is odd and step is its half.
    int span = (size + step - 1) / step;
    int[] best = {(w - size) / 2, (h - size) / 2};
    long bestSum = -1;
    for (int y0 = 0; y0 + size <= h; y0 += step) {
      for (int x0 = 0; x0 + size <= w; x0 += step) {
        long sum = 0;
        for (int cy = y0 / step; cy < Math.min(cellsY, y0 / step + span); cy++) {
          for (int cx = x0 / step; cx < Math.min(cellsX, x0 / step + span); cx++) {
            sum += cells[cy * cellsX + cx];
          }
        }
        if (sum > bestSum) {
          bestSum = sum;
          best = new int[] {x0, y0};
        }
      }
    }
    return best;
  }

  private static int luma(int argb) {
    int rgb = argb >>> 24 == 255 ? argb : Pixels.overWhite(argb);
    return (299 * ((rgb >> 16) & 0xFF) + 587 * ((rgb >> 8) & 0xFF) + 114 * (rgb & 0xFF)) / 1000;
  }

  /**
   * The crop as an unfiltered PNG (see {@link PngWriter#unfiltered}) in the narrowest layout
   * without a palette ({@link PngEncoder#direct8}: grey, RGB, or with alpha): a 48-pixel crop is a
   * few kilobytes either way, and its code stays too small to cost the run's JIT compiler much.
   */
  private static byte[] crop(BufferedImage image, int x, int y, int size) {
    int[] argb = new int[size * size];
    int[] row = new int[image.getWidth()];
    int[] samples = new int[image.getWidth() * image.getRaster().getNumBands()];
    for (int r = 0; r < size; r++) {
      // Grey images read through Pixels, not getRGB, which would brighten them as linear grey.
      Pixels.argbRow(image, y + r, row, samples);
      System.arraycopy(row, x, argb, r * size, size);
    }
    return PngWriter.unfiltered(PngEncoder.direct8(size, size, argb));
  }
}
