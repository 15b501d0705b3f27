package io.imgbeam.codec;

import java.awt.Rectangle;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Probe and decode through ImageIO, with TwelveMonkeys' readers registered ahead of the JDK's (they
 * read CMYK/YCCK JPEG with the right colours, WebP, TIFF and more BMP variants).
 */
final class ImageReading {
  static {
    // Decoding in memory: no temp files in java.io.tmpdir for every image.
    ImageIO.setUseCache(false);
    ImagePlugins.register();
  }

  private ImageReading() {}

  /** What the header says, read without allocating a pixel buffer. */
  record Header(int width, int height, int frames) {
    long pixels() {
      return (long) width * height * Math.max(1, frames);
    }
  }

  /** Reads width, height and frame count. */
  static Header probe(byte[] data, ImageFormat format) throws IOException {
    ImageReader reader = readerFor(format);
    try (ImageInputStream in = stream(data)) {
      reader.setInput(in, false, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      int frames = countFrames(reader, data, format);
      return new Header(width, height, frames);
    } finally {
      reader.dispose();
    }
  }

  private static int countFrames(ImageReader reader, byte[] data, ImageFormat format)
      throws IOException {
    return switch (format) {
      // acTL is an APNG extension the JDK reader ignores: it would hand us the first frame only.
      case PNG -> PngChunks.animationFrames(data);
      case GIF, WEBP, TIFF -> Math.max(1, reader.getNumImages(true));
      default -> 1;
    };
  }

  /**
   * Decodes the first image. A decoder warning about the data (a truncated JPEG is padded with grey
   * and only warned about) is an error: a damaged image must not be passed off as a good one.
   * Warnings about an embedded ICC profile are not: the reader falls back to a standard profile for
   * the colour space, and the pixels themselves are intact.
   */
  static BufferedImage decode(byte[] data, ImageFormat format) throws IOException {
    return decode(data, format, FailOn.WARNING, false);
  }

  /**
   * Decodes a file imgbeam wrote itself (verification, report pictures): a plain JPEG through
   * libjpeg-turbo ({@link TurboJpeg}), several times faster than ImageIO on progressive files;
   * anything else as {@link #decode(byte[], ImageFormat)} does. Not for inputs: libjpeg-turbo's
   * warnings are not reported, and an input's warnings must fail it (inputs reach it through {@link
   * #decode(byte[], ImageFormat, FailOn, boolean, int, int)} only after ImageIO has checked them).
   */
  static BufferedImage decodeOwn(byte[] data, ImageFormat format) throws IOException {
    if (format == ImageFormat.JPEG) {
      TurboJpeg.Frame frame = TurboJpeg.plain(data);
      if (frame != null) {
        return TurboJpeg.decode(data, frame);
      }
    }
    return decode(data, format);
  }

  /**
   * Decodes the first image. With {@link FailOn#ERROR} the decoder's warnings are accepted (a
   * truncated JPEG comes back padded with grey). With {@code embeddedProfile}, an RGB JPEG with an
   * ICC profile is returned in that profile's colour space, unconverted (TwelveMonkeys otherwise
   * converts it to sRGB while reading). The decode stops early when the calling thread is
   * interrupted or its {@link Progress} is cancelled.
   */
  static BufferedImage decode(
      byte[] data, ImageFormat format, FailOn failOn, boolean embeddedProfile) throws IOException {
    return decode(data, format, failOn, embeddedProfile, 1, 1);
  }

  /**
   * Decodes the first image, keeping only every {@code stepX}-th column and {@code stepY}-th row
   * (ImageIO source subsampling, offset by half a step so the kept pixels sit at the centres of
   * their cells): the fast path for a resize to much less than the stored size. It is point
   * sampling, so callers keep several times the final size and let the resize filter do the rest.
   */
  static BufferedImage decode(
      byte[] data, ImageFormat format, FailOn failOn, boolean embeddedProfile, int stepX, int stepY)
      throws IOException {
    if (format == ImageFormat.JPEG && stepX == 1 && stepY == 1) {
      TurboJpeg.Frame frame = TurboJpeg.plain(data);
      if (frame != null
          && frame.progressive()
          && data.length < CHECKED_PROGRESSIVE_BYTES_PER_PIXEL * frame.pixels()) {
        // The JDK's reader renders a progressive JPEG once for every scan (buffered-image mode:
        // about ten whole-image passes for a common scan script); libjpeg-turbo renders it once,
        // with the same IDCT, upsampling and colour conversion (a plain file has no profile to
        // convert), but reports no warnings and gives up on a truncated file. So ImageIO first
        // reads the first row only: every scan is entropy-decoded, and so checked, and each pass
        // renders one row. Under CHECKED_PROGRESSIVE_BYTES_PER_PIXEL rendering costs more than the
        // second entropy decode. A file with warnings, when they are accepted, is decoded whole by
        // ImageIO below, which pads what is missing.
        List<String> warnings = new ArrayList<>();
        read(data, format, (reader, param) -> firstRow(param, frame), warnings);
        if (warnings.isEmpty()) {
          try {
            return TurboJpeg.decode(data, frame);
          } catch (IOException e) {
            // ImageIO's decode below reports what is wrong in its own words.
          }
        } else if (failOn == FailOn.WARNING) {
          throw corrupt(warnings);
        }
      }
    }
    return imageIo(data, format, failOn, embeddedProfile, stepX, stepY);
  }

  /**
   * Decodes as {@link #decode(byte[], ImageFormat, FailOn, boolean, int, int)} does, by ImageIO.
   */
  static BufferedImage imageIo(
      byte[] data, ImageFormat format, FailOn failOn, boolean embeddedProfile, int stepX, int stepY)
      throws IOException {
    List<String> warnings = new ArrayList<>();
    BufferedImage image =
        read(
            data,
            format,
            (reader, param) -> {
              if (embeddedProfile) {
                param.setDestinationType(embeddedProfileType(reader));
              }
              if (stepX > 1 || stepY > 1) {
                param.setSourceSubsampling(stepX, stepY, stepX / 2, stepY / 2);
              } else if (!embeddedProfile && format == ImageFormat.JPEG) {
                param.setDestination(rgbDestination(reader));
              }
            },
            warnings);
    if (!warnings.isEmpty() && failOn == FailOn.WARNING) {
      throw corrupt(warnings);
    }
    return image;
  }

  private static IOException corrupt(List<String> warnings) {
    return new IOException("corrupt image data: " + String.join("; ", warnings));
  }

  /**
   * Below this many file bytes per pixel a plain progressive JPEG is checked through ImageIO and
   * decoded by libjpeg-turbo (see {@link #decode(byte[], ImageFormat, FailOn, boolean, int, int)}):
   * 4 bits a pixel, about half the break-even of a ten-scan file, and several times what photos
   * saved at web qualities take (the bench's progressive wallpapers: 0.04 and 0.14).
   */
  static final double CHECKED_PROGRESSIVE_BYTES_PER_PIXEL = 0.5;

  /** Sets up an ImageIO read of image 0. */
  private interface ReadSetup {
    void apply(ImageReader reader, ImageReadParam param) throws IOException;
  }

  private static void firstRow(ImageReadParam param, TurboJpeg.Frame frame) {
    param.setSourceRegion(new Rectangle(0, 0, frame.width(), 1));
  }

  /**
   * Reads image 0 through ImageIO, adding the reader's warnings (but those about an embedded ICC
   * profile) to {@code warnings}.
   */
  private static BufferedImage read(
      byte[] data, ImageFormat format, ReadSetup setup, List<String> warnings) throws IOException {
    ImageReader reader = readerFor(format);
    reader.addIIOReadWarningListener(
        (source, warning) -> {
          if (!warning.contains("ICC")) {
            warnings.add(warning);
          }
        });
    Progress progress = Progress.current();
    progress.onCancel(reader::abort);
    try (ImageInputStream in = stream(data)) {
      reader.setInput(in, true, true);
      ImageReadParam param = reader.getDefaultReadParam();
      setup.apply(reader, param);
      BufferedImage image = reader.read(0, param);
      Progress.checkInterrupted();
      return image;
    } finally {
      progress.onCancel(null);
      reader.dispose();
    }
  }

  /**
   * For a JPEG the reader would return as {@code TYPE_3BYTE_BGR}: an image of its size with the
   * bytes in R, G, B order ({@link Pixels#rgbBytes}), the same pixels, which the JDK's reader fills
   * a row at a time with one array copy instead of sample by sample (the bench photos decoded in
   * 12.5 ms per megapixel instead of 17); null (the reader's own choice) for anything else.
   */
  private static BufferedImage rgbDestination(ImageReader reader) throws IOException {
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    if (!types.hasNext() || types.next().getBufferedImageType() != BufferedImage.TYPE_3BYTE_BGR) {
      return null;
    }
    return Pixels.rgbBytes(reader.getWidth(0), reader.getHeight(0));
  }

  /** The reader's image type in the embedded RGB profile's colour space, or null for none. */
  private static ImageTypeSpecifier embeddedProfileType(ImageReader reader) throws IOException {
    for (Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0); types.hasNext(); ) {
      ImageTypeSpecifier type = types.next();
      ColorSpace cs = type.getColorModel().getColorSpace();
      if (cs instanceof ICC_ColorSpace
          && !cs.isCS_sRGB()
          && cs.getType() == ColorSpace.TYPE_RGB
          && type.getColorModel() instanceof ComponentColorModel) {
        return type;
      }
    }
    return null;
  }

  private static ImageInputStream stream(byte[] data) {
    return new MemoryCacheImageInputStream(Progress.interruptible(new ByteArrayInputStream(data)));
  }

  /**
   * TwelveMonkeys' reader of this class loader's copy (on a Flink TaskManager another job's may be
   * registered too), else another TwelveMonkeys reader (its jars on a parent class loader), else
   * the JDK's.
   */
  private static ImageReader readerFor(ImageFormat format) throws IOException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.recordName());
    ImageReader chosen = null;
    int rank = 0;
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      int r = rank(reader);
      if (r > rank || chosen == null) {
        if (chosen != null) {
          chosen.dispose();
        }
        chosen = reader;
        rank = r;
        if (rank == 2) {
          // The best there is: the readers after it are not even made.
          return chosen;
        }
      } else {
        reader.dispose();
      }
    }
    if (chosen == null) {
      throw new IOException("no ImageIO reader for " + format.recordName());
    }
    return chosen;
  }

  /** 2: TwelveMonkeys' of this class loader; 1: TwelveMonkeys' of another; 0: any other. */
  private static int rank(ImageReader reader) {
    if (!reader.getClass().getName().startsWith("com.twelvemonkeys.")) {
      return 0;
    }
    return reader.getClass().getClassLoader() == ImageReading.class.getClassLoader() ? 2 : 1;
  }
}
