package org.opennexus.samgr.tck;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ManualClock;

/**
 * A manual clock that can pause one chosen thread right after that thread reads the time, until the
 * test resumes it: a stand-in for the thread being preempted between reading the clock and acting
 * on what it read. It turns the races of a lock-free read against a change into deterministic
 * tests.
 *
 * <pre>{@code
 * PausingClock clock = PausingClock.at(Contract.EPOCH);
 * Thread beat = new Thread(() -> manager.heartbeat(handle));
 * clock.pauseNextReadOn(beat);
 * beat.start();
 * clock.awaitPaused();          // the heartbeat has read the time and waits
 * clock.advance(...); manager.sweepExpired();
 * clock.resume();               // the heartbeat goes on with what it read
 * }</pre>
 *
 * <p>Each {@link #pauseNextReadOn} pauses one read, once. Reads by other threads never pause. Every
 * wait is bounded by {@link #WAIT}. Thread-safe.
 */
public final class PausingClock implements InstantSource {

  /** The bound on every wait of this clock: 30 seconds. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final ManualClock clock;
  private @Nullable Thread target; // guarded by this
  private CountDownLatch paused = new CountDownLatch(1); // guarded by this
  private CountDownLatch resume = new CountDownLatch(1); // guarded by this

  private PausingClock(ManualClock clock) {
    this.clock = clock;
  }

  /**
   * Returns a new clock standing at {@code start}.
   *
   * @param start the instant it starts at
   * @return a new clock
   */
  public static PausingClock at(Instant start) {
    return new PausingClock(ManualClock.at(start));
  }

  /**
   * Returns a new clock that reads {@code clock}, for a test that also moves or sets that manual
   * clock directly.
   *
   * @param clock the manual clock it reads
   * @return a new clock
   */
  public static PausingClock over(ManualClock clock) {
    return new PausingClock(clock);
  }

  /**
   * Moves the clock forward.
   *
   * @param amount how far; zero or more
   * @return the new instant
   */
  public Instant advance(Duration amount) {
    return clock.advance(amount);
  }

  /**
   * Makes the next read of this clock by {@code thread} pause, after the time is read and before it
   * is returned, until {@link #resume()}.
   *
   * @param thread the thread to pause; usually created but not yet started
   */
  public synchronized void pauseNextReadOn(Thread thread) {
    target = thread;
    paused = new CountDownLatch(1);
    resume = new CountDownLatch(1);
  }

  /**
   * Waits until the chosen thread has read the time and paused.
   *
   * @throws AssertionError if it does not within {@link #WAIT}
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void awaitPaused() throws InterruptedException {
    CountDownLatch latch;
    synchronized (this) {
      latch = paused;
    }
    if (!latch.await(WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new AssertionError("the thread did not read the clock within " + WAIT);
    }
  }

  /** Lets the paused thread go on. */
  public synchronized void resume() {
    resume.countDown();
  }

  @Override
  public Instant instant() {
    Instant now = clock.instant();
    pauseIfChosen();
    return now;
  }

  @Override
  public long millis() {
    long now = clock.millis();
    pauseIfChosen();
    return now;
  }

  private void pauseIfChosen() {
    CountDownLatch pausedLatch;
    CountDownLatch resumeLatch;
    synchronized (this) {
      if (target != Thread.currentThread()) {
        return;
      }
      target = null;
      pausedLatch = paused;
      resumeLatch = resume;
    }
    pausedLatch.countDown();
    try {
      if (!resumeLatch.await(WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new AssertionError("the paused thread was not resumed within " + WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "PausingClock[" + clock.instant() + "]";
  }
}
