package org.opennexus.samgr.zookeeper;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;

/**
 * Sessions: this client's own (whose client node vouches for the services it owns) and the others'
 * (whose client nodes the feed reports). When a record's owner has no client node, a death check
 * runs on the reaper's thread and asks the ensemble whether the node is gone. A dead session only
 * means that nobody vouches for its services: it announces nothing. Each service expires by its own
 * liveness timeout, announced by the {@link ExpiryAnnouncer} of every client, never sooner.
 *
 * <p>When this client's own session is lost while it lives (a stall or a partition longer than the
 * session timeout) and Curator makes a new one, the reaper at once creates the client node of the
 * new session and vouches again for every service a lost session of this client owns (see {@link
 * Heartbeats#vouchedAgain}): no user action is needed.
 */
final class SessionReaper {

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr.zookeeper");
  private static final String ENVIRONMENT = ZkCalls.ENVIRONMENT;

  private final CuratorFramework client;
  private final ZkCalls calls;
  private final Layout layout;
  private final RecordView view;
  private final RecordWriter writer;
  private final ScheduledExecutorService executor;
  private final ZkHooks hooks;

  /** The draft with which this client's current session vouches again for a service. */
  interface Vouch {
    Rec.@Nullable Draft next(Rec current, long owner);
  }

  private final Vouch vouch;

  /** Every session in which this client created its node: their services are this client's. */
  private final Set<Long> ownSessions = ConcurrentHashMap.newKeySet();

  /** Whether a renewal (vouching again in the current session) is queued. */
  private final AtomicBoolean renewing = new AtomicBoolean();

  /**
   * Serializes the making of this client's node, and guards what says when it was made ({@link
   * #sessionZxid}, {@link #seenBeforeSession}): writes of different names run in parallel, and each
   * may be the first of a new session.
   */
  private final ReentrantLock sessionLock = new ReentrantLock();

  /** The session whose client node this client created; 0 before the first write. */
  private volatile long session;

  /** The zxid that created {@link #session}'s client node, if this client knows it. */
  private volatile long sessionZxid;

  /** The newest zxid the view had seen just before that node was created. */
  private volatile long seenBeforeSession;

  /** Sessions whose client node the view's feed has seen. */
  private final Set<Long> liveSessions = ConcurrentHashMap.newKeySet();

  /** Sessions queued for a death check. */
  private final Set<Long> suspects = ConcurrentHashMap.newKeySet();

  /**
   * Sessions a death check found without a client node: their records are not checked again (a
   * reconnection's load applies every record anew, and a million records may share a few dead
   * owners). A session that ended never makes its node again; a node deleted by hand and made again
   * by its live session is seen by the feed ({@link #sessionSeen}), which takes it out.
   */
  private final Set<Long> deadSessions = ConcurrentHashMap.newKeySet();

  /** How many dead sessions are kept at most: past it, they are forgotten and checked anew. */
  static final int DEAD_SESSIONS_KEPT = 1 << 16;

  /** Whether the first load has ended: before that, the view is not complete enough to judge. */
  private volatile boolean initialized;

  SessionReaper(
      CuratorFramework client,
      ZkCalls calls,
      Layout layout,
      RecordView view,
      RecordWriter writer,
      ZkHooks hooks,
      Vouch vouch) {
    this.client = client;
    this.vouch = vouch;
    this.calls = calls;
    this.layout = layout;
    this.view = view;
    this.writer = writer;
    this.hooks = hooks;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "samgr-zookeeper-expiry");
              t.setDaemon(true);
              return t;
            });
  }

  /** The first load has ended: checks the owner of every record in the view. */
  void start() {
    initialized = true;
    suspectAll();
  }

  /** Runs a task on this client's background thread after a delay; dropped once closed. */
  void runAfter(long delayMillis, Runnable task) {
    try {
      var unused = executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // closed meanwhile
    }
  }

  /** Runs a task on this client's background thread; dropped once the client is closed. */
  void runLater(Runnable task) {
    runAfter(0, task);
  }

  /** Checks every record's owner again (after a reconnection: owners may have died meanwhile). */
  void suspectAll() {
    if (initialized) {
      for (Rec rec : view.all()) {
        suspect(rec);
      }
    }
  }

  /** This client's own session, or 0 before its first write. */
  long session() {
    return session;
  }

  /** Whether {@code owner}'s client node is known to exist (or it is this client's session). */
  boolean vouched(long owner) {
    return owner == session || liveSessions.contains(owner);
  }

  /**
   * Makes sure this client's node exists in the current session, and says whether the zxid that
   * created it was not beyond every zxid seen before: then the ensemble's history went back (see
   * {@link NamespaceHistory}).
   */
  boolean sessionWentBack(String op, long deadline) throws SamgrError {
    lockSession(op, deadline);
    try {
      ensureSession(op, deadline);
      long created = sessionZxid;
      return created != 0 && created <= seenBeforeSession;
    } finally {
      sessionLock.unlock();
    }
  }

  /** The feed saw {@code owner}'s client node. */
  void sessionSeen(long owner) {
    liveSessions.add(owner);
    deadSessions.remove(owner);
  }

  /** The sessions whose client nodes the feed has seen; a live view. */
  Set<Long> liveSessions() {
    return liveSessions;
  }

  /**
   * {@code owner}'s client node is gone: its services are checked. If it is this client's own while
   * its session lives (deleted by hand), the node is made again at once (see {@link #renew}).
   */
  void sessionGone(long owner) {
    liveSessions.remove(owner);
    if (initialized && owner != session) {
      checkOwner(owner);
    } else if (owner == session) {
      renew();
    }
  }

  /**
   * Creates this client's node for the current session if needed; returns the session. Safe from
   * any thread: the node is made under the session lock, one caller at a time.
   */
  long ensureSession(String op, long deadline) throws SamgrError {
    long current = currentSession();
    if (current != 0 && current == session && liveSessions.contains(current)) {
      return current; // its node exists, as far as the feed knows: no lock on the common path
    }
    lockSession(op, deadline);
    try {
      return makeSessionNode(op, deadline);
    } finally {
      sessionLock.unlock();
    }
  }

  /** The current ZooKeeper session's id, or 0 while Curator has none. */
  private long currentSession() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return 0; // closing, or being remade: the locked path reports it
    }
  }

  /** Takes the session lock, waiting at most until the deadline. */
  private void lockSession(String op, long deadline) throws SamgrError {
    try {
      if (!sessionLock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        throw new SamgrError.Unavailable(op, ENVIRONMENT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    }
  }

  /** {@link #ensureSession} under the session lock. */
  private long makeSessionNode(String op, long deadline) throws SamgrError {
    try {
      long id = client.getZookeeperClient().getZooKeeper().getSessionId();
      if (id != 0 && id == session && liveSessions.contains(id)) {
        return id; // made by another caller meanwhile
      }
      if (!client.getZookeeperClient().isConnected()) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0
            || !client.blockUntilConnected(
                (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)),
                TimeUnit.MILLISECONDS)) {
          throw new SamgrError.Unavailable(op, ENVIRONMENT);
        }
        id = client.getZookeeperClient().getZooKeeper().getSessionId();
      }
      String path = layout.client(id);
      try {
        sessionZxid = 0; // known only if this call creates it
        seenBeforeSession = view.zxidSeen();
        calls.run(
            op,
            deadline,
            () -> {
              Stat created = new Stat();
              client.create().storingStatIn(created).withMode(CreateMode.EPHEMERAL).forPath(path);
              sessionZxid = created.getCzxid();
              return created;
            });
      } catch (KeeperException e) {
        if (e.code() == KeeperException.Code.NONODE) {
          throw ZkCalls.missingNode(op, layout.clients(), e); // its parent is gone
        } else if (e.code() != KeeperException.Code.NODEEXISTS) {
          throw ZkCalls.refused(op, e);
        }
      }
      liveSessions.add(id);
      ownSessions.add(id);
      long before = session;
      session = id;
      if (before != 0 && before != id) {
        renew(); // a session of this client was lost: its services are vouched for again
      }
      return id;
    } catch (SamgrError e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    } catch (Exception e) {
      calls.checkOpen();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    }
  }

  /** Queues a death check if the record's owner has no client node in the view. */
  void suspect(Rec rec) {
    if (!initialized || calls.closed() || !rec.registered() || rec.expiryAnnounced()) {
      return;
    }
    long owner = rec.owner();
    if (vouched(owner) || deadSessions.contains(owner)) {
      return; // alive, or known to have ended: nothing to learn
    }
    checkOwner(owner);
  }

  private void checkOwner(long owner) {
    if (ownSessions.contains(owner)) {
      renew(); // a lost session of this client's own: vouched for again, not announced
      return;
    }
    if (calls.closed() || !suspects.add(owner)) {
      return;
    }
    scheduleCheck(owner, 0);
  }

  /**
   * Runs a death check of {@code owner} after {@code delayMillis}; a check that fails (the ensemble
   * out of reach, say) runs again later, with back-off, until it succeeds or the registry closes.
   */
  private void scheduleCheck(long owner, long delayMillis) {
    try {
      var unused =
          executor.schedule(
              () -> { // the task handles its own failures
                try {
                  checkDeath(owner);
                  suspects.remove(owner);
                } catch (SamgrError.Denied e) {
                  suspects.remove(owner); // no right to look: nothing to learn
                } catch (SamgrError | RuntimeException e) {
                  LOG.log(
                      Level.DEBUG,
                      "samgr zookeeper: will check again whether session "
                          + Layout.sessionName(owner)
                          + " ended",
                      e);
                  if (!calls.closed()) {
                    scheduleCheck(owner, Math.min(Math.max(2 * delayMillis, 100), 5_000));
                  }
                }
              },
              delayMillis,
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      suspects.remove(owner);
    }
  }

  /**
   * Asks the ensemble whether {@code owner}'s client node exists after all. A session that ended
   * announces nothing: its services expire by their own timeouts ({@link ExpiryAnnouncer}).
   */
  private void checkDeath(long owner) throws SamgrError {
    if (calls.closed() || ownSessions.contains(owner)) {
      return;
    }
    String op = "expiry";
    long deadline = calls.deadline();
    String path = layout.client(owner);
    hooks.checkingSession(owner);
    try {
      Stat node = calls.run(op, deadline, () -> client.checkExists().forPath(path));
      if (node != null && node.getEphemeralOwner() == owner) {
        liveSessions.add(owner); // alive: the feed had not shown its node yet
      } else { // (a node made by hand is no proof)
        if (deadSessions.size() >= DEAD_SESSIONS_KEPT) {
          deadSessions.clear(); // bounded: the forgotten ones are checked once more if seen
        }
        deadSessions.add(owner);
      }
    } catch (KeeperException e) {
      throw ZkCalls.refused(op, e);
    }
  }

  /**
   * This client's session may have been replaced by a new one (Curator reconnected): if this client
   * ever created its node, queues a renewal on the reaper's thread, which creates the node of the
   * current session and vouches for the services of the lost ones; one that fails is tried again,
   * with back-off, until it succeeds or the registry closes.
   */
  void renew() {
    if (session != 0 && !calls.closed() && renewing.compareAndSet(false, true)) {
      scheduleRenewal(0);
    }
  }

  private void scheduleRenewal(long delayMillis) {
    try {
      var unused =
          executor.schedule(
              () -> { // the task handles its own failures
                renewing.set(false); // a renewal asked for from now on runs again
                try {
                  vouchAgain();
                } catch (SamgrError.Denied e) {
                  LOG.log(Level.DEBUG, "samgr zookeeper: may not vouch for its services again", e);
                } catch (SamgrError | RuntimeException e) {
                  LOG.log(
                      Level.DEBUG,
                      "samgr zookeeper: will retry vouching for its services again",
                      e);
                  if (!calls.closed() && renewing.compareAndSet(false, true)) {
                    scheduleRenewal(Math.min(Math.max(2 * delayMillis, 100), 5_000));
                  }
                }
              },
              delayMillis,
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      renewing.set(false);
    }
  }

  /**
   * Creates this client's node in the current session and rewrites every service of a lost session
   * of this client to it (see {@link Heartbeats#vouchedAgain}).
   */
  private void vouchAgain() throws SamgrError {
    if (calls.closed()) {
      return;
    }
    String op = "recover";
    long deadline = calls.deadline();
    long id = ensureSession(op, deadline); // under its own lock, not a write lock
    List<String> names = new ArrayList<>();
    for (Rec rec : view.all()) {
      if (lostOwn(rec, id)) {
        names.add(rec.name());
      }
    }
    names.sort(Comparator.naturalOrder());
    for (String name : names) {
      writer.locked(
          op, name, deadline, cur -> cur != null && lostOwn(cur, id) ? vouch.next(cur, id) : null);
    }
  }

  /** Whether {@code rec} is a service owned by a lost session of this client's. */
  private boolean lostOwn(@Nullable Rec rec, long current) {
    return rec != null
        && rec.registered()
        && rec.owner() != current
        && ownSessions.contains(rec.owner());
  }

  /** Stops the death checks. */
  void close() {
    executor.shutdownNow();
  }
}
