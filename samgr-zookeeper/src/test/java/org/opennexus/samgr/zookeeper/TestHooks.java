package org.opennexus.samgr.zookeeper;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** Hooks a test sets and reads: counts, a deaf switch, and answers to lose. */
final class TestHooks extends ZkHooks {

  /** How many records the feed has read for single changes (not for loads). */
  final AtomicLong feedReads = new AtomicLong();

  /** While set, the watch's announcements are dropped, as if the client were disconnected. */
  volatile boolean deaf;

  /** How many announcements were dropped while {@link #deaf}. */
  final AtomicInteger dropped = new AtomicInteger();

  /**
   * If set, the next write's first try commits, then this runs (another client may write
   * meanwhile), then the write is sent again, as Curator does when the first answer was lost with
   * the connection. Cleared when used.
   */
  volatile @Nullable Runnable loseNextAnswer;

  /** The delays of the loads scheduled, in order (0: at once). */
  final java.util.List<Long> loadDelays = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The sessions the reaper asked the ensemble about, in order. */
  final java.util.List<Long> sessionChecks = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  void checkingSession(long owner) {
    sessionChecks.add(owner);
  }

  /** Per name, how many of the feed's next reads of its record are taken as failed. */
  final java.util.Map<String, AtomicInteger> loseReads =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** How many of the feed's reads were taken as failed (see {@link #loseReads}). */
  final AtomicInteger lostReads = new AtomicInteger();

  /** If set, runs when a read is taken as failed, before the feed takes the failure. */
  volatile @Nullable Runnable whenReadLost;

  /** The delays of the reads again of missed names scheduled, in order. */
  final java.util.List<Long> rereadDelays = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  void loadScheduled(long delayMillis) {
    loadDelays.add(delayMillis);
  }

  @Override
  void rereadScheduled(long delayMillis) {
    rereadDelays.add(delayMillis);
  }

  @Override
  boolean loseRead(String name) {
    AtomicInteger left = loseReads.get(name);
    if (left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      Runnable then = whenReadLost;
      if (then != null) {
        then.run();
      }
      lostReads.incrementAndGet();
      return true;
    }
    return false;
  }

  @Override
  void feedRead() {
    feedReads.incrementAndGet();
  }

  @Override
  boolean dropAnnouncement() {
    if (deaf) {
      dropped.incrementAndGet();
      return true;
    }
    return false;
  }

  /** How many record writes were sent (each try of a write counts once; see {@link #writing}). */
  final AtomicInteger writes = new AtomicInteger();

  @Override
  void writing(String name) {
    writes.incrementAndGet();
  }

  @Override
  boolean loseAnswer() {
    Runnable lose = loseNextAnswer;
    if (lose == null) {
      return false;
    }
    loseNextAnswer = null;
    lose.run();
    return true;
  }
}
