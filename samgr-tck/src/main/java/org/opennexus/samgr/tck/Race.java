package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A start-together harness: runs each task on its own thread, releases them all at once, and
 * bounds every wait, in the manner of Caffeine's {@code ConcurrentTestHarness}.
 */
final class Race {

  /** The longest any wait of the harness lasts before the race counts as failed. */
  static final long TIMEOUT_SECONDS = 60;

  private Race() {}

  /**
   * Runs the tasks concurrently, started together, and returns their results in task order.
   *
   * @throws AssertionError if a task throws, or a thread does not start or finish in time
   */
  static <T> List<T> run(List<? extends Callable<T>> tasks) throws InterruptedException {
    int count = tasks.size();
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            count,
            runnable -> {
              Thread thread =
                  new Thread(runnable, "samgr-tck-race-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    try {
      CountDownLatch ready = new CountDownLatch(count);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>(count);
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  if (!go.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new TimeoutException("the start signal did not come in time");
                  }
                  return task.call();
                }));
      }
      assertTrue(
          ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS),
          "the race threads did not all start within " + TIMEOUT_SECONDS + " s");
      go.countDown();
      List<T> results = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        try {
          results.add(futures.get(i).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          throw new AssertionError("race task " + i + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
          throw new AssertionError(
              "race task " + i + " did not finish within " + TIMEOUT_SECONDS + " s", e);
        }
      }
      pool.shutdown();
      assertTrue(
          pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS),
          "the race threads did not stop in time");
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
