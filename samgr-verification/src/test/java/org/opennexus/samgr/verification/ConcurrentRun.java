package org.opennexus.samgr.verification;

import java.time.InstantSource;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * One concurrent run on a fresh host registry: a {@code watchAll} subscribed before any call
 * records the event stream, a {@link History} records the calls, and {@link #verdict()} asks the
 * {@link Linearizer} whether the model explains both.
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
      AssertionError stuck = new AssertionError(t.getName() + " did not end within " + seconds + " s");
      stuck.setStackTrace(t.getStackTrace());
      throw stuck;
    }
  }

  /** Checks the calls and events so far against a fresh model. */
  Linearizer.Verdict verdict() {
    return Linearizer.check(history.calls(), events, Scenario.newModel());
  }

  /** Fails with the checker's explanation unless the model explains the run. */
  void assertLinearizable() {
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
