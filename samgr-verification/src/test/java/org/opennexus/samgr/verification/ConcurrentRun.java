package org.opennexus.samgr.verification;

import java.time.InstantSource;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * One concurrent run on a fresh host registry: a {@code watchAll} subscribed before any call
 * records the event stream, a {@link History} records the calls, and {@link #assertLinearizable()}
 * asks the {@link Linearizer} whether the model explains both.
 */
final class ConcurrentRun implements AutoCloseable {

  /** The host provider, found once as {@code Samgr} finds it (selection is not under test here). */
  static final SamgrBackend HOST =
      ServiceLoader.load(SamgrBackend.class).stream()
          .map(ServiceLoader.Provider::get)
          .filter(backend -> "host".equals(backend.environment()))
          .findFirst()
          .orElseThrow();

  final ManualClock manual;
  final ServiceManager registry;
  final History history = new History();
  final List<ServiceEvent> events = new CopyOnWriteArrayList<>();
  private boolean settled;

  /** The name of the service {@link #settle()} registers last. */
  static final String END = "end";

  /** A run whose registry reads {@code clock}, a view of {@code manual}. */
  ConcurrentRun(ManualClock manual, InstantSource clock) {
    this.manual = manual;
    this.registry = HOST.open(new SamgrConfig(clock, Scenario.TIMEOUT));
    try {
      registry.watchAll(events::add);
    } catch (SamgrError e) {
      throw new AssertionError("watchAll failed on a new host registry", e);
    }
  }

  /** Runs {@code op} as thread {@code thread} and records it. */
  Outcome call(int thread, Op op) {
    return history.call(thread, op, registry, manual);
  }

  /** Starts a thread that runs {@code ops} in order as thread {@code thread}. */
  Thread thread(int thread, Op... ops) {
    Thread t = new Thread(calls(thread, ops), "samgr-run-" + thread);
    t.setDaemon(true);
    return t;
  }

  /** The calls {@code ops}, in order, as thread {@code thread}. */
  Runnable calls(int thread, Op... ops) {
    return () -> {
      for (Op op : ops) {
        call(thread, op);
      }
    };
  }

  /** Waits for {@code t} to end; fails (naming it) if it does not within the bound. */
  static void join(Thread t, long seconds) throws InterruptedException {
    t.join(TimeUnit.SECONDS.toMillis(seconds));
    if (t.isAlive()) {
      AssertionError stuck =
          new AssertionError(t.getName() + " did not end within " + seconds + " s");
      stuck.setStackTrace(t.getStackTrace());
      throw stuck;
    }
  }

  /**
   * Registers a last service, {@link #END}, and waits until the {@code watchAll} has received its
   * event: a subscription receives events in the order the changes took effect, so every earlier
   * event has arrived too (a writer may leave other writers' events to a hand-off thread, so they
   * can still be on their way when the calls have returned). The call is part of the run.
   */
  void settle() throws InterruptedException {
    if (settled) {
      return;
    }
    settled = true;
    Outcome end = call(0, new Op.Register(END, Vocabulary.ENDPOINTS.get(0)));
    if (!(end instanceof Outcome.Value value && value.value() instanceof ServiceHandle handle)) {
      throw new AssertionError("registering the end marker failed: " + end);
    }
    ServiceEvent marker = new ServiceEvent.Registered(handle);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!events.contains(marker)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the end marker's event never arrived; events: " + events);
      }
      Thread.sleep(1);
    }
  }

  /** The events before the end marker's (all of them, before {@link #settle()}). */
  List<ServiceEvent> eventsBeforeEnd() {
    List<ServiceEvent> all = List.copyOf(events);
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).handle().name().equals(END)) {
        return all.subList(0, i);
      }
    }
    return all;
  }

  /** Settles the run, then fails with the checker's explanation unless the model explains it. */
  void assertLinearizable() throws InterruptedException {
    settle();
    List<History.Call> calls = history.calls();
    List<ServiceEvent> seen = List.copyOf(events);
    Linearizer.Verdict verdict = Linearizer.check(calls, seen, Scenario.newModel());
    if (!verdict.linearizable()) {
      throw new AssertionError(Linearizer.explain(calls, seen, verdict, Scenario.newModel()));
    }
  }

  @Override
  public void close() {
    registry.close();
  }
}
