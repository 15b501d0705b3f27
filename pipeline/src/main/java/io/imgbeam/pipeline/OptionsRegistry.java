package io.imgbeam.pipeline;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;

/**
 * Parses imgbeam's command line into its options, with Beam's options registry no larger than the
 * job needs.
 *
 * <p>Beam builds its registry once per JVM, when {@link PipelineOptionsFactory} is first used: it
 * loads every {@link PipelineOptionsRegistrar} on the class path, and validates each interface they
 * name against all the interfaces registered before it (a proxy class and a check of every property
 * each time, so the cost grows with the square of their number). In the bundled jar these are the
 * SDK's ten interfaces, the DirectRunner's and the FlinkRunner's: 0.45-0.48 s of one core at the
 * start of every job, before the first image can start, against 0.17 s with the DirectRunner's
 * alone (of which about 0.1 s comes back when the runner asks for the interfaces it uses).
 *
 * <p>An embedded run (the DirectRunner) needs only {@link ImgbeamOptions} and the DirectRunner's
 * options, so for it the registry is first built from the DirectRunner's registrar alone. The
 * interfaces the runner asks for later ({@code options.as(...)}) are validated then, as Beam does
 * for any interface it was not told of. When the command line names an option of another interface
 * ({@code --experiments}, say) or is wrong, that parse fails; the registry is then rebuilt from the
 * whole class path and the command line parsed again, so the options and any error message are
 * exactly what Beam gives with every registrar. Runs on a cluster always get the whole registry.
 */
final class OptionsRegistry {
  /** Beam's service file for options registrars. */
  static final String REGISTRARS = "META-INF/services/" + PipelineOptionsRegistrar.class.getName();

  /** Ours, in the same format, naming the DirectRunner's registrar only. */
  static final String EMBEDDED_REGISTRARS = "embedded-options-registrars";

  private OptionsRegistry() {}

  /**
   * The options of {@code args}, validated.
   *
   * @throws IllegalArgumentException with Beam's message when {@code args} are not valid options
   */
  static ImgbeamOptions parse(String[] args) {
    if (EngineDefaults.embedded(List.of(args))) {
      // The first use of the factory builds the registry; a JVM that used it before keeps its own.
      underEmbeddedRegistrars(() -> PipelineOptionsFactory.register(ImgbeamOptions.class));
      if (restricted()) {
        try {
          return fromArgs(args);
        } catch (IllegalArgumentException outsideTheEmbeddedRegistry) {
          // Parsed again below with every registrar: that parse succeeds or throws Beam's own
          // message for these arguments.
        }
      }
    }
    if (restricted()) {
      PipelineOptionsFactory.resetCache();
    }
    return fromArgs(args);
  }

  /** Whether the registry was built from the DirectRunner's registrar alone. */
  static boolean restricted() {
    return !PipelineOptionsFactory.getRegisteredOptions().contains(ExperimentalOptions.class);
  }

  /** Rebuilds the registry as an embedded run's first parse builds it (for tests). */
  static void restrict() {
    underEmbeddedRegistrars(PipelineOptionsFactory::resetCache);
  }

  private static ImgbeamOptions fromArgs(String[] args) {
    PipelineOptionsFactory.register(ImgbeamOptions.class);
    return PipelineOptionsFactory.fromArgs(args).withValidation().as(ImgbeamOptions.class);
  }

  /**
   * Runs {@code action} with a context class loader (where Beam looks for registrars) that shows
   * {@link #EMBEDDED_REGISTRARS} in place of the class path's registrar files.
   */
  private static void underEmbeddedRegistrars(Runnable action) {
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    thread.setContextClassLoader(
        new EmbeddedRegistrars(context != null ? context : OptionsRegistry.class.getClassLoader()));
    try {
      action.run();
    } finally {
      thread.setContextClassLoader(context);
    }
  }

  /** Its parent's classes and resources, but for the options registrars' service file. */
  static final class EmbeddedRegistrars extends ClassLoader {
    EmbeddedRegistrars(ClassLoader parent) {
      super(parent);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      if (!name.equals(REGISTRARS)) {
        return super.getResources(name);
      }
      URL ours = OptionsRegistry.class.getResource(EMBEDDED_REGISTRARS);
      if (ours == null) {
        throw new IOException(
            "missing resource " + EMBEDDED_REGISTRARS + " beside OptionsRegistry");
      }
      return Collections.enumeration(List.of(ours));
    }
  }
}
