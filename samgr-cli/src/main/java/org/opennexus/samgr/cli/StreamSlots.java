package org.opennexus.samgr.cli;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.eclipse.jetty.io.EndPoint;

/**
 * The open event streams, at most {@code max} of them, each for at most {@code lifetime}. A new
 * stream beyond the cap takes the place of the one open longest, which the server closes: a
 * browser's {@code EventSource} reconnects by itself and starts again from the registry's state,
 * while a client that stopped reading (whose few bytes a minute fit in the kernel's buffers, so
 * that no write ever blocks and no idle timeout fires) cannot keep its place and lock real browsers
 * out. A stream past its lifetime ends the same way, so that even fewer stalled clients than the
 * cap hold their places for a bounded time.
 */
final class StreamSlots {

  private final int max;
  private final long lifetimeNanos;
  private final Deque<Slot> open = new ArrayDeque<>();

  StreamSlots(int max, Duration lifetime) {
    this.max = max;
    this.lifetimeNanos = lifetime.toNanos();
  }

  /**
   * A place for a new stream on {@code endPoint}, ending the stream open longest if all are taken.
   */
  Slot open(EndPoint endPoint) {
    Slot slot = new Slot(endPoint, System.nanoTime() + lifetimeNanos);
    Slot displaced = null;
    synchronized (this) {
      if (open.size() >= max) {
        displaced = open.pollFirst();
      }
      open.addLast(slot);
    }
    if (displaced != null) {
      displaced.displace();
    }
    return slot;
  }

  /** The streams open now. */
  synchronized int size() {
    return open.size();
  }

  /** One stream's place: given up when the stream ends. */
  final class Slot implements AutoCloseable {
    private final EndPoint endPoint;
    private final long deadline;
    private volatile boolean displaced;

    private Slot(EndPoint endPoint, long deadline) {
      this.endPoint = endPoint;
      this.deadline = deadline;
    }

    /** Whether the stream must end: a newer one took its place, or its lifetime is over. */
    boolean over() {
      return displaced || System.nanoTime() - deadline >= 0;
    }

    /** Ends the stream now: its connection is closed, which also fails a write that waits. */
    private void displace() {
      displaced = true;
      endPoint.close();
    }

    @Override
    public void close() {
      synchronized (StreamSlots.this) {
        open.remove(this);
      }
    }
  }
}
