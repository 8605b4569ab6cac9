package org.opennexus.samgr.zookeeper;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.EventHub;

/**
 * A client's local view of the namespace: per name, the newest version it has seen (versions are
 * ordered by {@link Rec#stamp}). Versions of epochs below the floor (see {@link Epoch}) are void:
 * issued before the ensemble lost its data, they count as absent. A version that moves the view on
 * yields the events of that transition ({@link #transitions}), published to the event hub under the
 * view's lock, so that every subscription receives them in view order. A newest version this client
 * cannot read is held as an {@link UnreadableRecord} (ordered by zxid): the name then counts as not
 * registered, and each such version is logged once, as a warning.
 */
final class RecordView {

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr.zookeeper");

  private static final Comparator<ServiceHandle> BY_NAME =
      Comparator.comparing(ServiceHandle::name);

  private final ZkCalls calls;
  private final EventHub hub;

  /** Told of every version applied (after its events are queued), outside the view's lock. */
  private final Consumer<Rec> applied;

  /** The versions by name; changed under the lock, read without it. */
  private final RecTable view = new RecTable();

  /** See {@link #changes()}; written under the lock, around each change of {@link #view}. */
  private volatile long changes;

  /** How many versions in {@link #view} are registered; changed under the lock, with the view. */
  private volatile int registered;

  /**
   * Per name, its newest version if this client cannot read it; the name's entry in {@link #view}
   * (the last version it could read, if any) is then never registered. Changed under the lock.
   */
  private final ConcurrentHashMap<String, UnreadableRecord> unreadable = new ConcurrentHashMap<>();

  /** Guards changes of the view and subscribing, so events are published in view order. */
  private final ReentrantLock lock = new ReentrantLock();

  /** Records of epochs below it are void: issued before a loss of the ensemble's data. */
  private volatile long floor;

  /** The highest {@link Rec#stamp} or epoch base seen, in any history of the ensemble. */
  private final AtomicLong stampSeen = new AtomicLong();

  /** The newest zxid seen in the ensemble's current history. */
  private final AtomicLong zxidSeen = new AtomicLong();

  /**
   * The name whose version in the view was written last, with that version's zxid: one value, so
   * that a reader never pairs one name with another's zxid (changes of different names apply
   * concurrently with its reads). Changed under the lock.
   */
  private volatile @Nullable Newest newest;

  /** A name and the zxid of its version in the view. */
  record Newest(String name, long zxid) {}

  RecordView(ZkCalls calls, EventHub hub, Consumer<Rec> applied) {
    this.calls = calls;
    this.hub = hub;
    this.applied = applied;
  }

  /** The newest version of {@code name} seen, or {@code null}. */
  @Nullable Rec get(String name) {
    return view.get(name);
  }

  /** The newest version of {@code name} if this client cannot read it, or {@code null}. */
  @Nullable UnreadableRecord unreadable(String name) {
    return unreadable.get(name);
  }

  /**
   * Every version the view holds, in no order, as {@link RecTable#values} walks them (a name may be
   * missed or seen twice if it changes meanwhile: callers look it up again before acting on it).
   */
  Iterable<Rec> all() {
    return view.values();
  }

  /** Whether the view holds the version of {@code name} written at {@code zxid}, or a newer one. */
  boolean known(String name, long zxid) {
    Rec rec = view.get(name);
    if (rec != null && !rec.before(floor) && rec.mzxid() >= zxid) {
      return true;
    }
    UnreadableRecord bad = unreadable.get(name);
    return bad != null && bad.mzxid() >= zxid;
  }

  /** Versions of epochs below this floor are void (see {@link Epoch}). */
  long floor() {
    return floor;
  }

  /** The highest stamp or epoch base seen (see {@link NamespaceHistory}). */
  long stampSeen() {
    return stampSeen.get();
  }

  /** Records a stamp or an epoch base seen. */
  void noteStamp(long stamp) {
    stampSeen.accumulateAndGet(stamp, Math::max);
  }

  /** The newest zxid seen in the ensemble's current history. */
  long zxidSeen() {
    return zxidSeen.get();
  }

  /** Records a zxid seen in the ensemble's current history. */
  void noteZxid(long zxid) {
    if (zxid > 0) {
      zxidSeen.accumulateAndGet(zxid, Math::max);
    }
  }

  /** The name whose version in the view was written last, with its zxid, or {@code null}. */
  @Nullable Newest newest() {
    return newest;
  }

  /** A new history of the ensemble begins, whose newest zxid seen is {@code zxid}. */
  void restartZxids(long zxid) {
    zxidSeen.set(zxid);
  }

  /**
   * Raises the floor (see {@link Epoch}) and drops every version below it; subscriptions are told
   * that each registered one is {@code Unregistered}.
   */
  void raiseFloor(long newFloor) {
    lock.lock();
    try {
      if (newFloor <= floor) {
        return;
      }
      floor = newFloor;
      // Unreadable versions are ordered by zxids of the old history: the new session's reload
      // reads them again.
      unreadable.clear();
      newest = null;
      List<String> names = new ArrayList<>();
      for (Rec rec : view.values()) {
        names.add(rec.name());
      }
      names.sort(Comparator.naturalOrder());
      for (String name : names) {
        Rec rec = view.get(name);
        if (rec != null && rec.before(newFloor)) {
          drop(name);
          if (rec.registered() && !calls.closed()) {
            hub.publish(new ServiceEvent.Unregistered(rec.handle()));
          }
        }
      }
    } finally {
      lock.unlock();
    }
    hub.flush(); // hand-off: hands the events over, never runs listeners here
  }

  /** Puts a version in the view, under the lock, keeping the count of registered ones. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // written under the lock only
  private void store(Rec rec) {
    changes++; // odd: a change is being made
    Rec old;
    try {
      old = view.put(rec);
    } finally {
      changes++; // even again, also if the table could not grow (out of memory)
    }
    count(old, rec);
  }

  /** Takes a name out of the view, under the lock, keeping the count; returns what it held. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // written under the lock only
  private @Nullable Rec drop(String name) {
    changes++;
    Rec old;
    try {
      old = view.remove(name);
    } finally {
      changes++;
    }
    count(old, null);
    return old;
  }

  /**
   * The count of changes of the view's versions, odd while one is being made. A reader that takes
   * an even count before it reads a version and the same count after knows that no version entered
   * or left the view meanwhile: a check that costs no lookup ({@code heartbeat}'s).
   */
  long changes() {
    return changes;
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // written under the lock only
  private void count(@Nullable Rec old, @Nullable Rec now) {
    registered +=
        (now != null && now.registered() ? 1 : 0) - (old != null && old.registered() ? 1 : 0);
  }

  /**
   * How many services are registered in the view (what {@link #services} would list), without
   * listing them or taking the lock; zero once closed.
   */
  int serviceCount() {
    return calls.closed() ? 0 : registered;
  }

  /** The handles of the registered services, in name order. */
  List<ServiceHandle> services() {
    List<ServiceHandle> snapshot = new ArrayList<>();
    lock.lock();
    try {
      calls.checkOpen();
      for (Rec rec : view.values()) {
        if (rec.registered()) {
          snapshot.add(rec.handle());
        }
      }
    } finally {
      lock.unlock();
    }
    snapshot.sort(BY_NAME);
    return List.copyOf(snapshot);
  }

  /**
   * Throws {@link RecCodec.Unreadable} if {@code read}, a version just read from the ensemble, is a
   * later write of the node than the version the view holds but its generation fields go backwards
   * (its stamp is not above the held one's): no samgr client writes that, only someone writing the
   * node by hand, and a writer that kept the held version as the current one would retry its
   * compare-and-set until its deadline. The caller then holds it as an {@link UnreadableRecord}.
   */
  void checkOrder(String name, Rec read) throws RecCodec.Unreadable {
    lock.lock();
    try {
      Rec old = view.get(name);
      if (old != null
          && !old.before(floor)
          && !read.before(floor)
          && read.version() > old.version()
          && read.mzxid() > old.mzxid()
          && read.stamp() <= old.stamp()) {
        throw new RecCodec.Unreadable(
            "its generation fields go backwards (version "
                + read.version()
                + " stamps "
                + read.stamp()
                + ", not above an earlier version's stamp): not written by samgr");
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies a version if it is newer than what the view holds, with its events. Returns the version
   * as this client takes it: one issued in an epoch below the floor is void, as if unregistered,
   * and announces nothing (it is kept only as the version a write replaces).
   */
  Rec apply(String name, Rec read) {
    long below = floor;
    boolean isVoid = read.before(below);
    Rec rec = isVoid && read.registered() ? read.voided() : read;
    noteStamp(rec.stamp());
    if (!isVoid) {
      noteZxid(rec.mzxid());
    }
    lock.lock();
    try {
      if (calls.closed()) {
        return rec;
      }
      Rec old = view.get(name);
      boolean oldValid = old != null && !old.before(below);
      if (isVoid) {
        if (!oldValid) {
          store(rec);
        }
        return rec;
      }
      if (old != null && oldValid && rec.stamp() <= old.stamp()) {
        return rec; // already seen, or older (stamps order versions, also of a node made anew)
      }
      UnreadableRecord bad = unreadable.get(name);
      if (bad != null && rec.mzxid() <= bad.mzxid()) {
        return rec; // older than the unreadable version the view holds
      }
      if (old != null) {
        rec.inherit(old); // keeps resolve from building the same handle again
      }
      store(rec);
      if (bad != null) {
        unreadable.remove(name); // repaired: old is the version before it, never registered
      }
      Newest last = newest;
      if (last == null || rec.mzxid() > last.zxid()) {
        newest = new Newest(name, rec.mzxid()); // versions apply out of zxid order across names
      }
      List<ServiceEvent> events = new ArrayList<>(2);
      transitions(old, rec, events);
      for (ServiceEvent event : events) {
        hub.publish(event);
      }
    } finally {
      lock.unlock();
    }
    hub.flush(); // hand-off: hands the events over, never runs listeners here
    applied.accept(rec);
    return rec;
  }

  /**
   * Holds a version this client cannot read if it is newer than what the view holds: a registered
   * name is then {@code Unregistered} for the subscriptions, and the version is logged once.
   */
  void applyUnreadable(UnreadableRecord bad) {
    String name = bad.name();
    lock.lock();
    try {
      if (calls.closed()) {
        return;
      }
      UnreadableRecord had = unreadable.get(name);
      if (had != null && had.mzxid() >= bad.mzxid()) {
        return; // this version, seen already, or an older one
      }
      Rec old = view.get(name);
      if (old != null && !old.before(floor) && old.mzxid() >= bad.mzxid()) {
        return; // older than the version the view holds
      }
      noteZxid(bad.mzxid());
      unreadable.put(name, bad); // first: a reader that sees the name unregistered then sees why
      if (old != null && old.registered()) {
        store(old.voided());
        hub.publish(new ServiceEvent.Unregistered(old.handle()));
      }
    } finally {
      lock.unlock();
    }
    hub.flush(); // hand-off: hands the events over, never runs listeners here
    LOG.log(Level.WARNING, bad.warning());
  }

  /** The record node is gone (only if someone deleted it by hand): the name is unregistered. */
  void applyAbsent(String name) {
    lock.lock();
    try {
      unreadable.remove(name);
      Rec old = drop(name);
      if (old != null && old.registered() && !calls.closed()) {
        hub.publish(new ServiceEvent.Unregistered(old.handle()));
      }
    } finally {
      lock.unlock();
    }
    hub.flush();
  }

  /**
   * The events that take the view of one name from {@code old} to {@code now}. Versions this client
   * missed are coalesced: never out of order, and ending in the state of {@code now}.
   */
  static void transitions(@Nullable Rec old, Rec now, List<ServiceEvent> out) {
    if (old == null || !old.registered()) {
      if (now.registered()) {
        out.add(new ServiceEvent.Registered(now.handle()));
        expiredMeanwhile(now, out);
      } else if (old != null && now.registeredGen() != old.registeredGen()) {
        out.add(new ServiceEvent.Registered(now.handle())); // a whole incarnation came and went
        out.add(new ServiceEvent.Unregistered(now.handle()));
      }
      return;
    }
    boolean sameIncarnation = now.registeredGen() == old.registeredGen();
    boolean newExpiry = now.expiredBeat() != old.expiredBeat() && now.expiredBeat() != Rec.NEVER;
    if (!sameIncarnation) {
      out.add(new ServiceEvent.Unregistered(old.handle()));
      out.add(new ServiceEvent.Registered(now.handle()));
      if (now.registered()) {
        expiredMeanwhile(now, out);
      }
    } else if (now.gen() != old.gen()) {
      out.add(new ServiceEvent.Restarted(now.handle()));
      if (now.registered()) {
        expiredMeanwhile(now, out);
      }
    } else if (newExpiry) {
      out.add(new ServiceEvent.Expired(now.handle()));
    }
    if (!now.registered()) {
      out.add(new ServiceEvent.Unregistered(now.handle()));
    }
  }

  /** A generation first seen already marked expired: it expired after it began. */
  private static void expiredMeanwhile(Rec now, List<ServiceEvent> out) {
    if (now.expiredBeat() != Rec.NEVER) {
      out.add(new ServiceEvent.Expired(now.handle()));
    }
  }

  /**
   * Subscribes to one name, or to all when {@code name} is {@code null}: the hub links the
   * subscription and queues {@code Registered} for what the view holds now (in name order), under
   * the view lock, so that no change falls between the two.
   */
  Subscription subscribe(@Nullable String name, Consumer<ServiceEvent> listener) {
    Subscription sub;
    lock.lock();
    try {
      calls.checkOpen();
      List<ServiceHandle> current = new ArrayList<>();
      if (name == null) {
        for (Rec rec : view.values()) {
          if (rec.registered()) {
            current.add(rec.handle());
          }
        }
        current.sort(BY_NAME);
      } else {
        Rec rec = view.get(name);
        if (rec != null && rec.registered()) {
          current.add(rec.handle());
        }
      }
      sub = hub.subscribe(name, listener, current);
    } finally {
      lock.unlock();
    }
    hub.flush();
    return sub;
  }

  /**
   * Marks the client closed (see {@link ZkCalls#close}) and forgets the view, under the view's
   * lock; {@code false} if it was closed already.
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // written under the lock only
  boolean close() {
    lock.lock();
    try {
      if (calls.closed()) {
        return false;
      }
      calls.close();
      changes++;
      view.clear();
      changes++;
      registered = 0;
      unreadable.clear();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * How many services are registered (unless the view is not {@code loaded}) and subscriptions
   * open, for {@code toString}.
   */
  String describe(String where, boolean loaded) {
    lock.lock();
    try {
      if (calls.closed()) {
        return "samgr zookeeper registry (closed)";
      }
      int subscriptions = hub.subscriptions();
      int services = registered; // exact: kept under this lock with the view
      return "samgr zookeeper registry "
          + where
          + (loaded ? " (services: " + services : " (services: not loaded yet")
          + ", subscriptions: "
          + subscriptions
          + ")";
    } finally {
      lock.unlock();
    }
  }
}
