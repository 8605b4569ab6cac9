package org.opennexus.samgr.zookeeper;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * How the view learns of changes: one persistent recursive watch on the namespace, whose
 * announcements of changed records are read in the background and applied, and a load ({@link
 * NamespaceLoad}) whenever the watch is set: of the whole namespace at open, and of what changed
 * meanwhile after every reconnection, begun at a random moment within {@code
 * zookeeper.reload-jitter} so that clients that reconnect together do not load together.
 *
 * <p>A record whose read fails (an error after Curator's retries, by the feed or by a load) is read
 * by the next load; but while the client stays connected no reconnection may come to load, so the
 * records whose read failed are then read again on their own ({@link NamespaceLoad#reread}), on
 * this client's own thread, after a wait of {@value #REREAD_MIN_MILLIS} ms, doubled each time such
 * a read ends with a record still unread, up to {@value #REREAD_MAX_MILLIS} ms, and drawn between
 * its half and itself. At most one such read is scheduled or in flight at a time; while the client
 * is disconnected none is scheduled, and the reconnection's load reads them.
 */
final class NamespaceFeed {

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr.zookeeper");

  private final CuratorFramework client;
  private final ZkCalls calls;
  private final Layout layout;
  private final RecordView view;
  private final ZkHooks hooks;
  private final Watcher watcher = this::changed;

  // Set once, after construction (they need the feed themselves).
  private @Nullable RecordWriter writer;
  private @Nullable SessionReaper reaper;

  /**
   * Per name, the zxid of the change a feed read was sent for and has not been answered: an
   * announcement of a change no newer (two changes of one node in one transaction, as a node made
   * and written at once by hand) needs no read of its own.
   */
  private final Map<String, Long> pending = new ConcurrentHashMap<>();

  /** How far the view holds each bucket, and which exist (see {@link BucketStamps}). */
  private final BucketStamps stamps;

  /** Names whose announced change could not be read: read again (see the class notes). */
  private final Set<String> missed = ConcurrentHashMap.newKeySet();

  /** The first wait before the names whose read failed are read again while connected. */
  static final long REREAD_MIN_MILLIS = 100;

  /** The longest wait before they are read again, however often their reads fail. */
  static final long REREAD_MAX_MILLIS = 5_000;

  /** Whether a read again of the missed names is scheduled or in flight (at most one is). */
  private final AtomicBoolean rereading = new AtomicBoolean();

  /** The wait before the next read again: doubled while those reads keep failing. */
  private volatile long rereadMillis = REREAD_MIN_MILLIS;

  /** The window a reconnection's load is begun within, in milliseconds. */
  private final long jitterMillis;

  /** Loads cut short by a lost connection in a row, after which a warning is logged once. */
  static final int CUT_SHORT_WARNING = 3;

  private final AtomicInteger cutShort = new AtomicInteger();

  /** Whether a load has ended complete (later loads are catch-ups, begun after a jitter). */
  private volatile boolean everLoaded;

  /** Told when the epoch node changes (see {@link NamespaceHistory}); set once. */
  private Runnable epochChanged = () -> {};

  /** Counted down when the feed's first load of the namespace has ended. */
  private final CountDownLatch loaded = new CountDownLatch(1);

  /**
   * Why the first load failed, if it did; read by {@link #awaitFirstLoad} after {@link #loaded}.
   */
  private volatile KeeperException.@Nullable Code loadFailure;

  NamespaceFeed(
      CuratorFramework client,
      ZkCalls calls,
      Layout layout,
      RecordView view,
      BucketStamps stamps,
      ZkHooks hooks,
      Duration jitter) {
    this.stamps = stamps;
    this.jitterMillis = jitter.toMillis();
    this.client = client;
    this.calls = calls;
    this.layout = layout;
    this.view = view;
    this.hooks = hooks;
  }

  /** Gives the feed the writer (whose writes in flight it asks about) and the reaper. */
  void connect(RecordWriter writer, SessionReaper reaper) {
    this.writer = writer;
    this.reaper = reaper;
  }

  /** Gives the feed what to run when the epoch node changes (off ZooKeeper's event thread). */
  void onEpochChange(Runnable epochChanged) {
    this.epochChanged = epochChanged;
  }

  /**
   * Waits for the first load; returns {@code false} if it did not end in {@code nanos}, and the
   * code of its failure in {@code failure[0]} if it failed.
   */
  boolean awaitFirstLoad(long nanos, KeeperException.@Nullable Code[] failure)
      throws InterruptedException {
    if (!loaded.await(nanos, TimeUnit.NANOSECONDS)) {
      return false;
    }
    failure[0] = loadFailure;
    return true;
  }

  /**
   * Sets this client's persistent recursive watch on the namespace, then loads it: at open, and
   * again whenever Curator reports the connection made again (a new session has no watch, and
   * changes made while away were not announced). Curator's {@code PersistentWatcher} does the same,
   * but it hands its listeners copies of ZooKeeper's events without the zxid of the change (Curator
   * 5.9), which {@link #announced} needs; so the watch is set here, on the ZooKeeper handle Curator
   * manages (Curator still makes, keeps and remakes the connection and the session). Unlike {@code
   * PersistentWatcher}, a failure is not retried at once: a lost connection is retried when Curator
   * has made it again; any other failure fails {@code open()}, or, later, is logged as a warning.
   */
  void watch() {
    if (calls.closed()) {
      return;
    }
    String root = layout.root();
    try {
      client
          .getZookeeperClient()
          .getZooKeeper()
          .addWatch(
              root,
              watcher,
              AddWatchMode.PERSISTENT_RECURSIVE,
              (rc, path, ctx) -> {
                KeeperException.Code code = KeeperException.Code.get(rc);
                if (code == KeeperException.Code.OK) {
                  loadSoon();
                } else if (lostConnection(code)) {
                  LOG.log(
                      Level.DEBUG,
                      "samgr zookeeper: could not set the watch on "
                          + root
                          + " ("
                          + code
                          + "); set again when reconnected");
                } else if (!failFirstLoad(code)) {
                  // Not a lost connection (an old server answers UNIMPLEMENTED): nothing to retry.
                  LOG.log(
                      Level.WARNING,
                      "samgr zookeeper: could not set the watch on "
                          + root
                          + " ("
                          + code
                          + "); this client sees other clients' changes"
                          + " only after it reconnects");
                }
              },
              null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.log(Level.DEBUG, "samgr zookeeper: interrupted while setting the watch", e);
    } catch (Exception e) {
      // Curator's handle is closing or being remade: its next connection sets the watch.
      LOG.log(
          Level.DEBUG, "samgr zookeeper: could not set the watch; set again when reconnected", e);
    }
  }

  /** Whether a failure is a lost connection or session, after which Curator reconnects. */
  static boolean lostConnection(KeeperException.Code code) {
    return ZkCalls.unanswered(code);
  }

  /**
   * Ends the first load with a failure that {@link #awaitFirstLoad} reports; returns {@code false}
   * if the first load has ended already.
   */
  private boolean failFirstLoad(KeeperException.Code code) {
    if (loaded.getCount() == 0) {
      return false;
    }
    if (loadFailure == null) {
      loadFailure = code;
    }
    loaded.countDown();
    return true;
  }

  /**
   * A change under the namespace, announced by the persistent recursive watch on ZooKeeper's event
   * thread. A record that changed is read in the background and applied, unless the view needs no
   * read for it (see {@link #announced}): this client's own writes are never read back.
   */
  private void changed(WatchedEvent event) {
    String path = event.getPath();
    if (path == null) {
      Watcher.Event.KeeperState state = event.getState();
      if (state == Watcher.Event.KeeperState.Disconnected
          || state == Watcher.Event.KeeperState.Expired) {
        stamps.gap(); // what changes meanwhile is not announced (see BucketStamps)
      }
      return; // a connection state, not a change; a reconnection reloads (see load)
    }
    if (calls.closed()) {
      return;
    }
    if (hooks.dropAnnouncement()) {
      return;
    }
    EventType type = event.getType();
    if (event.getZxid() != WatchedEvent.NO_ZXID) {
      view.noteZxid(event.getZxid());
    }
    if (path.equals(layout.root() + "/" + Epoch.NODE)) {
      epochChanged.run(); // another client opened the namespace, or wrote down a loss
      return;
    }
    if (path.equals(layout.records())) {
      if (type != EventType.NodeDeleted) {
        // Made after this client opened (a read-only one), made again after a loss of data, or
        // its layout rewritten: the load reads the layout and adopts it.
        stamps.gap();
        loadSoon();
      }
      return;
    }
    if (layout.isUnderRecords(path)) {
      int bucket = layout.bucketUnder(path);
      String name = layout.nameOf(path);
      if (bucket >= 0 && event.getZxid() != WatchedEvent.NO_ZXID) {
        stamps.announced(bucket, event.getZxid());
      }
      if (name == null) {
        return; // a bucket node, or not a node of this backend
      }
      if (type == EventType.NodeDeleted) {
        if (!announced(name, event.getZxid())) {
          view.applyAbsent(name); // unless the view holds a version newer than the deletion
        }
      } else if ((type == EventType.NodeCreated || type == EventType.NodeDataChanged)
          && !announced(name, event.getZxid())) {
        long zxid = event.getZxid();
        if (zxid != WatchedEvent.NO_ZXID) {
          Long sent = pending.get(name);
          if (sent != null && sent >= zxid) {
            return; // the read sent for this very change brings it
          }
          pending.put(name, zxid);
        }
        read(name, path);
      }
    } else {
      long owner = layout.sessionAt(path);
      if (owner == 0) {
        return;
      }
      SessionReaper sessions = reaper();
      if (type == EventType.NodeDeleted) {
        sessions.sessionGone(owner);
      } else if (type == EventType.NodeCreated) {
        sessions.sessionSeen(owner);
      }
    }
  }

  /**
   * Whether a change of {@code name} made by the write with {@code zxid} needs no read: the view
   * holds that version or a newer one, or this client is writing that name right now (the writer
   * then checks the zxid when its write ends). ZooKeeper 3.9 servers tell the zxid of the change
   * that fired a watch; for older servers every change is read.
   */
  private boolean announced(String name, long zxid) {
    if (zxid == WatchedEvent.NO_ZXID) {
      return false;
    }
    RecordWriter w = writer;
    if (w != null && w.announcedWhileWriting(name, zxid)) {
      return true;
    }
    return view.known(name, zxid);
  }

  /** Reads one record afresh in the background (a change announced while it was written). */
  void reread(String name) {
    read(name, layout.record(name));
  }

  private SessionReaper reaper() {
    SessionReaper r = reaper;
    if (r == null) {
      throw new IllegalStateException("the feed runs before it is connected");
    }
    return r;
  }

  /**
   * Loads the namespace once the watch is set (see {@link #watch}): at once for the first load,
   * after a random delay within the jitter window for a catch-up after a reconnection.
   */
  private void loadSoon() {
    if (calls.closed()) {
      return;
    }
    if (everLoaded) {
      stamps.gap(); // a catch-up: announcements until it has read the stamps mean nothing
    }
    long delay =
        everLoaded && jitterMillis > 0 ? ThreadLocalRandom.current().nextLong(jitterMillis + 1) : 0;
    hooks.loadScheduled(delay);
    if (delay == 0) {
      load();
    } else {
      reaper().runAfter(delay, this::load); // this client's own thread, not a shared pool
    }
  }

  /** Reads what the view may lack: everything at first, then the buckets that changed. */
  private void load() {
    if (calls.closed()) {
      return;
    }
    if (layout.buckets() != stamps.count()) {
      stamps.reset(layout.buckets()); // first learnt (or learnt anew) since the last load
    }
    newLoad(false).start();
  }

  private NamespaceLoad newLoad(boolean reread) {
    boolean careful = cutShort.get() >= CUT_SHORT_WARNING; // one record a request
    return new NamespaceLoad(layout, view, stamps, missed, careful, new LoadTarget(reread));
  }

  /** A read of {@code name} failed: it is read again (see the class notes). */
  private void miss(String name) {
    missed.add(name);
    rereadSoon();
  }

  /**
   * Schedules a read again of the names whose read failed on this client's own thread, unless one
   * is scheduled or in flight already (it reads them too) or the client is disconnected.
   */
  private void rereadSoon() {
    if (calls.closed()
        || !client.getZookeeperClient().isConnected()
        || !rereading.compareAndSet(false, true)) {
      return;
    }
    long wait = rereadMillis;
    long delay = ThreadLocalRandom.current().nextLong(wait / 2, wait + 1);
    hooks.rereadScheduled(delay);
    reaper().runAfter(delay, this::reread);
  }

  private void reread() {
    if (calls.closed() || !client.getZookeeperClient().isConnected()) {
      rereading.set(false); // the reconnection's load reads them
      return;
    }
    newLoad(true).reread();
  }

  /** A read again ended: if a name is missed still (or anew), the next waits twice as long. */
  private void rereadEnded() {
    rereading.set(false);
    if (missed.isEmpty()) {
      rereadMillis = REREAD_MIN_MILLIS;
    } else {
      rereadMillis = Math.min(2 * rereadMillis, REREAD_MAX_MILLIS);
      rereadSoon();
    }
  }

  /** What a load reads with and hands its answers to. */
  private final class LoadTarget implements NamespaceLoad.Target {
    /** Whether the load reads again only the names whose read failed. */
    private final boolean reread;

    LoadTarget(boolean reread) {
      this.reread = reread;
    }

    @Override
    public ZooKeeper zooKeeper() throws Exception {
      return client.getZookeeperClient().getZooKeeper();
    }

    @Override
    public boolean closed() {
      return calls.closed();
    }

    @Override
    public void apply(String name, String path, @Nullable Stat stat, byte @Nullable [] data) {
      applyRead(name, path, stat, data);
    }

    @Override
    public void sessions(List<String> clientNodes) {
      Set<Long> listed = new HashSet<>();
      for (String node : clientNodes) {
        long owner = Layout.sessionOf(node);
        if (owner != 0) {
          listed.add(owner);
        }
      }
      SessionReaper sessions = reaper();
      for (Long owner : sessions.liveSessions()) {
        if (!listed.contains(owner)) {
          sessions.sessionGone(owner); // ended while this client was away
        }
      }
      sessions.liveSessions().addAll(listed);
    }

    @Override
    public void ended(KeeperException.@Nullable Code failure, boolean listingFailed) {
      if (reread) {
        rereadEnded();
        return;
      }
      if (!missed.isEmpty()) {
        rereadSoon(); // names this load could not read
      }
      if (failure == null || (!listingFailed && !lostConnection(failure))) {
        everLoaded = true; // complete (a record that could not be read is read again)
        cutShort.set(0);
        loaded.countDown();
        return;
      }
      if (!lostConnection(failure)) {
        if (!failFirstLoad(failure)) {
          LOG.log(
              Level.WARNING,
              "samgr zookeeper: could not load namespace "
                  + layout.root()
                  + " ("
                  + failure
                  + "); this client loads it again when it reconnects");
        }
        return;
      }
      if (cutShort.incrementAndGet() == CUT_SHORT_WARNING) {
        LOG.log(
            Level.WARNING,
            "samgr zookeeper: "
                + CUT_SHORT_WARNING
                + " loads of namespace "
                + layout.root()
                + " in a row lost the connection ("
                + failure
                + "), so this client's view may lack changes. If the ensemble is up, an answer"
                + " larger than ZooKeeper's packet limit ("
                + RecordWriter.JUTE_MAXBUFFER
                + " = "
                + Integer.getInteger(RecordWriter.JUTE_MAXBUFFER, RecordWriter.DEFAULT_MAXBUFFER)
                + " bytes in this JVM) is the usual cause: a bucket with too many records, or a"
                + " record node written larger by hand. Raise "
                + RecordWriter.JUTE_MAXBUFFER
                + " on every client and server, or remove that node");
      } else {
        LOG.log(
            Level.DEBUG,
            "samgr zookeeper: a load of the namespace was cut short (" + failure + ")");
      }
      boolean timedOut =
          failure == KeeperException.Code.REQUESTTIMEOUT
              || failure == KeeperException.Code.OPERATIONTIMEOUT;
      if (timedOut && client.getZookeeperClient().isConnected()) {
        loadSoon(); // a request timed out, and no reconnection follows to load again
      }
    }
  }

  /** Applies a record read from the ensemble: its version, or its absence ({@code stat} null). */
  private void applyRead(String name, String path, @Nullable Stat stat, byte @Nullable [] data) {
    if (stat == null) {
      view.applyAbsent(name);
      return;
    }
    try {
      Rec parsed = RecCodec.parse(name, stat, data);
      view.checkOrder(name, parsed);
      view.apply(name, parsed);
    } catch (RecCodec.Unreadable e) {
      view.applyUnreadable(
          new UnreadableRecord(name, path, stat.getVersion(), stat.getMzxid(), e.why()));
    }
  }

  /** Reads one announced record in the background and applies it to the view. */
  private void read(String name, String path) {
    hooks.feedRead();
    try {
      client
          .getData()
          .inBackground(
              (c, event) -> {
                pending.remove(name);
                if (calls.closed()) {
                  return;
                }
                int rc =
                    hooks.loseRead(name)
                        ? KeeperException.Code.OPERATIONTIMEOUT.intValue()
                        : event.getResultCode();
                if (rc == KeeperException.Code.OK.intValue()) {
                  applyRead(name, path, event.getStat(), event.getData());
                } else if (rc == KeeperException.Code.NONODE.intValue()) {
                  applyRead(name, path, null, null);
                } else {
                  miss(name);
                  LOG.log(
                      Level.DEBUG,
                      "samgr zookeeper: could not read "
                          + path
                          + ": "
                          + KeeperException.Code.get(rc));
                }
              })
          .forPath(path);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      miss(name);
    } catch (Exception e) {
      miss(name); // the client is closing, or Curator is remaking its handle
      LOG.log(Level.DEBUG, "samgr zookeeper: could not send a read", e);
    }
  }
}
