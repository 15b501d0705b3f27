package io.imgbeam.transforms;

import io.imgbeam.codec.Preview;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Report pictures made while the job runs ({@link Preview.Wanted}), kept in {@code
 * OUTPUT/_imgbeam/previews/} until the report is written, which then needs to decode only the
 * images that have none. A file is named by the SHA-256 of the input and of the output it shows, so
 * it can only ever hold the pictures of those exact bytes: a retried worker rewrites the same
 * content, and a file left by an earlier run is still right for the same pair. {@link RunReport}
 * removes the folder once the page is written.
 */
final class PreviewCache {
  /** The folder under the run folder. */
  static final String FOLDER = "previews";

  private static final String MAGIC = "imgbeam-previews-1";

  private PreviewCache() {}

  static Path folder(Path outputRoot) {
    return outputRoot.resolve(OutputFiles.RUN_FOLDER).resolve(FOLDER);
  }

  private static Path file(Path outputRoot, String inputSha256, String outputSha256) {
    return folder(outputRoot).resolve(inputSha256 + "-" + outputSha256 + ".bin");
  }

  /** Stores the pictures of the pair, atomically. */
  static void write(Path outputRoot, String inputSha256, String outputSha256, Preview.Images images)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(MAGIC);
      for (byte[] picture :
          new byte[][] {images.before(), images.after(), images.beforeCrop(), images.afterCrop()}) {
        out.writeInt(picture == null ? -1 : picture.length);
        if (picture != null) {
          out.write(picture);
        }
      }
    }
    Path file = file(outputRoot, inputSha256, outputSha256);
    // Two images with the same input and output (copies of one file) have the same pictures and
    // one file: the first keeps it, and writes in this JVM take turns, since concurrent writers of
    // one file would share its temp file.
    synchronized (PreviewCache.class) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        OutputFiles.writeAtomically(outputRoot, file, bytes.toByteArray());
      }
    }
  }

  /**
   * The stored pictures of the pair, or empty when none were made.
   *
   * @throws IOException when the file is there but is not one this class wrote
   */
  static Optional<Preview.Images> read(Path outputRoot, String inputSha256, String outputSha256)
      throws IOException {
    if (inputSha256 == null || outputSha256 == null) {
      return Optional.empty();
    }
    Path file = file(outputRoot, inputSha256, outputSha256);
    byte[] data;
    try {
      if (Files.isSymbolicLink(file)) {
        throw new IOException(file + " is a symbolic link");
      }
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      if (!MAGIC.equals(in.readUTF())) {
        throw new IOException(file + " is not a pictures file");
      }
      byte[][] pictures = new byte[4][];
      for (int i = 0; i < pictures.length; i++) {
        int length = in.readInt();
        if (length < -1 || length > in.available()) {
          throw new IOException(file + " is damaged");
        }
        pictures[i] = length < 0 ? null : in.readNBytes(length);
      }
      return Optional.of(new Preview.Images(pictures[0], pictures[1], pictures[2], pictures[3]));
    }
  }

  /** Deletes the folder and the files in it (without following links); absent is fine. */
  static void clear(Path outputRoot) throws IOException {
    Path folder = folder(outputRoot);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path file : files) {
        Files.delete(file);
      }
    }
    Files.deleteIfExists(folder);
  }
}
