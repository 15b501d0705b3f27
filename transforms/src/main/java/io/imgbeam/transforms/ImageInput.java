package io.imgbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One matched input: its path, the path of its output relative to the output root, and its size
 * when the match knew it ({@code -1} when not, as for a listed path that was not globbed).
 */
public final class ImageInput {
  private final String path;
  private final String relativePath;
  private final long sizeBytes;

  private ImageInput(String path, String relativePath, long sizeBytes) {
    this.path = Objects.requireNonNull(path, "path");
    this.relativePath = Objects.requireNonNull(relativePath, "relativePath");
    this.sizeBytes = sizeBytes;
  }

  public static ImageInput of(String path, String relativePath, long sizeBytes) {
    return new ImageInput(path, relativePath, sizeBytes);
  }

  public String path() {
    return path;
  }

  public String relativePath() {
    return relativePath;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageInput other
        && path.equals(other.path)
        && relativePath.equals(other.relativePath)
        && sizeBytes == other.sizeBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, relativePath, sizeBytes);
  }

  @Override
  public String toString() {
    return path + " -> " + relativePath + " (" + sizeBytes + " bytes)";
  }

  /** The coder for {@link ImageInput}: two strings and a variable-length size. */
  public static final class Coder extends CustomCoder<ImageInput> {
    private static final long serialVersionUID = 1L;
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ImageInput value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.path, out);
      StringUtf8Coder.of().encode(value.relativePath, out);
      VarLongCoder.of().encode(value.sizeBytes, out);
    }

    @Override
    public ImageInput decode(InputStream in) throws IOException {
      return new ImageInput(
          StringUtf8Coder.of().decode(in),
          StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
