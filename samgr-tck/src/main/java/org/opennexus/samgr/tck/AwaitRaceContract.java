package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * {@code await} racing other threads: a register that comes later or at the same time, an
 * interrupt, and the registry's {@code close}. Every wait is bounded.
 */
public interface AwaitRaceContract extends Contract {

  /**
   * {@code await} returns the handle when another thread registers the name while it waits.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitReturnsWhenAnotherThreadRegistersLater() throws Exception {
    ExecutorService pool = Races.pool(1);
    try (ServiceManager manager = open()) {
      CompletableFuture<Thread> waiter = new CompletableFuture<>();
      Future<ServiceHandle> awaited =
          pool.submit(
              () -> {
                waiter.complete(Thread.currentThread());
                return manager.await("svc", Races.WAIT.multipliedBy(2));
              });
      Races.awaitParked(waiter.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS));
      manager.register("other", Endpoint.of("x"));
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      assertEquals(handle, awaited.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS));
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * {@code await} started together with a register of the name always returns that handle, over
   * many rounds.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitRacingRegisterAlwaysReturnsTheHandle() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      for (int round = 0; round < Races.ROUNDS; round++) {
        String name = "svc-" + round;
        List<ServiceHandle> results =
            Races.together(
                pool,
                List.<Callable<ServiceHandle>>of(
                    () -> manager.await(name, Races.WAIT),
                    () -> manager.register(name, Endpoint.of("a"))));
        assertEquals(results.get(1), results.get(0), "round " + round);
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * {@code await} interrupted while it waits throws {@link InterruptedException}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitInterruptedWhileWaitingThrowsInterruptedException() throws Exception {
    ExecutorService pool = Races.pool(1);
    try (ServiceManager manager = open()) {
      CompletableFuture<Thread> waiter = new CompletableFuture<>();
      Future<ServiceHandle> awaited =
          pool.submit(
              () -> {
                waiter.complete(Thread.currentThread());
                return manager.await("svc", Races.WAIT.multipliedBy(2));
              });
      Thread thread = waiter.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS);
      Races.awaitParked(thread);
      thread.interrupt();
      Throwable cause = causeOf(awaited);
      assertInstanceOf(InterruptedException.class, cause, String.valueOf(cause));
      assertTrue(manager.find("svc").isEmpty());
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * Closing the manager wakes a waiting {@code await} with {@link IllegalStateException}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closingManagerWakesAwaitWithIllegalStateException() throws Exception {
    ExecutorService pool = Races.pool(1);
    try {
      ServiceManager manager = open();
      CompletableFuture<Thread> waiter = new CompletableFuture<>();
      Future<ServiceHandle> awaited =
          pool.submit(
              () -> {
                waiter.complete(Thread.currentThread());
                return manager.await("svc", Races.WAIT.multipliedBy(2));
              });
      Races.awaitParked(waiter.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS));
      manager.close();
      Throwable cause = causeOf(awaited);
      assertInstanceOf(IllegalStateException.class, cause, String.valueOf(cause));
    } finally {
      Races.shutdown(pool);
    }
  }

  /** Waits (bounded) for the future to fail and returns why; fails if it succeeds or hangs. */
  private static Throwable causeOf(Future<?> future) throws InterruptedException {
    try {
      Object value = future.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS);
      throw new AssertionError("expected a failure, but returned " + value);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return cause == null ? e : cause;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("still waiting after " + Races.WAIT, e);
    }
  }
}
