package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.imgbeam.codec.ImageFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutputFilesTest {
  @TempDir Path root;

  @Test
  void keepsTheRelativePathAndChangesTheExtensionOnlyWithTheFormat() throws IOException {
    assertEquals(
        root.resolve("a/b.jpg"),
        OutputFiles.resolve(root, "a/b.jpg", ImageFormat.JPEG, ImageFormat.JPEG));
    assertEquals(
        root.resolve("a/b.png"),
        OutputFiles.resolve(root, "a/b.tif", ImageFormat.TIFF, ImageFormat.PNG));
    assertEquals(
        root.resolve("noext.png"),
        OutputFiles.resolve(root, "noext", ImageFormat.BMP, ImageFormat.PNG));
    assertEquals(
        root.resolve("dir.v2/x.png"),
        OutputFiles.resolve(root, "dir.v2/x", ImageFormat.GIF, ImageFormat.PNG));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../escape.jpg",
        "a/../../escape.jpg",
        "/etc/passwd",
        "",
        "a\nb.jpg",
        "_imgbeam/x"
      })
  void refusesPathsThatWouldEscapeOrClobber(String relative) {
    assertThrows(
        OutputFiles.UnsafePathException.class,
        () -> OutputFiles.resolve(root, relative, ImageFormat.JPEG, ImageFormat.JPEG));
  }

  @Test
  void writesAtomicallyAndLeavesNoTempFile() throws IOException {
    Path dest = root.resolve("x/y/out.jpg");
    OutputFiles.writeAtomically(root, dest, new byte[] {1, 2, 3});
    OutputFiles.writeAtomically(root, dest, new byte[] {4, 5});
    assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(dest));
    try (Stream<Path> files = Files.walk(root)) {
      assertEquals(1, files.filter(Files::isRegularFile).count());
    }
  }

  @Test
  void leavesNoTempFileWhenTheMoveFails() throws IOException {
    Path dest = root.resolve("taken");
    Files.createDirectories(dest.resolve("child"));
    assertThrows(IOException.class, () -> OutputFiles.writeAtomically(root, dest, new byte[] {1}));
    try (Stream<Path> files = Files.list(root)) {
      assertEquals(1, files.count(), "only the folder that was in the way");
    }
  }

  @Test
  void refusesASymbolicLinkInTheOutputTree() throws IOException {
    Path elsewhere =
        Files.createDirectories(root.resolveSibling(root.getFileName() + "-elsewhere"));
    Files.createSymbolicLink(root.resolve("link"), elsewhere);
    OutputFiles.UnsafePathException e =
        assertThrows(
            OutputFiles.UnsafePathException.class,
            () -> OutputFiles.writeAtomically(root, root.resolve("link/a/b.jpg"), new byte[] {1}));
    assertEquals("output folder " + root.resolve("link") + " is a symbolic link", e.getMessage());
    try (Stream<Path> files = Files.walk(elsewhere)) {
      assertEquals(1, files.count(), "nothing written through the link");
    }
    Files.delete(root.resolve("link"));
    Files.delete(elsewhere);
  }

  @Test
  void deletesStaleTempFilesOnly() throws IOException {
    Files.createDirectories(root.resolve("a"));
    Files.write(root.resolve("a/.x.jpg.0f0e-uuid" + OutputFiles.TEMP_SUFFIX), new byte[] {1});
    Files.write(root.resolve("a/x.jpg"), new byte[] {2});
    assertEquals(1, OutputFiles.deleteStaleTempFiles(root));
    try (Stream<Path> files = Files.walk(root)) {
      assertEquals(1, files.filter(Files::isRegularFile).count());
    }
  }
}
