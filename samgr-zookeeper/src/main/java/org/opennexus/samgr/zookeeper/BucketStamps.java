package org.opennexus.samgr.zookeeper;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per bucket, how far the view is known to hold it: a bucket's <em>stamp</em> on the ensemble is
 * the larger of its node's {@code mzxid} and {@code pzxid}, which every change of a record in it
 * moves (a write's transaction also writes the bucket node; creating or removing a record changes
 * its children). After a load read a bucket, its stamp is kept here; the changes the feed is told
 * of move it on while the client is connected. When the client reconnects, only the buckets whose
 * stamp on the ensemble differs from the kept one are read again ({@link NamespaceLoad}), so
 * catching up costs what changed. A stamp of -1 means unknown: the bucket is read at the next load.
 */
final class BucketStamps {

  private volatile AtomicLongArray stamps = new AtomicLongArray(0);

  /** Forgets every stamp, for a namespace of {@code count} buckets. */
  void reset(int count) {
    AtomicLongArray fresh = new AtomicLongArray(count);
    for (int b = 0; b < count; b++) {
      fresh.set(b, -1);
    }
    stamps = fresh;
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
   * A change in the bucket with this zxid was announced: every change of it up to the zxid has been
   * (announcements come in zxid order). An unknown stamp stays unknown.
   */
  void announced(int bucket, long zxid) {
    AtomicLongArray s = stamps;
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
