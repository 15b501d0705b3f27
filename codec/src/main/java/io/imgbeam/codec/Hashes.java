package io.imgbeam.codec;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests for outcome records. */
public final class Hashes {
  private Hashes() {}

  /** The lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /**
   * The lower-case hex SHA-256 of what is left in {@code in}, read in 64 KB steps without holding
   * it.
   *
   * @throws IOException when reading fails, or {@code in} holds more than {@code limit} bytes
   */
  public static String sha256(InputStream in, long limit) throws IOException {
    MessageDigest digest = digest();
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      total += n;
      if (total > limit) {
        throw new IOException("over " + limit + " bytes");
      }
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
