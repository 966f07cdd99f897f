package dev.tokenledger.sim;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Holds requests hit by {@link Fault#holdUntilReleased} until a test releases them: lets a test act
 * while a request is in flight without sleeping on the real clock.
 */
public final class FaultGate {
  private final CountDownLatch released = new CountDownLatch(1);
  private final Semaphore arrivals = new Semaphore(0);

  /** Lets every held request (and any later one) through. */
  public void release() {
    released.countDown();
  }

  /** Whether {@link #release()} was called. */
  public boolean isReleased() {
    return released.getCount() == 0;
  }

  /**
   * Waits until a request is being held at this gate; false if none arrived within {@code timeout}.
   */
  public boolean awaitHeld(Duration timeout) throws InterruptedException {
    return arrivals.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  void hold() throws InterruptedException {
    arrivals.release();
    released.await();
  }
}
