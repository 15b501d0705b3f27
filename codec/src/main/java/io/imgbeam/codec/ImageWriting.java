package io.imgbeam.codec;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Runs an ImageIO writer into memory and always disposes of it. */
final class ImageWriting {
  private ImageWriting() {}

  /** The JDK's own writer for a format (not a plugin that wraps it). */
  static ImageWriter jdkWriter(String formatName) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(formatName);
    ImageWriter chosen = null;
    while (writers.hasNext()) {
      ImageWriter writer = writers.next();
      if (chosen == null && writer.getClass().getName().startsWith("com.sun.imageio.")) {
        chosen = writer;
      } else {
        writer.dispose();
      }
    }
    if (chosen == null) {
      throw new IOException("no JDK ImageIO writer for " + formatName);
    }
    return chosen;
  }

  /** Writes {@code image} with no metadata but what the writer needs. */
  static byte[] write(ImageWriter writer, BufferedImage image, ImageWriteParam param)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    Progress progress = Progress.current();
    progress.onCancel(writer::abort);
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
      Progress.checkInterrupted();
    } finally {
      progress.onCancel(null);
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
