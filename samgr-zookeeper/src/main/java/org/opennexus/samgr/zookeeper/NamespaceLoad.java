package org.opennexus.samgr.zookeeper;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * One load of the namespace into the view, at open and after every reconnection: it reads the
 * layout and the client nodes, then the stamp of every bucket ({@link BucketStamps}) in read-only
 * transactions of up to {@value #STAMPS_PER_READ}, and reads again only the buckets whose stamp
 * changed: their listing, then their records, many to a read-only transaction. At open every bucket
 * has changed (nothing is known yet); after a short disconnection, only those written meanwhile.
 * Every answer is taken on ZooKeeper's event thread.
 *
 * <p>Requests of a full load at N services in B buckets: two for the layout and clients, {@code
 * ceil(B / 1024)} for the stamps, one listing per bucket that holds records, and one read per
 * bucket per {@value #RECORDS_PER_READ} records. A catch-up costs the same for the buckets that
 * changed only. A transaction's answer stays within ZooKeeper's packet limit ({@code
 * jute.maxbuffer} as this JVM sets it) for the records samgr writes: the largest is about 12 KiB
 * (an endpoint of 4,096 characters), so a transaction reads at most as many records as would fill
 * 5/8 of the limit at that size ({@value #RECORDS_PER_READ} at the default limit, about 600 KiB). A
 * load that follows several cut short by a lost connection (an answer over the limit, as nodes
 * written larger by hand make) reads one stamp and one record a request ({@code careful}), so that
 * no data written on a bucket node or a record by hand can swell an answer; at most {@value
 * #READS_IN_FLIGHT} reads of records are in flight at once.
 *
 * <p>While the client stays connected, a load may read again only the records whose read failed
 * ({@link #reread}).
 */
final class NamespaceLoad {

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr.zookeeper");

  /** Records read in one read-only transaction, at most. */
  static final int RECORDS_PER_READ = 48;

  /** Bucket stamps read in one read-only transaction (about 100 bytes each in the answer). */
  static final int STAMPS_PER_READ = 1024;

  /**
   * Reads of records one load has in flight at once, at most: what a load asks of the server at a
   * time stays bounded however large the namespace, and a load cut short leaves few answers lost.
   */
  static final int READS_IN_FLIGHT = 16;

  /** The largest answer to one read of a record samgr writes, with its stat and headers. */
  private static final int LARGEST_RECORD = RecCodec.maxSize("x".repeat(4096)) + 256;

  /** Records read in one transaction here: within the packet limit at the largest size. */
  private final int recordsPerRead;

  /** The gap (see {@link BucketStamps#gap}) this load began in. */
  private final long gap;

  /** Whether this load reads one stamp and one record a request (see the class notes). */
  private final boolean careful;

  /** What the load needs of the client it loads for. */
  interface Target {
    /** The ZooKeeper handle of the current connection. */
    ZooKeeper zooKeeper() throws Exception;

    /** Whether the client is closed (then every answer is dropped). */
    boolean closed();

    /** Applies a record read from {@code path} with this stat and data (null data: absent). */
    void apply(String name, String path, @Nullable Stat stat, byte @Nullable [] data);

    /** Takes the client nodes listed: the sessions alive now. */
    void sessions(List<String> clientNodes);

    /** The load ended: {@code failure} is null if it is complete, else why it is not. */
    void ended(KeeperException.@Nullable Code failure, boolean listingFailed);
  }

  private final Layout layout;
  private final RecordView view;
  private final BucketStamps stamps;
  private final Target target;

  /** Names whose announced change could not be read: read again by this load. */
  private final Set<String> missed;

  /** Requests sent and not yet answered, plus one for the load itself until it has sent all. */
  private final AtomicInteger pending = new AtomicInteger(1);

  private volatile KeeperException.@Nullable Code failure;
  private volatile boolean listingFailed;

  /** The names of the view, by bucket, for the buckets this load reads again; made once. */
  private @Nullable Map<Integer, List<String>> known;

  /** A read of records waiting for room in the window, and the names it reads. */
  private record Queued(List<String> names, Request request) {}

  /** Reads of records waiting for room in the window; guarded by this. */
  private final ArrayDeque<Queued> waiting = new ArrayDeque<>();

  /** Reads of records in flight; guarded by this. */
  private int inFlight;

  NamespaceLoad(
      Layout layout,
      RecordView view,
      BucketStamps stamps,
      Set<String> missed,
      boolean careful,
      Target target) {
    this.gap = stamps.gapNow();
    this.careful = careful;
    this.layout = layout;
    this.view = view;
    this.stamps = stamps;
    this.missed = missed;
    this.target = target;
    int limit = Integer.getInteger(RecordWriter.JUTE_MAXBUFFER, RecordWriter.DEFAULT_MAXBUFFER);
    this.recordsPerRead =
        careful ? 1 : Math.max(1, Math.min(RECORDS_PER_READ, limit / 8 * 5 / LARGEST_RECORD));
  }

  /** Starts the load; {@link Target#ended} tells when it ends. */
  void start() {
    send(
        zk ->
            zk.getChildren(
                layout.clients(),
                false,
                (AsyncCallback.ChildrenCallback)
                    (rc, path, ctx, children) ->
                        answered(
                            rc,
                            true,
                            () -> {
                              target.sessions(children);
                              return true;
                            }),
                null));
    send(
        zk ->
            zk.getData(
                layout.records(),
                false,
                (AsyncCallback.DataCallback)
                    (rc, path, ctx, data, stat) -> answered(rc, true, () -> layoutRead(data)),
                null));
    done();
  }

  private boolean layoutRead(byte @Nullable [] data) {
    int count;
    try {
      count = RecordBuckets.parse(layout.records(), data == null ? new byte[0] : data);
    } catch (RecordBuckets.Refused e) {
      LOG.log(Level.WARNING, "samgr zookeeper: " + e.why());
      listingFailed = true;
      failure = KeeperException.Code.APIERROR;
      return true;
    }
    if (count < 0) {
      LOG.log(
          Level.WARNING,
          "samgr zookeeper: "
              + RecordBuckets.earlierLayout(layout.records(), -1)
                  .replace("(-1 nodes directly", "(nodes directly"));
      listingFailed = true;
      failure = KeeperException.Code.APIERROR;
      return true;
    }
    if (count != layout.buckets() || stamps.count() != count) {
      layout.adopt(count); // made again, with another count, after a loss of data
      stamps.reset(count);
    }
    AtomicInteger stampsLeft = new AtomicInteger(count);
    if (careful) {
      for (int b = 0; b < count; b++) {
        readStamp(b, stampsLeft);
      }
    } else {
      int limit = Integer.getInteger(RecordWriter.JUTE_MAXBUFFER, RecordWriter.DEFAULT_MAXBUFFER);
      int perRead = Math.max(1, Math.min(STAMPS_PER_READ, limit / 2 / 100)); // half the limit
      for (int from = 0; from < count; from += perRead) {
        readStamps(from, Math.min(count, from + perRead), stampsLeft);
      }
    }
    readRecords(takeMissed(), -1, 0);
    return true;
  }

  /**
   * Reads again only the names whose read failed ({@code missed}), not the layout, the clients or
   * the stamps: while connected, nothing else was missed. {@link Target#ended} tells when it ends.
   */
  void reread() {
    readRecords(takeMissed(), -1, 0);
    done();
  }

  /** Takes the names whose read failed: this load reads them. */
  private List<String> takeMissed() {
    List<String> again = new ArrayList<>(missed);
    missed.removeAll(again);
    return again;
  }

  /** Reads the stamps of buckets {@code from} to {@code to} (exclusive) in one transaction. */
  private void readStamps(int from, int to, AtomicInteger left) {
    List<Op> ops = new ArrayList<>(to - from);
    for (int b = from; b < to; b++) {
      ops.add(Op.getData(layout.bucket(b)));
    }
    send(
        zk ->
            zk.multi(
                ops,
                (rc, path, ctx, results) ->
                    answered(
                        results == null ? rc : 0,
                        true,
                        () -> {
                          if (results == null) {
                            return false;
                          }
                          for (int i = 0; i < results.size(); i++) {
                            stampRead(
                                from + i,
                                results.get(i) instanceof OpResult.GetDataResult data
                                    ? data.getStat()
                                    : null);
                          }
                          stampsTaken(left, results.size());
                          return true;
                        }),
                null));
  }

  /** Reads one bucket's stamp alone: what a careful load does (no data can swell the answer). */
  private void readStamp(int bucket, AtomicInteger left) {
    String path = layout.bucket(bucket);
    send(
        zk ->
            zk.exists(
                path,
                false,
                (AsyncCallback.StatCallback)
                    (rc, p, ctx, stat) ->
                        answered(
                            rc == KeeperException.Code.NONODE.intValue() ? 0 : rc,
                            true,
                            () -> {
                              stampRead(bucket, stat);
                              stampsTaken(left, 1);
                              return true;
                            }),
                null));
  }

  /** Counts stamps read; once all are, announcements move stamps again. */
  private void stampsTaken(AtomicInteger left, int n) {
    if (left.addAndGet(-n) == 0) {
      stamps.stampsRead(gap);
    }
  }

  /** Takes a bucket's stamp: reads the bucket again if it differs from the kept one. */
  private void stampRead(int bucket, @Nullable Stat stat) {
    // No bucket node: no record was written into it yet (or it was removed by hand, empty).
    long stamp = stat == null ? -1 : Math.max(stat.getMzxid(), stat.getPzxid());
    stamps.found(bucket, stat != null);
    if (stamp >= 0 && stamp == stamps.get(bucket)) {
      return;
    }
    stamps.forget(bucket);
    List<String> before = knownNames().getOrDefault(bucket, List.of());
    readBucket(bucket, stamp, stat == null ? 0 : stat.getNumChildren(), before);
  }

  /** Reads a bucket again: its listing, its records, and the names the view had in it. */
  private void readBucket(int bucket, long stamp, int children, List<String> before) {
    if (children == 0) {
      readRecords(before, stamp < 0 ? -1 : bucket, stamp);
      return;
    }
    String path = layout.bucket(bucket);
    send(
        zk ->
            zk.getChildren(
                path,
                false,
                (AsyncCallback.ChildrenCallback)
                    (rc, p, ctx, nodes) ->
                        answered(
                            rc,
                            true,
                            () -> {
                              Set<String> listed = new HashSet<>();
                              List<String> names = new ArrayList<>(nodes.size() + before.size());
                              for (String node : nodes) {
                                String name = layout.recordName(bucket, node);
                                if (name != null) {
                                  listed.add(name);
                                  names.add(name);
                                }
                              }
                              for (String name : before) {
                                if (!listed.contains(name)) {
                                  names.add(name); // removed by hand, or new: read to tell
                                }
                              }
                              readRecords(names, bucket, stamp);
                              return true;
                            }),
                null));
  }

  /**
   * Reads records, several to a transaction, and applies them; then, if all were read and {@code
   * bucket} is not -1, keeps the bucket's stamp.
   */
  private void readRecords(List<String> names, int bucket, long stamp) {
    if (names.isEmpty()) {
      if (bucket >= 0) {
        stamps.loaded(bucket, stamp);
      }
      return;
    }
    AtomicInteger left = new AtomicInteger((names.size() + recordsPerRead - 1) / recordsPerRead);
    AtomicInteger failed = new AtomicInteger();
    for (int from = 0; from < names.size(); from += recordsPerRead) {
      List<String> chunk = names.subList(from, Math.min(names.size(), from + recordsPerRead));
      List<String> paths = new ArrayList<>(chunk.size());
      List<Op> ops = new ArrayList<>(chunk.size());
      for (String name : chunk) {
        String path = layout.record(name);
        paths.add(path);
        ops.add(Op.getData(path));
      }
      sendWindowed(
          chunk,
          zk ->
              zk.multi(
                  ops,
                  (rc, p, ctx, results) -> {
                    try {
                      recordsAnswered(rc, results, chunk, paths, left, failed, bucket, stamp);
                    } finally {
                      windowFreed();
                    }
                  },
                  null));
    }
  }

  /** Takes the answer to a read of records: applies them, and keeps the bucket's stamp if done. */
  private void recordsAnswered(
      int rc,
      @Nullable List<OpResult> results,
      List<String> chunk,
      List<String> paths,
      AtomicInteger left,
      AtomicInteger failed,
      int bucket,
      long stamp) {
    boolean[] all = {false};
    answered(
        results == null ? rc : 0,
        false,
        () -> {
          all[0] = recordsRead(chunk, paths, results);
          return results != null;
        });
    if (!all[0]) {
      failed.incrementAndGet(); // read again at the next load
      if (results == null && bucket < 0) {
        missed.addAll(chunk); // not in a bucket the next load reads again
      }
    }
    if (left.decrementAndGet() == 0 && failed.get() == 0 && bucket >= 0) {
      stamps.loaded(bucket, stamp);
    }
  }

  private boolean recordsRead(
      List<String> names, List<String> paths, @Nullable List<OpResult> results) {
    if (results == null) {
      return false;
    }
    boolean all = true;
    for (int i = 0; i < results.size(); i++) {
      OpResult result = results.get(i);
      if (result instanceof OpResult.GetDataResult data) {
        target.apply(names.get(i), paths.get(i), data.getStat(), data.getData());
      } else if (result instanceof OpResult.ErrorResult error
          && error.getErr() == KeeperException.Code.NONODE.intValue()) {
        target.apply(names.get(i), paths.get(i), null, null);
      } else {
        missed.add(names.get(i)); // read by the next load
        all = false;
      }
    }
    return all;
  }

  /** The view's names by bucket, computed once per load (a pass over the view). */
  private Map<Integer, List<String>> knownNames() {
    Map<Integer, List<String>> k = known;
    if (k == null) {
      k = new HashMap<>();
      for (Rec rec : view.all()) {
        String name = rec.name();
        k.computeIfAbsent(layout.bucketOf(name), b -> new ArrayList<>()).add(name);
      }
      known = k;
    }
    return k;
  }

  /** One request on the current ZooKeeper handle. */
  private interface Request {
    void send(ZooKeeper zk) throws Exception;
  }

  /** The work done with an answer; {@code false} if the answer is a failure. */
  private interface Work {
    boolean run();
  }

  private void send(Request request) {
    pending.incrementAndGet();
    try {
      request.send(target.zooKeeper());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(KeeperException.Code.CONNECTIONLOSS, false);
      done();
    } catch (Exception e) {
      // The client is closing, or Curator is remaking its handle: the next connection loads again.
      LOG.log(Level.DEBUG, "samgr zookeeper: could not send a read", e);
      fail(KeeperException.Code.CONNECTIONLOSS, false);
      done();
    }
  }

  /** Sends a read of records once fewer than {@value #READS_IN_FLIGHT} are in flight. */
  private void sendWindowed(List<String> names, Request request) {
    pending.incrementAndGet(); // the load stays open while the read waits
    synchronized (this) {
      waiting.add(new Queued(names, request));
    }
    drain();
  }

  /** A read of records was answered: the next waiting one may go. */
  private void windowFreed() {
    synchronized (this) {
      inFlight--;
    }
    drain();
  }

  private void drain() {
    while (true) {
      Queued next;
      synchronized (this) {
        next = inFlight < READS_IN_FLIGHT ? waiting.poll() : null;
        if (next == null) {
          return;
        }
        inFlight++;
      }
      try {
        next.request().send(target.zooKeeper());
      } catch (Exception e) {
        missed.addAll(next.names()); // read at the next load
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        LOG.log(Level.DEBUG, "samgr zookeeper: could not send a read", e);
        fail(KeeperException.Code.CONNECTIONLOSS, false);
        synchronized (this) {
          inFlight--;
        }
        done();
      }
    }
  }

  /** Takes an answer whose code is {@code rc}: runs {@code work} if it succeeded. */
  private boolean answered(int rc, boolean listing, Work work) {
    boolean ok = false;
    try {
      if (target.closed()) {
        return true;
      }
      KeeperException.Code code = KeeperException.Code.get(rc);
      if (code == KeeperException.Code.OK) {
        ok = work.run();
        if (!ok) {
          fail(KeeperException.Code.CONNECTIONLOSS, listing);
        }
      } else {
        fail(code, listing);
        LOG.log(Level.DEBUG, "samgr zookeeper: a read of the namespace failed: " + code);
      }
      return ok;
    } finally {
      done();
    }
  }

  private void fail(KeeperException.Code code, boolean listing) {
    if (failure == null || (listing && !listingFailed)) {
      failure = code;
      listingFailed |= listing;
    }
  }

  private void done() {
    if (pending.decrementAndGet() == 0) {
      target.ended(failure, listingFailed);
    }
  }
}
