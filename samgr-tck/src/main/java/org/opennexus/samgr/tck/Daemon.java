package org.opennexus.samgr.tck;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A call on a daemon thread of its own, with bounded waits: a contract test that meets a deadlock
 * or an uninterruptible wait fails after {@link Races#WAIT} and leaves the stuck thread behind (a
 * daemon, so it cannot keep the JVM alive) instead of hanging.
 */
final class Daemon<T> {

  final Thread thread;
  private final CompletableFuture<T> result = new CompletableFuture<>();

  private Daemon(String name, Callable<T> call) {
    this.thread =
        new Thread(
            () -> {
              try {
                result.complete(call.call());
              } catch (Throwable e) { // reported to the test by join()
                result.completeExceptionally(e);
              }
            },
            name);
    thread.setDaemon(true);
  }

  /** A call not yet started: start it with {@link #start()}, after arming a clock for it. */
  static <T> Daemon<T> create(String name, Callable<T> call) {
    return new Daemon<>(name, call);
  }

  /** Starts the call at once. */
  static <T> Daemon<T> start(String name, Callable<T> call) {
    Daemon<T> daemon = new Daemon<>(name, call);
    daemon.start();
    return daemon;
  }

  Daemon<T> start() {
    thread.start();
    return this;
  }

  /** Whether the call has returned or thrown. */
  boolean isDone() {
    return result.isDone();
  }

  /** Waits (bounded) for the call's value; its exception fails the test with it as the cause. */
  T join(String what) throws InterruptedException {
    Object outcome = outcome(what);
    if (outcome instanceof Failed failed) {
      throw new AssertionError(what + " failed: " + failed.cause(), failed.cause());
    }
    @SuppressWarnings("unchecked") // the call returned it
    T value = (T) outcome;
    return value;
  }

  /** Waits (bounded) and returns the call's value, or its exception wrapped in {@link Failed}. */
  Object outcome(String what) throws InterruptedException {
    try {
      return result.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return new Failed(cause == null ? e : cause);
    } catch (TimeoutException e) {
      throw new AssertionError(
          what
              + " did not finish within "
              + Races.WAIT
              + " (deadlocked or waiting forever?) "
              + thread
              + " in "
              + thread.getState(),
          e);
    }
  }

  /** The exception a call threw, as its outcome. */
  record Failed(Throwable cause) {}

  /**
   * Closes on a daemon thread and waits for it, bounded: fails instead of hanging when close cannot
   * return.
   */
  static void closeWithin(AutoCloseable closeable) throws InterruptedException {
    start(
            "samgr-tck-close",
            () -> {
              closeable.close();
              return "closed";
            })
        .join("close() of " + closeable);
  }
}
