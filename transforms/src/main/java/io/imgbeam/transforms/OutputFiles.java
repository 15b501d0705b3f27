package io.imgbeam.transforms;

import io.imgbeam.codec.Hashes;
import io.imgbeam.codec.ImageFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where outputs go and how they get there: a deterministic path under the output root, written
 * through a temp file in the destination folder and an atomic rename, so a reader never sees a
 * half-written image and a retried bundle overwrites only its own output.
 */
public final class OutputFiles {
  /** The folder under the output root that holds outcomes and the summary. */
  public static final String RUN_FOLDER = "_imgbeam";

  static final String TEMP_SUFFIX = CompressImages.TEMP_SUFFIX;

  private OutputFiles() {}

  /** A relative path that must not be written. */
  static final class UnsafePathException extends IOException {
    private static final long serialVersionUID = 1L;

    UnsafePathException(String message) {
      super(message);
    }
  }

  /**
   * The output path of an input: its relative path under {@code root}, with the extension of the
   * output format when that differs from the input's.
   */
  static Path resolve(Path root, String relativePath, ImageFormat input, ImageFormat output)
      throws UnsafePathException {
    for (int i = 0; i < relativePath.length(); i++) {
      char c = relativePath.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw new UnsafePathException(
            "relative path contains control character 0x" + Integer.toHexString(c));
      }
    }
    if (relativePath.isEmpty() || relativePath.startsWith("/")) {
      throw new UnsafePathException("relative path \"" + relativePath + "\" is empty or absolute");
    }
    for (String segment : relativePath.split("/")) {
      if (segment.equals("..")) {
        throw new UnsafePathException("relative path \"" + relativePath + "\" contains ..");
      }
    }
    if (relativePath.equals(RUN_FOLDER) || relativePath.startsWith(RUN_FOLDER + "/")) {
      throw new UnsafePathException(
          "relative path \"" + relativePath + "\" is inside the reserved folder " + RUN_FOLDER);
    }
    String name = output == input ? relativePath : withExtension(relativePath, output);
    Path normalRoot = root.toAbsolutePath().normalize();
    Path dest = normalRoot.resolve(name).normalize();
    if (!dest.startsWith(normalRoot) || dest.equals(normalRoot)) {
      throw new UnsafePathException("output " + dest + " would be outside " + normalRoot);
    }
    return dest;
  }

  private static String withExtension(String path, ImageFormat format) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    String stem = dot > slash + 1 ? path.substring(0, dot) : path;
    return stem + "." + format.extension();
  }

  /** Two inputs whose outputs would have the same path. */
  static final class OutputCollisionException extends IOException {
    private static final long serialVersionUID = 1L;

    OutputCollisionException(String message) {
      super(message);
    }
  }

  /**
   * Where the output of {@code inputPath} waits for {@link #moveIntoPlace}: a hidden temp file
   * beside {@code dest} (same folder, so the rename is atomic), named after the destination and the
   * input, so that two inputs bound for one destination never share a temp file and a retry
   * overwrites its own.
   */
  static Path stagedPath(Path dest, String inputPath) {
    String id = Hashes.sha256(inputPath.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    return dest.resolveSibling("." + dest.getFileName() + "." + id + TEMP_SUFFIX);
  }

  /**
   * Writes {@code data} to its staged path, flushed to disk; see {@link #stagedPath}. The folders
   * between {@code root} and the file are created as {@link #writeAtomically} creates them.
   */
  static void stage(Path root, Path staged, byte[] data) throws IOException {
    safeFolders(root.toAbsolutePath().normalize(), staged.getParent());
    boolean written = false;
    try {
      write(staged, data);
      written = true;
    } finally {
      if (!written) {
        Files.deleteIfExists(staged);
      }
    }
  }

  /** Renames a staged file to its destination atomically, replacing an earlier run's file. */
  static void moveIntoPlace(Path staged, Path dest) throws IOException {
    Files.move(staged, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void write(Path file, byte[] data) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  /**
   * Writes {@code data} to {@code dest} atomically, replacing an earlier run's file. The folders
   * between {@code root} and {@code dest} are created one at a time and none may be a symbolic
   * link, so that a link planted in the output tree cannot send the write elsewhere. On any failure
   * (disk full, read-only file system) the temp file is deleted: nothing empty or partial is left.
   * The temp file's name is derived from the destination, so a retry of a worker that was killed
   * mid-write overwrites the temp file it left instead of leaving a second one.
   */
  static void writeAtomically(Path root, Path dest, byte[] data) throws IOException {
    Path folder = safeFolders(root.toAbsolutePath().normalize(), dest.getParent());
    Path temp = folder.resolve("." + dest.getFileName() + TEMP_SUFFIX);
    boolean moved = false;
    try {
      write(temp, data);
      moveIntoPlace(temp, dest);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Creates the folders from {@code root} down to {@code folder}, refusing symbolic links. */
  private static Path safeFolders(Path root, Path folder) throws IOException {
    Path current = root;
    for (Path part : root.relativize(folder)) {
      current = current.resolve(part);
      if (Files.isSymbolicLink(current)) {
        throw new UnsafePathException("output folder " + current + " is a symbolic link");
      }
      if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createDirectory(current);
        } catch (FileAlreadyExistsException e) {
          // Another worker made it, or it is a file: only a real folder will do.
          if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafePathException("output folder " + current + " is not a folder");
          }
        }
      }
    }
    return current;
  }

  /**
   * Deletes the temp files a killed run left anywhere under {@code root} (without following
   * symbolic links); returns how many.
   */
  public static int deleteStaleTempFiles(Path root) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int[] deleted = {0};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            String name = file.getFileName().toString();
            if (attrs.isRegularFile() && name.startsWith(".") && name.endsWith(TEMP_SUFFIX)) {
              Files.delete(file);
              deleted[0]++;
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return deleted[0];
  }
}
