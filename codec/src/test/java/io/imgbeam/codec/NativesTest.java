package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The natives of OpenCV and FFmpeg are extracted once into one folder per JavaCPP release, whatever
 * the name of the jar they come in: a Flink job's jar is a new blob file every time, and JavaCPP's
 * default (a folder per jar file) extracted 120-175 MB per job and TaskManager and kept them.
 */
class NativesTest {
  @TempDir Path dir;

  @Test
  void oneFolderForEveryJarNameAndNoExtractionTheSecondTime() throws Exception {
    Path cache = dir.resolve("cache");
    File folder = Natives.base(cache.toString());
    assertTrue(folder.getName().startsWith("imgbeam-javacpp-1.5."), folder.getName());

    // A JVM that finds the natives in jars named as Maven names them.
    String first = child(cache, System.getProperty("java.class.path"));
    assertEquals("turbo=64x48 avif=64x48 cachedir=" + cache, first.strip());
    assertEquals(List.of(folder.getName()), names(cache));
    Path jni = folder.toPath().resolve("libjniopencv_imgcodecs.so");
    Path avformat = folder.toPath().resolve("libjniavformat.so");
    assertTrue(Files.isRegularFile(jni), names(folder.toPath()).toString());
    assertTrue(Files.isRegularFile(avformat), names(folder.toPath()).toString());
    try (Stream<Path> files = Files.list(folder.toPath())) {
      assertFalse(files.anyMatch(Files::isDirectory), "no folder per jar");
    }
    Object inode = Files.getAttribute(jni, "unix:ino");

    // A JVM that finds them in jars of other names, as a Flink TaskManager does for each job.
    String renamed = renamedNativeJars(System.getProperty("java.class.path"));
    String second = child(cache, renamed);
    assertEquals("turbo=64x48 avif=64x48 cachedir=" + cache, second.strip());
    assertEquals(List.of(folder.getName()), names(cache), "no folder for the renamed jars");
    assertEquals(inode, Files.getAttribute(jni, "unix:ino"), "not extracted again");
  }

  /**
   * Two class loaders of one JVM, as a Flink TaskManager has for two jobs: JNI lets only one of
   * them load a given library file, so the second takes the next folder, and both decode.
   */
  @Test
  void aSecondClassLoaderTakesTheNextFolder() throws Exception {
    Path cache = dir.resolve("cache");
    String before = System.getProperty(Natives.CACHE_DIR);
    System.setProperty(Natives.CACHE_DIR, cache.toString());
    try (URLClassLoader one = isolated();
        URLClassLoader two = isolated()) {
      assertEquals("turbo=64x48 avif=64x48", run(one));
      assertEquals("turbo=64x48 avif=64x48", run(two));
    } finally {
      if (before == null) {
        System.clearProperty(Natives.CACHE_DIR);
      } else {
        System.setProperty(Natives.CACHE_DIR, before);
      }
    }
    String base = Natives.base(cache.toString()).getName();
    assertEquals(List.of(base, base + "-2"), names(cache));
    for (String name : names(cache)) {
      try (Stream<Path> files = Files.list(cache.resolve(name))) {
        List<Path> all = files.toList();
        assertTrue(all.contains(cache.resolve(name).resolve("libjniopencv_imgcodecs.so")), name);
        assertFalse(all.stream().anyMatch(Files::isDirectory), "no folder per jar in " + name);
      }
    }
  }

  /** The test class path in a class loader of its own, as Flink loads a job's jar. */
  private static URLClassLoader isolated() throws IOException {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
  }

  private static String run(ClassLoader loader) throws Exception {
    Method run = Class.forName(Child.class.getName(), true, loader).getMethod("run");
    run.setAccessible(true);
    return (String) run.invoke(null);
  }

  /** The class path with every JavaCPP platform jar copied under a blob-like name. */
  private String renamedNativeJars(String classPath) throws IOException {
    List<String> entries = new ArrayList<>();
    int renamed = 0;
    for (String entry : classPath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (path.getFileName().toString().endsWith("-linux-x86_64.jar")
          && path.toString().contains("bytedeco")) {
        Path copy = dir.resolve("blob_p-" + renamed++ + "-" + path.getFileName().hashCode());
        Files.copy(path, copy);
        entries.add(copy.toString());
      } else {
        entries.add(entry);
      }
    }
    assertTrue(renamed >= 3, "javacpp, opencv and ffmpeg platform jars on " + classPath);
    return String.join(File.pathSeparator, entries);
  }

  private static String child(Path cache, String classPath) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + Natives.CACHE_DIR + "=" + cache,
                "-cp",
                classPath,
                Child.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), out);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(name -> !name.equals(".lock"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /**
   * Decodes a JPEG with libjpeg-turbo and encodes and decodes an AVIF with FFmpeg, as the codec
   * does, and prints what came back and JavaCPP's cache setting afterwards.
   */
  static final class Child {
    public static void main(String[] args) throws Exception {
      System.out.println(run() + " cachedir=" + System.getProperty(Natives.CACHE_DIR));
    }

    public static String run() throws Exception {
      // With alpha, so that the AVIF has its auxiliary alpha image too.
      BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_ARGB);
      for (int y = 0; y < 48; y++) {
        for (int x = 0; x < 64; x++) {
          image.setRGB(x, y, (x * 4) << 24 | (x * 4) << 16 | (y * 5) << 8 | 128);
        }
      }
      byte[] jpeg = new JpegEncoder(80).encode(Pixels.toRgb8(image)).bytes();
      BufferedImage turbo = TurboJpeg.decode(jpeg, TurboJpeg.plain(jpeg));
      AvifEncoder avif = new AvifEncoder(60, 4, false, 8);
      BufferedImage decoded = avif.decode(avif.encode(image).bytes());
      if (!decoded.getColorModel().hasAlpha()) {
        throw new AssertionError("the AVIF lost its alpha");
      }
      return "turbo="
          + turbo.getWidth()
          + "x"
          + turbo.getHeight()
          + " avif="
          + decoded.getWidth()
          + "x"
          + decoded.getHeight();
    }
  }
}
