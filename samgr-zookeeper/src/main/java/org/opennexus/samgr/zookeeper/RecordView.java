package org.opennexus.samgr.zookeeper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * ordered by zxid), and the subscriptions. A version that moves the view on yields the events of
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
    return rec != null && rec.mzxid() >= zxid;
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

  /** Applies a version if it is newer than what the view holds, with its events. */
  void apply(String name, Rec rec) {
    Delivery.@Nullable Batch batch = null;
    lock.lock();
    try {
      if (calls.closed()) {
        return;
      }
      Rec old = view.get(name);
      if (old != null && rec.mzxid() <= old.mzxid()) {
        return; // already seen, or older (zxids order versions, also of a node made anew)
      }
      view.put(name, rec);
      List<ServiceEvent> events = new ArrayList<>(2);
      transitions(old, rec, events);
      batch = publish(name, events);
    } finally {
      lock.unlock();
    }
    dispatch(batch);
    applied.accept(rec);
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
