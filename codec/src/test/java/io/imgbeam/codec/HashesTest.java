package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HashesTest {
  /** The FIPS 180-2 example: SHA-256 of "abc". */
  @Test
  void hashesAKnownMessage() throws IOException {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    String expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assertEquals(expected, Hashes.sha256(abc));
    assertEquals(expected, Hashes.sha256(new ByteArrayInputStream(abc), 3));
  }

  /** Streamed over several 64 KB steps, the digest is that of the whole array. */
  @Test
  void aStreamHashesAsItsBytes() throws IOException {
    byte[] bytes = new byte[200_001];
    new Random(7).nextBytes(bytes);
    assertEquals(
        Hashes.sha256(bytes), Hashes.sha256(new ByteArrayInputStream(bytes), bytes.length));
  }

  @Test
  void aStreamOverTheLimitIsRefused() {
    byte[] bytes = new byte[70_000];
    IOException e =
        assertThrows(
            IOException.class,
            () -> Hashes.sha256(new ByteArrayInputStream(bytes), bytes.length - 1));
    assertEquals("over 69999 bytes", e.getMessage());
  }
}
