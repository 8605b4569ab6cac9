package org.opennexus.samgr.zookeeper;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.Subscription;

/**
 * Event delivery of one registry: listeners never run on a writer's thread nor on Curator's
 * threads, but on the builder's executor or else on one delivery thread of the registry's own.
 * Each subscription has a FIFO queue drained by at most one task at a time, so its listener gets
 * events one at a time, in the order they were offered.
 */
final class Delivery {

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr");

  /** How deep the current thread is in listener calls of any samgr zookeeper registry. */
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private final Executor executor;
  private final @Nullable ExecutorService own;
  private final BiConsumer<ServiceEvent, Throwable> failures;

  Delivery(@Nullable Executor executor, BiConsumer<ServiceEvent, Throwable> failures, String name) {
    this.failures = failures;
    if (executor != null) {
      this.executor = executor;
      this.own = null;
    } else {
      ExecutorService thread =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
      this.executor = thread;
      this.own = thread;
    }
  }

  /** Stops the registry's own delivery thread once its queued work is done. */
  void shutdown() {
    if (own != null) {
      own.shutdown();
    }
  }

  /** One subscription. */
  final class Sub implements Subscription {
    final @Nullable String name;
    private final Consumer<ServiceEvent> listener;
    private final Consumer<Sub> unlink;
    private final ConcurrentLinkedQueue<ServiceEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean closed;
    private @Nullable Thread runner; // guarded by this

    Sub(@Nullable String name, Consumer<ServiceEvent> listener, Consumer<Sub> unlink) {
      this.name = name;
      this.listener = listener;
      this.unlink = unlink;
    }

    /**
     * Queues an event; called by the registry in the order the changes took effect. On the
     * registry's own delivery thread, events are delivered in that order across subscriptions
     * too: each event is one task of that single-threaded FIFO executor.
     */
    void offer(ServiceEvent event) {
      if (closed) {
        return;
      }
      if (own != null) {
        try {
          own.execute(() -> deliver(event));
        } catch (RejectedExecutionException e) {
          // the registry is closing: nothing more is delivered
        }
      } else {
        queue.offer(event);
      }
    }

    /** Makes sure a task delivers what is queued; never runs the listener itself. */
    void schedule() {
      if (own == null && wip.getAndIncrement() == 0) {
        try {
          executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
          wip.set(0); // the registry is closing: nothing more is delivered
        }
      }
    }

    private void drain() {
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
      synchronized (this) {
        if (closed) {
          return;
        }
        runner = Thread.currentThread();
      }
      int[] depth = DEPTH.get();
      depth[0]++;
      try {
        listener.accept(event);
      } catch (Throwable failure) { // any kind, sneaky checked ones too: never to the writer
        report(event, failure);
      } finally {
        depth[0]--;
        synchronized (this) {
          runner = null;
          notifyAll();
        }
      }
    }

    @Override
    public void close() {
      markClosed();
      awaitIdle();
    }

    /** Marks the subscription closed and unlinks it; no listener call starts afterwards. */
    void markClosed() {
      if (!closed) {
        closed = true;
        queue.clear();
        unlink.accept(this);
      }
    }

    /**
     * Waits until no listener call of this subscription is in flight, unless the caller is itself
     * inside a listener; an interrupt ends the wait and stays set.
     */
    void awaitIdle() {
      if (DEPTH.get()[0] > 0) {
        return;
      }
      synchronized (this) {
        while (runner != null && runner != Thread.currentThread()) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }

    @Override
    public String toString() {
      return "samgr zookeeper subscription to "
          + (name == null ? "all services" : "'" + name + "'")
          + (closed ? " (closed)" : "");
    }
  }

  private void report(ServiceEvent event, Throwable failure) {
    if (failure instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    try {
      failures.accept(event, failure);
    } catch (Throwable hookFailure) {
      LOG.log(Level.WARNING, "samgr listenerFailures hook threw on " + event, hookFailure);
    }
  }
}
