package org.opennexus.samgr.verification;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ManualClock;

/**
 * A clock for making races deterministic: it reads a {@link ManualClock}, and can be armed to
 * stop one chosen thread right after that thread next reads the time, until the test releases it.
 * That stands in for the thread being preempted between reading the clock and acting on what it
 * read, the window in which the races of the Expired slot live.
 *
 * <pre>{@code
 * PausingClock.Pause pause = clock.pauseNextReadBy(heartbeater); // before it starts
 * heartbeater.start();
 * pause.awaitReached();          // it has read the time and is stopped
 * ... change the registry meanwhile ...
 * pause.release();               // it goes on with the time it read
 * }</pre>
 *
 * <p>A paused thread waits at most {@link #MAX_PAUSE_SECONDS}, then goes on, so a test whose
 * release never comes fails on its own assertions instead of hanging.
 */
final class PausingClock implements InstantSource {

  static final long MAX_PAUSE_SECONDS = 30;

  /** One armed pause: which thread it stops, and the two latches that meet it. */
  static final class Pause {
    private final Thread thread;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile long read;

    private Pause(Thread thread) {
      this.thread = thread;
    }

    /**
     * Waits until the thread has read the time and stopped.
     *
     * @return the time it read, in epoch milliseconds
     */
    long awaitReached() throws InterruptedException {
      if (!reached.await(MAX_PAUSE_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError(thread.getName() + " never read the clock");
      }
      return read;
    }

    /** Whether the thread has read the time (and is stopped, or was released). */
    boolean reached() {
      return reached.getCount() == 0;
    }

    /** Lets the thread go on with the time it read. */
    void release() {
      released.countDown();
    }

    private void stop(long millis) {
      read = millis;
      reached.countDown();
      try {
        released.await(MAX_PAUSE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final ManualClock clock;
  private final AtomicReference<@Nullable Pause> armed = new AtomicReference<>();

  PausingClock(ManualClock clock) {
    this.clock = clock;
  }

  ManualClock manual() {
    return clock;
  }

  /** Arms a pause for the next read of the time by {@code thread}; one pause at a time. */
  Pause pauseNextReadBy(Thread thread) {
    Pause pause = new Pause(thread);
    if (!armed.compareAndSet(null, pause)) {
      throw new IllegalStateException("a pause is already armed");
    }
    return pause;
  }

  @Override
  public long millis() {
    long millis = clock.millis();
    Pause pause = armed.get();
    if (pause != null && pause.thread == Thread.currentThread() && armed.compareAndSet(pause, null)) {
      pause.stop(millis);
    }
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public String toString() {
    return "PausingClock[" + clock + "]";
  }
}
