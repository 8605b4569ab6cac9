package org.opennexus.samgr.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Start-together helpers for the concurrency contracts, in the manner of Caffeine's {@code
 * ConcurrentTestHarness}; every wait is bounded by {@link #WAIT}.
 */
final class Races {

  /** The bound on every wait in a contract test: generous, as CI machines are small and shared. */
  static final Duration WAIT = Duration.ofSeconds(30);

  /** How many times each race that can go either way is run. */
  static final int ROUNDS = 200;

  private Races() {}

  /** A pool for {@link #together}; shut it down with {@link #shutdown}. */
  static ExecutorService pool(int threads) {
    return Executors.newFixedThreadPool(threads);
  }

  /** Stops the pool and waits (bounded) for its threads to end. */
  static void shutdown(ExecutorService pool) throws InterruptedException {
    pool.shutdownNow();
    if (!pool.awaitTermination(WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new AssertionError("a racing task did not end within " + WAIT);
    }
  }

  /**
   * Runs the tasks on the pool (which needs a thread per task), released at once by a barrier, and
   * returns their results in task order. A task that throws fails the race with its exception as
   * the cause.
   */
  static <T> List<T> together(ExecutorService pool, List<? extends Callable<T>> tasks)
      throws InterruptedException {
    CyclicBarrier start = new CyclicBarrier(tasks.size());
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(
          pool.submit(
              () -> {
                start.await(WAIT.toNanos(), TimeUnit.NANOSECONDS);
                return task.call();
              }));
    }
    List<T> results = new ArrayList<>();
    try {
      for (Future<T> future : futures) {
        results.add(future.get(WAIT.toNanos(), TimeUnit.NANOSECONDS));
      }
    } catch (ExecutionException e) {
      throw new AssertionError("a racing task failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("a racing task did not finish within " + WAIT, e);
    } finally {
      futures.forEach(f -> f.cancel(true));
    }
    return results;
  }

  /**
   * Runs the tasks on a pool of their own, a thread each, released together, and returns their
   * results in task order; the pool is shut down before this returns.
   */
  static <T> List<T> run(List<? extends Callable<T>> tasks) throws InterruptedException {
    ExecutorService pool = pool(tasks.size());
    try {
      return together(pool, tasks);
    } finally {
      shutdown(pool);
    }
  }

  /**
   * Waits (bounded) until {@code thread} is parked, blocked or has ended, so that a test can act
   * while it waits inside a call. Ending early is left for the caller to judge.
   */
  @SuppressWarnings("ThreadPriorityCheck") // yielding lets the watched thread reach its wait
  static Thread.State awaitParked(Thread thread) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Thread.State state = thread.getState();
      switch (state) {
        case WAITING, TIMED_WAITING, BLOCKED, TERMINATED -> {
          return state;
        }
        default -> {
          if (System.nanoTime() - deadline > 0) {
            throw new AssertionError(thread + " did not start waiting within " + WAIT);
          }
          Thread.yield();
        }
      }
    }
  }
}
