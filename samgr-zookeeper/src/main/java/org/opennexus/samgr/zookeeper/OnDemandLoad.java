package org.opennexus.samgr.zookeeper;

import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.spi.Arguments;

/**
 * When a read-only client ({@code zookeeper.read-only=true}) loads its view: not at open, but the
 * first time an operation needs the whole view ({@code services}, {@code watch}, {@code watchAll},
 * {@code await}), once, however many threads ask at the same time. Until then {@code resolve},
 * {@code find} and {@code liveness} read the one record they are about from the ensemble ({@link
 * #read}): a one-shot tool pays for one record, not for the whole namespace. A client that may
 * write loads at open and never reads single records here.
 *
 * <p>Reads stay monotonic: a single read is sent and answered before the load begins (the load
 * waits for single reads in flight, and none is sent once it began), and ZooKeeper answers one
 * session's requests in order, so the load reads every record at least as new as any single read
 * returned before it.
 */
final class OnDemandLoad {

  /** Sets the watch and loads the view, waiting for the first load; throws what open throws. */
  interface Loader {
    void load();
  }

  /**
   * One record as the ensemble holds it now: a version ({@code rec}), a version this client cannot
   * read ({@code bad}), or neither (absent, or void: issued before a loss of the ensemble's data).
   */
  record Point(@Nullable Rec rec, @Nullable UnreadableRecord bad) {}

  private static final Point ABSENT = new Point(null, null);

  private final CuratorFramework client;
  private final ZkCalls calls;
  private final Layout layout;
  private final RecordBuckets buckets;
  private final RecordView view;
  private final NamespaceHistory history;
  private final Loader loader;

  /** Held by single reads; taken exclusively to begin the load, which waits for them. */
  private final ReentrantReadWriteLock begin = new ReentrantReadWriteLock();

  /** Serializes the first callers that need the view: they wait for the same load. */
  private final ReentrantLock loading = new ReentrantLock();

  /** Whether the watch is set and the load begun (at open for a client that may write). */
  private volatile boolean watching;

  /** Whether the first load ended complete. */
  private volatile boolean loaded;

  OnDemandLoad(
      CuratorFramework client,
      ZkCalls calls,
      Layout layout,
      RecordBuckets buckets,
      RecordView view,
      NamespaceHistory history,
      Loader loader) {
    this.client = client;
    this.calls = calls;
    this.layout = layout;
    this.buckets = buckets;
    this.view = view;
    this.history = history;
    this.loader = loader;
  }

  /** Whether the first load ended complete. */
  boolean loaded() {
    return loaded;
  }

  /** Whether the watch is set: a reconnection sets it again and reloads only then. */
  boolean watching() {
    return watching;
  }

  /** The watch is about to be set (at open, by a client that may write; or by {@link #ensure}). */
  void beginWatching() {
    begin.writeLock().lock();
    try {
      watching = true;
    } finally {
      begin.writeLock().unlock();
    }
  }

  /** The first load ended complete (at open, for a client that may write). */
  void loadedAtOpen() {
    loaded = true;
  }

  /**
   * Loads the view if it is not loaded: sets the watch and waits for the first load, as open does
   * for a client that may write, with the same errors; concurrent callers wait for the same load.
   */
  void ensure() {
    if (loaded) {
      return;
    }
    calls.checkOpen();
    loading.lock();
    try {
      if (!loaded) {
        loader.load();
        loaded = true;
      }
    } finally {
      loading.unlock();
    }
  }

  /**
   * Reads the record of {@code name} from the ensemble if the view has not begun loading; returns
   * {@code null} if it is loaded (the caller reads the view), after waiting for a load that began
   * (a load that fails is {@code Unavailable}). Follows the namespace's epoch node first (a loss
   * another client wrote down voids what it voids in the view), then reads the record once; writes
   * nothing and sends no event.
   */
  @Nullable Point read(String op, String name) throws SamgrError {
    Arguments.requireNonNull(name, "name");
    if (loaded) {
      return null; // the view's fast path: no check beyond what it did before
    }
    Arguments.requireName(name);
    begin.readLock().lock();
    try {
      if (watching) {
        begin.readLock().unlock(); // the load waits for no single read
        try {
          ensure();
        } catch (IllegalStateException e) {
          calls.checkOpen();
          throw new SamgrError.Unavailable(
              op, ZkCalls.ENVIRONMENT, String.valueOf(e.getMessage()), e);
        } finally {
          begin.readLock().lock();
        }
        return null;
      }
      calls.checkOpen();
      long deadline = calls.deadline();
      history.check(op, false, deadline);
      if (layout.buckets() == 0) {
        try {
          if (!buckets.learn(op, deadline)) {
            return ABSENT; // nobody has made the namespace yet
          }
        } catch (KeeperException e) {
          throw ZkCalls.refused(op, e);
        }
      }
      String path = layout.record(name);
      Stat stat = new Stat();
      byte[] data;
      try {
        data = calls.run(op, deadline, () -> client.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException e) {
        if (e.code() == KeeperException.Code.NONODE) {
          return ABSENT;
        }
        throw ZkCalls.refused(op, e);
      }
      Rec rec;
      try {
        rec = RecCodec.parse(name, stat, data);
      } catch (RecCodec.Unreadable e) {
        return new Point(
            null, new UnreadableRecord(name, path, stat.getVersion(), stat.getMzxid(), e.why()));
      }
      return rec.before(view.floor()) ? ABSENT : new Point(rec, null);
    } finally {
      begin.readLock().unlock();
    }
  }
}
