package org.opennexus.samgr.host;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.Subscription;

/**
 * One subscription: a queue of events filled under the registry lock, drained outside it.
 *
 * <p>Delivery is serialized by a work-in-progress counter: the thread that moves it from zero
 * drains the queue and keeps draining until no thread has added work meanwhile. Others only
 * enqueue and increment, so events reach the listener one at a time and in queue order, and a
 * listener that changes the registry (and so enqueues to itself) is not re-entered.
 */
final class Watch implements Subscription {

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr");

  private final HostServiceManager owner;

  /** The watched name, or {@code null} for {@code watchAll}. */
  final @Nullable String name;

  private final Consumer<ServiceEvent> listener;
  private final ConcurrentLinkedQueue<ServiceEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();

  /** Held while the listener runs, so that {@link #close()} can wait for a call in flight. */
  private final ReentrantLock delivering = new ReentrantLock();

  private volatile boolean closed;

  Watch(HostServiceManager owner, @Nullable String name, Consumer<ServiceEvent> listener) {
    this.owner = owner;
    this.name = name;
    this.listener = listener;
  }

  /** Queues an event; called under the registry lock, in the order the changes take effect. */
  void enqueue(ServiceEvent event) {
    queue.offer(event);
  }

  /** Delivers what is queued, unless another thread is already doing so; never under a lock. */
  void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      ServiceEvent event;
      while ((event = queue.poll()) != null) {
        deliver(event);
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void deliver(ServiceEvent event) {
    delivering.lock();
    try {
      if (!closed) {
        listener.accept(event);
      }
    } catch (RuntimeException | Error e) { // a listener must not break the registry or its caller
      LOG.log(Level.WARNING, () -> "samgr listener " + listener + " threw on " + event, e);
    } finally {
      delivering.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    owner.unsubscribe(this); // idempotent: a second close finds nothing to remove
    awaitDeliveryInFlight();
  }

  /**
   * Closes this subscription because its registry closes. Events still queued are dropped by the
   * thread draining them ({@link #deliver} checks {@code closed}); the queue is empty once it ends.
   */
  void closeByOwner() {
    closed = true;
    awaitDeliveryInFlight();
  }

  /** Waits for a listener call in flight on another thread; from the listener itself, returns. */
  private void awaitDeliveryInFlight() {
    if (!delivering.isHeldByCurrentThread()) {
      delivering.lock();
      try {
        // Nothing to do: acquiring the lock proves the call in flight has returned.
      } finally {
        delivering.unlock();
      }
    }
  }

  @Override
  public String toString() {
    return "samgr subscription to " + (name == null ? "all services" : "'" + name + "'")
        + (closed ? " (closed)" : "");
  }
}
