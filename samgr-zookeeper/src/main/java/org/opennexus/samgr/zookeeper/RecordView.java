package org.opennexus.samgr.zookeeper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.DeliveredSubscription;
import org.opennexus.samgr.spi.Delivery;

/**
 * A client's local view of the namespace: per name, the newest version it has seen (versions are
 * ordered by {@link Rec#stamp}), and the subscriptions. Versions of epochs below the floor (see
 * {@link Epoch}) are void: issued before the ensemble lost its data, they count as absent. A version that moves the view on yields the events of
 * that transition ({@link #transitions}), queued for the subscriptions under the view's lock, so
 * that every subscription receives them in view order.
 */
final class RecordView {

  private static final Comparator<ServiceHandle> BY_NAME =
      Comparator.comparing(ServiceHandle::name);

  private final ZkCalls calls;
  private final Delivery delivery;

  /** Told of every version applied (after its events are queued), outside the view's lock. */
  private final Consumer<Rec> applied;

  private final ConcurrentHashMap<String, Rec> view = new ConcurrentHashMap<>();

  /** Guards changes of the view and the subscriptions, so events are queued in view order. */
  private final ReentrantLock lock = new ReentrantLock();

  private final Map<String, List<DeliveredSubscription>> watchersByName = new HashMap<>(); // lock
  private final List<DeliveredSubscription> watchersOfAll = new ArrayList<>(); // lock

  /** Records of epochs below it are void: issued before a loss of the ensemble's data. */
  private volatile long floor;

  /** The highest {@link Rec#stamp} or epoch base seen, in any history of the ensemble. */
  private final AtomicLong stampSeen = new AtomicLong();

  /** The newest zxid seen in the ensemble's current history. */
  private final AtomicLong zxidSeen = new AtomicLong();

  /** The name whose version in the view was written last, and that version's zxid. */
  private volatile @Nullable String newest;

  private volatile long newestZxid; // lock

  RecordView(ZkCalls calls, Delivery delivery, Consumer<Rec> applied) {
    this.calls = calls;
    this.delivery = delivery;
    this.applied = applied;
  }

  /** The newest version of {@code name} seen, or {@code null}. */
  @Nullable Rec get(String name) {
    return view.get(name);
  }

  /** Every version the view holds, in no order; a live view of the map. */
  Iterable<Rec> all() {
    return view.values();
  }

  /** The names the view holds; a live view of the map. */
  Set<String> names() {
    return view.keySet();
  }

  /** Whether the view holds the version of {@code name} written at {@code zxid}, or a newer one. */
  boolean known(String name, long zxid) {
    Rec rec = view.get(name);
    return rec != null && !rec.before(floor) && rec.mzxid() >= zxid;
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

  /** The name whose version in the view was written last, or {@code null}. */
  @Nullable String newest() {
    return newest;
  }

  /** The zxid of {@link #newest}'s version in the view. */
  long newestZxid() {
    return newestZxid;
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
    List<Delivery.Batch> batches = new ArrayList<>();
    lock.lock();
    try {
      if (newFloor <= floor) {
        return;
      }
      floor = newFloor;
      newest = null;
      newestZxid = 0;
      List<String> names = new ArrayList<>(view.keySet());
      names.sort(Comparator.naturalOrder());
      for (String name : names) {
        Rec rec = view.get(name);
        if (rec != null && rec.before(newFloor)) {
          view.remove(name);
          if (rec.registered() && !calls.closed()) {
            Delivery.Batch batch =
                publish(name, List.of(new ServiceEvent.Unregistered(rec.handle())));
            if (batch != null) {
              batches.add(batch);
            }
          }
        }
      }
    } finally {
      lock.unlock();
    }
    batches.forEach(Delivery.Batch::dispatch);
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
   * Applies a version if it is newer than what the view holds, with its events. Returns the
   * version as this client takes it: one issued in an epoch below the floor is void, as if
   * unregistered, and announces nothing (it is kept only as the version a write replaces).
   */
  Rec apply(String name, Rec read) {
    long below = floor;
    boolean isVoid = read.before(below);
    Rec rec = isVoid && read.registered() ? read.voided() : read;
    noteStamp(rec.stamp());
    if (!isVoid) {
      noteZxid(rec.mzxid());
    }
    Delivery.@Nullable Batch batch = null;
    lock.lock();
    try {
      if (calls.closed()) {
        return rec;
      }
      Rec old = view.get(name);
      boolean oldValid = old != null && !old.before(below);
      if (isVoid) {
        if (!oldValid) {
          view.put(name, rec);
        }
        return rec;
      }
      if (old != null && oldValid && rec.stamp() <= old.stamp()) {
        return rec; // already seen, or older (stamps order versions, also of a node made anew)
      }
      view.put(name, rec);
      if (rec.mzxid() > newestZxid) {
        newest = name;
        newestZxid = rec.mzxid();
      }
      List<ServiceEvent> events = new ArrayList<>(2);
      transitions(old, rec, events);
      batch = publish(name, events);
    } finally {
      lock.unlock();
    }
    dispatch(batch);
    applied.accept(rec);
    return rec;
  }

  /** The record node is gone (only if someone deleted it by hand): the name is unregistered. */
  void applyAbsent(String name) {
    Delivery.@Nullable Batch batch = null;
    lock.lock();
    try {
      Rec old = view.remove(name);
      if (old != null && old.registered() && !calls.closed()) {
        batch = publish(name, List.of(new ServiceEvent.Unregistered(old.handle())));
      }
    } finally {
      lock.unlock();
    }
    dispatch(batch);
  }

  /**
   * The events that take the view of one name from {@code old} to {@code now}. Versions this
   * client missed are coalesced: never out of order, and ending in the state of {@code now}.
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
   * Queues events for the subscriptions they concern, in a batch to dispatch after the view lock
   * is released; {@code null} when none is concerned. Call under the view lock.
   */
  private Delivery.@Nullable Batch publish(String name, List<ServiceEvent> events) {
    if (events.isEmpty()) {
      return null;
    }
    List<DeliveredSubscription> named = watchersByName.get(name);
    if (named == null && watchersOfAll.isEmpty()) {
      return null;
    }
    Delivery.Batch batch = delivery.batch();
    for (ServiceEvent event : events) {
      if (named != null) {
        for (DeliveredSubscription sub : named) {
          batch.offer(sub, event);
        }
      }
      for (DeliveredSubscription sub : watchersOfAll) {
        batch.offer(sub, event);
      }
    }
    return batch;
  }

  /** Hands a batch to the delivery after the view lock is released; never runs listeners. */
  private static void dispatch(Delivery.@Nullable Batch batch) {
    if (batch != null) {
      batch.dispatch();
    }
  }

  /**
   * Subscribes to one name, or to all when {@code name} is {@code null}: links the subscription
   * and queues {@code Registered} for what the view holds now (in name order), under the view
   * lock, so that no change falls between the two.
   */
  Subscription subscribe(@Nullable String name, Consumer<ServiceEvent> listener) {
    DeliveredSubscription sub;
    long upTo = 0;
    lock.lock();
    try {
      calls.checkOpen();
      String description =
          name == null
              ? "samgr subscription to all services"
              : "samgr subscription to '" + name + "'";
      sub = delivery.subscribe(description, listener, s -> unsubscribe(name, s));
      List<ServiceHandle> current = new ArrayList<>();
      if (name == null) {
        for (Rec rec : view.values()) {
          if (rec.registered()) {
            current.add(rec.handle());
          }
        }
        current.sort(BY_NAME);
        watchersOfAll.add(sub);
      } else {
        Rec rec = view.get(name);
        if (rec != null && rec.registered()) {
          current.add(rec.handle());
        }
        watchersByName.computeIfAbsent(name, n -> new ArrayList<>(2)).add(sub);
      }
      for (ServiceHandle handle : current) {
        upTo = sub.offer(new ServiceEvent.Registered(handle));
      }
    } finally {
      lock.unlock();
    }
    sub.dispatch(upTo);
    return sub;
  }

  /** Unlinks a closed subscription; its {@code onClose}, run once, with no lock of ours held. */
  private void unsubscribe(@Nullable String name, DeliveredSubscription sub) {
    lock.lock();
    try {
      if (name == null) {
        watchersOfAll.remove(sub);
      } else {
        List<DeliveredSubscription> subs = watchersByName.get(name);
        if (subs != null) { // null: the registry closed, or it was the name's last one
          subs.remove(sub);
          if (subs.isEmpty()) {
            watchersByName.remove(name);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks the client closed (see {@link ZkCalls#close}) and forgets the view and the
   * subscriptions, under the view's lock; {@code false} if it was closed already.
   */
  boolean close() {
    lock.lock();
    try {
      if (calls.closed()) {
        return false;
      }
      calls.close();
      watchersByName.clear();
      watchersOfAll.clear();
      view.clear();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** How many services are registered and subscriptions open, for {@code toString}. */
  String describe(String where) {
    lock.lock();
    try {
      if (calls.closed()) {
        return "samgr zookeeper registry (closed)";
      }
      int subscriptions = watchersOfAll.size();
      for (List<DeliveredSubscription> subs : watchersByName.values()) {
        subscriptions += subs.size();
      }
      long services = view.values().stream().filter(Rec::registered).count();
      return "samgr zookeeper registry " + where + " (services: " + services
          + ", subscriptions: " + subscriptions + ")";
    } finally {
      lock.unlock();
    }
  }
}
