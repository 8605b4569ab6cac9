package org.opennexus.samgr.zookeeper;

import java.nio.ByteBuffer;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * One version of the namespace's epoch node ({@code <namespace>/epoch}): where the generations of
 * the records written while it is current begin.
 *
 * <p>A generation is {@code base + (mzxid - start)}, where {@code mzxid} is the zxid of the
 * register or restart write and {@code (base, start)} the epoch it was written in (every such write
 * checks the epoch node's version in the same transaction, so its zxid lies between this version's
 * and the next one's). Within one history of the ensemble, generations therefore follow the zxids:
 * strictly increasing, in ZooKeeper's order. Each client writes a new version when it opens the
 * namespace, with {@code base} at least its clock in milliseconds times 2<sup>20</sup> ({@link
 * #clockBase}) and at least where the version it replaces would have gone on. After the ensemble
 * lost its data (wiped, or restored from an older copy), the zxids begin again; the first client to
 * open it again, or a surviving client that notices the loss, makes a new epoch whose base is
 * beyond every generation issued before, by its clock and by what it saw, and sets {@link #floor}:
 * records of epochs below the floor were written before the loss and count as absent.
 *
 * @param version the node's data version
 * @param mzxid the zxid of the write that made this version, which is {@code start}
 * @param base the generation of a write at zxid {@code start}
 * @param floor records of epochs whose base is below this were written before a loss: void
 */
record Epoch(int version, long mzxid, long base, long floor) {

  /** The epoch node, relative to the namespace. */
  static final String NODE = "epoch";

  /** The most milliseconds {@link #clockBase} takes: 2^43 ms, the year 2248. */
  private static final long MAX_MILLIS = 1L << 43;

  private static final byte FORMAT = 1;
  private static final int SIZE = 1 + 4 * Long.BYTES;

  /** The zxid at which this epoch begins. */
  long start() {
    return mzxid;
  }

  /** The generation of a write at {@code zxid} in this epoch. */
  long generation(long zxid) {
    return base + (zxid - mzxid);
  }

  /** The base that a clock reading of {@code millis} vouches for: {@code millis * 2^20}. */
  static long clockBase(long millis) {
    return Math.min(Math.max(millis, 0), MAX_MILLIS) << 20;
  }

  /**
   * The data of a new version that replaces {@code previous} (or begins the namespace when it is
   * {@code null}), whose base is at least {@code atLeast}, with {@code floor}.
   */
  static byte[] next(@Nullable Epoch previous, long atLeast, long floor) {
    ByteBuffer out = ByteBuffer.allocate(SIZE);
    out.put(FORMAT);
    out.putLong(atLeast);
    out.putLong(previous == null ? 0 : previous.base);
    out.putLong(previous == null ? 0 : previous.mzxid);
    out.putLong(floor);
    return out.array();
  }

  /** Parses a version of the epoch node, or returns {@code null} if it is not one. */
  static @Nullable Epoch parse(Stat stat, byte @Nullable [] data) {
    if (data == null || data.length != SIZE || data[0] != FORMAT) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(data, 1, SIZE - 1);
    long atLeast = in.getLong();
    long previousBase = in.getLong();
    long previousStart = in.getLong();
    long floor = in.getLong();
    if (atLeast < 0 || previousBase < 0 || floor < 0) {
      return null;
    }
    long start = stat.getMzxid();
    long onward = previousStart == 0 ? start : previousBase + (start - previousStart);
    return new Epoch(stat.getVersion(), start, Math.max(Math.max(atLeast, onward), 1), floor);
  }
}
