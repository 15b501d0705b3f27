package io.imgbeam.codec;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.spi.IIORegistry;

/**
 * Keeps ImageIO's plugin registry right for this class loader's copy of the codec.
 *
 * <p>Why: the registry is one per JVM, but on a Flink TaskManager every job loads the codec and
 * TwelveMonkeys' plugins in a class loader of its own, which Flink closes when the job ends. The
 * registry kept the first job's plugins: a later job got the closed loader's readers, which failed
 * as soon as they needed a class not loaded yet ({@code NoClassDefFoundError:
 * com/twelvemonkeys/imageio/color/ColorProfiles$sRGB} for a JPEG with an ICC profile, on an
 * incremental rerun), and the registry held every finished job's class loader (and its native
 * libraries) for good. Each copy of the codec therefore drops the plugins of class loaders that can
 * no longer load their own class files, and registers its own, once, before its first read.
 */
final class ImagePlugins {
  private ImagePlugins() {}

  /**
   * Drops closed class loaders' plugins and registers this class loader's. Called once per class
   * loader, from {@link ImageReading}'s static initializer.
   */
  static void register() {
    IIORegistry registry = IIORegistry.getDefaultInstance();
    ClassLoader own = ImagePlugins.class.getClassLoader();
    for (Iterator<Class<?>> categories = registry.getCategories(); categories.hasNext(); ) {
      dropClosed(registry, categories.next(), own);
    }
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    thread.setContextClassLoader(own);
    try {
      // Finds the plugins through the context class loader: this copy's.
      registry.registerApplicationClasspathSpis();
    } finally {
      thread.setContextClassLoader(context);
    }
  }

  private static <T> void dropClosed(IIORegistry registry, Class<T> category, ClassLoader own) {
    List<T> stale = new ArrayList<>();
    for (Iterator<T> providers = registry.getServiceProviders(category, false);
        providers.hasNext(); ) {
      T provider = providers.next();
      if (closed(provider.getClass(), own)) {
        stale.add(provider);
      }
    }
    for (T provider : stale) {
      registry.deregisterServiceProvider(provider, category);
    }
  }

  /**
   * Whether the class loader of {@code type} (not the JDK's, not ours) can no longer read the
   * class's own file: Flink's closed job class loader throws, a closed {@code URLClassLoader} finds
   * nothing.
   */
  static boolean closed(Class<?> type, ClassLoader own) {
    ClassLoader loader = type.getClassLoader();
    if (loader == null
        || loader == own
        || loader == ClassLoader.getPlatformClassLoader()
        || loader == ClassLoader.getSystemClassLoader()) {
      return false;
    }
    try {
      return loader.getResource(type.getName().replace('.', '/') + ".class") == null;
    } catch (RuntimeException closedClassLoader) {
      return true;
    }
  }
}
