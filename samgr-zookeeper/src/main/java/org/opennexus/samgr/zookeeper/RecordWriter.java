package org.opennexus.samgr.zookeeper;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;

/**
 * Writes one client's changes of record nodes: one at a time per name (the name's lock; writes of
 * other names run meanwhile), each a compare-and-set on the version it replaces, applied to the
 * view when it lands, after this client's writes that took effect before it ({@link ApplyOrder})
 * and before the lock is let go, and retried on a conflict with the fresh version. A write whose
 * answer was lost (Curator sends it again, and the second try meets the first) is recognised by the
 * writer's id and write counter in the version. A version it cannot read ({@link UnreadableRecord})
 * stops every change of that name at once with the error it carries, except the {@link #repair}
 * that {@code register} makes: that writes over it.
 */
final class RecordWriter {

  private static final SecureRandom IDS = new SecureRandom();
  private static final String ENVIRONMENT = ZkCalls.ENVIRONMENT;

  /** ZooKeeper's packet limit, a system property of every client and server. */
  static final String JUTE_MAXBUFFER = "jute.maxbuffer";

  /** Its default (ZooKeeper's {@code BinaryInputArchive}). */
  static final int DEFAULT_MAXBUFFER = 0xfffff;

  private static final byte[] EMPTY = new byte[0];

  /** What a write's requests carry besides the record and its path: headers, versions, ops. */
  private static final int REQUEST_OVERHEAD = 1024;

  /** Decides the next version of a record from the version the view holds. */
  interface Step {
    /**
     * The next version, or {@code null} if nothing is to be written; may read the record afresh
     * ({@link #fetch}) and base the draft on what it read; throws what the operation reports.
     */
    Rec.@Nullable Draft next(@Nullable Rec current) throws SamgrError;
  }

  private final CuratorFramework client;
  private final ZkCalls calls;
  private final Layout layout;
  private final RecordBuckets buckets;

  /** Which buckets exist: a write into one not known to exist makes it in its transaction. */
  private final BucketStamps stamps;

  private final RecordView view;
  private final ZkHooks hooks;

  /** Reads a record in the background: one announced while this client wrote it. */
  private final Consumer<String> reread;

  /** The namespace's history, which every write checks first; set once, after construction. */
  private @Nullable NamespaceHistory history;

  /** This client's writer id, in every version it writes (never 0). */
  private final long writerId;

  /** How many locks the names are spread over: a power of two. */
  static final int LOCKS = 256;

  /**
   * The write locks: a name's writes hold the lock its hash picks ({@link #lockOf}), so that one
   * name's writes land, and apply to the view, one at a time in the order they take it, while
   * writes of names with other locks run in parallel. A fixed set: bounded memory whatever the
   * names, and two names that share a lock only wait for each other.
   */
  private final ReentrantLock[] locks = new ReentrantLock[LOCKS];

  /** This client's write counter: each write takes the next, so no two carry the same. */
  private final AtomicLong seq = new AtomicLong();

  /**
   * Per name that this client is writing now, the newest zxid of a change of it announced while it
   * was written (0 for none). Each name has one write at a time in flight (its lock).
   */
  private final ConcurrentHashMap<String, Long> inFlight = new ConcurrentHashMap<>();

  /** Applies this client's writes to the view in zxid order, although they run in parallel. */
  private final ApplyOrder order = new ApplyOrder();

  RecordWriter(
      CuratorFramework client,
      ZkCalls calls,
      Layout layout,
      RecordBuckets buckets,
      BucketStamps stamps,
      RecordView view,
      ZkHooks hooks,
      Consumer<String> reread) {
    this.client = client;
    this.calls = calls;
    this.layout = layout;
    this.buckets = buckets;
    this.stamps = stamps;
    this.view = view;
    this.hooks = hooks;
    this.reread = reread;
    long id;
    do {
      id = IDS.nextLong();
    } while (id == 0);
    this.writerId = id;
    for (int i = 0; i < LOCKS; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** Gives the writer the namespace's history (which needs the writer's parts itself). */
  void connect(NamespaceHistory history) {
    this.history = history;
  }

  private NamespaceHistory history() {
    NamespaceHistory h = history;
    if (h == null) {
      throw new IllegalStateException("the writer has no history yet"); // set at construction
    }
    return h;
  }

  /**
   * The write lock of {@code name}: one of {@link #LOCKS}, picked by a spread of its hash (the low
   * bits of a {@code String} hash alone differ little between names like {@code svc-1} and {@code
   * svc-2}).
   */
  ReentrantLock lockOf(String name) {
    int h = name.hashCode() * 0x9E3779B9; // Fibonacci hashing: the high bits mix every bit
    return locks[h >>> (Integer.SIZE - Integer.numberOfTrailingZeros(LOCKS))];
  }

  /**
   * Takes the write lock of {@code name}, waiting at most until the deadline; then {@link #unlock}.
   */
  void lock(String op, String name, long deadline) throws SamgrError {
    ReentrantLock lock = lockOf(name);
    try {
      if (!lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        throw new SamgrError.Unavailable(op, ENVIRONMENT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    }
    if (calls.closed()) {
      lock.unlock();
      throw ZkCalls.closedError();
    }
  }

  /** Lets go of the write lock of {@code name}. */
  void unlock(String name) {
    lockOf(name).unlock();
  }

  /**
   * Under the write lock of {@code name} (held by the caller): writes what {@code step} decides
   * until one write lands; returns its handle, or {@code null} if {@code step} decided to write
   * nothing.
   */
  @Nullable ServiceHandle update(String op, String name, long deadline, Step step)
      throws SamgrError {
    return update(op, name, deadline, step, false);
  }

  /**
   * {@link #update} for {@code register}, which may also replace a version this client cannot read:
   * {@code step} is then given {@code null} (no version to build on), and its draft is written over
   * the unreadable version by compare-and-set on that version.
   */
  @Nullable ServiceHandle repair(String op, String name, long deadline, Step step)
      throws SamgrError {
    return update(op, name, deadline, step, true);
  }

  private @Nullable ServiceHandle update(
      String op, String name, long deadline, Step step, boolean repairs) throws SamgrError {
    if (!lockOf(name).isHeldByCurrentThread()) {
      throw new IllegalStateException("a write of '" + name + "' without its lock");
    }
    while (true) {
      Rec cur = repairs && view.unreadable(name) != null ? null : view.get(name);
      Rec.Draft draft = step.next(cur);
      if (draft == null) {
        return null;
      }
      ServiceHandle done = attempt(op, name, draft, deadline, repairs);
      if (done != null) {
        return done;
      }
    }
  }

  /** Takes the write lock of {@code name}, runs {@link #update}, and lets the lock go. */
  @Nullable ServiceHandle locked(String op, String name, long deadline, Step step)
      throws SamgrError {
    lock(op, name, deadline);
    try {
      return update(op, name, deadline, step);
    } finally {
      unlock(name);
    }
  }

  /**
   * Writes {@code draft} over its base (or creates the record if it has none) and applies the
   * stored version to the view. Returns the handle of the written version, or {@code null} after a
   * conflict (the view then holds the fresh version; the caller decides again).
   *
   * <p>A conflict may be this very write: Curator retries after a lost connection, and a first try
   * that committed makes the retry fail. The written (writer, seq) in the latest version, or in the
   * one it replaced, recognises it; if that cannot be told, the outcome is unknown.
   */
  private @Nullable ServiceHandle attempt(
      String op, String name, Rec.Draft draft, long deadline, boolean repairs) throws SamgrError {
    NamespaceHistory h = history();
    Layout.Place place = layout.place(name); // record and bucket from one bucket count
    String path = place.recordPath();
    checkSize(op, name, path, draft);
    h.verify(op, deadline); // once per session: the ensemble has not lost its data
    long s = seq.incrementAndGet();
    Rec base = draft.base();
    // A draft with no base creates the record node, or replaces the unreadable version it holds.
    UnreadableRecord over = base == null && repairs ? view.unreadable(name) : null;
    // A new generation is issued in the current epoch, checked in the same transaction; other
    // writes keep the epoch of the generation they carry.
    Epoch fence = draft.gen() == Rec.THIS_WRITE ? h.current() : null;
    long epochBase = fence != null ? fence.base() : base != null ? base.epochBase() : 0;
    long epochStart = fence != null ? fence.start() : base != null ? base.epochStart() : 0;
    byte[] bytes = RecCodec.encode(draft, writerId, s, epochBase, epochStart);
    String epochPath = h.epochPath();
    int bucketIndex = place.bucket();
    String bucket = place.bucketPath();
    boolean creates = base == null && over == null;
    // The first write into a bucket makes it, in the same transaction (buckets hold records only).
    boolean makesBucket = creates && !stamps.present(bucketIndex);
    ZkCalls.Call<Stat> write =
        () -> {
          List<CuratorOp> ops = new ArrayList<>(4);
          if (fence != null) {
            ops.add(client.transactionOp().check().withVersion(fence.version()).forPath(epochPath));
          }
          if (makesBucket) {
            ops.add(client.transactionOp().create().forPath(bucket, EMPTY));
          }
          if (over != null) {
            ops.add(
                client.transactionOp().setData().withVersion(over.version()).forPath(path, bytes));
          } else if (base == null) {
            ops.add(client.transactionOp().create().forPath(path, bytes));
          } else {
            ops.add(
                client.transactionOp().setData().withVersion(base.version()).forPath(path, bytes));
          }
          // Moves the bucket's stamp, by which a reconnecting client finds what changed.
          ops.add(client.transactionOp().setData().forPath(bucket, EMPTY));
          List<CuratorTransactionResult> results = client.transaction().forOperations(ops);
          Stat last = results.get(results.size() - 1).getResultStat();
          // A create's result has no Stat here; the record it made is at version 0, written by
          // this transaction, whose zxid the bucket's Stat tells.
          return creates ? created(last) : results.get(results.size() - 2).getResultStat();
        };
    boolean lost = false;
    hooks.writing(name);
    inFlight.put(name, 0L); // the only write of name in flight: its lock is held
    ApplyOrder.Slot slot = order.sent();
    try {
      Stat stat = calls.run(op, deadline, write);
      if (hooks.loseAnswer()) {
        lost = true;
        stat = calls.run(op, deadline, write); // the retry meets the first try's committed write
      }
      if (makesBucket) {
        stamps.found(bucketIndex, true);
      }
      Rec stored = RecCodec.stored(name, stat, bytes);
      // Applied after this client's writes that took effect before it, maybe by another thread.
      order.landed(slot, stored.mzxid(), deadline, () -> view.apply(name, stored));
      return stored.handle();
    } catch (KeeperException conflict) {
      boolean retried = lost || DeadlineRetry.retried(); // this thread's last call: read first
      order.done(slot); // did not land: no other write waits for it
      if (makesBucket && conflict.code() == KeeperException.Code.NODEEXISTS) {
        // The bucket or the record node exists, and the record's parent is the bucket: it exists
        // (made by another client since the load).
        stamps.found(bucketIndex, true);
        if (!retried) {
          ZkCalls.checkDeadline(op, deadline); // write again without making it
          return null;
        }
      }
      if (fence != null) {
        h.check(op, false, deadline); // the epoch may have moved on, or be gone
      }
      if (conflict.code() == KeeperException.Code.NONODE) {
        if (!exists(op, layout.records(), deadline)) {
          throw ZkCalls.missingNode(op, layout.records(), conflict); // no parent for the record
        }
        if (!exists(op, bucket, deadline)) {
          // The first write into this bucket (or it was removed by hand): make it, write again.
          if (!buckets.makeBucket(op, deadline, bucket)) {
            throw ZkCalls.missingNode(op, layout.records(), conflict);
          }
          stamps.found(bucketIndex, true);
          ZkCalls.checkDeadline(op, deadline);
          return null;
        }
      }
      ReadBack back = readBack(op, name, deadline);
      Rec fresh = back != null ? back.rec() : null;
      if (fresh == null && !repairs && !retried) {
        UnreadableRecord bad = view.unreadable(name);
        if (bad != null) {
          throw bad.error(op); // just read, and this write did not land
        }
      }
      if (fresh != null && fresh.wrote(writerId, s)) {
        return fresh.handle();
      }
      if (back != null && back.replaced().was(writerId, s)) {
        return new ServiceHandle(
            name, Endpoint.of(draft.endpoint()), new Generation(back.replaced().gen()));
      }
      if (retried && creates && back == null && view.unreadable(name) == null) {
        // No record node: a try that made it would have left one (a transaction lands whole, and
        // record nodes are never deleted), so none landed. Write again.
        ZkCalls.checkDeadline(op, deadline);
        return null;
      }
      if (retried) {
        throw new SamgrError.Unavailable(
            op,
            ENVIRONMENT,
            "ZooKeeper's answer to this write of '"
                + name
                + "' was lost, and the record changed meanwhile: whether the change took effect"
                + " is unknown (resolve to find out)",
            conflict);
      }
      ZkCalls.checkDeadline(op, deadline);
      return null;
    } finally {
      order.done(slot);
      // Atomic with announcedWhileWriting: an announcement either counted here, or found the
      // name no longer in flight and asked the view, which holds this write if it landed.
      Long meanwhile = inFlight.remove(name);
      long announced = meanwhile != null ? meanwhile : 0;
      if (announced != 0 && !view.known(name, announced)) {
        reread.accept(name); // announced while written, and not this write: another's
      }
    }
  }

  /** The Stat of a record node made by the transaction whose bucket write returned {@code txn}. */
  private static Stat created(Stat txn) {
    Stat stat = new Stat();
    stat.setCzxid(txn.getMzxid());
    stat.setMzxid(txn.getMzxid());
    stat.setVersion(0);
    return stat;
  }

  /**
   * Whether a change of {@code name} announced with {@code zxid} falls within this client's write
   * of that name, now in flight: then the writer checks the zxid when its write ends, and the feed
   * need not read it.
   */
  boolean announcedWhileWriting(String name, long zxid) {
    return inFlight.computeIfPresent(name, (n, seen) -> Math.max(seen, zxid)) != null;
  }

  /**
   * Returns the current version of the handle's record, read from the ensemble, if the handle is
   * current; throws what the caller must report otherwise.
   */
  Rec confirmCurrent(String op, ServiceHandle handle, long deadline) throws SamgrError {
    Rec fresh = fetch(op, handle.name(), deadline);
    if (fresh == null || !fresh.registered()) {
      throw new SamgrError.NotFound(handle.name());
    }
    if (fresh.gen() != handle.generation().value()) {
      throw new SamgrError.StaleHandle(handle, fresh.handle().generation());
    }
    return fresh;
  }

  /**
   * Reads a record from the ensemble and applies it to the view; {@code null} if absent. If this
   * client cannot read it, it throws the error of that {@link UnreadableRecord}.
   */
  @Nullable Rec fetch(String op, String name, long deadline) throws SamgrError {
    Rec fresh = read(op, name, deadline);
    if (fresh == null) {
      UnreadableRecord bad = view.unreadable(name);
      if (bad != null) {
        throw bad.error(op);
      }
    }
    return fresh;
  }

  /**
   * {@link #fetch} for {@code register}, which replaces a version it cannot read: {@code null} if
   * the record is absent or unreadable (the view then holds the {@link UnreadableRecord}).
   */
  @Nullable Rec fetchForRepair(String op, String name, long deadline) throws SamgrError {
    return read(op, name, deadline);
  }

  /** Reads a record and applies it to the view; {@code null} if absent or unreadable. */
  private @Nullable Rec read(String op, String name, long deadline) throws SamgrError {
    ReadBack back = readBack(op, name, deadline);
    return back != null ? back.rec() : null;
  }

  /** A version read, as the view took it, with what its bytes say of the version it replaced. */
  private record ReadBack(Rec rec, RecCodec.Replaced replaced) {}

  /** {@link #read}, with what the version read says of the one it replaced. */
  private @Nullable ReadBack readBack(String op, String name, long deadline) throws SamgrError {
    String path = layout.record(name);
    try {
      Stat stat = new Stat();
      byte[] data =
          calls.run(op, deadline, () -> client.getData().storingStatIn(stat).forPath(path));
      try {
        Rec parsed = RecCodec.parse(name, stat, data);
        view.checkOrder(name, parsed);
        return new ReadBack(view.apply(name, parsed), RecCodec.replaced(data));
      } catch (RecCodec.Unreadable e) {
        view.applyUnreadable(
            new UnreadableRecord(name, path, stat.getVersion(), stat.getMzxid(), e.why()));
        return null;
      }
    } catch (KeeperException e) {
      if (e.code() == KeeperException.Code.NONODE) {
        view.applyAbsent(name);
        return null;
      }
      throw ZkCalls.refused(op, e);
    }
  }

  /**
   * Refuses, before anything is sent, a record that ZooKeeper would not take: a request larger than
   * its packet limit ({@code jute.maxbuffer}, as this JVM sets it) would make the server drop the
   * connection, and the write would be retried until the operation's deadline.
   */
  private static void checkSize(String op, String name, String path, Rec.Draft draft)
      throws SamgrError {
    int limit = Integer.getInteger(JUTE_MAXBUFFER, DEFAULT_MAXBUFFER);
    // The largest encoding (3 bytes per UTF-16 unit), counted twice for margin; the paths (the
    // record's, the bucket's twice, the epoch's: none longer than the record's); the requests'
    // own fields.
    long size = 2L * RecCodec.maxSize(draft.endpoint()) + 6L * path.length() + REQUEST_OVERHEAD;
    if (size > limit) {
      throw new SamgrError.Unavailable(
          op,
          ENVIRONMENT,
          "the write of '"
              + name
              + "' would take up to "
              + size
              + " bytes, more than ZooKeeper's packet limit ("
              + JUTE_MAXBUFFER
              + " = "
              + limit
              + " bytes in this JVM); nothing was sent. Use a shorter endpoint, or raise "
              + JUTE_MAXBUFFER
              + " on every client and server of the ensemble",
          null);
    }
  }

  /** Whether a node exists. */
  private boolean exists(String op, String path, long deadline) throws SamgrError {
    try {
      return calls.run(op, deadline, () -> client.checkExists().forPath(path)) != null;
    } catch (KeeperException e) {
      throw ZkCalls.refused(op, e);
    }
  }
}
