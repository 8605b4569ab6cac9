package org.opennexus.samgr.zookeeper;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per bucket, how far the view is known to hold it: a bucket's <em>stamp</em> on the ensemble is
 * the larger of its node's {@code mzxid} and {@code pzxid}, which every change of a record in it
 * moves (a write's transaction also writes the bucket node; creating or removing a record changes
 * its children). After a load read a bucket, its stamp is kept here; the changes the feed is told
 * of move it on while the client is connected. When the client reconnects, only the buckets whose
 * stamp on the ensemble differs from the kept one are read again ({@link NamespaceLoad}), so
 * catching up costs what changed. A stamp of -1 means unknown: the bucket is read at the next load.
 *
 * <p>Also, per bucket, whether its node is known to exist ({@link #present}), which the loads and
 * this client's writes tell, so that a writer makes a bucket only when it may be missing.
 */
final class BucketStamps {

  private volatile AtomicLongArray stamps = new AtomicLongArray(0);

  /**
   * Per bucket, 1 if its node is known to exist: the last read of its stamp found it, or this
   * client made it or wrote into it since (kept while a load reads the bucket again, unlike the
   * stamp). A writer makes a bucket not known to exist in the same transaction ({@link
   * RecordWriter}); a wrong guess either way costs one more try.
   */
  private volatile AtomicIntegerArray present = new AtomicIntegerArray(0);

  /**
   * Counts the gaps: the times the client stopped hearing announcements (a lost connection). Odd
   * while announcements may not move stamps: from a gap until a load has read the stamps again.
   */
  private final AtomicLong gaps = new AtomicLong();

  /** Forgets every stamp, for a namespace of {@code count} buckets. */
  void reset(int count) {
    AtomicLongArray fresh = new AtomicLongArray(count);
    for (int b = 0; b < count; b++) {
      fresh.set(b, -1);
    }
    stamps = fresh;
    present = new AtomicIntegerArray(count);
  }

  /** The bucket's node was found ({@code true}: read, made or written into) or found absent. */
  void found(int bucket, boolean node) {
    AtomicIntegerArray p = present;
    if (bucket < p.length()) {
      p.set(bucket, node ? 1 : 0);
    }
  }

  /** Whether the bucket's node is known to exist (see {@link #found}). */
  boolean present(int bucket) {
    AtomicIntegerArray p = present;
    return bucket < p.length() && p.get(bucket) == 1;
  }

  /** The number of buckets this holds stamps for. */
  int count() {
    return stamps.length();
  }

  /** The kept stamp of a bucket, or -1 if unknown. */
  long get(int bucket) {
    AtomicLongArray s = stamps;
    return bucket < s.length() ? s.get(bucket) : -1;
  }

  /** Forgets a bucket's stamp: a load reads it again. */
  void forget(int bucket) {
    AtomicLongArray s = stamps;
    if (bucket < s.length()) {
      s.set(bucket, -1);
    }
  }

  /**
   * The client stopped hearing announcements (its connection was lost): changes made meanwhile were
   * never announced, so later announcements no longer mean that every earlier change was, and they
   * move no stamp until a load has read the stamps again ({@link #stampsRead}). Returns the gap's
   * number.
   */
  long gap() {
    return gaps.updateAndGet(g -> g % 2 == 0 ? g + 1 : g + 2);
  }

  /** The number of the current gap, or of the last one if it is closed; for a load to take. */
  long gapNow() {
    return gaps.get();
  }

  /**
   * A load that began at gap {@code gap} (see {@link #gapNow}) has read every bucket's stamp: if no
   * gap opened since, announcements move stamps again.
   */
  void stampsRead(long gap) {
    gaps.compareAndSet(gap, gap % 2 == 1 ? gap + 1 : gap);
  }

  /**
   * A change in the bucket with this zxid was announced: every change of it up to the zxid has been
   * (announcements come in zxid order, with no gap since the stamps were read). An unknown stamp
   * stays unknown, and no stamp moves during a gap.
   */
  void announced(int bucket, long zxid) {
    AtomicLongArray s = stamps;
    if (gaps.get() % 2 == 1) {
      return;
    }
    if (bucket < s.length()) {
      s.accumulateAndGet(bucket, zxid, (kept, z) -> kept < 0 ? kept : Math.max(kept, z));
    }
  }

  /** A load read the whole bucket as of {@code stamp}, and the view holds what it read. */
  void loaded(int bucket, long stamp) {
    AtomicLongArray s = stamps;
    if (bucket < s.length()) {
      s.accumulateAndGet(bucket, stamp, Math::max);
    }
  }
}
