package io.imgbeam.codec;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * JPEG decoding through libjpeg-turbo (OpenCV's imgcodecs, natives inside the bytedeco jars): SIMD
 * and several times faster than the JDK's libjpeg 6b on progressive files, with the same IDCT,
 * upsampling and YCbCr conversion, so the pixels agree with the ImageIO path.
 *
 * <p>Only for plain files ({@link #plain}): JFIF YCbCr or grey, 8-bit Huffman, no ICC profile and
 * no Adobe marker. Everything else (CMYK, YCCK, profiles the ImageIO path converts) goes through
 * ImageIO. OpenCV prints libjpeg's warnings instead of reporting them (a file with a hole in its
 * scans decodes without a word) and gives up on a truncated file, so it decodes files imgbeam wrote
 * itself (verification, report pictures) and only those inputs ImageIO has read without a warning:
 * progressive files, checked on their first row (see {@link ImageReading#decode(byte[],
 * ImageFormat, FailOn, boolean, int, int)}).
 */
final class TurboJpeg {
  /** Why the natives did not load, or null when they did. */
  private static final String UNAVAILABLE = load();

  private TurboJpeg() {}

  private static String load() {
    try {
      Natives.load(opencv_imgcodecs.class, BytePointer.class, Mat.class);
      // Decode on the calling thread: the runner already runs one image per core.
      opencv_core.setNumThreads(0);
      return null;
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return e.toString();
    }
  }

  /** Whether the natives loaded on this platform; when not, callers use ImageIO. */
  static boolean available() {
    return UNAVAILABLE == null;
  }

  private static final byte[] JFIF = Bytes.ascii("JFIF\0");

  /**
   * The frame header of a plain file: {@code components} 1 or 3, and {@code height} 0 when a DNL
   * marker sets it after the first scan.
   */
  record Frame(int components, int width, int height, boolean progressive) {
    long pixels() {
      return (long) width * height;
    }
  }

  /**
   * The frame of {@code jpeg} when it is a plain JFIF file this decoder reads as ImageIO does, else
   * null: a JFIF APP0, no ICC profile (APP2) or Adobe marker (APP14), and a baseline, extended or
   * progressive Huffman frame of 8-bit samples with one or three components. Null for every file
   * when the natives did not load ({@link #available}): callers then use ImageIO.
   */
  static Frame plain(byte[] jpeg) {
    if (!available() || jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      return null;
    }
    boolean jfif = false;
    int pos = 2;
    while (pos + 4 <= jpeg.length) {
      if ((jpeg[pos] & 0xFF) != 0xFF) {
        return null;
      }
      int marker = jpeg[pos + 1] & 0xFF;
      if (marker == 0xFF) {
        pos++;
        continue;
      }
      int length = Bytes.u16be(jpeg, pos + 2);
      int body = pos + 4;
      if (length < 2 || body + length - 2 > jpeg.length) {
        return null;
      }
      switch (marker) {
        case 0xE0 -> jfif |= Bytes.startsWith(jpeg, body, length - 2, JFIF);
        case 0xC0, 0xC1, 0xC2 -> {
          int components = length >= 8 ? jpeg[body + 5] & 0xFF : 0;
          boolean plain = jfif && (jpeg[body] & 0xFF) == 8;
          return plain && (components == 1 || components == 3)
              ? new Frame(
                  components,
                  Bytes.u16be(jpeg, body + 3),
                  Bytes.u16be(jpeg, body + 1),
                  marker == 0xC2)
              : null;
        }
        // ICC profile, Adobe (CMYK, YCCK, RGB), other frame types, or a scan before any frame.
        case 0xE2, 0xEE, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, 0xDA -> {
          return null;
        }
        default -> {}
      }
      pos = body + length - 2;
    }
    return null;
  }

  /**
   * Decodes a {@link #plain} file of this {@code frame} into {@code TYPE_3BYTE_BGR} (or {@code
   * TYPE_BYTE_GRAY} for one component), as stored: the EXIF orientation is not applied.
   */
  static BufferedImage decode(byte[] jpeg, Frame frame) throws IOException {
    boolean grey = frame.components() == 1;
    return imdecode(
        jpeg,
        frame,
        grey,
        decoded -> {
          BufferedImage image =
              new BufferedImage(
                  decoded.cols(),
                  decoded.rows(),
                  grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
          // OpenCV's BGR byte order is TYPE_3BYTE_BGR's: one copy, no conversion.
          decoded.data().get(((DataBufferByte) image.getRaster().getDataBuffer()).getData());
          return image;
        });
  }

  /**
   * Decodes the luma of a {@link #plain} file of this {@code frame}, its Y component (or its grey
   * one) exactly as the file stores it, and returns what {@code use} makes of it: {@code use} gets
   * the decoded width and height and the rows, one byte a pixel, one row after another, in native
   * memory of this thread's that is valid only until {@code use} returns. libjpeg leaves the chroma
   * components entropy-decoded but neither transformed, upsampled nor converted, and no pixel is
   * copied to the heap.
   */
  static <T> T luma(byte[] jpeg, Frame frame, LumaUse<T> use) throws IOException {
    return imdecode(
        jpeg,
        frame,
        true,
        decoded -> {
          long bytes = (long) decoded.cols() * decoded.rows();
          if (bytes > Integer.MAX_VALUE) {
            throw new IOException(
                decoded.cols() + "x" + decoded.rows() + " is too large for one buffer of luma");
          }
          ByteBuffer rows = decoded.data().capacity(bytes).asByteBuffer();
          return use.apply(decoded.cols(), decoded.rows(), rows);
        });
  }

  /** What {@link #luma} hands the decoded luma to. */
  @FunctionalInterface
  interface LumaUse<T> {
    T apply(int width, int height, ByteBuffer rows);
  }

  /** What {@link #imdecode} hands the decoded pixels to, before it frees them. */
  private interface Decoded<T> {
    T apply(Mat decoded) throws IOException;
  }

  /**
   * Decodes {@code jpeg} to one channel ({@code grey}: its luma) or to three (BGR), and returns
   * what {@code use} makes of the pixels.
   */
  private static <T> T imdecode(byte[] jpeg, Frame frame, boolean grey, Decoded<T> use)
      throws IOException {
    int channels = grey ? 1 : 3;
    int flags = (grey ? IMREAD_GRAYSCALE : IMREAD_COLOR) | IMREAD_IGNORE_ORIENTATION;
    long bytes = frame.pixels() * channels;
    // Into this thread's scratch, when the frame header gives the size (a height of 0 defers it to
    // a DNL marker): OpenCV would allocate, and the C library map and unmap, fresh memory for every
    // image over 32 MB. The page faults of that memory were 8 % of the CPU samples of the
    // throughput bench's codec loop (1 % with the scratch).
    BytePointer scratch = bytes == 0 ? null : scratch(bytes);
    try (BytePointer data = new BytePointer(jpeg);
        Mat encoded = new Mat(1, jpeg.length, CV_8UC1, data);
        Mat into =
            scratch == null
                ? new Mat()
                : new Mat(frame.height(), frame.width(), grey ? CV_8UC1 : CV_8UC3, scratch);
        Mat decoded = opencv_imgcodecs.imdecode(encoded, flags, into)) {
      if (decoded.empty()) {
        throw new IOException("libjpeg-turbo could not decode the JPEG");
      }
      if (decoded.channels() != channels || !decoded.isContinuous()) {
        throw new IOException(
            "libjpeg-turbo returned " + decoded.channels() + " channels, expected " + channels);
      }
      return use.apply(decoded);
    } finally {
      if (scratch != null && scratch != SCRATCH.get()) {
        scratch.close();
      }
    }
  }

  /**
   * Decoded bytes this thread keeps native memory for between decodes: 32 MP of RGB. A larger image
   * gets memory of its own, freed after its decode, so that a rare huge image does not pin its size
   * to a worker thread.
   */
  private static final long KEPT_SCRATCH_BYTES = 96L << 20;

  /** This thread's native memory that libjpeg-turbo decodes into; see {@link #scratch}. */
  private static final ThreadLocal<BytePointer> SCRATCH = new ThreadLocal<>();

  /**
   * At least {@code bytes} of native memory: this thread's scratch (grown when needed) up to {@link
   * #KEPT_SCRATCH_BYTES}, else memory of its own. The scratch is freed by JavaCPP's deallocator
   * once its thread is gone and it is collected.
   */
  private static BytePointer scratch(long bytes) {
    BytePointer kept = SCRATCH.get();
    if (kept != null && kept.capacity() >= bytes) {
      return kept;
    }
    if (bytes > KEPT_SCRATCH_BYTES) {
      return new BytePointer(bytes);
    }
    if (kept != null) {
      kept.close();
    }
    // The size this image needs: JavaCPP counts what it allocates against the heap's size.
    BytePointer grown = new BytePointer(bytes);
    SCRATCH.set(grown);
    return grown;
  }
}
