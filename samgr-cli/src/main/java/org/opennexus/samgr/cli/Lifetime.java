package org.opennexus.samgr.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long the long-running commands ({@code watch}, {@code serve}, {@code dashboard}) run: until
 * {@link #awaitStop()} returns. The process's lifetime ends on Ctrl-C or SIGTERM; tests use their
 * own latch.
 */
interface Lifetime {

  /** Blocks until the command should stop. */
  void awaitStop() throws InterruptedException;

  /**
   * Blocks until the command should stop or the timeout passes.
   *
   * @return whether the command should stop
   */
  boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException;

  /** A lifetime that ends when {@code stop} counts down. */
  static Lifetime until(CountDownLatch stop) {
    return new Lifetime() {
      @Override
      public void awaitStop() throws InterruptedException {
        stop.await();
      }

      @Override
      public boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
        return stop.await(timeout, unit);
      }
    };
  }

  /**
   * The process's lifetime: ends when the JVM starts to shut down (Ctrl-C, SIGTERM). The shutdown
   * hook then waits, up to a bound, for the command to clean up and report its exit code through
   * {@link #finish(int)}, and ends the process with that code; so {@code samgr serve} stopped by
   * SIGTERM closes ZooKeeper's files and exits 0.
   */
  final class OfProcess implements Lifetime {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final AtomicInteger exitCode = new AtomicInteger(ExitCodes.FAILURE);
    private final Duration cleanupBound;
    private final Thread command = Thread.currentThread();

    /**
     * Orders the signal's stop against {@link #awaitStop}: the hook counts {@code stop} down and
     * decides whether to interrupt in one step under this lock, and a waiting command clears {@code
     * waiting} under it after waking; so a command that was waiting when the signal came is never
     * interrupted afterwards, in its cleanup (where an interrupt would cut short, for instance,
     * ZooKeeper's shutdown).
     */
    private final Object gate = new Object();

    private boolean waiting; // guarded by gate

    OfProcess(Duration cleanupBound) {
      this.cleanupBound = cleanupBound;
    }

    /**
     * Installs the shutdown hook; call once, on the thread that runs the command, before it runs. A
     * signal interrupts that thread unless it waits in {@link #awaitStop()}, so a one-shot command
     * that is waiting ({@code await}, or connecting) ends at once, with exit code 130.
     */
    OfProcess install() {
      Runtime.getRuntime().addShutdownHook(new Thread(this::onShutdown, "samgr-shutdown"));
      return this;
    }

    private void onShutdown() {
      // After finish() the JVM is exiting through System.exit with the right code already.
      boolean bySignal = !finishing.get();
      synchronized (gate) {
        stop.countDown();
        if (bySignal && !waiting) {
          command.interrupt();
        }
      }
      try {
        if (bySignal) {
          if (finished.await(cleanupBound.toMillis(), TimeUnit.MILLISECONDS)) {
            Runtime.getRuntime().halt(exitCode.get());
          }
          System.err.println("samgr: did not finish within " + cleanupBound + " of the signal");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void awaitStop() throws InterruptedException {
      awaitStop(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
      synchronized (gate) {
        if (stop.getCount() == 0) {
          Thread.interrupted(); // the stop is the answer: an interrupt it sent is spent here
          return true;
        }
        waiting = true;
      }
      try {
        return stop.await(timeout, unit);
      } finally {
        synchronized (gate) {
          waiting = false;
        }
      }
    }

    /** Reports the command's exit code; a pending shutdown then ends the process with it. */
    void finish(int code) {
      exitCode.set(code);
      finishing.set(true);
      finished.countDown();
    }
  }
}
