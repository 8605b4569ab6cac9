package org.opennexus.samgr.zookeeper;

import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * How the view learns of changes: one persistent recursive watch on the namespace, whose
 * announcements of changed records are read in the background and applied, and a load of the whole
 * namespace whenever the watch is set (at open, and after every reconnection).
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
   * Per name, the zxid of the change a feed read was sent for and has not been answered: a first
   * register (a create and a write in one transaction) announces two changes with one zxid.
   */
  private final Map<String, Long> pending = new ConcurrentHashMap<>();

  /** Told when the epoch node changes (see {@link NamespaceHistory}); set once. */
  private Runnable epochChanged = () -> {};

  /** Counted down when the feed's first load of the namespace has ended. */
  private final CountDownLatch loaded = new CountDownLatch(1);

  /**
   * Why the first load failed, if it did; read by {@link #awaitFirstLoad} after {@link #loaded}.
   */
  private volatile KeeperException.@Nullable Code loadFailure;

  NamespaceFeed(
      CuratorFramework client, ZkCalls calls, Layout layout, RecordView view, ZkHooks hooks) {
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
                  load();
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
    if (path == null || calls.closed()) {
      return; // a connection state, not a change; a reconnection reloads (see load)
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
    if (layout.isUnderRecords(path)) {
      String name = layout.nameOf(path);
      if (name == null) {
        return; // not a node of this backend
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
        read(name, path, null);
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
    read(name, layout.record(name), null);
  }

  /**
   * Reads the whole namespace in the background once the watch is set (see {@link #watch}), as
   * Curator's {@code CuratorCache} does. Runs on ZooKeeper's event thread; the first load's end (or
   * failure) is what {@link #awaitFirstLoad} waits for.
   */
  private void load() {
    if (calls.closed()) {
      return;
    }
    Load load = new Load();
    background(
        load,
        true,
        cb -> client.getChildren().inBackground(cb).forPath(layout.records()),
        event -> {
          if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
            return false;
          }
          Set<String> listed = new HashSet<>();
          for (String node : event.getChildren()) {
            String name = Layout.recordName(node);
            if (name != null) {
              listed.add(name);
              read(name, layout.records() + "/" + node, load);
            }
          }
          for (String name : view.names()) {
            if (!listed.contains(name)) {
              read(name, layout.record(name), load); // deleted by hand, or new
            }
          }
          return true;
        });
    background(
        load,
        true,
        cb -> client.getChildren().inBackground(cb).forPath(layout.clients()),
        event -> {
          if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
            return false;
          }
          Set<Long> listed = new HashSet<>();
          for (String node : event.getChildren()) {
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
          return true;
        });
    load.end(); // the load's own count: it ends when its listings and reads have
  }

  private SessionReaper reaper() {
    SessionReaper r = reaper;
    if (r == null) {
      throw new IllegalStateException("the feed runs before it is connected");
    }
    return r;
  }

  /** Reads one record node in the background and applies it to the view. */
  private void read(String name, String path, @Nullable Load load) {
    if (load == null) {
      hooks.feedRead();
    }
    background(
        load,
        false,
        cb -> client.getData().inBackground(cb).forPath(path),
        event -> {
          if (load == null) {
            pending.remove(name);
          }
          int rc = event.getResultCode();
          if (rc == KeeperException.Code.OK.intValue()) {
            Stat stat = event.getStat();
            try {
              Rec parsed = RecCodec.parse(name, stat, event.getData());
              view.checkOrder(name, parsed);
              view.apply(name, parsed);
            } catch (RecCodec.Unreadable e) {
              view.applyUnreadable(
                  new UnreadableRecord(name, path, stat.getVersion(), stat.getMzxid(), e.why()));
            }
            return true;
          }
          if (rc == KeeperException.Code.NONODE.intValue()) {
            view.applyAbsent(name);
            return true;
          }
          return false;
        });
  }

  /** One background request: sends it with the callback that takes its answer. */
  private interface Request {
    void send(BackgroundCallback callback) throws Exception;
  }

  /** Takes a background answer; {@code false} if it is a failure. */
  private interface Answer {
    boolean take(CuratorEvent event);
  }

  /**
   * Sends a background request whose answer is taken on ZooKeeper's event thread. A failed one is
   * logged (Curator has retried it; the reconnection that follows a lost connection reloads), and
   * counted against {@code load} if it belongs to one.
   */
  private void background(@Nullable Load load, boolean listing, Request request, Answer answer) {
    if (load != null) {
      load.begin();
    }
    BackgroundCallback callback =
        (c, event) -> {
          try {
            if (!calls.closed() && !answer.take(event)) {
              KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
              if (load != null && listing) {
                load.listingFailed(code);
              } else if (load != null) {
                load.readFailed(code);
              }
              LOG.log(
                  Level.DEBUG, "samgr zookeeper: could not read " + event.getPath() + ": " + code);
            }
          } finally {
            if (load != null) {
              load.end();
            }
          }
        };
    try {
      request.send(callback);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sendFailed(load, e);
    } catch (Exception e) {
      sendFailed(load, e); // the client is closing, or Curator is remaking its handle
    }
  }

  private static void sendFailed(@Nullable Load load, Exception e) {
    LOG.log(Level.DEBUG, "samgr zookeeper: could not send a read", e);
    if (load != null) {
      load.readFailed(KeeperException.Code.CONNECTIONLOSS); // the next connection loads again
      load.end();
    }
  }

  /**
   * One load of the namespace: counts its outstanding requests. The first load that ends complete
   * lets {@code open()} go on; one that failed for a reason other than a lost connection fails it;
   * one cut short by a lost connection does neither (the reconnection loads again).
   */
  private final class Load {
    private final AtomicInteger pending = new AtomicInteger(1);
    private volatile boolean cutShort;

    void begin() {
      pending.incrementAndGet();
    }

    /** A listing failed: this load cannot be complete. */
    void listingFailed(KeeperException.Code code) {
      if (lostConnection(code)) {
        cutShort = true;
      } else {
        failFirstLoad(code);
      }
    }

    /** A record's read failed: a lost connection cuts the load short; others skip the record. */
    void readFailed(KeeperException.Code code) {
      if (lostConnection(code)) {
        cutShort = true;
      }
    }

    void end() {
      if (pending.decrementAndGet() == 0 && !cutShort) {
        loaded.countDown();
      }
    }
  }
}
