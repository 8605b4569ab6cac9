package org.opennexus.samgr.zookeeper;

import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Applies one client's concurrent writes (of different names) to its view in the order they took
 * effect, their zxid order, so that its subscriptions receive its own changes in generation order
 * although the writes travel in parallel.
 *
 * <p>ZooKeeper runs one session's requests in the order they were sent. So a write sent after
 * another's answer arrived has the larger zxid, and only the writes already sent when a write lands
 * may have smaller ones. A landed write is therefore applied once each of those has landed too (its
 * zxid known) or ended without landing, and each that landed with a smaller zxid has been applied.
 *
 * <p>Whichever writer's thread finds landed writes ready applies them, one after another in zxid
 * order, on behalf of their writers, and wakes each writer when its own is applied: a writer whose
 * predecessors were held up does not wait to be scheduled in turn, and no writer wakes for
 * another's write. At most one thread applies at a time, and only until its own write is applied:
 * then it hands the applying over to the writer of the next ready write (it wakes it), so no call
 * applies more than the writes that took effect before its own.
 *
 * <p>No writer waits past its deadline for a write that has not landed (a write retried after a
 * lost connection may take that long): one whose deadline passes, or that is interrupted, while
 * such a write holds it up applies its own write at once, out of order (the call then ends with the
 * interrupt set). One that is not held up, only waiting its turn among landed writes, stays in
 * order: its turn comes without a round trip. Not ordered either: a write whose answer was lost and
 * whose outcome is learned by a read, which applies what it reads (a reconnection's reload follows
 * such a loss anyway).
 */
final class ApplyOrder {

  /** One write between its sending and its end. */
  static final class Slot {
    private final long ticket;
    // Guarded by the ApplyOrder:
    private @Nullable Thread writer; // the thread that waits in landed, woken when it is applied
    private long zxid = -1; // -1 until it lands
    private long horizon; // the last ticket sent when it landed
    private @Nullable Runnable apply; // what applies it, from its landing until claimed (null)
    // Set by the thread that applied it, read by its writer:
    private volatile boolean applied;
    private volatile @Nullable Throwable failure;

    private Slot(long ticket) {
      this.ticket = ticket;
    }
  }

  /** How long a writer past its deadline, not held up, waits between looks at its turn. */
  private static final long TURN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private long tickets; // guarded by this

  /** The writes sent and neither claimed nor ended, by ticket; guarded by this. */
  private final TreeMap<Long, Slot> inFlight = new TreeMap<>();

  /** Whether a thread is applying writes now; guarded by this. */
  private boolean draining;

  /** A write is about to be sent: its slot, to end with {@link #done}. */
  synchronized Slot sent() {
    Slot slot = new Slot(++tickets);
    inFlight.put(slot.ticket, slot);
    return slot;
  }

  /**
   * The write of {@code slot} landed with {@code zxid}: {@code apply} is run, by this thread or
   * another writer's, after every write of this client that may have a smaller zxid has landed or
   * ended and those with smaller zxids are applied (or at {@code deadline}, if a write that has not
   * landed holds it up). Returns once it has run; throws what it threw. The caller then calls
   * {@link #done}.
   */
  void landed(Slot slot, long zxid, long deadline, Runnable apply) {
    synchronized (this) {
      slot.zxid = zxid;
      slot.horizon = tickets; // writes sent from now on have larger zxids
      slot.apply = apply;
      slot.writer = Thread.currentThread();
    }
    boolean interrupted = Thread.interrupted(); // kept, and set again on return
    try {
      drain(slot);
      while (!slot.applied) {
        interrupted |= Thread.interrupted();
        long left = deadline - System.nanoTime();
        if (left <= 0 || interrupted) {
          Runnable own = claimIfHeldUp(slot);
          if (own != null) {
            run(slot, own); // a write that has not landed holds it up: applied now, out of order
            wakeNext();
            break;
          }
          left = TURN_NANOS; // its turn among landed writes comes soon, or it is being applied
        }
        LockSupport.parkNanos(this, left);
        drain(slot); // woken: maybe to take the applying over
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    Throwable failure = slot.failure;
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  /** The write of {@code slot} has ended: applied, or not landed; again is harmless. */
  void done(Slot slot) {
    boolean removed;
    synchronized (this) {
      removed = inFlight.remove(slot.ticket) != null;
    }
    if (removed) {
      wakeNext(); // writes that waited for this one may be ready
    }
  }

  /**
   * Applies landed writes while the one with the smallest zxid is ready, one thread at a time,
   * until {@code own} is applied; then wakes the writer of the next ready write to go on.
   */
  private void drain(Slot own) {
    Slot next;
    Runnable apply;
    synchronized (this) {
      if (draining || own.applied) {
        return; // the applying thread looks again, under this lock, before it stops
      }
      next = ready();
      if (next == null) {
        return;
      }
      apply = take(next);
      draining = true;
    }
    @Nullable Thread wake = null;
    boolean stopped = false;
    try {
      while (true) {
        run(next, apply);
        synchronized (this) {
          next = ready();
          if (next == null || own.applied) {
            // Stops in the same hold of the lock as its last look: a write that becomes ready
            // after it sees that nobody applies, and applies or wakes its writer itself.
            draining = false;
            stopped = true;
            wake = next != null ? next.writer : null; // its own is applied: the next goes on
            break;
          }
          apply = take(next);
        }
      }
    } finally {
      if (!stopped) { // the bookkeeping above failed: never leave draining set
        synchronized (this) {
          draining = false;
        }
        wakeNext();
      }
    }
    if (wake != null) {
      LockSupport.unpark(wake);
    }
  }

  /** Wakes the writer of the next ready write, if no thread is applying: it applies it. */
  private void wakeNext() {
    @Nullable Thread wake = null;
    synchronized (this) {
      if (!draining) {
        Slot next = ready();
        wake = next != null ? next.writer : null;
      }
    }
    if (wake != null) {
      LockSupport.unpark(wake);
    }
  }

  /** The landed write with the smallest zxid, if no write that may precede it is pending. */
  private @Nullable Slot ready() {
    Slot first = null;
    for (Slot s : inFlight.values()) {
      if (s.zxid >= 0 && (first == null || s.zxid < first.zxid)) {
        first = s;
      }
    }
    if (first == null) {
      return null;
    }
    for (Slot s : inFlight.headMap(first.horizon, true).values()) {
      if (s.zxid < 0) {
        return null; // sent before it landed, not landed yet: its zxid may be smaller
      }
    }
    return first;
  }

  /** Claims a landed, unclaimed write for the calling thread; guarded by this. */
  private Runnable take(Slot slot) {
    Runnable apply = slot.apply;
    if (apply == null) {
      throw new IllegalStateException("a write taken before it landed");
    }
    slot.apply = null; // claimed
    inFlight.remove(slot.ticket);
    return apply;
  }

  /**
   * Claims {@code slot} for its own writer if a write that has not landed holds it up (no landed
   * write is ready); {@code null} if it is claimed already, or only waits its turn.
   */
  private synchronized @Nullable Runnable claimIfHeldUp(Slot slot) {
    return slot.apply == null || ready() != null ? null : take(slot);
  }

  /** Runs a claimed write's apply, keeps what it threw for its writer, and wakes the writer. */
  private static void run(Slot slot, Runnable apply) {
    Thread writer = slot.writer; // set before it was claimed, under the order's lock
    try {
      apply.run();
    } catch (RuntimeException | Error e) {
      slot.failure = e;
    } finally {
      slot.applied = true;
      if (writer != null && writer != Thread.currentThread()) {
        LockSupport.unpark(writer);
      }
    }
  }
}
