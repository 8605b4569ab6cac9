package org.opennexus.samgr.zookeeper;

import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Applies one client's concurrent writes (of different names) to its view in the order they took
 * effect, their zxid order, so that its subscriptions receive its own changes in generation order
 * although the writes travel in parallel.
 *
 * <p>ZooKeeper runs one session's requests in the order they were sent. So a write sent after
 * another's answer arrived has the larger zxid, and only the writes already sent when a write lands
 * may have smaller ones. A write that landed therefore waits until each of those has landed too
 * (its zxid known) or ended without landing, and until each that landed with a smaller zxid has
 * been applied; then it applies. The waits go only to writes sent earlier or to smaller zxids, so
 * none waits for itself; and none waits past its deadline (a write retried after a lost connection
 * may take that long: its successors then apply without it).
 *
 * <p>Not ordered: a write whose answer was lost and whose outcome is learned by a read, which
 * applies what it reads (a reconnection's reload follows such a loss anyway).
 */
final class ApplyOrder {

  /** One write between its sending and its end. */
  static final class Slot {
    private final long ticket;
    private long zxid = -1; // -1 until it lands; guarded by the ApplyOrder

    private Slot(long ticket) {
      this.ticket = ticket;
    }
  }

  private long tickets; // guarded by this

  /** The writes sent and not yet ended, by ticket; guarded by this. */
  private final TreeMap<Long, Slot> inFlight = new TreeMap<>();

  /** A write is about to be sent: its slot, to end with {@link #done}. */
  synchronized Slot sent() {
    Slot slot = new Slot(++tickets);
    inFlight.put(slot.ticket, slot);
    return slot;
  }

  /**
   * The write of {@code slot} landed with {@code zxid}: waits (at most until {@code deadline})
   * until every write that may have a smaller zxid has landed or ended, and those with smaller
   * zxids are applied. The caller then applies it, and calls {@link #done}.
   */
  synchronized void landed(Slot slot, long zxid, long deadline) {
    slot.zxid = zxid;
    long horizon = tickets; // writes sent from now on have larger zxids
    notifyAll();
    while (mustWait(slot, horizon)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // applies now: the call ends with the interrupt set
      }
    }
  }

  private boolean mustWait(Slot slot, long horizon) {
    for (Slot other : inFlight.headMap(horizon, true).values()) {
      if (other != slot && (other.zxid < 0 || other.zxid < slot.zxid)) {
        return true; // may be earlier and has not landed, or landed earlier and is not applied
      }
    }
    return false;
  }

  /** The write of {@code slot} has ended: applied, or not landed; again is harmless. */
  synchronized void done(Slot slot) {
    if (inFlight.remove(slot.ticket) != null) {
      notifyAll();
    }
  }
}
