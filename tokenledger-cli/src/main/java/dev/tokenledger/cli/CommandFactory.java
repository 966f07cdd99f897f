package dev.tokenledger.cli;

import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.shared.CommandLineFactory;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Creates commands and mixins, handing the {@link CliEnvironment} to every one with a constructor
 * that takes just it (or it and a way to build the whole command line: the demo); everything else
 * is built by picocli's default factory. Other constructors a class has are not picocli's.
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
      if (Arrays.equals(params, new Class<?>[] {CliEnvironment.class})) {
        c.setAccessible(true);
        return type.cast(c.newInstance(environment));
      }
      if (Arrays.equals(params, new Class<?>[] {CliEnvironment.class, CommandLineFactory.class})) {
        c.setAccessible(true);
        return type.cast(c.newInstance(environment, commandLines));
      }
    }
    return fallback.create(type);
  }
}
