package io.imgbeam.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imgbeam.codec.Preview;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewCacheTest {
  @TempDir Path root;

  @Test
  void storesAndReadsThePicturesOfAPair() throws IOException {
    Preview.Images images =
        new Preview.Images(new byte[] {1, 2}, new byte[] {3}, null, new byte[] {});
    PreviewCache.write(root, "aa", "bb", images);
    Preview.Images read = PreviewCache.read(root, "aa", "bb").orElseThrow();
    assertArrayEquals(images.before(), read.before());
    assertArrayEquals(images.after(), read.after());
    assertNull(read.beforeCrop());
    assertArrayEquals(images.afterCrop(), read.afterCrop());
    // Another pair, or an unknown hash, has none.
    assertTrue(PreviewCache.read(root, "aa", "cc").isEmpty());
    assertTrue(PreviewCache.read(root, null, "bb").isEmpty());
  }

  /** Copies of one input compressed at once have one pair of hashes: every writer succeeds. */
  @Test
  void concurrentWritersOfOnePairAllSucceed() throws Exception {
    Preview.Images images =
        new Preview.Images(new byte[] {1, 2}, new byte[] {3}, new byte[] {4}, new byte[] {5});
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Void>> writes = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        writes.add(
            threads.submit(
                () -> {
                  PreviewCache.write(root, "aa", "bb", images);
                  return null;
                }));
      }
      for (Future<Void> write : writes) {
        write.get();
      }
    } finally {
      threads.shutdownNow();
    }
    assertArrayEquals(
        images.afterCrop(), PreviewCache.read(root, "aa", "bb").orElseThrow().afterCrop());
    try (Stream<Path> files = Files.list(PreviewCache.folder(root))) {
      assertEquals(1, files.count(), "one file, no temp files left");
    }
  }

  @Test
  void refusesAFileItDidNotWrite() throws IOException {
    Files.createDirectories(PreviewCache.folder(root));
    Files.write(PreviewCache.folder(root).resolve("aa-bb.bin"), new byte[] {0, 3, 'x', 'y', 'z'});
    assertThrows(IOException.class, () -> PreviewCache.read(root, "aa", "bb"));
  }

  @Test
  void clearRemovesTheFolder() throws IOException {
    PreviewCache.clear(root);
    PreviewCache.write(root, "aa", "bb", new Preview.Images(new byte[] {1}, null, null, null));
    PreviewCache.clear(root);
    assertFalse(Files.exists(PreviewCache.folder(root)));
    assertTrue(Files.isDirectory(root.resolve(OutputFiles.RUN_FOLDER)));
  }
}
