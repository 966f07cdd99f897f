package dev.tokenledger.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The simulator's clock: either stepped by hand ({@link #stepped}) or running faster than real time
 * from a start instant ({@link #running}); both can be moved forward with {@link #advance} and
 * {@link #set}. Always UTC. Thread-safe.
 */
public final class SimClock extends Clock {
  private final Clock base;
  private final double speed;
  private Instant anchorSim;
  private Instant anchorReal;

  private SimClock(Instant start, double speed, Clock base) {
    this.anchorSim = Objects.requireNonNull(start, "start");
    this.speed = speed;
    this.base = base;
    this.anchorReal = base == null ? null : base.instant();
  }

  /** A clock that stands still at {@code start} until a test moves it. */
  public static SimClock stepped(Instant start) {
    return new SimClock(start, 0, null);
  }

  /** A clock that starts at {@code start} and runs {@code speed} times faster than real time. */
  public static SimClock running(Instant start, double speed) {
    return running(start, speed, Clock.systemUTC());
  }

  /** A clock that starts at {@code start} and runs {@code speed} times faster than {@code base}. */
  public static SimClock running(Instant start, double speed, Clock base) {
    Objects.requireNonNull(base, "base");
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException(
          "speed must be a positive number, e.g. 60, but was " + speed);
    }
    return new SimClock(start, speed, base);
  }

  @Override
  public synchronized Instant instant() {
    if (base == null) {
      return anchorSim;
    }
    long realNanos = Duration.between(anchorReal, base.instant()).toNanos();
    return anchorSim.plusNanos((long) (realNanos * speed));
  }

  /** Moves the clock forward by {@code amount}; a running clock keeps running from there. */
  public synchronized void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException(
          "a simulation clock only moves forward; advance by a positive duration, not " + amount);
    }
    set(instant().plus(amount));
  }

  /** Sets the clock to {@code instant}; a running clock keeps running from there. */
  public synchronized void set(Instant instant) {
    anchorSim = Objects.requireNonNull(instant, "instant");
    if (base != null) {
      anchorReal = base.instant();
    }
  }

  /** How many times faster than real time this clock runs; 0 for a stepped clock. */
  public double speed() {
    return speed;
  }

  /** Whether this clock runs by itself (as opposed to being stepped). */
  public boolean isRunning() {
    return base != null;
  }

  /**
   * The real time it takes this clock to cover {@code simulated}; {@link Duration#ZERO} for a
   * stepped clock, which never moves by itself.
   */
  public Duration realTimeFor(Duration simulated) {
    return base == null ? Duration.ZERO : Duration.ofNanos((long) (simulated.toNanos() / speed));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    SimClock self = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return zone;
      }

      @Override
      public Clock withZone(ZoneId other) {
        return self.withZone(other);
      }

      @Override
      public Instant instant() {
        return self.instant();
      }
    };
  }

  @Override
  public String toString() {
    return base == null
        ? "SimClock[stepped, at " + anchorSim + "]"
        : "SimClock[running " + speed + "x, at " + instant() + "]";
  }
}
