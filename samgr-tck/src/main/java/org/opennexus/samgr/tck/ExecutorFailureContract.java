package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * Delivery rules, a failing executor: whatever the executor does wrong (throws a {@code
 * RuntimeException} or an {@code Error} from {@code execute}, drops a task without running it, is
 * shut down) reaches the failure hook, never the writer, and delivery resumes with the next change;
 * an executor that runs tasks on the calling thread ({@code Runnable::run}) delivers iteratively,
 * with a bounded stack.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public interface ExecutorFailureContract extends DeliveryModes {

  /**
   * An executor that throws an {@link Error} from {@code execute} once (as {@code
   * ThreadPoolExecutor} throws {@code OutOfMemoryError} when it cannot start a thread): the writer
   * returns its handle, the hook receives the first waiting event with that error, and the next
   * change delivers both events, in order.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void executorThrowingAnErrorOnceIsReportedAndDeliveryResumes() throws Exception {
    Failures failures = new Failures();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean fail = new AtomicBoolean(true);
    OutOfMemoryError error = new OutOfMemoryError("unable to create native thread");
    Executor failingOnce =
        task -> {
          if (fail.getAndSet(false)) {
            throw error;
          }
          pool.execute(task);
        };
    try (ServiceManager manager =
        builder().executor(failingOnce).listenerFailures(failures).open()) {
      RecordingListener events = new RecordingListener();
      manager.watch("svc", events);
      ServiceHandle first =
          Daemon.start("samgr-tck-writer", () -> manager.register("svc", Endpoint.of("a")))
              .join("register whose executor throws an Error");
      assertEquals(List.of(new Failures.Failure(new Registered(first), error)), failures.await(1));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(List.of(new Registered(first), new Restarted(second)), events.awaitEvents(2));
      assertEquals(1, failures.all().size(), "reported twice: " + failures.all());
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * An executor that drops a task without running it or saying so (a full pool with {@code
   * DiscardOldestPolicy}): the hook hears of it (once the task is garbage) with the event it was to
   * deliver, and delivery resumes: the next change delivers every event, in order.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void executorDroppingATaskSilentlyIsReportedAndDeliveryResumes() throws Exception {
    Failures failures = new Failures();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1),
            new ThreadPoolExecutor.DiscardOldestPolicy());
    CountDownLatch hold = new CountDownLatch(1);
    try (ServiceManager manager = builder().executor(pool).listenerFailures(failures).open()) {
      RecordingListener events = new RecordingListener();
      manager.watch("svc", events);
      CountDownLatch held = new CountDownLatch(1);
      pool.execute(
          () -> {
            held.countDown();
            BlockedCall.awaitQuietly(hold);
          });
      assertTrue(held.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS), "pool thread busy");
      ServiceHandle first = manager.register("svc", Endpoint.of("a")); // its task waits
      CountDownLatch filler = new CountDownLatch(1);
      pool.execute(filler::countDown); // the queue is full: the delivery task is dropped
      hold.countDown();
      assertTrue(filler.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS), "filler ran");
      Failures.Failure dropped = awaitReportCollectingGarbage(failures);
      assertEquals(new Registered(first), dropped.event());
      RejectedExecutionException e =
          assertInstanceOf(RejectedExecutionException.class, dropped.failure());
      SamgrAssertions.assertMessageContains(e, "samgr subscription to 'svc'", "without running it");
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(List.of(new Registered(first), new Restarted(second)), events.awaitEvents(2));
    } finally {
      hold.countDown();
      Races.shutdown(pool);
    }
  }

  /**
   * An executor shut down with {@code shutdownNow} while a delivery task waits in its queue: the
   * hook hears of the dropped task and of the next change's rejection; the writers never see it.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void executorShutDownNowIsReported() throws Exception {
    Failures failures = new Failures();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CountDownLatch hold = new CountDownLatch(1);
    try (ServiceManager manager = builder().executor(pool).listenerFailures(failures).open()) {
      RecordingListener events = new RecordingListener();
      manager.watch("svc", events);
      CountDownLatch held = new CountDownLatch(1);
      pool.execute(
          () -> {
            held.countDown();
            BlockedCall.awaitQuietly(hold);
          });
      assertTrue(held.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS), "pool thread busy");
      ServiceHandle first = manager.register("svc", Endpoint.of("a")); // its task waits
      pool.shutdownNow();
      ServiceHandle second = manager.restart(first, Endpoint.of("b")); // rejected: reported
      List<Failures.Failure> reported = failures.await(1);
      assertEquals(new Registered(first), reported.get(0).event());
      assertInstanceOf(RejectedExecutionException.class, reported.get(0).failure());
      long deadline = System.nanoTime() + Races.WAIT.toNanos();
      while (failures.all().size() < 2) { // the task shutdownNow dropped, once it is garbage
        assertTrue(System.nanoTime() - deadline < 0, "dropped task never reported");
        System.gc();
        Thread.sleep(10);
      }
      for (Failures.Failure f : failures.all()) {
        assertEquals(new Registered(first), f.event());
        assertInstanceOf(RejectedExecutionException.class, f.failure());
      }
      assertEquals(List.of(), events.events());
      assertNotEquals(first, second);
    } finally {
      hold.countDown();
      Races.shutdown(pool);
    }
  }

  /**
   * A direct executor ({@code Runnable::run}) and a listener that changes the registry on every
   * event: the chain of 200,000 changes is delivered on the writer's thread iteratively, on a
   * thread with a small stack, without a {@code StackOverflowError}, in order. (Backends whose
   * writers do not run listeners run them on their own event thread with such an executor, which a
   * listener changing the registry must not use: skipped there.)
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void directExecutorDeliversIterativelyWithABoundedStack() throws Exception {
    Assumptions.assumeTrue(writersRunListeners(), "listeners run on the backend's event thread");
    int chain = 200_000;
    Failures failures = new Failures();
    try (ServiceManager manager =
        builder().executor(Runnable::run).listenerFailures(failures).open()) {
      AtomicInteger seen = new AtomicInteger();
      AtomicReference<ServiceEvent> last = new AtomicReference<>();
      manager.watch(
          "svc",
          event -> {
            last.set(event);
            if (seen.incrementAndGet() < chain) {
              try {
                manager.restart(event.handle(), Endpoint.of("r"));
              } catch (SamgrError e) {
                throw new AssertionError(e);
              }
            }
          });
      AtomicReference<Object> outcome = new AtomicReference<>();
      Thread small =
          new Thread(
              null,
              () -> {
                try {
                  outcome.set(manager.register("svc", Endpoint.of("a")));
                } catch (SamgrError | RuntimeException | Error e) {
                  outcome.set(e);
                }
              },
              "samgr-tck-small-stack",
              256 * 1024);
      small.setDaemon(true);
      small.start();
      small.join(Races.WAIT.toMillis());
      assertFalse(small.isAlive(), "the writer never returned");
      assertInstanceOf(ServiceHandle.class, outcome.get(), "the writer failed");
      assertEquals(chain, seen.get(), "events delivered");
      assertEquals(List.of(), failures.all());
      assertEquals(
          manager.resolve("svc").generation(),
          java.util.Objects.requireNonNull(last.get(), "no event").handle().generation(),
          "the last one");
    }
  }

  /** Collects garbage until the hook received a report; fails after a bounded time. */
  private static Failures.Failure awaitReportCollectingGarbage(Failures failures)
      throws InterruptedException {
    long deadline = System.nanoTime() + Races.WAIT.toNanos();
    while (failures.all().isEmpty()) {
      assertTrue(System.nanoTime() - deadline < 0, "the dropped task was never reported");
      System.gc();
      Thread.sleep(10);
    }
    return failures.all().get(0);
  }
}
