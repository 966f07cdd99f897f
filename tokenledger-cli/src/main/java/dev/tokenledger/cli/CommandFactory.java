package dev.tokenledger.cli;

import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.shared.CommandLineFactory;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates commands and mixins, handing the {@link CliEnvironment} to every one whose constructor
 * takes it (and, to the demo, a way to build the whole command line); everything else is built by
 * picocli's default factory.
 */
final class CommandFactory implements CommandLine.IFactory {
  private final CliEnvironment environment;
  private final CommandLineFactory commandLines;
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  CommandFactory(CliEnvironment environment, CommandLineFactory commandLines) {
    this.environment = environment;
    this.commandLines = commandLines;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      Class<?>[] params = c.getParameterTypes();
      if (params.length > 0 && params[0] == CliEnvironment.class) {
        c.setAccessible(true);
        Object created =
            params.length == 1
                ? c.newInstance(environment)
                : c.newInstance(environment, commandLines); // the demo: (environment, factory)
        return type.cast(created);
      }
    }
    return fallback.create(type);
  }
}
