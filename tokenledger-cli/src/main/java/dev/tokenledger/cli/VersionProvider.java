package dev.tokenledger.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The version Maven wrote into the jar. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() throws IOException {
    return new String[] {
      "tokenledger " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }

  /**
   * The jar's manifest says it (read already, to start the jar); classes run from a build folder
   * (the tests) read {@code version.properties}. A resource lookup tries the JDK's modules and the
   * jar's index first: a few milliseconds of a command that prints one line.
   */
  private static String version() throws IOException {
    String fromManifest = VersionProvider.class.getPackage().getImplementationVersion();
    if (fromManifest != null) {
      return fromManifest;
    }
    Properties props = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        props.load(in);
      }
    }
    return props.getProperty("version", "unknown");
  }
}
