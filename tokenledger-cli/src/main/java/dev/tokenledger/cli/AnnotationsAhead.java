package dev.tokenledger.cli;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;

/**
 * Reads the annotations of the commands a command line will build, on a thread of its own, while
 * the main thread starts picocli (docs/performance.md, "What helped", item 16).
 *
 * <p>On Java 17 the first read of each annotation type makes a proxy class at run time, which the
 * start-up archive cannot hold: a large part of the time picocli takes to build a command. (The
 * root is built without annotations, and plain {@code run exec} arguments without picocli.) The JDK
 * caches what is read per class and per member, and makes each proxy class once, so picocli's own
 * reads afterwards find them made; the result is the same either way. On two busy cores it gained
 * little (about 4 ms of {@code run exec} when picocli built it), more where a core is free.
 */
final class AnnotationsAhead {
  private AnnotationsAhead() {}

  /** The mixin picocli adds for {@code mixinStandardHelpOptions} (-h, -V): every command has it. */
  private static final String STANDARD_HELP_OPTIONS = "picocli.CommandLine$AutoHelpMixin";

  /** Starts reading the annotations of {@code commands} (and their mixins) in the background. */
  static void start(List<Class<?>> commands) {
    if (commands.isEmpty()) {
      return; // a command run without picocli
    }
    Thread reader =
        new Thread(
            () -> {
              try {
                commands.forEach(AnnotationsAhead::read);
                readByName(STANDARD_HELP_OPTIONS);
              } catch (RuntimeException | LinkageError e) {
                // picocli reads the same and reports what fails; this thread must print nothing
              }
            },
            "annotations");
    reader.setDaemon(true); // a command that ends first need not wait for it
    reader.start();
  }

  private static void readByName(String type) {
    try {
      read(Class.forName(type));
    } catch (ClassNotFoundException | LinkageError e) {
      // another picocli version: picocli reads it itself
    }
  }

  /**
   * Reads what picocli reads of {@code type}: its class, fields and methods, and those of its
   * mixins and argument groups; returns the classes read.
   */
  static Set<Class<?>> read(Class<?> type) {
    Set<Class<?>> read = new LinkedHashSet<>();
    read(type, read);
    return read;
  }

  private static void read(Class<?> type, Set<Class<?>> read) {
    for (Class<?> c = type; c != null && c != Object.class && read.add(c); c = c.getSuperclass()) {
      c.getDeclaredAnnotations();
      for (Field field : c.getDeclaredFields()) {
        field.getDeclaredAnnotations();
        if (field.isAnnotationPresent(Mixin.class) || field.isAnnotationPresent(ArgGroup.class)) {
          read(field.getType(), read);
        }
      }
      for (Method method : c.getDeclaredMethods()) {
        method.getDeclaredAnnotations();
      }
    }
  }
}
