package org.opennexus.samgr.zookeeper;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.Arguments;
import org.opennexus.samgr.spi.DeliveredSubscription;
import org.opennexus.samgr.spi.Delivery;
import org.opennexus.samgr.spi.SamgrConfig;

/** A client of a registry kept in ZooKeeper; see the package documentation for its design. */
final class ZkServiceManager implements ServiceManager {

  static final String ENVIRONMENT = "zookeeper";

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr.zookeeper");
  private static final Comparator<ServiceHandle> BY_NAME =
      Comparator.comparing(ServiceHandle::name);
  private static final SecureRandom IDS = new SecureRandom();

  /** A heartbeat this client took, newer than what it wrote to ZooKeeper. */
  private static final class LocalBeat {
    final long gen;
    final AtomicLong beat;

    LocalBeat(long gen, long beat) {
      this.gen = gen;
      this.beat = new AtomicLong(beat);
    }
  }

  /** One ZooKeeper call, run under a deadline by {@link #zk}. */
  private interface ZkCall<T> {
    T call() throws Exception;
  }

  private final ZkSettings settings;
  private final String connect;
  private final InstantSource clock;
  private final long timeoutMillis;
  private final long flushMillis;
  private final long operationNanos;
  private final CuratorFramework client;
  /** The persistent recursive watch on the namespace that feeds the view (see {@link #watch}). */
  private final Watcher feed = this::changed;

  private final ConnectionStateListener rewatch = this::connectionChanged;
  private final String recordsPrefix;
  private final String clientsPrefix;
  private final Delivery delivery;
  private final ScheduledExecutorService reaper;

  /** This client's writer id, in every version it writes (never 0). */
  private final long writerId;

  /** Serializes this client's writes, so that its own changes apply to the view in zxid order. */
  private final ReentrantLock writeLock = new ReentrantLock();

  private long seq; // guarded by writeLock

  /** The session whose client node this client created; 0 before the first write. */
  private volatile long session;

  /** The local view: per name, the newest version this client has seen. */
  private final ConcurrentHashMap<String, Rec> view = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<String, LocalBeat> beats = new ConcurrentHashMap<>();

  /** Sessions whose client node the view's feed has seen. */
  private final Set<Long> liveSessions = ConcurrentHashMap.newKeySet();

  /** Sessions queued for a death check. */
  private final Set<Long> suspects = ConcurrentHashMap.newKeySet();

  /** Guards changes of the view and the subscriptions, so events are queued in view order. */
  private final ReentrantLock viewLock = new ReentrantLock();

  private final Map<String, List<DeliveredSubscription>> watchersByName =
      new HashMap<>(); // viewLock
  private final List<DeliveredSubscription> watchersOfAll = new ArrayList<>(); // viewLock

  private volatile boolean initialized;

  /** Counted down when the feed's first load of the namespace has ended. */
  private final CountDownLatch loaded = new CountDownLatch(1);

  /** Why the first load failed, if it did; read by {@link #start} after {@link #loaded}. */
  private volatile KeeperException.@Nullable Code loadFailure;

  /** The name of the record this client is writing, while it writes; guarded by itself. */
  private final Object writing = new Object();

  private @Nullable String inFlight; // guarded by writing

  /** The newest zxid of a change of {@code inFlight} announced while it was written. */
  private long announcedMeanwhile; // guarded by writing

  /** For tests: how many records the feed has read for single changes (not for loads). */
  final AtomicLong feedReads = new AtomicLong();
  private volatile boolean closed;

  /**
   * Test hook: if set, the next write's first try commits, then this runs (another client may
   * write meanwhile), then the write is sent again, as Curator does when the first answer was lost
   * with the connection. Cleared when used.
   */
  volatile @Nullable Runnable loseNextAnswer;

  /**
   * Test hook: while set, the watch's announcements are dropped, as if this client were
   * disconnected; the reload after the next reconnection must bring what was missed.
   */
  volatile boolean deaf;

  /** For tests: how many announcements were dropped while {@link #deaf}. */
  final AtomicInteger dropped = new AtomicInteger();

  private ZkServiceManager(SamgrConfig config, ZkSettings settings, String connect) {
    this.settings = settings;
    this.connect = connect;
    this.clock = config.clock();
    this.timeoutMillis = config.livenessTimeoutMillis();
    this.flushMillis = Math.max(1, timeoutMillis / 4);
    this.operationNanos = settings.operationTimeout().toNanos();
    this.recordsPrefix = settings.root() + "/records/";
    this.clientsPrefix = settings.root() + "/clients/";
    long id;
    do {
      id = IDS.nextLong();
    } while (id == 0);
    this.writerId = id;
    // Events reach this client on Curator's threads, which must never run user code: hand-off.
    this.delivery = Delivery.handOff(config, ENVIRONMENT);
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "samgr-zookeeper-expiry");
              t.setDaemon(true);
              return t;
            });
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs((int) settings.sessionTimeout().toMillis())
            .connectionTimeoutMs((int) Math.min(settings.operationTimeout().toMillis(), 1000))
            .retryPolicy(new DeadlineRetry(Math.max(settings.sessionTimeout().toMillis(), 1000)))
            .zkClientConfig(clientConfig(settings));
    String auth = settings.auth();
    if (auth != null) {
      builder.authorization("digest", auth.getBytes(StandardCharsets.UTF_8)).aclProvider(acls());
    }
    this.client = builder.build();
  }

  /** Opens a client of the registry the settings name; see {@link ZooKeeperBackend#open}. */
  static ZkServiceManager open(SamgrConfig config) {
    ZkSettings settings = ZkSettings.from(config);
    String connect = settings.embedded() ? EmbeddedServer.acquire() : settings.connect();
    ZkServiceManager manager = null;
    try {
      manager = new ZkServiceManager(config, settings, connect);
      manager.start();
      return manager;
    } catch (RuntimeException | Error e) {
      if (manager != null) {
        manager.close();
      } else if (settings.embedded()) {
        EmbeddedServer.release();
      }
      throw e;
    }
  }

  /**
   * ZooKeeper client settings: a request waits at most the operation timeout for its answer (then
   * it fails with a request timeout, which becomes {@code Unavailable}), so that no single call
   * blocks for the client's read timeout (two thirds of the session timeout).
   */
  private static ZKClientConfig clientConfig(ZkSettings settings) {
    ZKClientConfig config = new ZKClientConfig();
    config.setProperty(
        ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT,
        Long.toString(settings.operationTimeout().toMillis()));
    return config;
  }

  private ACLProvider acls() {
    List<ACL> acl = new ArrayList<>(ZooDefs.Ids.CREATOR_ALL_ACL);
    if (!settings.readAuth()) {
      acl.addAll(ZooDefs.Ids.READ_ACL_UNSAFE);
    }
    // Not List.copyOf: ZooKeeper asks the list whether it contains null, which List.copyOf refuses.
    List<ACL> fixed = java.util.Collections.unmodifiableList(acl);
    return new ACLProvider() {
      @Override
      public List<ACL> getDefaultAcl() {
        return fixed;
      }

      @Override
      public List<ACL> getAclForPath(String path) {
        return fixed;
      }
    };
  }

  private void start() {
    client.start();
    String where =
        "the ZooKeeper ensemble '" + connect + "' (" + ZkSettings.CONNECT + "='"
            + settings.connect() + "')";
    try {
      if (!client.blockUntilConnected((int) settings.operationTimeout().toMillis(),
          TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "the 'zookeeper' samgr backend could not reach " + where + " within "
                + settings.operationTimeout() + " (" + ZkSettings.OPERATION_TIMEOUT + ")",
            new SamgrError.Unavailable("open", ENVIRONMENT)); // the cause says: a down server
      }
      long deadline = deadline();
      for (String path : List.of(recordsPrefix, clientsPrefix)) {
        String node = path.substring(0, path.length() - 1);
        zk("open", deadline, () -> {
          if (client.checkExists().forPath(node) != null) {
            return Boolean.TRUE; // checked first: creating needs rights that readers lack
          }
          try {
            client.create().creatingParentsIfNeeded().forPath(node);
          } catch (KeeperException.NodeExistsException exists) {
            // made by another client meanwhile
          }
          return Boolean.TRUE;
        });
      }
      zk("open", deadline, () -> client.getChildren().forPath(settings.root() + "/records"));
      client.getConnectionStateListenable().addListener((c, state) -> {
        if (state == ConnectionState.RECONNECTED && initialized) {
          view.values().forEach(this::suspect); // owners may have died while we were away
        }
      });
      client.getConnectionStateListenable().addListener(rewatch);
      watch();
      if (!loaded.await(operationNanos, TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(
            "the 'zookeeper' samgr backend could not read namespace '" + settings.root()
                + "' of " + where + " within " + settings.operationTimeout());
      }
      KeeperException.Code failure = loadFailure;
      if (failure == KeeperException.Code.NOAUTH || failure == KeeperException.Code.AUTHFAILED) {
        throw new SamgrError.Denied("open", ENVIRONMENT, KeeperException.create(failure));
      } else if (failure != null) {
        throw new IllegalStateException(
            "the 'zookeeper' samgr backend could not read namespace '" + settings.root()
                + "' of " + where + ": " + KeeperException.create(failure).getMessage());
      }
      initialized = true;
      for (Rec rec : view.values()) {
        suspect(rec);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to " + where, e);
    } catch (KeeperException e) {
      throw new IllegalStateException(
          "the 'zookeeper' samgr backend could not set up namespace '" + settings.root()
              + "' of " + where + ": " + e.getMessage(), e);
    } catch (SamgrError.Denied e) {
      throw new IllegalStateException(
          "the 'zookeeper' samgr backend may not read or set up namespace '" + settings.root()
              + "' of " + where + " with these credentials (" + ZkSettings.AUTH + ")", e);
    } catch (SamgrError e) {
      throw new IllegalStateException(
          "the 'zookeeper' samgr backend could not set up namespace '" + settings.root()
              + "' of " + where + " within " + settings.operationTimeout(), e);
    }
  }

  // ---- the ServiceManager operations ----

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    new ServiceHandle(name, endpoint, new Generation(1)); // checks both, in order
    checkOpen();
    String op = "register";
    long deadline = deadline();
    lockWrites(op, deadline);
    try {
      long owner = ensureSession(op, deadline);
      while (true) {
        Rec cur = view.get(name);
        if (cur != null && cur.registered()) {
          cur = fetch(op, name, deadline); // the view may be behind: confirm with the ensemble
          if (cur != null && cur.registered()) {
            throw new SamgrError.Duplicate(name);
          }
        }
        long now = clock.millis();
        long s = ++seq;
        Rec.Draft draft =
            cur == null
                ? new Rec.Draft(true, 0, 0, owner, now, Rec.NEVER, writerId, s, 0, 0, 0,
                    endpoint.address())
                : cur.next(true, 0, 0, owner, now, Rec.NEVER, writerId, s, endpoint.address());
        ServiceHandle done = attempt(op, name, cur, draft, deadline);
        if (done != null) {
          return done;
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public ServiceHandle resolve(String name) throws SamgrError {
    Rec rec = view.get(Arguments.requireNonNull(name, "name"));
    if (rec != null && rec.registered()) {
      checkOpen();
      return rec.handle();
    }
    throw missing(name);
  }

  @Override
  public Optional<ServiceHandle> find(String name) {
    Rec rec = view.get(Arguments.requireNonNull(name, "name"));
    if (rec != null && rec.registered()) {
      checkOpen();
      return Optional.of(rec.handle());
    }
    Arguments.requireName(name);
    checkOpen();
    return Optional.empty();
  }

  @Override
  public void heartbeat(ServiceHandle handle) throws SamgrError {
    Arguments.requireNonNull(handle, "handle");
    checkOpen();
    String name = handle.name();
    long gen = handle.generation().value();
    Rec cur = view.get(name);
    if (cur == null || !cur.registered() || cur.gen() != gen) {
      cur = confirmCurrent("heartbeat", handle, deadline());
    }
    long now = clock.millis();
    LocalBeat local = beats.get(name); // looked up once: the steady state's only other lookup
    if (local != null && local.gen != gen) {
      local = null; // an earlier generation's
    }
    long known = local != null ? Math.max(cur.beat(), local.beat.get()) : cur.beat();
    if (!needsWrite(cur, now, known)) {
      if (local == null) {
        beats.put(name, new LocalBeat(gen, now));
      } else {
        local.beat.accumulateAndGet(now, Math::max);
      }
      Rec after = view.get(name);
      if (after != null && after.mzxid() == cur.mzxid()) {
        return;
      }
      // The record changed since it was read (an expiry mark, say): decide again under the write
      // lock, with a reading of the clock taken after that change.
    }
    String op = "heartbeat";
    long deadline = deadline();
    lockWrites(op, deadline);
    try {
      long owner = ensureSession(op, deadline);
      while (true) {
        cur = view.get(name);
        if (cur == null || !cur.registered() || cur.gen() != gen) {
          cur = confirmCurrent(op, handle, deadline);
        }
        now = clock.millis(); // read after the record: a revival never predates what it ends
        long last = lastBeat(cur);
        long beat = Math.max(now, last);
        long expiredBeat = cur.expiredBeat();
        if (now - last > timeoutMillis && expiredBeat < last) {
          expiredBeat = last; // it expired unnoticed: announce that, then revive
        }
        if (expiredBeat >= beat) {
          beat = expiredBeat + 1; // a revival must be newer than the expiry it ends
        }
        long s = ++seq;
        Rec.Draft draft =
            cur.next(true, cur.gen(), cur.registeredGen(), owner, beat, expiredBeat, writerId, s,
                cur.endpoint());
        if (attempt(op, name, cur, draft, deadline) != null) {
          return; // the local beat stays: a concurrent newer one must not be lost
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Whether a heartbeat at {@code now} must reach ZooKeeper rather than stay local; {@code last}
   * is {@link #lastBeat} of {@code cur}.
   */
  private boolean needsWrite(Rec cur, long now, long last) {
    if (now - last > timeoutMillis || cur.expiredBeat() >= cur.beat()) {
      return true; // expired (maybe unnoticed) or announced expired: others must see the revival
    }
    if (now - cur.beat() >= flushMillis) {
      return true;
    }
    long owner = cur.owner();
    return owner != session && !liveSessions.contains(owner);
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    new ServiceHandle(name, endpoint, new Generation(1)); // checks both, in order
    checkOpen();
    return restart("restart", name, endpoint, null);
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError {
    Arguments.requireNonNull(current, "current");
    Arguments.requireNonNull(endpoint, "endpoint");
    checkOpen();
    return restart("restart", current.name(), endpoint, current);
  }

  private ServiceHandle restart(
      String op, String name, Endpoint endpoint, @Nullable ServiceHandle expected)
      throws SamgrError {
    long deadline = deadline();
    lockWrites(op, deadline);
    try {
      long owner = ensureSession(op, deadline);
      while (true) {
        Rec cur = view.get(name);
        if (expected != null) {
          if (cur == null || !cur.registered() || cur.gen() != expected.generation().value()) {
            cur = confirmCurrent(op, expected, deadline);
          }
        } else if (cur == null || !cur.registered()) {
          cur = fetch(op, name, deadline);
          if (cur == null || !cur.registered()) {
            throw new SamgrError.NotFound(name);
          }
        }
        long s = ++seq;
        Rec.Draft draft =
            cur.next(true, 0, cur.registeredGen(), owner, clock.millis(), Rec.NEVER, writerId, s,
                endpoint.address());
        ServiceHandle done = attempt(op, name, cur, draft, deadline);
        if (done != null) {
          return done;
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    Arguments.requireNonNull(handle, "handle");
    checkOpen();
    String op = "unregister";
    String name = handle.name();
    long deadline = deadline();
    lockWrites(op, deadline);
    try {
      while (true) {
        Rec cur = view.get(name);
        if (cur == null || !cur.registered() || cur.gen() != handle.generation().value()) {
          cur = confirmCurrent(op, handle, deadline);
        }
        long s = ++seq;
        Rec.Draft draft =
            cur.next(false, cur.gen(), cur.registeredGen(), cur.owner(), cur.beat(),
                cur.expiredBeat(), writerId, s, cur.endpoint());
        if (attempt(op, name, cur, draft, deadline) != null) {
          beats.remove(name);
          return;
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public List<ServiceHandle> services() {
    List<ServiceHandle> snapshot = new ArrayList<>();
    viewLock.lock();
    try {
      checkOpen();
      for (Rec rec : view.values()) {
        if (rec.registered()) {
          snapshot.add(rec.handle());
        }
      }
    } finally {
      viewLock.unlock();
    }
    snapshot.sort(BY_NAME);
    return List.copyOf(snapshot);
  }

  @Override
  public Liveness liveness(String name) throws SamgrError {
    Rec cur = view.get(Arguments.requireNonNull(name, "name"));
    if (cur == null || !cur.registered()) {
      throw missing(name);
    }
    checkOpen();
    long now = clock.millis();
    if (expiredUnannounced(cur, now)) {
      try {
        markExpired("liveness", name, now);
      } catch (SamgrError.Unavailable | SamgrError.Denied e) {
        // best effort: the answer stands; another client (or a later call) announces it
      }
      Rec after = view.get(name);
      if (after != null && after.registered()) {
        cur = after;
      }
    }
    long last = lastBeat(cur);
    boolean alive = now - last <= timeoutMillis && cur.expiredBeat() < last;
    return new Liveness(cur.handle(), Instant.ofEpochMilli(last), alive);
  }

  @Override
  public List<ServiceHandle> sweepExpired() throws SamgrError {
    checkOpen();
    long now = clock.millis();
    List<Rec> candidates = new ArrayList<>();
    for (Rec rec : view.values()) {
      if (rec.registered() && expiredUnannounced(rec, now)) {
        candidates.add(rec);
      }
    }
    candidates.sort(Comparator.comparing(r -> r.handle().name()));
    List<ServiceHandle> expired = new ArrayList<>();
    for (Rec rec : candidates) {
      ServiceHandle marked;
      try {
        marked = markExpired("sweepExpired", rec.handle().name(), now);
      } catch (SamgrError.Unavailable | SamgrError.Denied e) {
        break; // the ensemble is out of reach or refuses: report the marks that landed
      }
      if (marked != null) {
        expired.add(marked);
      }
    }
    return List.copyOf(expired);
  }

  private boolean expiredUnannounced(Rec rec, long now) {
    long last = lastBeat(rec);
    return now - last > timeoutMillis && rec.expiredBeat() < last;
  }

  /**
   * Writes the expiry mark if the service is, as of {@code now}, expired and not yet announced;
   * returns the handle it marked, or {@code null} if another change came first.
   */
  private @Nullable ServiceHandle markExpired(String op, String name, long now)
      throws SamgrError {
    long deadline = deadline();
    lockWrites(op, deadline);
    try {
      while (true) {
        Rec cur = view.get(name);
        if (cur == null || !cur.registered()) {
          return null;
        }
        long last = lastBeat(cur); // read once: the check and the mark must agree
        if (!(now - last > timeoutMillis && cur.expiredBeat() < last)) {
          return null;
        }
        long s = ++seq;
        Rec.Draft draft =
            cur.next(true, cur.gen(), cur.registeredGen(), cur.owner(), last, last, writerId, s,
                cur.endpoint());
        if (attempt(op, name, cur, draft, deadline) != null) {
          return cur.handle();
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public Subscription watch(String name, Consumer<ServiceEvent> listener) {
    Arguments.requireName(name);
    Arguments.requireNonNull(listener, "listener");
    return subscribe(name, listener);
  }

  @Override
  public Subscription watchAll(Consumer<ServiceEvent> listener) {
    Arguments.requireNonNull(listener, "listener");
    return subscribe(null, listener);
  }

  @Override
  public ServiceHandle await(String name, Duration timeout)
      throws SamgrError, InterruptedException {
    Delivery.requireAwaitArguments(name, timeout);
    Rec rec = view.get(name);
    if (rec != null && rec.registered()) {
      checkOpen();
      return rec.handle();
    }
    return delivery.await(this, name, timeout);
  }

  @Override
  public String environment() {
    return ENVIRONMENT;
  }

  @Override
  public void close() {
    viewLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      watchersByName.clear();
      watchersOfAll.clear();
      view.clear();
      beats.clear();
    } finally {
      viewLock.unlock();
    }
    // Outside the lock: it wakes every await and may wait for listener calls in flight; an
    // interrupt ends that wait and stays set, but is held back while the session is closed, so
    // that the close request still reaches the ensemble.
    delivery.closeAll();
    boolean interrupted = Thread.interrupted();
    reaper.shutdownNow();
    try {
      try {
        client.getConnectionStateListenable().removeListener(rewatch);
      } finally {
        client.close(); // ends the session: its client node goes, others announce its services
      }
    } finally {
      if (settings.embedded()) {
        EmbeddedServer.release();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Says which ensemble and namespace this client uses, how many services it sees and how many
   * subscriptions are open, or that it is closed.
   */
  @Override
  public String toString() {
    viewLock.lock();
    try {
      if (closed) {
        return "samgr zookeeper registry (closed)";
      }
      int subscriptions = watchersOfAll.size();
      for (List<DeliveredSubscription> subs : watchersByName.values()) {
        subscriptions += subs.size();
      }
      long services = view.values().stream().filter(Rec::registered).count();
      return "samgr zookeeper registry " + settings.root() + " at " + connect + " (services: "
          + services + ", subscriptions: " + subscriptions + ")";
    } finally {
      viewLock.unlock();
    }
  }

  // ---- writes ----

  /**
   * Writes {@code draft} over {@code base} (or creates the record if {@code base} is null) and
   * applies the stored version to the view. Returns the handle of the written version, or {@code
   * null} after a conflict (the view then holds the fresh version; the caller decides again).
   *
   * <p>A conflict may be this very write: Curator retries after a lost connection, and a first try
   * that committed makes the retry fail. The written (writer, seq) in the latest version, or in
   * the one it replaced, recognises it; if that cannot be told, the outcome is unknown.
   */
  private @Nullable ServiceHandle attempt(
      String op, String name, @Nullable Rec base, Rec.Draft draft, long deadline)
      throws SamgrError {
    String path = recordsPrefix + Names.encode(name);
    byte[] bytes = draft.encode();
    ZkCall<Stat> write =
        () -> {
          if (base == null) {
            Stat created = new Stat();
            client.create().storingStatIn(created).forPath(path, bytes);
            return created;
          }
          return client.setData().withVersion(base.version()).forPath(path, bytes);
        };
    boolean lost = false;
    synchronized (writing) {
      inFlight = name;
    }
    try {
      Stat stat = zk(op, deadline, write);
      Runnable lose = loseNextAnswer;
      if (lose != null) {
        loseNextAnswer = null;
        lost = true;
        lose.run();
        stat = zk(op, deadline, write); // the retry meets the first try's committed write
      }
      Rec stored = draft.stored(name, stat);
      apply(name, stored);
      return stored.handle();
    } catch (KeeperException conflict) {
      boolean retried = lost || DeadlineRetry.retried();
      Rec fresh = fetch(op, name, deadline);
      if (fresh != null && fresh.wrote(writerId, draft.seq())) {
        return fresh.handle();
      }
      if (fresh != null && fresh.replaced(writerId, draft.seq())) {
        return new ServiceHandle(
            name, Endpoint.of(draft.endpoint()), new Generation(fresh.prevGen()));
      }
      if (retried) {
        throw new SamgrError.Unavailable(op, ENVIRONMENT, conflict);
      }
      checkDeadline(op, deadline);
      return null;
    } finally {
      long announced;
      synchronized (writing) {
        inFlight = null;
        announced = announcedMeanwhile;
        announcedMeanwhile = 0;
      }
      if (announced != 0 && !known(name, announced)) {
        read(name, path, null); // announced while written, and not this write: another's
      }
    }
  }

  /**
   * Returns the current version of the handle's record, read from the ensemble, if the handle is
   * current; throws what the caller must report otherwise.
   */
  private Rec confirmCurrent(String op, ServiceHandle handle, long deadline) throws SamgrError {
    Rec fresh = fetch(op, handle.name(), deadline);
    if (fresh == null || !fresh.registered()) {
      throw new SamgrError.NotFound(handle.name());
    }
    if (fresh.gen() != handle.generation().value()) {
      throw new SamgrError.StaleHandle(handle, fresh.handle().generation());
    }
    return fresh;
  }

  /** Reads a record from the ensemble and applies it to the view; {@code null} if absent. */
  private @Nullable Rec fetch(String op, String name, long deadline) throws SamgrError {
    String path = recordsPrefix + Names.encode(name);
    try {
      Stat stat = new Stat();
      byte[] data = zk(op, deadline, () -> client.getData().storingStatIn(stat).forPath(path));
      Rec fresh = Rec.parse(name, stat, data);
      if (fresh != null) {
        apply(name, fresh);
      }
      return fresh;
    } catch (KeeperException e) {
      if (e.code() == KeeperException.Code.NONODE) {
        applyAbsent(name);
        return null;
      }
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    }
  }

  /** Creates this client's node for the current session if needed; returns the session. */
  private long ensureSession(String op, long deadline) throws SamgrError {
    try {
      long id = client.getZookeeperClient().getZooKeeper().getSessionId();
      if (id != 0 && id == session) {
        return id;
      }
      if (!client.getZookeeperClient().isConnected()) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0 || !client.blockUntilConnected(
            (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)), TimeUnit.MILLISECONDS)) {
          throw new SamgrError.Unavailable(op, ENVIRONMENT);
        }
        id = client.getZookeeperClient().getZooKeeper().getSessionId();
      }
      String path = clientsPrefix + sessionName(id);
      try {
        zk(op, deadline, () -> client.create().withMode(CreateMode.EPHEMERAL).forPath(path));
      } catch (KeeperException e) {
        if (e.code() != KeeperException.Code.NODEEXISTS) {
          throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
        }
      }
      liveSessions.add(id);
      session = id;
      return id;
    } catch (SamgrError e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    } catch (Exception e) {
      checkOpen();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    }
  }

  /**
   * Runs one Curator call under the operation's deadline. Conflicts (node exists, bad version, no
   * node) are thrown as they are for the caller to resolve; the rest become {@code Denied} or
   * {@code Unavailable}.
   */
  private <T> T zk(String op, long deadline, ZkCall<T> call) throws SamgrError, KeeperException {
    DeadlineRetry.begin(deadline);
    try {
      return call.call();
    } catch (KeeperException e) {
      switch (e.code()) {
        case NODEEXISTS, BADVERSION, NONODE -> throw e;
        case NOAUTH, AUTHFAILED -> throw new SamgrError.Denied(op, ENVIRONMENT, e);
        default -> {
          checkOpen();
          throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    } catch (RuntimeException e) {
      checkOpen(); // the client was closed under the call
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    } catch (Exception e) {
      checkOpen();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    } finally {
      DeadlineRetry.end();
    }
  }

  private void lockWrites(String op, long deadline) throws SamgrError {
    try {
      if (!writeLock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        throw new SamgrError.Unavailable(op, ENVIRONMENT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    }
    if (closed) {
      writeLock.unlock();
      throw closedError();
    }
  }

  private void checkDeadline(String op, long deadline) throws SamgrError {
    if (deadline - System.nanoTime() <= 0) {
      throw new SamgrError.Unavailable(op, ENVIRONMENT);
    }
  }

  private long deadline() {
    return System.nanoTime() + operationNanos;
  }

  /** The newest heartbeat this client knows of for the record's generation. */
  private long lastBeat(Rec rec) {
    LocalBeat local = beats.get(rec.handle().name());
    return local != null && local.gen == rec.gen() ? Math.max(rec.beat(), local.beat.get())
        : rec.beat();
  }

  // ---- the view and its events ----

  /** Applies a version to the view if it is newer than what the view holds, with its events. */
  private void apply(String name, Rec rec) {
    Delivery.@Nullable Batch batch = null;
    viewLock.lock();
    try {
      if (closed) {
        return;
      }
      Rec old = view.get(name);
      if (old != null && rec.mzxid() <= old.mzxid()) {
        return; // already seen, or older (zxids order versions, also of a node made anew)
      }
      view.put(name, rec);
      List<ServiceEvent> events = new ArrayList<>(2);
      transitions(old, rec, events);
      batch = publish(name, events);
    } finally {
      viewLock.unlock();
    }
    dispatch(batch);
    suspect(rec);
  }

  /** The record node is gone (only if someone deleted it by hand): the name is unregistered. */
  private void applyAbsent(String name) {
    Delivery.@Nullable Batch batch = null;
    viewLock.lock();
    try {
      Rec old = view.remove(name);
      if (old != null && old.registered() && !closed) {
        batch = publish(name, List.of(new ServiceEvent.Unregistered(old.handle())));
      }
    } finally {
      viewLock.unlock();
    }
    dispatch(batch);
  }

  /**
   * The events that take the view of one name from {@code old} to {@code now}. Versions this
   * client missed are coalesced: never out of order, and ending in the state of {@code now}.
   */
  static void transitions(@Nullable Rec old, Rec now, List<ServiceEvent> out) {
    if (old == null || !old.registered()) {
      if (now.registered()) {
        out.add(new ServiceEvent.Registered(now.handle()));
        expiredMeanwhile(now, out);
      } else if (old != null && now.registeredGen() != old.registeredGen()) {
        out.add(new ServiceEvent.Registered(now.handle())); // a whole incarnation came and went
        out.add(new ServiceEvent.Unregistered(now.handle()));
      }
      return;
    }
    boolean sameIncarnation = now.registeredGen() == old.registeredGen();
    boolean newExpiry = now.expiredBeat() != old.expiredBeat() && now.expiredBeat() != Rec.NEVER;
    if (!sameIncarnation) {
      out.add(new ServiceEvent.Unregistered(old.handle()));
      out.add(new ServiceEvent.Registered(now.handle()));
      if (now.registered()) {
        expiredMeanwhile(now, out);
      }
    } else if (now.gen() != old.gen()) {
      out.add(new ServiceEvent.Restarted(now.handle()));
      if (now.registered()) {
        expiredMeanwhile(now, out);
      }
    } else if (newExpiry) {
      out.add(new ServiceEvent.Expired(now.handle()));
    }
    if (!now.registered()) {
      out.add(new ServiceEvent.Unregistered(now.handle()));
    }
  }

  /** A generation first seen already marked expired: it expired after it began. */
  private static void expiredMeanwhile(Rec now, List<ServiceEvent> out) {
    if (now.expiredBeat() != Rec.NEVER) {
      out.add(new ServiceEvent.Expired(now.handle()));
    }
  }

  /**
   * Queues events for the subscriptions they concern, in a batch to dispatch after the view lock
   * is released; {@code null} when none is concerned. Call under the view lock.
   */
  private Delivery.@Nullable Batch publish(String name, List<ServiceEvent> events) {
    if (events.isEmpty()) {
      return null;
    }
    List<DeliveredSubscription> named = watchersByName.get(name);
    if (named == null && watchersOfAll.isEmpty()) {
      return null;
    }
    Delivery.Batch batch = delivery.batch();
    for (ServiceEvent event : events) {
      if (named != null) {
        for (DeliveredSubscription sub : named) {
          batch.offer(sub, event);
        }
      }
      for (DeliveredSubscription sub : watchersOfAll) {
        batch.offer(sub, event);
      }
    }
    return batch;
  }

  /** Hands a batch to the delivery after the view lock is released; never runs listeners. */
  private static void dispatch(Delivery.@Nullable Batch batch) {
    if (batch != null) {
      batch.dispatch();
    }
  }

  /**
   * Subscribes to one name, or to all when {@code name} is {@code null}: links the subscription
   * and queues {@code Registered} for what the view holds now (in name order), under the view
   * lock, so that no change falls between the two.
   */
  private Subscription subscribe(@Nullable String name, Consumer<ServiceEvent> listener) {
    DeliveredSubscription sub;
    long upTo = 0;
    viewLock.lock();
    try {
      checkOpen();
      String description =
          name == null
              ? "samgr subscription to all services"
              : "samgr subscription to '" + name + "'";
      sub = delivery.subscribe(description, listener, s -> unsubscribe(name, s));
      List<ServiceHandle> current = new ArrayList<>();
      if (name == null) {
        for (Rec rec : view.values()) {
          if (rec.registered()) {
            current.add(rec.handle());
          }
        }
        current.sort(BY_NAME);
        watchersOfAll.add(sub);
      } else {
        Rec rec = view.get(name);
        if (rec != null && rec.registered()) {
          current.add(rec.handle());
        }
        watchersByName.computeIfAbsent(name, n -> new ArrayList<>(2)).add(sub);
      }
      for (ServiceHandle handle : current) {
        upTo = sub.offer(new ServiceEvent.Registered(handle));
      }
    } finally {
      viewLock.unlock();
    }
    sub.dispatch(upTo);
    return sub;
  }

  /** Unlinks a closed subscription; its {@code onClose}, run once, with no lock of ours held. */
  private void unsubscribe(@Nullable String name, DeliveredSubscription sub) {
    viewLock.lock();
    try {
      if (name == null) {
        watchersOfAll.remove(sub);
      } else {
        List<DeliveredSubscription> subs = watchersByName.get(name);
        if (subs != null) { // null: the registry closed, or it was the name's last one
          subs.remove(sub);
          if (subs.isEmpty()) {
            watchersByName.remove(name);
          }
        }
      }
    } finally {
      viewLock.unlock();
    }
  }

  // ---- liveness of other clients ----

  /** Queues a death check if the record's owner has no client node in the view. */
  private void suspect(Rec rec) {
    if (!initialized || closed || !rec.registered() || rec.expiredBeat() >= rec.beat()) {
      return;
    }
    long owner = rec.owner();
    if (owner == session || liveSessions.contains(owner)) {
      return;
    }
    checkOwner(owner);
  }

  private void checkOwner(long owner) {
    if (closed || !suspects.add(owner)) {
      return;
    }
    scheduleCheck(owner, 0);
  }

  /**
   * Runs a death check of {@code owner} after {@code delayMillis}; a check that fails (the
   * ensemble out of reach, say) runs again later, with back-off, until it succeeds or the registry
   * closes, so that an expiry is never left unannounced.
   */
  private void scheduleCheck(long owner, long delayMillis) {
    try {
      var unused = reaper.schedule(() -> { // the task handles its own failures
        try {
          announceDeath(owner);
          suspects.remove(owner);
        } catch (SamgrError.Denied e) {
          suspects.remove(owner); // no right to mark: a client with the credentials announces it
        } catch (SamgrError | RuntimeException e) {
          LOG.log(Level.DEBUG, "samgr zookeeper: will retry announcing the expiry of session "
              + sessionName(owner) + "'s services", e);
          if (!closed) {
            scheduleCheck(owner, Math.min(Math.max(2 * delayMillis, 100), 5_000));
          }
        }
      }, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      suspects.remove(owner);
    }
  }

  /**
   * Marks every service of a dead session expired. Every client does this; each mark is a
   * compare-and-set, so exactly one client's write lands, and that write is the {@code Expired}
   * event that all of them see.
   */
  private void announceDeath(long owner) throws SamgrError {
    if (closed) {
      return;
    }
    String op = "expiry";
    long deadline = deadline();
    String path = clientsPrefix + sessionName(owner);
    try {
      if (zk(op, deadline, () -> client.checkExists().forPath(path)) != null) {
        liveSessions.add(owner);
        return; // alive: the feed had not shown its node yet
      }
    } catch (KeeperException e) {
      throw new SamgrError.Unavailable(op, ENVIRONMENT, e);
    }
    List<String> names = new ArrayList<>();
    for (Rec rec : view.values()) {
      if (rec.registered() && rec.owner() == owner && rec.expiredBeat() < rec.beat()) {
        names.add(rec.handle().name());
      }
    }
    names.sort(Comparator.naturalOrder());
    for (String name : names) {
      lockWrites(op, deadline);
      try {
        while (true) {
          Rec cur = view.get(name);
          if (cur == null || !cur.registered() || cur.owner() != owner
              || cur.expiredBeat() >= cur.beat()) {
            break;
          }
          long s = ++seq;
          Rec.Draft draft =
              cur.next(true, cur.gen(), cur.registeredGen(), owner, cur.beat(), cur.beat(),
                  writerId, s, cur.endpoint());
          if (attempt(op, name, cur, draft, deadline) != null) {
            break;
          }
        }
      } finally {
        writeLock.unlock();
      }
    }
  }

  private static String sessionName(long session) {
    return String.format("%016x", session);
  }

  // ---- the feed: how the view learns of changes ----

  /**
   * Sets this client's persistent recursive watch on the namespace, then loads it: at open, and
   * again whenever Curator reports the connection made again (a new session has no watch, and
   * changes made while away were not announced). Curator's {@code PersistentWatcher} does the
   * same, but it hands its listeners copies of ZooKeeper's events without the zxid of the change
   * (Curator 5.9), which {@link #announced} needs; so the watch is set here, on the ZooKeeper
   * handle Curator manages (Curator still makes, keeps and remakes the connection and the
   * session). Unlike {@code PersistentWatcher}, a failure is not retried at once: a lost
   * connection is retried when Curator has made it again; any other failure fails {@code
   * open()}, or, later, is logged as a warning.
   */
  private void watch() {
    if (closed) {
      return;
    }
    try {
      client.getZookeeperClient().getZooKeeper().addWatch(settings.root(), feed,
          AddWatchMode.PERSISTENT_RECURSIVE, (rc, path, ctx) -> {
            KeeperException.Code code = KeeperException.Code.get(rc);
            if (code == KeeperException.Code.OK) {
              load();
            } else if (lostConnection(code)) {
              LOG.log(Level.DEBUG, "samgr zookeeper: could not set the watch on "
                  + settings.root() + " (" + code + "); set again when reconnected");
            } else if (!failFirstLoad(code)) {
              // Not a lost connection (an old server answers UNIMPLEMENTED): nothing to retry.
              LOG.log(Level.WARNING, "samgr zookeeper: could not set the watch on "
                  + settings.root() + " (" + code + "); this client sees other clients' changes"
                  + " only after it reconnects");
            }
          }, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.log(Level.DEBUG, "samgr zookeeper: interrupted while setting the watch", e);
    } catch (Exception e) {
      // Curator's handle is closing or being remade: its next connection sets the watch.
      LOG.log(Level.DEBUG, "samgr zookeeper: could not set the watch; set again when reconnected",
          e);
    }
  }

  /** Whether a failure is a lost connection or session, after which Curator reconnects. */
  private static boolean lostConnection(KeeperException.Code code) {
    return code == KeeperException.Code.CONNECTIONLOSS
        || code == KeeperException.Code.SESSIONEXPIRED
        || code == KeeperException.Code.SESSIONMOVED
        || code == KeeperException.Code.OPERATIONTIMEOUT
        || code == KeeperException.Code.REQUESTTIMEOUT;
  }

  private void connectionChanged(CuratorFramework c, ConnectionState state) {
    // Not CONNECTED: that is the first connection, which start() watches and loads itself.
    if (state == ConnectionState.RECONNECTED) {
      watch(); // set the watch again (a new session has none), then reload what was missed
    }
  }

  /**
   * Ends the first load with a failure that {@link #start} reports; returns {@code false} if the
   * first load has ended already.
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
   * thread. A record that changed is read in the
   * background and applied, unless the view needs no read for it (see {@link #announced}): this
   * client's own writes are never read back.
   */
  private void changed(WatchedEvent event) {
    String path = event.getPath();
    if (path == null || closed) {
      return; // a connection state, not a change; a reconnection reloads (see load)
    }
    if (deaf) {
      dropped.incrementAndGet();
      return;
    }
    EventType type = event.getType();
    if (path.startsWith(recordsPrefix)) {
      String name = recordName(path.substring(recordsPrefix.length()));
      if (name == null) {
        return; // not a node of this backend
      }
      if (type == EventType.NodeDeleted) {
        if (!announced(name, event.getZxid())) {
          applyAbsent(name); // unless the view holds a version newer than the deletion
        }
      } else if ((type == EventType.NodeCreated || type == EventType.NodeDataChanged)
          && !announced(name, event.getZxid())) {
        read(name, path, null);
      }
    } else if (path.startsWith(clientsPrefix)) {
      long owner = sessionOf(path.substring(clientsPrefix.length()));
      if (owner == 0) {
        return;
      }
      if (type == EventType.NodeDeleted) {
        sessionGone(owner);
      } else if (type == EventType.NodeCreated) {
        liveSessions.add(owner);
      }
    }
  }

  /**
   * Whether a change of {@code name} made by the write with {@code zxid} needs no read: the view
   * holds that version or a newer one, or this client is writing that name right now (the writer
   * then checks the zxid when its write ends, see {@link #attempt}). ZooKeeper 3.9 servers tell
   * the zxid of the change that fired a watch; for older servers every change is read.
   */
  private boolean announced(String name, long zxid) {
    if (zxid == WatchedEvent.NO_ZXID) {
      return false;
    }
    synchronized (writing) {
      if (name.equals(inFlight)) {
        announcedMeanwhile = Math.max(announcedMeanwhile, zxid);
        return true;
      }
    }
    return known(name, zxid);
  }

  /** Whether the view holds the version of {@code name} written at {@code zxid}, or a newer one. */
  private boolean known(String name, long zxid) {
    Rec rec = view.get(name);
    return rec != null && rec.mzxid() >= zxid;
  }

  /**
   * Reads the whole namespace in the background once the watch is set (see {@link #watch}), as
   * Curator's {@code CuratorCache} does. Runs on ZooKeeper's event thread; the first load's end
   * (or failure) is what {@link #start} waits for.
   */
  private void load() {
    if (closed) {
      return;
    }
    Load load = new Load();
    background(load, true,
        cb -> client.getChildren().inBackground(cb).forPath(parent(recordsPrefix)),
        event -> {
          if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
            return false;
          }
          Set<String> listed = new HashSet<>();
          for (String node : event.getChildren()) {
            String name = recordName(node);
            if (name != null) {
              listed.add(name);
              read(name, recordsPrefix + node, load);
            }
          }
          for (String name : view.keySet()) {
            if (!listed.contains(name)) {
              read(name, recordsPrefix + Names.encode(name), load); // deleted by hand, or new
            }
          }
          return true;
        });
    background(load, true,
        cb -> client.getChildren().inBackground(cb).forPath(parent(clientsPrefix)),
        event -> {
          if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
            return false;
          }
          Set<Long> listed = new HashSet<>();
          for (String node : event.getChildren()) {
            long owner = sessionOf(node);
            if (owner != 0) {
              listed.add(owner);
            }
          }
          for (Long owner : liveSessions) {
            if (!listed.contains(owner)) {
              sessionGone(owner); // ended while this client was away
            }
          }
          liveSessions.addAll(listed);
          return true;
        });
    load.end(); // the load's own count: it ends when its listings and reads have
  }

  /** Reads one record node in the background and applies it to the view. */
  private void read(String name, String path, @Nullable Load load) {
    if (load == null) {
      feedReads.incrementAndGet();
    }
    background(load, false, cb -> client.getData().inBackground(cb).forPath(path), event -> {
      int rc = event.getResultCode();
      if (rc == KeeperException.Code.OK.intValue()) {
        Rec rec = Rec.parse(name, event.getStat(), event.getData());
        if (rec != null) {
          apply(name, rec);
        }
        return true;
      }
      if (rc == KeeperException.Code.NONODE.intValue()) {
        applyAbsent(name);
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
  private void background(
      @Nullable Load load, boolean listing, Request request, Answer answer) {
    if (load != null) {
      load.begin();
    }
    BackgroundCallback callback = (c, event) -> {
      try {
        if (!closed && !answer.take(event)) {
          KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
          if (load != null && listing) {
            load.listingFailed(code);
          } else if (load != null) {
            load.readFailed(code);
          }
          LOG.log(Level.DEBUG, "samgr zookeeper: could not read " + event.getPath() + ": " + code);
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

  private void sendFailed(@Nullable Load load, Exception e) {
    LOG.log(Level.DEBUG, "samgr zookeeper: could not send a read", e);
    if (load != null) {
      load.readFailed(KeeperException.Code.CONNECTIONLOSS); // the next connection loads again
      load.end();
    }
  }

  /**
   * One load of the namespace: counts its outstanding requests. The first load that ends
   * complete lets {@link #start} go on; one that failed for a reason other than a lost connection
   * fails it; one cut short by a lost connection does neither (the reconnection loads again).
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

  private void sessionGone(long owner) {
    liveSessions.remove(owner);
    if (initialized && owner != session) {
      checkOwner(owner);
    }
  }

  /** The name a record node holds, or {@code null} if it is not one of this backend's. */
  private static @Nullable String recordName(String node) {
    String name = Names.decode(node);
    return name != null && Arguments.isValidName(name) ? name : null;
  }

  /** The session a client node is named for, or 0 if it is not one of this backend's. */
  private static long sessionOf(String node) {
    try {
      return Long.parseUnsignedLong(node, 16);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String parent(String prefix) {
    return prefix.substring(0, prefix.length() - 1);
  }

  /** For tests: the Curator client of this registry. */
  CuratorFramework curator() {
    return client;
  }

  // ---- errors ----

  private SamgrError.NotFound missing(String name) {
    Arguments.requireName(name);
    checkOpen();
    return new SamgrError.NotFound(name);
  }

  private void checkOpen() {
    if (closed) {
      throw closedError();
    }
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException("this samgr 'zookeeper' registry is closed");
  }
}
