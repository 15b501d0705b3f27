package io.imgbeam.codec;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import org.bytedeco.javacpp.Loader;

/**
 * Loads the natives of a JavaCPP preset (OpenCV's libjpeg-turbo, FFmpeg's AVIF codecs) from one
 * cache folder per JavaCPP release, shared by every job and every JVM of the user.
 *
 * <p>By default JavaCPP extracts a jar's natives into a folder named after the jar file. On Flink
 * every job's jar is a new blob file ({@code blob_p-<hash>-<random>}), so every job extracted them
 * again on every TaskManager (120 MB for OpenCV and OpenBLAS, 56 MB more for FFmpeg; OpenCV's
 * extraction alone took 0.3-0.4 s more CPU than a load from the cache) and left them in {@code
 * ~/.javacpp/cache} for good. Here they go into {@code <cache>/imgbeam-javacpp-<version>}, without
 * a folder per jar: extracted once, and checked by size and time after that, as JavaCPP checks
 * every cached file.
 *
 * <p>JNI binds a library file to the first class loader that loads it, and a Flink TaskManager
 * gives each job a class loader of its own, which outlives the job until it is collected. A class
 * loader that finds the folder's libraries held by another one of its JVM takes the next folder,
 * {@code imgbeam-javacpp-<version>-2} and so on, each a whole set: so a TaskManager keeps as many
 * sets as it has had such class loaders at once, not one per job, and a second class loader does
 * not fall back to a system copy of a library that another one holds from the cache (JavaCPP's own
 * answer for a library it cannot load from its cache is to try the system's, which the Flink test
 * cluster's second job did with OpenBLAS, linking the cache's file to it).
 *
 * <p>{@code <cache>} is JavaCPP's: {@code org.bytedeco.javacpp.cachedir} (or {@code cacheDir}) when
 * set, else {@code ~/.javacpp/cache}. A user who sets {@code
 * org.bytedeco.javacpp.cachedir.nosubdir} (either way) gets JavaCPP's own behaviour, as does a
 * class loader whose JavaCPP chose its cache folder before the first load here (JavaCPP keeps its
 * first choice).
 */
final class Natives {
  static final String CACHE_DIR = "org.bytedeco.javacpp.cachedir";
  static final String NO_SUBDIR = "org.bytedeco.javacpp.cachedir.nosubdir";

  /** The other spelling JavaCPP reads, after {@link #CACHE_DIR}. */
  private static final String CACHE_DIR_OLD_NAME = "org.bytedeco.javacpp.cacheDir";

  /**
   * A lock for every class loader of the JVM: a string constant is interned, one object for the
   * whole JVM whatever the class loader of the class that names it.
   */
  private static final String LOCK = "io.imgbeam.codec.Natives: loads take turns";

  /** The folder of this class loader, chosen at its first load; guarded by {@link #LOCK}. */
  private static File folder;

  private Natives() {}

  /**
   * {@code Loader.load(preset)} with the cache folder above, then initialises {@code used}: the
   * preset's classes that the caller uses. Each JavaCPP class calls {@code Loader.load} when it is
   * initialised, which links every library of its preset into the cache again, in a folder named
   * after the jar unless it runs here. Throws what {@code Loader.load} throws ({@link
   * UnsatisfiedLinkError} on a platform without the natives).
   */
  static void load(Class<?> preset, Class<?>... used) {
    // The two properties are the JVM's, so the loads of every class loader take turns; they are
    // set for the length of this load only (a JavaCPP of another class loader, not imgbeam's,
    // that reads them meanwhile would extract without a folder per jar too). Not the runtime's
    // lock, which JavaCPP takes around each extraction: every System.load in the JVM takes it too.
    synchronized (LOCK) {
      String cache = System.getProperty(CACHE_DIR);
      if (System.getProperty(NO_SUBDIR) != null) {
        Loader.load(preset);
        return;
      }
      try {
        if (folder == null) {
          folder = free(base(cache != null ? cache : System.getProperty(CACHE_DIR_OLD_NAME)));
        }
        System.setProperty(CACHE_DIR, folder.getPath());
        if (folder.equals(chosenCache())) {
          System.setProperty(NO_SUBDIR, "true");
        } else {
          System.clearProperty(NO_SUBDIR);
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

  /** The first cache folder of this release of JavaCPP under {@code cache} (null: the default). */
  static File base(String cache) {
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
    File base = new File(parent, "imgbeam-javacpp" + (version == null ? "" : "-" + version));
    try {
      return base.getCanonicalFile();
    } catch (IOException e) {
      return base.getAbsoluteFile();
    }
  }

  /**
   * The folder this class loader is to use: {@code base}, {@code base-2}, ... the first whose
   * JavaCPP library no other class loader of this JVM has loaded (this one then holds it). The
   * probe runs under JavaCPP's own lock file, which it holds while it extracts, so that it never
   * loads a file another JVM is writing; and with JavaCPP's properties naming the candidate, since
   * the library's {@code JNI_OnLoad} starts JavaCPP, which then picks its cache folder for good.
   */
  private static File free(File base) {
    String probe = System.mapLibraryName("jnijavacpp");
    for (int n = 1; ; n++) {
      File candidate = n == 1 ? base : new File(base.getPath() + "-" + n);
      File library = new File(candidate, probe);
      if (!library.isFile()) {
        return candidate;
      }
      System.setProperty(CACHE_DIR, candidate.getPath());
      System.setProperty(NO_SUBDIR, "true");
      try (FileChannel lock =
          FileChannel.open(
              new File(candidate, ".lock").toPath(),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE)) {
        FileLock held = lockAgainstOtherJvms(lock);
        try {
          System.load(library.getPath());
        } finally {
          if (held != null) {
            held.release();
          }
        }
        return candidate;
      } catch (UnsatisfiedLinkError e) {
        if (!String.valueOf(e.getMessage()).contains("another classloader")) {
          // A file JavaCPP will check, and extract again if it is not its own.
          return candidate;
        }
      } catch (IOException e) {
        return candidate;
      }
    }
  }

  /**
   * The lock JavaCPP takes on its cache folder while it extracts, or null when a thread of this JVM
   * holds it: a JavaCPP of this JVM extracts under the runtime's lock, which {@code System.load}
   * takes too, so no file of the folder is half written while the probe loads it.
   */
  private static FileLock lockAgainstOtherJvms(FileChannel channel) throws IOException {
    try {
      return channel.lock();
    } catch (OverlappingFileLockException e) {
      return null;
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
