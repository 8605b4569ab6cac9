package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/** Helpers of the delivery contracts. */
final class DeliveryTests {

  private DeliveryTests() {}

  /**
   * Opens a registry whose listeners can run on two threads at once: the builder as it is if
   * writers run listeners, else one that delivers on {@code pool}.
   */
  static ServiceManager openWithConcurrentListeners(
      boolean writersRunListeners, ExecutorService pool, Samgr.Builder builder) {
    return (writersRunListeners ? builder : builder.executor(pool)).open();
  }

  /** A pool for {@link #openWithConcurrentListeners}: daemon threads, enough for every test. */
  static ExecutorService listenerPool() {
    return Executors.newFixedThreadPool(
        4,
        task -> {
          Thread t = new Thread(task, "samgr-tck-listener");
          t.setDaemon(true);
          return t;
        });
  }

  // ---- helpers ----

  /** Registers the two racing names of a close-each-other round on two threads at once. */
  static void raceRegisters(ServiceManager manager, int round) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    List<Daemon<Object>> writers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String name = "svc-" + i;
      writers.add(
          Daemon.start(
              "samgr-tck-racer-" + i,
              () -> {
                start.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS);
                try {
                  return manager.register(name, Endpoint.of("a"));
                } catch (IllegalStateException closed) {
                  return closed; // the other listener closed the registry first
                }
              }));
    }
    for (Daemon<Object> writer : writers) {
      writer.join("round " + round + ": a register whose listener closes");
    }
  }

  /** About 0.1 ms of work, so that two listeners on two threads overlap. */
  static void spin() {
    long end = System.nanoTime() + 100_000;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  static java.util.concurrent.Callable<ServiceHandle> restartOf(
      ServiceManager manager, ServiceHandle handle) {
    return () -> manager.restart(handle, Endpoint.of("r" + handle.generation().value()));
  }

  /** A listener that records every event and throws {@code failure} from the first call. */
  static Consumer<ServiceEvent> throwingOnce(RecordingListener events, Throwable failure) {
    AtomicBoolean thrown = new AtomicBoolean();
    return event -> {
      events.accept(event);
      if (thrown.compareAndSet(false, true)) {
        Sneaky.raise(failure);
      }
    };
  }

  /** Subscribes a listener (and, on every other call, a watchAll) tracked only weakly. */
  static Subscription subscribeTracked(
      ServiceManager manager, List<WeakReference<Object>> released, boolean all) throws SamgrError {
    RecordingListener listener = new RecordingListener();
    Subscription subscription = all ? manager.watchAll(listener) : manager.watch("svc", listener);
    released.add(new WeakReference<>(listener));
    if (!all) {
      released.add(new WeakReference<>(subscription));
    }
    return subscription;
  }

  /** Collects garbage until every reference is cleared; fails after a bounded time. */
  static void awaitCollected(List<WeakReference<Object>> references) throws InterruptedException {
    long deadline = System.nanoTime() + Races.WAIT.toNanos();
    while (true) {
      List<Object> alive = new ArrayList<>();
      for (WeakReference<Object> reference : references) {
        Object referent = reference.get();
        if (referent != null) {
          alive.add(referent.toString());
        }
      }
      if (alive.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        fail("still reachable after close: " + alive);
      }
      System.gc();
      Thread.sleep(10);
    }
  }

  /** Closes the registry, or else the subscription. */
  static void closeOne(ServiceManager manager, Subscription s, boolean registry) {
    if (registry) {
      manager.close();
    } else {
      s.close();
    }
  }

  /**
   * Releases the blocked call, checks it finishes, and (if {@code changeAgain}) that a later change
   * does not reach the closed subscription.
   */
  static void assertNoCallAfterClose(
      ServiceManager manager, BlockedCall blocked, boolean changeAgain) throws Exception {
    blocked.release();
    ServiceHandle handle = blocked.writer.join("the change whose listener call was in flight");
    if (changeAgain) {
      manager.restart(handle, Endpoint.of("c")); // must not reach the closed subscription
    }
    assertEquals(List.of(new Registered(handle)), blocked.events.events());
  }
}
