package dev.tokenledger.ledger;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * The process that writes a run or step: host name, process id and the instant the process started
 * (which tells a reused pid from the original). A reader on the same host checks whether it is
 * still alive.
 *
 * @param startedAt when the process started, or null when the platform does not say
 */
public record ProcessIdentity(String host, long pid, Instant startedAt) {

  public ProcessIdentity {
    Objects.requireNonNull(host, "host");
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive but was " + pid);
    }
  }

  /** This process. */
  public static ProcessIdentity current() {
    return Current.IDENTITY;
  }

  /**
   * The process that started this one, or this process when the parent is unknown: the owner of a
   * run begun by a command that exits at once ({@code tokenledger run start} called by a harness).
   */
  public static ProcessIdentity parentOfCurrent() {
    return ProcessHandle.current().parent().map(ProcessIdentity::of).orElseGet(() -> current());
  }

  /** The identity of {@code handle}, on this host. */
  public static ProcessIdentity of(ProcessHandle handle) {
    return new ProcessIdentity(
        localHost(), handle.pid(), handle.info().startInstant().orElse(null));
  }

  /** This machine's host name, read without a DNS lookup where the system allows. */
  public static String localHost() {
    return LocalHost.NAME;
  }

  /**
   * Resolved once: reading a process's start reads {@code /proc} and the user database each time
   * ({@code run exec} asked four times), and this process's does not change.
   */
  private static final class Current {
    static final ProcessIdentity IDENTITY = of(ProcessHandle.current());
  }

  /** Resolved once: the host name does not change while a process runs. */
  private static final class LocalHost {
    static final String NAME = find();

    private static String find() {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      try {
        if (Files.isReadable(kernel)) {
          String name = Files.readString(kernel).strip();
          if (!name.isEmpty()) {
            return name;
          }
        }
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        return "localhost";
      }
    }
  }
}
