package org.opennexus.samgr.zookeeper;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The liveness rules and the heartbeats this client took but did not write: a heartbeat reaches
 * ZooKeeper only when the written one is a quarter of the service's liveness timeout old, or the
 * service had expired, or nobody vouches for its owner; the rest stay here, so liveness is exact
 * for the client that heartbeats.
 *
 * <p>A service is judged by its own liveness timeout, the one kept in its record ({@link
 * Rec#timeoutMillis}, set by the client that registered or restarted it), whichever client judges
 * it. Only a record written before timeouts were kept (format 1 or 2) is judged by this client's
 * own timeout.
 *
 * <p>Only the owner of a service (the client whose session wrote its record last, see {@link
 * Rec#owner}) keeps heartbeats unwritten: a heartbeat from any other client is written, and makes
 * that client the owner. The owner judges the service exactly, by its newest heartbeat. Every other
 * client sees only the written heartbeat, which may be up to a {@link #flushInterval} older than
 * the owner's newest, so it judges the service by the written heartbeat plus its timeout plus that
 * interval (its {@link #grace}): it never finds a service expired, nor announces it, before its own
 * timeout has passed since the owner's newest heartbeat, and does so at most a flush interval late.
 */
final class Heartbeats {

  /** A heartbeat this client took, newer than what it wrote to ZooKeeper. */
  static final class LocalBeat {
    final long gen;
    final AtomicLong beat;

    LocalBeat(long gen, long beat) {
      this.gen = gen;
      this.beat = new AtomicLong(beat);
    }
  }

  private final long ownTimeoutMillis;
  private final LongSupplier ownSession;
  private final ConcurrentHashMap<String, LocalBeat> beats = new ConcurrentHashMap<>();

  /**
   * The rules of a client whose liveness timeout is {@code ownTimeoutMillis} (the timeout of the
   * services it registers or restarts, and of records that keep none) and whose current session is
   * the one {@code ownSession} gives (0 before it wrote anything).
   */
  Heartbeats(long ownTimeoutMillis, LongSupplier ownSession) {
    this.ownTimeoutMillis = ownTimeoutMillis;
    this.ownSession = ownSession;
  }

  /** This client's own liveness timeout, which it writes into the records it registers. */
  long ownTimeout() {
    return ownTimeoutMillis;
  }

  /** The liveness timeout that {@code rec} is judged by: its own, else this client's. */
  long timeout(Rec rec) {
    long own = rec.timeoutMillis();
    return own > 0 ? own : ownTimeoutMillis;
  }

  /** How old the written heartbeat of {@code rec} may grow before a heartbeat is written. */
  long flushInterval(Rec rec) {
    return Math.max(1, timeout(rec) / 4);
  }

  /** Whether this client owns {@code rec}: its current session wrote the record last. */
  boolean owns(Rec rec) {
    long session = ownSession.getAsLong();
    return session != 0 && rec.owner() == session;
  }

  /**
   * How much longer than its timeout this client waits before it finds {@code rec}'s service
   * expired: nothing for its owner, which knows its newest heartbeat; a {@link #flushInterval} for
   * every other client, which sees only the written one.
   */
  long grace(Rec rec) {
    return owns(rec) ? 0 : flushInterval(rec);
  }

  /** How old {@code rec}'s newest known heartbeat may be, for this client, while it is alive. */
  private long allowance(Rec rec) {
    long timeout = timeout(rec);
    long grace = grace(rec);
    return timeout > Long.MAX_VALUE - grace ? Long.MAX_VALUE : timeout + grace; // saturated
  }

  /**
   * The clock reading after which {@code rec}'s service, whose newest heartbeat this client knows
   * is {@code last}, has expired for this client (saturated at {@link Long#MAX_VALUE}).
   */
  long expiresAfter(Rec rec, long last) {
    long t = allowance(rec);
    return last > Long.MAX_VALUE - t ? Long.MAX_VALUE : last + t;
  }

  /** This client's local heartbeat of {@code name}'s generation {@code gen}, or {@code null}. */
  @Nullable LocalBeat local(String name, long gen) {
    LocalBeat local = beats.get(name);
    return local != null && local.gen == gen ? local : null;
  }

  /** Keeps a heartbeat at {@code now} locally, with {@code local} as {@link #local} gave it. */
  void keep(String name, long gen, @Nullable LocalBeat local, long now) {
    if (local == null) {
      beats.put(name, new LocalBeat(gen, now));
    } else if (local.beat.get() < now) { // most beats of a busy service fall in the same ms
      local.beat.accumulateAndGet(now, Math::max);
    }
  }

  /** Forgets the local heartbeat of a name (it was unregistered). */
  void forget(String name) {
    beats.remove(name);
  }

  /** Forgets every local heartbeat (the client closed). */
  void clear() {
    beats.clear();
  }

  /** The newest heartbeat this client knows of for the record's generation. */
  long lastBeat(Rec rec) {
    LocalBeat local = local(rec.name(), rec.gen());
    return local != null ? Math.max(rec.beat(), local.beat.get()) : rec.beat();
  }

  /**
   * Whether a heartbeat at {@code now} must reach ZooKeeper rather than stay local; {@code last} is
   * {@link #lastBeat} of {@code cur}, {@code vouched} whether its owner's node is known. Only the
   * owner keeps heartbeats local: the others judge it by the written one plus a flush interval.
   */
  boolean needsWrite(Rec cur, long now, long last, boolean vouched) {
    if (now - last > timeout(cur) || cur.expiryAnnounced()) {
      return true; // expired (maybe unnoticed) or announced expired: others must see the revival
    }
    if (now - cur.beat() >= flushInterval(cur)) {
      return true;
    }
    return !vouched || !owns(cur);
  }

  /**
   * Whether the service is alive at {@code now} for this client, the newest heartbeat it knows
   * being {@code last}.
   */
  boolean alive(Rec rec, long now, long last) {
    return now - last <= allowance(rec) && !rec.expiryAnnounced();
  }

  /** Whether the service has expired at {@code now} and no client has announced it yet. */
  boolean expiredUnannounced(Rec rec, long now) {
    return expiredUnannounced(rec, now, lastBeat(rec));
  }

  /** {@link #expiredUnannounced(Rec, long)} with its newest heartbeat {@code last} given. */
  boolean expiredUnannounced(Rec rec, long now, long last) {
    return now - last > allowance(rec) && !rec.expiryAnnounced();
  }

  /**
   * The draft with which this client's new session {@code owner} vouches again, at {@code now}, for
   * {@code cur}, a service of one of its lost sessions: its owner becomes {@code owner}, with the
   * newest heartbeat this client knows (no new one). A service whose timeout had not passed is
   * alive again: if its expiry was announced meanwhile, the heartbeat written is one millisecond
   * newer than that announcement, which a revival must be. One whose timeout passed stays expired
   * until a heartbeat: its expiry is announced if no client did yet, and nothing is written
   * otherwise ({@code null}).
   */
  Rec.@Nullable Draft vouchedAgain(Rec cur, long owner, long now) {
    long last = lastBeat(cur);
    if (now - last > timeout(cur)) {
      return cur.expiryAnnounced() ? null : cur.expired(last);
    }
    long expiredBeat = cur.expiredBeat();
    return cur.beaten(owner, expiredBeat >= last ? expiredBeat + 1 : last, expiredBeat);
  }

  /**
   * The heartbeat draft that {@code owner} writes at {@code now} for {@code cur}: a revival is
   * never older than what it ends, and an expiry that went unnoticed is announced with it.
   */
  Rec.Draft beat(Rec cur, long owner, long now) {
    long last = lastBeat(cur);
    long beat = Math.max(now, last);
    long expiredBeat = cur.expiredBeat();
    if (expiredUnannounced(cur, now, last)) {
      expiredBeat = last; // it expired unnoticed: announce that, then revive
    }
    if (expiredBeat >= beat) {
      beat = expiredBeat + 1; // a revival must be newer than the expiry it ends
    }
    return cur.beaten(owner, beat, expiredBeat);
  }
}
