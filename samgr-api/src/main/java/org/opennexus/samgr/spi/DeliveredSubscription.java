package org.opennexus.samgr.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.Subscription;

/**
 * One subscription of a {@link Delivery}: an ordered queue of events for one listener, filled by
 * the backend in effect order and drained by at most one thread at a time. Obtain one from {@link
 * Delivery#subscribe}; return it to the user as the {@link Subscription} of {@code watch} or
 * {@code watchAll}.
 *
 * <h2>What the backend does</h2>
 *
 * <ol>
 *   <li>{@link #offer} each event, in the order the changes take effect (under the backend's lock,
 *       or on its single event thread). Offering never calls listener code and never blocks
 *       ({@link Delivery#await}'s own watch excepted: its listener, which completes a future and
 *       runs no user code, is called as the event is offered).
 *   <li>After releasing its lock, {@link #dispatch} with the number {@code offer} returned (or use
 *       a {@link Delivery.Batch}, which does both).
 * </ol>
 *
 * <h2>State</h2>
 *
 * <p>One atomic word holds four bits: {@code CLOSED}; {@code IN_CALL} (a listener call is in
 * flight); {@code SCHEDULED} (one drainer owns the queue: a writer's thread, the hand-off thread
 * or an executor task); {@code WAITER} (a closer waits for the call in flight). A call starts only
 * by a compare-and-set that finds {@code CLOSED} clear, so none starts after {@link #close()}; the
 * bits are cleared in {@code finally} blocks, so no listener failure can wedge the subscription.
 * No lock is held while a listener runs.
 *
 * <p>Thread-safe. {@link #offer} calls for one subscription must not overlap (the backend's lock
 * or its single event thread orders them); everything else may be called from any thread.
 */
public final class DeliveredSubscription implements Subscription {

  private static final int CLOSED = 1;
  private static final int IN_CALL = 1 << 1;
  private static final int SCHEDULED = 1 << 2;
  private static final int WAITER = 1 << 3;
  /** Closed because the backlog bound was reached; reported once, by a dispatching thread. */
  private static final int OVERFLOWED = 1 << 4;
  /** The close bookkeeping (clearing, unlinking) is done or being done; set once. */
  private static final int RELEASED = 1 << 5;

  /** Events one executor task delivers before it hands the rest to a fresh task. */
  static final int BATCH = 64;

  private static final VarHandle STATE;

  static {
    try {
      STATE =
          MethodHandles.lookup().findVarHandle(DeliveredSubscription.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int state;

  private final String description;
  private final int maxBacklog;
  private final ConcurrentLinkedQueue<ServiceEvent> queue = new ConcurrentLinkedQueue<>();
  /** Closers wait on it for the call in flight; never held while a listener runs. */
  private final Object monitor = new Object();
  /** The drain task handed to executors: one object, so a resubmission allocates nothing. */
  private final Runnable task = this::runTask;

  // Dropped on close, so that a closed subscription holds neither user code nor the registry.
  private volatile @Nullable Delivery delivery;
  private volatile @Nullable Consumer<ServiceEvent> listener;
  private volatile @Nullable Consumer<DeliveredSubscription> onClose;

  /** Events offered so far; written only by (serialized) {@link #offer} calls. */
  private volatile long offered;
  /** Events taken off the queue so far; written only by the thread holding SCHEDULED. */
  private volatile long taken;
  /** The writer's budget: the last event number it may deliver; confined to the drainer. */
  private long limit;
  /** The thread holding SCHEDULED while it drains, so a nested change can raise its budget. */
  private volatile @Nullable Thread drainer;
  /** The event that did not fit, until the overflow is reported. */
  private volatile @Nullable ServiceEvent overflowed;
  /** Whether the listener is {@link Delivery#await}'s own, called as events are offered. */
  private final boolean immediate;

  DeliveredSubscription(
      Delivery delivery,
      String description,
      Consumer<ServiceEvent> listener,
      Consumer<DeliveredSubscription> onClose) {
    this.delivery = delivery;
    this.description = description;
    this.maxBacklog = delivery.maxBacklog();
    this.listener = listener;
    this.onClose = onClose;
    this.immediate = listener instanceof Delivery.Waiter;
  }

  /**
   * Queues an event for the listener. Call it in the order the changes take effect, under the
   * backend's lock or on its single event thread; it never calls listener code, never blocks and
   * never throws for a closed subscription (the event is dropped). The one exception is the
   * watch of {@link Delivery#await}, whose own listener (no user code: it completes a future) is
   * called here instead of queueing the event. If the queue already holds
   * {@link Delivery#maxBacklog()} undelivered events, the subscription is closed instead and the
   * next {@link #dispatch} reports a {@link BacklogOverflowException} with this event to the
   * failure hook.
   *
   * @param event the event
   * @return the event's number within this subscription, to pass to {@link #dispatch}; for a
   *     dropped event, the number of the last event queued
   * @throws NullPointerException if {@code event} is {@code null}
   */
  public long offer(ServiceEvent event) {
    Arguments.requireNonNull(event, "event");
    if (immediate) {
      Consumer<ServiceEvent> waiter = listener; // null once closed
      if (waiter != null) {
        waiter.accept(event); // await's own listener: no user code, so no queue (see await)
      }
      return 0;
    }
    long last = offered;
    if ((state & CLOSED) != 0) {
      return last;
    }
    if (last - taken >= maxBacklog) {
      overflowed = event;
      STATE.getAndBitwiseOr(this, CLOSED | OVERFLOWED);
      queue.clear();
      return last;
    }
    queue.offer(event);
    offered = last + 1;
    if ((state & CLOSED) != 0) {
      queue.clear(); // closed meanwhile: keep no event of a closed subscription
    }
    return last + 1;
  }

  /**
   * Delivers queued events; call it with no lock held, after {@link #offer}. What this thread
   * does depends on the {@link Delivery}'s mode:
   *
   * <ul>
   *   <li>caller-runs ({@link Delivery#callerRuns}, no executor): if no other thread is draining
   *       this subscription, this thread calls the listener for the queued events up to number
   *       {@code upTo} (those that took effect before or with its own change), then hands any
   *       later ones to the hand-off thread. If another thread is draining, this returns at once:
   *       that thread, or the hand-off thread, delivers them. Called from inside this very
   *       subscription's listener (a listener that changes the registry), it raises the current
   *       drain's budget to {@code upTo}, so the change is delivered when the listener returns.
   *   <li>otherwise (an executor, or {@link Delivery#handOff}): schedules one drain task, unless
   *       one is already queued or running, and returns; listeners never run on this thread.
   * </ul>
   *
   * <p>On a closed subscription it only reports a pending backlog overflow: on this thread in
   * caller-runs mode, else as a task of the executor or the hand-off thread (on this thread only
   * if that refuses). It never throws listener failures (they go to the failure hook).
   *
   * @param upTo the number {@link #offer} returned for this thread's own last event
   */
  public void dispatch(long upTo) {
    int s = state;
    if ((s & CLOSED) != 0) {
      if ((s & OVERFLOWED) != 0) {
        Delivery d = delivery;
        if (d != null && !d.writersDeliver()) {
          // Not on this thread, which must not run user code (a client library's thread, or a
          // writer holding its backend's lock): on the delivery's own thread or executor.
          try {
            d.runner().execute(this::reportOverflow);
            return;
          } catch (RuntimeException refused) {
            // closing, or the executor refused: report here after all
          }
        }
        reportOverflow();
      }
      return;
    }
    Delivery d = delivery;
    if (d == null) {
      return;
    }
    if (queue.isEmpty() && drainer != Thread.currentThread()) {
      return; // nothing to deliver: delivered already, or nothing was offered
    }
    if (d.writersDeliver()) {
      if (drainer == Thread.currentThread()) {
        if (upTo > limit) {
          limit = upTo; // a change made by our own listener: ours to deliver, after it returns
        }
        return;
      }
      if (upTo > taken && trySchedule()) { // else its own events are taken already
        drain(d, true, upTo);
      }
    } else if (trySchedule()) {
      submit(d);
    }
  }

  /**
   * Stops delivery to this subscription's listener and drops the events queued for it.
   *
   * <ul>
   *   <li>No listener call starts after this method returns.
   *   <li>Called from outside any samgr listener, it waits until a call of this listener in flight
   *       on another thread has returned, so that after it returns no code of this listener runs.
   *       The wait is interruptible: if the thread is interrupted (before or while waiting), it
   *       stops waiting, keeps the interrupt flag set and returns.
   *   <li>Called from inside a listener of any samgr registry (this one included), it never waits:
   *       a call in flight, on this thread or another, may finish, but none starts.
   * </ul>
   *
   * <p>Idempotent; never throws. Afterwards the subscription holds neither the listener nor the
   * registry.
   */
  @Override
  public void close() {
    STATE.getAndBitwiseOr(this, CLOSED);
    release();
    if ((state & IN_CALL) != 0 && !Delivery.insideListener()) {
      awaitIdle();
    }
  }

  /**
   * Returns how many events are queued for the listener and not yet taken for delivery: zero
   * once closed. For tests and diagnostics; the value may be stale by the time it is read.
   *
   * @return the backlog
   */
  public long backlog() {
    return (state & CLOSED) != 0 ? 0 : Math.max(0, offered - taken);
  }

  /**
   * Tells whether this subscription is closed: by {@link #close()}, by its registry's {@link
   * Delivery#closeAll()}, or by a backlog overflow.
   *
   * @return whether it is closed
   */
  public boolean isClosed() {
    return (state & CLOSED) != 0;
  }

  /**
   * Describes the subscription: the description given to {@link Delivery#subscribe}, followed by
   * {@code " (closed)"} once it is closed.
   */
  @Override
  public String toString() {
    return isClosed() ? description + " (closed)" : description;
  }

  // ---- internals ----

  /** Marks it closed without waiting; the registry's close waits in a second pass. */
  void closeWithoutWaiting() {
    STATE.getAndBitwiseOr(this, CLOSED);
    release();
  }

  /** Sets SCHEDULED if neither it nor CLOSED is set; true if this thread now owns the queue. */
  private boolean trySchedule() {
    while (true) {
      int s = state;
      if ((s & (CLOSED | SCHEDULED)) != 0) {
        return false;
      }
      if (STATE.compareAndSet(this, s, s | SCHEDULED)) {
        return true;
      }
    }
  }

  /** An executor's or the hand-off thread's turn: one batch, then a fresh task if more wait. */
  private void runTask() {
    Delivery d = delivery;
    if (d == null) {
      STATE.getAndBitwiseAnd(this, ~SCHEDULED); // closed meanwhile
      return;
    }
    drain(d, false, 0);
  }

  /**
   * Delivers events while this thread holds SCHEDULED: a writer up to its budget, a task up to
   * one batch. Leaves SCHEDULED set only when it handed the rest to a fresh task. The thread's
   * interrupt flag is cleared before each listener call and the combined flag (its own and any a
   * listener set) restored at the end, so a listener neither sees nor swallows it.
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // `taken` has one writer: the SCHEDULED holder
  private void drain(Delivery d, boolean writer, long upTo) {
    Thread me = Thread.currentThread();
    boolean interrupted = Thread.interrupted();
    limit = upTo;
    drainer = me;
    boolean held = true;
    boolean handOff = false;
    try {
      while (true) {
        int delivered = 0;
        while ((state & CLOSED) == 0) {
          if (writer ? taken >= limit : delivered >= BATCH) {
            handOff = !queue.isEmpty();
            break;
          }
          ServiceEvent event = queue.poll();
          if (event == null) {
            break;
          }
          taken = taken + 1;
          delivered++;
          interrupted |= call(d, event);
        }
        if (handOff) {
          break;
        }
        STATE.getAndBitwiseAnd(this, ~SCHEDULED);
        held = false;
        // An event offered after the queue looked empty, by a thread whose dispatch found us
        // still draining, is ours to pass on: take the queue back unless someone else did.
        if (queue.isEmpty() || !trySchedule()) {
          break;
        }
        held = true;
        if (writer) {
          handOff = true; // a later change than this writer's: never the writer's to deliver
          break;
        }
      }
    } finally {
      drainer = null;
      if (held) {
        if (handOff) {
          submit(d);
        } else {
          STATE.getAndBitwiseAnd(this, ~SCHEDULED);
        }
      }
      if (interrupted) {
        me.interrupt();
      }
    }
  }

  /**
   * Calls the listener once, unless closed; returns whether the thread was left interrupted,
   * clearing the flag. Any throwable goes to the failure hook.
   */
  @SuppressWarnings("ThrowSpecificExceptions")
  private boolean call(Delivery d, ServiceEvent event) {
    Consumer<ServiceEvent> target = listener; // read first: close() drops it after setting CLOSED
    if (target == null) {
      return false;
    }
    int s;
    do {
      s = state;
      if ((s & CLOSED) != 0) {
        return false;
      }
    } while (!STATE.compareAndSet(this, s, s | IN_CALL));
    int[] depth = Delivery.DEPTH.get();
    depth[0]++;
    try {
      target.accept(event);
    } catch (Throwable failure) { // sneaky checked exceptions and errors included
      if (failure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      d.report(event, failure);
    } finally {
      depth[0]--;
      int before = (int) STATE.getAndBitwiseAnd(this, ~IN_CALL);
      if ((before & WAITER) != 0) {
        synchronized (monitor) {
          monitor.notifyAll();
        }
      }
    }
    return Thread.interrupted();
  }

  /**
   * Hands the queue to the executor (or the hand-off thread) with SCHEDULED still set. If it
   * refuses, the events stay queued, SCHEDULED is cleared so the next dispatch retries, and the
   * refusal goes to the failure hook with the first waiting event.
   */
  private void submit(Delivery d) {
    try {
      d.runner().execute(task);
    } catch (RuntimeException refused) { // RejectedExecutionException, or whatever it throws
      STATE.getAndBitwiseAnd(this, ~SCHEDULED);
      ServiceEvent first = queue.peek();
      // A refusal because the registry is closing is no failure: closeAll marks the delivery
      // closed before it closes each subscription, and drops their queued events anyway.
      if (first != null && (state & CLOSED) == 0 && !d.isClosed()) {
        d.report(first, refused);
      }
    }
  }

  /** Waits, interruptibly, until no listener call is in flight. */
  void awaitIdle() {
    synchronized (monitor) {
      while (true) {
        int s = state;
        if ((s & IN_CALL) == 0) {
          return;
        }
        if ((s & WAITER) == 0 && !STATE.compareAndSet(this, s, s | WAITER)) {
          continue;
        }
        try {
          monitor.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // stop waiting, keep the flag
          return;
        }
      }
    }
  }

  /**
   * Does the close bookkeeping once: drops the queue, the listener and the registry, and runs
   * the backend's {@code onClose}. Returns whether this call did it.
   */
  private boolean release() {
    int s;
    do {
      s = state;
      if ((s & RELEASED) != 0) {
        return false;
      }
    } while (!STATE.compareAndSet(this, s, s | RELEASED));
    queue.clear();
    listener = null;
    Delivery d = delivery;
    delivery = null;
    Consumer<DeliveredSubscription> unlink = onClose;
    onClose = null;
    if (d != null) {
      d.forget(this);
    }
    if (unlink != null) {
      try {
        unlink.accept(this);
      } catch (RuntimeException e) {
        Delivery.logUnexpected("samgr backend failed to unlink " + description, e);
      }
    }
    return true;
  }

  /** Closes after an overflow (once) and tells the failure hook which event did not fit. */
  private void reportOverflow() {
    Delivery d = delivery;
    ServiceEvent event = overflowed;
    if (release() && d != null && event != null) {
      overflowed = null;
      d.report(event, new BacklogOverflowException(description, maxBacklog));
    }
  }
}
