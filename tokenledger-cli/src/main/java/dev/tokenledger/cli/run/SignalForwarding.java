package dev.tokenledger.cli.run;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Keeps {@code run exec} alive for as long as its child: Ctrl-C (SIGINT) reaches the child from the
 * terminal by itself, since both are in the foreground process group, so tokenledger ignores it and
 * waits; SIGTERM and SIGHUP are passed on to the child as SIGTERM (one that arrives before the
 * child has started stops it as soon as it starts). The previous handlers come back on {@link
 * #close()}.
 */
final class SignalForwarding implements AutoCloseable {
  private final List<Runnable> restore = new ArrayList<>();
  private Process child;
  private boolean stopRequested;

  SignalForwarding() {
    install("INT", signal -> {});
    install("TERM", signal -> stopChild());
    install("HUP", signal -> stopChild());
  }

  /** The child to pass signals on to, once it runs. */
  synchronized void attach(Process process) {
    child = process;
    if (stopRequested) {
      child.destroy();
    }
  }

  private synchronized void stopChild() {
    stopRequested = true;
    if (child != null) {
      child.destroy();
    }
  }

  private void install(String name, SignalHandler handler) {
    try {
      Signal signal = new Signal(name);
      SignalHandler previous = Signal.handle(signal, handler);
      restore.add(() -> Signal.handle(signal, previous));
    } catch (IllegalArgumentException unavailable) {
      // The JVM does not let us handle this signal here (-Xrs, or another OS): keep its default.
    }
  }

  @Override
  public void close() {
    restore.forEach(Runnable::run);
  }
}
