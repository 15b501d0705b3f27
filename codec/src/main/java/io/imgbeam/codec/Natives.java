package io.imgbeam.codec;

import java.io.File;
import java.io.IOException;
import org.bytedeco.javacpp.Loader;

/**
 * Loads the natives of a JavaCPP preset (OpenCV's libjpeg-turbo, FFmpeg's AVIF codecs) from one
 * cache folder per JavaCPP release, shared by every job and every JVM of the user.
 *
 * <p>By default JavaCPP extracts a jar's natives into a folder named after the jar file. On Flink
 * every job's jar is a new blob file ({@code blob_p-<hash>-<random>}), so every job extracted them
 * again on every TaskManager (120 MB for OpenCV and OpenBLAS, 56 MB more for FFmpeg; OpenCV's
 * extraction alone took 0.36 s more CPU than a load from the cache) and left them in {@code
 * ~/.javacpp/cache} for good. Here they go into {@code <cache>/imgbeam-javacpp-<version>}, without
 * a folder per jar: extracted once, and checked by size and time after that, as JavaCPP checks
 * every cached file. A job whose TaskManager still holds an earlier job's class loader gets
 * numbered copies of the libraries from JavaCPP (JNI binds a library file to one class loader), as
 * many as there are such class loaders.
 *
 * <p>{@code <cache>} is JavaCPP's: {@code org.bytedeco.javacpp.cachedir} (or {@code cacheDir}) when
 * set, else {@code ~/.javacpp/cache}. A user who sets {@code
 * org.bytedeco.javacpp.cachedir.nosubdir} (either way) gets JavaCPP's own behaviour, as does a JVM
 * where JavaCPP's cache folder was chosen before the first load here (its first choice is kept for
 * the JVM's class loader).
 */
final class Natives {
  static final String CACHE_DIR = "org.bytedeco.javacpp.cachedir";
  static final String NO_SUBDIR = "org.bytedeco.javacpp.cachedir.nosubdir";

  /** The other spelling JavaCPP reads, after {@link #CACHE_DIR}. */
  private static final String CACHE_DIR_OLD_NAME = "org.bytedeco.javacpp.cacheDir";

  private Natives() {}

  /**
   * {@code Loader.load(preset)} with the cache folder above, then initialises {@code used}: the
   * preset's classes that the caller uses. Each JavaCPP class calls {@code Loader.load} when it is
   * initialised, which links every library of its preset into the cache again, in a folder named
   * after the jar unless it runs here. Throws what {@code Loader.load} throws ({@link
   * UnsatisfiedLinkError} on a platform without the natives).
   */
  static void load(Class<?> preset, Class<?>... used) {
    // JavaCPP takes this lock around each extraction, so other loads in this JVM wait for this
    // one; the two properties are set for its length only (a JavaCPP of another class loader that
    // reads them meanwhile would extract without a folder per jar too).
    synchronized (Runtime.getRuntime()) {
      String cache = System.getProperty(CACHE_DIR);
      if (System.getProperty(NO_SUBDIR) != null) {
        Loader.load(preset);
        return;
      }
      File folder = folder(cache != null ? cache : System.getProperty(CACHE_DIR_OLD_NAME));
      System.setProperty(CACHE_DIR, folder.getPath());
      try {
        if (folder.equals(chosenCache())) {
          System.setProperty(NO_SUBDIR, "true");
        }
        Loader.load(preset);
        for (Class<?> c : used) {
          Class.forName(c.getName(), true, c.getClassLoader());
        }
      } catch (ClassNotFoundException e) {
        throw new NoClassDefFoundError(e.getMessage());
      } finally {
        System.clearProperty(NO_SUBDIR);
        if (cache == null) {
          System.clearProperty(CACHE_DIR);
        } else {
          System.setProperty(CACHE_DIR, cache);
        }
      }
    }
  }

  /** The cache folder of this release of JavaCPP under {@code cache} (null: JavaCPP's default). */
  static File folder(String cache) {
    File parent =
        cache != null
            ? new File(cache)
            : new File(System.getProperty("user.home"), ".javacpp" + File.separator + "cache");
    String version;
    try {
      version = Loader.getVersion();
    } catch (IOException e) {
      version = null;
    }
    File folder = new File(parent, "imgbeam-javacpp" + (version == null ? "" : "-" + version));
    try {
      return folder.getCanonicalFile();
    } catch (IOException e) {
      return folder.getAbsoluteFile();
    }
  }

  /**
   * The folder JavaCPP extracts into in this class loader, chosen at its first use; null when it
   * can make none.
   */
  private static File chosenCache() {
    try {
      return Loader.getCacheDir();
    } catch (IOException e) {
      return null;
    }
  }
}
