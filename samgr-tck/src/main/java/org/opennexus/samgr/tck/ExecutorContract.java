package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * Delivery rules, executors: listeners run only on the configured executor, in order, none lost and
 * none twice; a failure of the executor of any kind is reported and delivery resumes.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public interface ExecutorContract extends DeliveryModes {

  // ---- executor ----

  /**
   * With an executor, listeners run only on it, never on a writer's thread, and a writer whose
   * listener is slow returns without waiting for it.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void withAnExecutorAWriterNeverWaitsForItsListener() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    Executor recording =
        task ->
            pool.execute(
                () -> {
                  ranOn.add(Thread.currentThread());
                  task.run();
                });
    ServiceManager manager = builder().executor(recording).open();
    BlockedCall blocked = null;
    try {
      // start() returns once the listener is inside its call, which it leaves only when released
      blocked = BlockedCall.start(manager, "svc");
      ServiceHandle handle = blocked.writer.join("register with a slow listener on an executor");
      assertTrue(blocked.held(), "the writer returned only after its listener did");
      blocked.release();
      ServiceHandle second = manager.restart(handle, Endpoint.of("b"));
      assertEquals(
          List.of(new Registered(handle), new Restarted(second)), blocked.events.awaitEvents(2));
      assertFalse(ranOn.isEmpty(), "the executor ran nothing");
      for (Thread thread : ranOn) {
        assertNotEquals(blocked.writer.thread, thread, "a listener ran on the writer's thread");
        assertNotEquals(Thread.currentThread(), thread, "a listener ran on the writer's thread");
      }
    } finally {
      if (blocked != null) {
        blocked.release();
      }
      Daemon.closeWithin(manager);
      Races.shutdown(pool);
    }
  }

  /**
   * With an executor shared by several writers, every subscription still receives every event once,
   * in effect order, one call at a time, and never on a writer's thread.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void withAnExecutorEventsArriveInOrderNoneLostNoneTwice() throws Exception {
    int writers = 4;
    int restarts = 200;
    ExecutorService listenerPool = Executors.newFixedThreadPool(2);
    ExecutorService writerPool = Races.pool(writers);
    Set<Thread> writerThreads = ConcurrentHashMap.newKeySet();
    Set<Thread> listenerThreads = ConcurrentHashMap.newKeySet();
    try (ServiceManager manager = builder().executor(listenerPool).open()) {
      RecordingListener all = new RecordingListener();
      manager.watchAll(
          event -> {
            listenerThreads.add(Thread.currentThread());
            all.accept(event);
          });
      List<java.util.concurrent.Callable<List<ServiceEvent>>> tasks = new ArrayList<>();
      for (int t = 0; t < writers; t++) {
        String name = "svc-" + t;
        tasks.add(
            () -> {
              writerThreads.add(Thread.currentThread());
              List<ServiceEvent> mine = new ArrayList<>();
              ServiceHandle h = manager.register(name, Endpoint.of("0"));
              mine.add(new Registered(h));
              for (int i = 1; i <= restarts; i++) {
                h = manager.restart(h, Endpoint.of(Integer.toString(i)));
                mine.add(new Restarted(h));
              }
              return mine;
            });
      }
      Set<ServiceEvent> expected = new java.util.HashSet<>();
      Races.together(writerPool, tasks).forEach(expected::addAll);
      int total = writers * (restarts + 1);
      List<ServiceEvent> got = all.awaitEvents(total);
      assertEquals(total, got.size(), "events twice");
      assertEquals(expected, Set.copyOf(got));
      for (int i = 1; i < got.size(); i++) {
        if (!got.get(i).handle().generation().isAfter(got.get(i - 1).handle().generation())) {
          fail("event " + i + " out of order: " + got.get(i - 1) + " then " + got.get(i));
        }
      }
      assertEquals(1, all.maxCallsInFlight(), "listener called concurrently");
      for (Thread thread : listenerThreads) {
        assertFalse(writerThreads.contains(thread), "a listener ran on a writer's thread");
      }
    } finally {
      Races.shutdown(writerPool);
      Races.shutdown(listenerPool);
    }
  }

  /**
   * An executor that rejects the drain task loses no event: the rejection goes to the hook with the
   * first waiting event, the events stay queued, and the next change delivers them all, in order,
   * once the executor accepts again.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void executorThatRejectsLosesNoEventAndReportsTheRejection() throws Exception {
    Failures failures = new Failures();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean reject = new AtomicBoolean(true);
    RejectedExecutionException refusal = new RejectedExecutionException("pool is full");
    Executor refusing =
        task -> {
          if (reject.get()) {
            throw refusal;
          }
          pool.execute(task);
        };
    try (ServiceManager manager = builder().executor(refusing).listenerFailures(failures).open()) {
      RecordingListener events = new RecordingListener();
      manager.watch("svc", events);
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      assertEquals(
          List.of(new Failures.Failure(new Registered(first), refusal)), failures.await(1));
      assertEquals(List.of(), events.events());
      reject.set(false);
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(List.of(new Registered(first), new Restarted(second)), events.awaitEvents(2));
      assertEquals(1, failures.all().size(), "a rejection reported twice: " + failures.all());
    } finally {
      Races.shutdown(pool);
    }
  }
}
