package org.opennexus.samgr.zookeeper;

import java.lang.System.Logger.Level;
import java.time.DateTimeException;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;

/**
 * Announces {@code Expired} in the background, by each service's own liveness timeout: for every
 * registered service not yet announced, a check runs on this client's announcer thread when the
 * service's timeout (the one in its record, see {@link Heartbeats#timeout}) has passed since its
 * newest heartbeat, by this client's clock. If the service has expired then, the check writes the
 * expiry mark with a compare-and-set; every client runs these checks, exactly one mark lands, and
 * every subscription of every client derives its one {@code Expired} from it. Reads never write:
 * {@code liveness} that finds a service expired only asks for a check now ({@link #checkSoon}).
 *
 * <p>Only a service whose expiry is near has a check planned: a version that comes in plans one if
 * its expiry is less than a {@link #HORIZON_MILLIS horizon} away, and a sweep of the view, once per
 * horizon, plans one for each service whose expiry has come that near since. A client holding a
 * million healthy services thus holds no task per service; a sweep compares numbers the view holds
 * and looks up a local heartbeat only for a service whose written one puts it near. A check is
 * timed by real time: it runs when both the time left by the clock and the real time left (as the
 * clock read when the version came in, {@link Rec#anchor}, so counted from then in real time; from
 * the first sweep after, if the clock could not be read then) have passed, and it reads the clock
 * again when it runs. With a clock that does not follow real time (a manual clock), an expiry is
 * therefore announced by {@code sweepExpired}, {@code heartbeat} or the check a {@code liveness}
 * call asks for, or once the real time of the timeout has passed since the version came in. Checks
 * and sweeps share one thread, so a check may wait for a sweep to end (tens of milliseconds at a
 * million services). A client opened read-only announces nothing (its subscriptions still receive
 * the marks other clients write).
 */
final class ExpiryAnnouncer {

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr.zookeeper");

  /**
   * How near an expiry must be for its check to be planned, and how often the sweep looks for those
   * that came that near: a second.
   */
  static final long HORIZON_MILLIS = 1_000;

  /** The shortest wait before a check that found nothing due looks again. */
  private static final long MIN_WAIT_MILLIS = 10;

  /** How long to wait before a check that could not write its mark tries again, at most. */
  private static final long MAX_RETRY_MILLIS = 5_000;

  private final ZkCalls calls;
  private final RecordView view;
  private final RecordWriter writer;
  private final Heartbeats heartbeats;
  private final InstantSource clock;
  private final @Nullable ScheduledExecutorService executor;

  /**
   * Per name, its planned check: only services whose expiry is less than a horizon away have one. A
   * check is one object, the task itself, beside the executor's future.
   */
  private final ConcurrentHashMap<String, Check> planned = new ConcurrentHashMap<>();

  /**
   * The check of {@code name} planned for the {@link System#nanoTime} {@code at}, {@code waited}
   * milliseconds after it was planned. A {@link Callable}, so the executor wraps it in nothing more
   * than its future.
   */
  private final class Check implements Callable<@Nullable Void> {
    final String name;
    final long at;
    final long waited;

    Check(String name, long at, long waited) {
      this.name = name;
      this.at = at;
      this.waited = waited;
    }

    @Override
    public @Nullable Void call() {
      check(this);
      return null;
    }
  }

  /**
   * An announcer; {@code active} is {@code false} for a read-only client, whose announcer plans
   * nothing and writes nothing.
   */
  ExpiryAnnouncer(
      ZkCalls calls,
      RecordView view,
      RecordWriter writer,
      Heartbeats heartbeats,
      InstantSource clock,
      boolean active) {
    this.calls = calls;
    this.view = view;
    this.writer = writer;
    this.heartbeats = heartbeats;
    this.clock = clock;
    this.executor =
        active
            ? Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "samgr-zookeeper-announcer");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    if (executor != null) {
      var unused =
          executor.scheduleWithFixedDelay(
              this::sweep, HORIZON_MILLIS, HORIZON_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * A version entered the view: anchors it (the clock against real time, see {@link Rec#anchor}),
   * and plans the check of its expiry if it may expire within the horizon.
   */
  void plan(Rec rec) {
    if (executor == null || calls.closed()) {
      return;
    }
    long now;
    try {
      now = clock.millis();
    } catch (DateTimeException e) {
      if (rec.registered() && !rec.expiryAnnounced()) {
        schedule(rec.name(), MAX_RETRY_MILLIS); // the clock is out of range: look later
      }
      return;
    }
    rec.anchor(anchorAt(now, realMillis()));
    if (!rec.registered() || rec.expiryAnnounced()) {
      return;
    }
    long left = minus(heartbeats.expiresAfter(rec, heartbeats.lastBeat(rec)), now);
    if (left < HORIZON_MILLIS) {
      schedule(rec.name(), Math.max(left + 1, 0));
    }
  }

  /**
   * Plans the check of every service whose expiry has come within the horizon, by the clock and by
   * the real time since its version came in; runs once per horizon on the announcer thread.
   */
  private void sweep() {
    try {
      if (calls.closed()) {
        return;
      }
      long now = clock.millis();
      long real = realMillis();
      for (Rec rec : view.all()) {
        if (!rec.registered() || rec.expiryAnnounced()) {
          continue;
        }
        long anchor = rec.anchor();
        if (anchor == Rec.UNANCHORED) { // came in while the clock was out of range, or just now
          anchor = anchorAt(now, real);
          rec.anchor(anchor);
        }
        // The written heartbeat is no newer than the newest known: a bound that needs no lookup.
        if (minus(heartbeats.expiresAfter(rec, rec.beat()), now) >= HORIZON_MILLIS) {
          continue;
        }
        long due = heartbeats.expiresAfter(rec, heartbeats.lastBeat(rec));
        long left = Math.max(minus(due, now), minus(minus(due, anchor), real));
        if (left < HORIZON_MILLIS) {
          schedule(rec.name(), Math.max(left + 1, 0));
        }
      }
    } catch (RuntimeException e) { // a clock out of range, say: the next sweep looks again
      LOG.log(Level.DEBUG, "samgr zookeeper: an expiry sweep stopped early", e);
    } catch (Error e) { // the executor runs no sweep after one that throws: say so, loudly
      LOG.log(
          Level.ERROR,
          "samgr zookeeper: the expiry sweep failed and stops; services far from their expiry now"
              + " expire only when sweepExpired, heartbeat or liveness finds them",
          e);
      throw e;
    }
  }

  /** The real time, in milliseconds from an arbitrary origin ({@link System#nanoTime}). */
  private static long realMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  /** The {@link Rec#anchor} of a version that comes in when the clock and real time read so. */
  private static long anchorAt(long now, long real) {
    return Math.max(minus(now, real), Rec.UNANCHORED + 1); // never the "no anchor" value
  }

  /** {@code a - b}, saturated at the bounds of {@code long}. */
  static long minus(long a, long b) {
    long d = a - b;
    return ((a ^ b) & (a ^ d)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : d;
  }

  /** The names whose check is planned now (for tests and diagnostics). */
  Set<String> planned() {
    return Set.copyOf(planned.keySet());
  }

  /** Asks for a check of {@code name} now (a read found it expired and not yet announced). */
  void checkSoon(String name) {
    if (executor != null) {
      schedule(name, 0);
    }
  }

  /**
   * Plans a check of {@code name} in {@code delayMillis}, unless one is planned no later than that.
   */
  private void schedule(String name, long delayMillis) {
    ScheduledExecutorService ex = executor;
    if (ex == null) {
      return;
    }
    long at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
    Check fresh = new Check(name, at, delayMillis);
    Check kept = planned.compute(name, (n, old) -> old != null && old.at - at <= 0 ? old : fresh);
    if (kept != fresh) {
      return;
    }
    try {
      var unused = ex.schedule(fresh, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      planned.remove(name, fresh);
    }
  }

  /** A planned check. */
  private void check(Check task) {
    String name = task.name;
    long waited = task.waited;
    if (!planned.remove(name, task)) {
      return; // replaced by a sooner check, which has run or will run
    }
    if (calls.closed()) {
      return;
    }
    Rec cur = view.get(name);
    if (cur == null || !cur.registered() || cur.expiryAnnounced()) {
      return; // the next version that may expire plans its own check
    }
    try {
      long now = clock.millis();
      long last = heartbeats.lastBeat(cur);
      if (!heartbeats.expiredUnannounced(cur, now, last)) {
        long left = minus(heartbeats.expiresAfter(cur, last), now);
        if (left < HORIZON_MILLIS) {
          schedule(name, Math.max(left + 1, MIN_WAIT_MILLIS));
        } // else a heartbeat moved it on: the sweep plans its check when it comes near again
        return;
      }
      mark("expiry", name, now);
    } catch (SamgrError.Denied e) {
      // no right to mark: a client with the credentials announces it
    } catch (SamgrError | RuntimeException e) {
      LOG.log(
          Level.DEBUG, "samgr zookeeper: will retry announcing the expiry of '" + name + "'", e);
      if (!calls.closed()) {
        schedule(name, Math.min(Math.max(2 * waited, 100), MAX_RETRY_MILLIS));
      }
    }
  }

  /**
   * Writes the expiry mark if the service is, as of {@code now}, expired by its own timeout and not
   * yet announced; returns the handle it marked, or {@code null} if another change came first.
   */
  @Nullable ServiceHandle mark(String op, String name, long now) throws SamgrError {
    ServiceHandle[] marked = new ServiceHandle[1];
    writer.locked(
        op,
        name,
        calls.deadline(),
        cur -> {
          if (cur == null || !cur.registered()) {
            return null;
          }
          long last = heartbeats.lastBeat(cur); // read once: the check and the mark must agree
          if (!heartbeats.expiredUnannounced(cur, now, last)) {
            return null;
          }
          marked[0] = cur.handle();
          return cur.expired(last);
        });
    return marked[0];
  }

  /** Stops the checks. */
  void close() {
    planned.clear();
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
