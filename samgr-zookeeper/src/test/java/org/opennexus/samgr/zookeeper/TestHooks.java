package org.opennexus.samgr.zookeeper;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** Hooks a test sets and reads: counts, a deaf switch, and a write answer to lose. */
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

  @Override
  void loadScheduled(long delayMillis) {
    loadDelays.add(delayMillis);
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
