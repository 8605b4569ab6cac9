package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.EventHub;

/**
 * Delivery rules, closing under load, in every delivery mode: while two writers keep changing the
 * registry, the owner's {@code close()} returns only when no listener of the registry runs, and no
 * listener runs after it returned, whichever way each subscription ended (still open, closed by the
 * user, closed inside another listener, closed by a backlog overflow).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public interface CloseStressContract extends DeliveryModes {

  /** Rounds per delivery mode, each on a fresh registry. */
  int STRESS_ROUNDS = 40;

  /** How events reach listeners in a round. */
  enum Mode {
    /** The backend's default: writers run listeners, or the backend's own delivery thread. */
    DEFAULT,
    /** A pool of four threads given to {@link Samgr.Builder#executor}. */
    POOL,
    /** One thread given to {@link Samgr.Builder#executor}. */
    SINGLE_THREAD,
    /** A direct executor ({@code Runnable::run}): whoever submits runs the listener. */
    DIRECT
  }

  /**
   * Two writers restart a service as fast as they can while four subscriptions listen: one stays
   * open, one is closed by the user mid-flow, one is closed inside another listener, one overflows
   * its backlog of 2 (with an executor; a writer that runs listeners never builds a backlog). The
   * owner closes the registry mid-flow; no listener call begins or is still running after its
   * {@code close()} returned, in any round, in this delivery mode.
   *
   * @param mode the delivery mode of the round
   * @throws Exception on an unexpected failure
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Mode.class)
  default void noListenerRunsAfterCloseReturnedInAnyDeliveryMode(Mode mode) throws Exception {
    AtomicInteger late = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    for (int round = 0; round < STRESS_ROUNDS; round++) {
      ExecutorService pool =
          switch (mode) {
            case POOL -> DeliveryTests.listenerPool();
            case SINGLE_THREAD ->
                Executors.newSingleThreadExecutor(
                    task -> {
                      Thread t = new Thread(task, "samgr-tck-single");
                      t.setDaemon(true);
                      return t;
                    });
            case DEFAULT, DIRECT -> null;
          };
      Samgr.Builder builder =
          builder()
              .setting(EventHub.MAX_BACKLOG_SETTING, "2")
              .listenerFailures((event, failure) -> {});
      if (pool != null) {
        builder.executor(pool);
      } else if (mode == Mode.DIRECT) {
        builder.executor(Runnable::run);
      }
      ServiceManager manager = builder.open();
      AtomicBoolean closeReturned = new AtomicBoolean();
      Consumer<ServiceEvent> listener =
          event -> {
            calls.incrementAndGet();
            if (closeReturned.get()) {
              late.incrementAndGet();
            }
            Thread.onSpinWait();
            if (closeReturned.get()) {
              late.incrementAndGet(); // still running when close() returned
            }
          };
      try {
        manager.register("svc", Endpoint.of("a"));
        AtomicReference<Subscription> victim = new AtomicReference<>();
        manager.watchAll(listener);
        Subscription closedByUser = manager.watch("svc", listener);
        victim.set(manager.watch("svc", listener));
        manager.watch(
            "svc",
            event -> {
              listener.accept(event);
              Subscription v = victim.getAndSet(null);
              if (v != null) {
                v.close(); // inside a listener: does not wait
              }
            });
        manager.watch("svc", listener); // with an executor it may overflow its backlog of 2
        List<Daemon<Integer>> writers =
            List.of(writer(manager, "samgr-tck-writer-1"), writer(manager, "samgr-tck-writer-2"));
        Thread.sleep(1);
        closedByUser.close();
        manager.close();
        closeReturned.set(true);
        for (Daemon<Integer> w : writers) {
          w.join("a writer after close()");
        }
        Thread.sleep(2); // a listener that would still start would start now
      } finally {
        Daemon.closeWithin(manager);
        if (pool != null) {
          Races.shutdown(pool);
        }
      }
    }
    assertEquals(0, late.get(), mode + ": listener calls running after close() returned");
    if (calls.get() == 0) {
      throw new AssertionError(mode + ": no listener was ever called: the test proved nothing");
    }
  }

  /** A writer that restarts {@code svc} until the registry is closed; returns its count. */
  private static Daemon<Integer> writer(ServiceManager manager, String thread) {
    return Daemon.start(
        thread,
        () -> {
          int restarts = 0;
          try {
            while (true) {
              manager.restart("svc", Endpoint.of(thread + "-" + restarts));
              restarts++;
            }
          } catch (IllegalStateException closed) {
            return restarts; // the registry was closed
          }
        });
  }
}
