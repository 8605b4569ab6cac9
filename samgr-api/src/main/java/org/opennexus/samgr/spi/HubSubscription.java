package org.opennexus.samgr.spi;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.Subscription;

/**
 * One subscription of an {@link EventHub}: a FIFO queue of events for one listener, drained by at
 * most one thread at a time (Guava's {@code ListenerCallQueue} shape).
 *
 * <p>All state is guarded by this object's monitor, which is never held while the listener (or the
 * failure hook) runs: the queue, the listener, {@code closed}, {@code inCall} (a listener call is
 * in flight), the drainer (the thread that owns the queue while it delivers, or {@code null}) and
 * its budget (the number of the last event it may deliver). Events are numbered 1, 2, ... in the
 * order they were queued; {@code queued} counts them.
 */
final class HubSubscription implements Subscription {

  /** What {@link #drain} ended with. */
  enum Outcome {
    /** Nothing left to deliver, or closed. */
    DONE,
    /** The drainer's budget is spent and later events wait: hand them to another thread. */
    HAND_OFF,
    /** The batch is spent and events wait: submit a fresh task. */
    MORE
  }

  private static final ServiceEvent[] EMPTY = new ServiceEvent[0];

  final EventHub hub;
  final @Nullable String name;
  private final String description;

  // ---- guarded by this ----
  private @Nullable Consumer<ServiceEvent> listener;
  private ServiceEvent[] ring = new ServiceEvent[4]; // a power of two, or EMPTY once closed
  private int head;
  private int size;
  private long queued;
  private boolean closed;
  private boolean inCall;
  private int closersWaiting;
  private long budget;
  private @Nullable ServiceEvent overflowed; // the event that did not fit, until reported

  /** The thread that owns the queue; written under the monitor, read without it by flush. */
  private volatile @Nullable Thread drainer;

  HubSubscription(EventHub hub, @Nullable String name, Consumer<ServiceEvent> listener) {
    this.hub = hub;
    this.name = name;
    this.description =
        name == null
            ? "samgr subscription to all services"
            : "samgr subscription to '" + name + "'";
    this.listener = listener;
  }

  /**
   * Queues an event (the backend holds its lock). Returns its number; 0 if closed (dropped); -1 if
   * the backlog bound is reached: then the subscription is closed now and the event kept for the
   * overflow report.
   */
  synchronized long enqueue(ServiceEvent event) {
    if (closed) {
      return 0;
    }
    if (size >= hub.maxBacklog()) {
      overflowed = event;
      closeLocked();
      return -1;
    }
    if (size == ring.length) {
      ServiceEvent[] grown = new ServiceEvent[ring.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = ring[(head + i) & (ring.length - 1)];
      }
      ring = grown;
      head = 0;
    }
    ring[(head + size) & (ring.length - 1)] = event;
    size++;
    return ++queued;
  }

  /**
   * Makes the current thread the drainer if no thread is, the subscription is open and the queue
   * holds an event numbered {@code limit} or lower; true if it did. If the current thread is the
   * drainer already (a listener of this subscription changed the registry), raises its budget to
   * {@code limit} instead, so that the change is delivered when that listener returns.
   */
  synchronized boolean tryClaim(long limit) {
    if (closed || size == 0) {
      return false;
    }
    Thread current = Thread.currentThread();
    Thread owner = drainer;
    if (owner != null) {
      if (owner == current && limit > budget) {
        budget = limit;
      }
      return false;
    }
    if (queued - size + 1 > limit) {
      return false; // its events were delivered by another thread already
    }
    drainer = current;
    budget = limit;
    return true;
  }

  /** Whether some thread owns the queue now; a racy read, see {@link EventHub}. */
  boolean draining() {
    return drainer != null;
  }

  /**
   * Delivers queued events, one at a time, while the current thread is the drainer: at most {@code
   * max} of them, and none numbered above the budget. Ends no longer the drainer. The thread's
   * interrupt flag is cleared before each listener call and the combined flag restored at the end,
   * so that a listener neither sees nor swallows a writer's interrupt.
   */
  Outcome drain(int max) {
    boolean interrupted = Thread.interrupted();
    int delivered = 0;
    boolean calling = false;
    try {
      while (true) {
        ServiceEvent event;
        Consumer<ServiceEvent> target;
        synchronized (this) {
          if (calling) {
            calling = false;
            endCall();
          }
          if (closed || size == 0) {
            drainer = null;
            return Outcome.DONE;
          }
          if (queued - size + 1 > budget) {
            drainer = null;
            return Outcome.HAND_OFF;
          }
          if (delivered == max) {
            drainer = null;
            return Outcome.MORE;
          }
          event = ring[head];
          ring[head] = null;
          head = (head + 1) & (ring.length - 1);
          size--;
          target = listener;
          inCall = true;
          calling = true;
          hub.callStarted();
        }
        delivered++;
        hub.call(target, event);
        interrupted |= Thread.interrupted();
      }
    } finally {
      if (calling || drainer == Thread.currentThread()) { // only an error of the JVM itself
        synchronized (this) {
          if (calling) {
            endCall();
          }
          drainer = null;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The first waiting event, for a report; {@code null} if none waits (or closed). */
  synchronized @Nullable ServiceEvent firstWaiting() {
    return size == 0 ? null : ring[head];
  }

  /** Takes the event that did not fit, once; {@code null} if none or already taken. */
  synchronized @Nullable ServiceEvent takeOverflowed() {
    ServiceEvent event = overflowed;
    overflowed = null;
    return event;
  }

  /**
   * Stops delivery to the listener and drops its queued events: no call starts after this returns.
   * From outside every samgr listener, also waits (interruptibly: interrupted, it stops waiting and
   * keeps the flag) until a call of this listener in flight on another thread has returned; from
   * inside one it never waits. Idempotent; every call from outside a listener waits. Afterwards the
   * subscription holds neither the listener nor its events.
   */
  @Override
  public void close() {
    if (closeWithoutWaiting()) {
      hub.unlink(this);
    }
    if (!EventHub.insideListener()) {
      awaitNoCall();
    }
  }

  /** Marks it closed (for the hub's close, which waits itself); true if this call closed it. */
  synchronized boolean closeWithoutWaiting() {
    if (closed) {
      return false;
    }
    closeLocked();
    return true;
  }

  /** Whether it is closed: by {@link #close()}, by the hub's close or by a backlog overflow. */
  synchronized boolean isClosed() {
    return closed;
  }

  /** The events waiting: zero once closed. */
  synchronized int backlog() {
    return size;
  }

  /** Its description, followed by {@code " (closed)"} once closed. */
  @Override
  public String toString() {
    return isClosed() ? description + " (closed)" : description;
  }

  String description() {
    return description;
  }

  // ---- internals, under the monitor ----

  private void closeLocked() {
    closed = true;
    listener = null;
    ring = EMPTY;
    head = 0;
    size = 0;
  }

  private void endCall() {
    inCall = false;
    hub.callEnded();
    if (closersWaiting > 0) {
      notifyAll();
    }
  }

  private synchronized void awaitNoCall() {
    if (!inCall) {
      return;
    }
    closersWaiting++;
    try {
      while (inCall) {
        wait();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop waiting, keep the flag
    } finally {
      closersWaiting--;
    }
  }
}
