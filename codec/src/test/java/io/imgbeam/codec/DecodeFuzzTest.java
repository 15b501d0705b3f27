package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short, fixed-seed run of {@link DecodeFuzzer} in every build. */
class DecodeFuzzTest {
  @TempDir Path findings;

  @Test
  void fixedSeedMutantsNeitherCrashNorHang() {
    DecodeFuzzer fuzzer = new DecodeFuzzer(20261128L, findings);
    List<String> found = fuzzer.run(3000, System.nanoTime() + 60_000_000_000L, 10);
    assertTrue(fuzzer.runs() > 0);
    assertEquals(List.of(), found);
  }
}
