package dev.tokenledger.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates commands, handing the {@link CliEnvironment} to every command whose constructor takes
 * one; everything else is built by picocli's default factory.
 */
final class CommandFactory implements CommandLine.IFactory {
  private final CliEnvironment environment;
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  CommandFactory(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    try {
      Constructor<K> withEnvironment = type.getDeclaredConstructor(CliEnvironment.class);
      withEnvironment.setAccessible(true);
      return withEnvironment.newInstance(environment);
    } catch (NoSuchMethodException e) {
      return fallback.create(type);
    }
  }
}
