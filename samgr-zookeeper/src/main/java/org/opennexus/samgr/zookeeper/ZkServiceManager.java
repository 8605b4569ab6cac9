package org.opennexus.samgr.zookeeper;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
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
import org.opennexus.samgr.spi.EventHub;
import org.opennexus.samgr.spi.LivenessClock;
import org.opennexus.samgr.spi.RegistryStats;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * A client of a registry kept in ZooKeeper; see the package documentation for its design. It
 * coordinates its parts: the {@link RecordView} (versions and their events), the {@link
 * RecordWriter} (compare-and-set writes), the {@link NamespaceFeed} (watch and reload), the {@link
 * SessionReaper} (sessions, and who vouches for which services), the {@link Heartbeats} (the
 * liveness rules, by each service's own timeout) and the {@link ExpiryAnnouncer} ({@code Expired}
 * in the background); each operation here decides which transition of a {@link Rec} to write. Reads
 * never write; with {@code zookeeper.read-only} nothing does.
 */
final class ZkServiceManager implements ServiceManager, RegistryStats.Source {

  static final String ENVIRONMENT = ZkCalls.ENVIRONMENT;

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr.zookeeper");

  private final ZkSettings settings;
  private final String connect;
  private final InstantSource clock;
  private final CuratorFramework client;
  private final Layout layout;
  private final ZkCalls calls;
  private final EventHub hub;
  private final RecordView view;
  private final RecordWriter writer;
  private final NamespaceFeed feed;
  private final SessionReaper reaper;
  private final Heartbeats heartbeats;
  private final ExpiryAnnouncer announcer;
  private final NamespaceHistory history;
  private final OnDemandLoad onDemand;
  private final ClientOpening opening;
  private final ConnectionStateListener reconnected = this::connectionChanged;
  private final ZkStats stats;

  private ZkServiceManager(SamgrConfig config, ZkSettings settings, String connect, ZkHooks hooks) {
    this.settings = settings;
    this.connect = connect;
    this.clock = LivenessClock.of(config.clock());
    this.calls = new ZkCalls(settings.operationTimeout().toNanos());
    // Events reach this client on Curator's threads, which must never run user code: hand-off.
    this.hub = EventHub.handOff(config, ENVIRONMENT);
    this.client = CuratorClients.build(settings, connect);
    this.layout = new Layout(settings.root());
    this.view = new RecordView(calls, hub, this::applied);
    RecordBuckets buckets = new RecordBuckets(client, calls, layout, settings.buckets());
    // Which buckets exist, as the feed's loads find them and the writer makes them.
    BucketStamps stamps = new BucketStamps();
    this.feed =
        new NamespaceFeed(client, calls, layout, view, stamps, hooks, settings.reloadJitter());
    this.writer =
        new RecordWriter(client, calls, layout, buckets, stamps, view, hooks, feed::reread);
    // Whether this client owns a service is known from its session, which the reaper keeps; the
    // reaper vouches again with the liveness rules.
    SessionReaper[] sessions = new SessionReaper[1];
    this.heartbeats = new Heartbeats(config.livenessTimeoutMillis(), () -> sessions[0].session());
    this.reaper =
        new SessionReaper(
            client,
            calls,
            layout,
            view,
            writer,
            hooks,
            (cur, owner) -> heartbeats.vouchedAgain(cur, owner, clock.millis()));
    sessions[0] = reaper;
    boolean readOnly = settings.readOnly();
    this.announcer = new ExpiryAnnouncer(calls, view, writer, heartbeats, clock, !readOnly);
    this.history =
        new NamespaceHistory(
            client,
            calls,
            layout,
            buckets,
            clock,
            view,
            readOnly ? (op, deadline) -> false : reaper::sessionWentBack,
            readOnly);
    this.stats = new ZkStats(view, hub, calls);
    this.onDemand =
        new OnDemandLoad(client, calls, layout, buckets, view, history, this::loadOnDemand);
    this.opening =
        new ClientOpening(
            settings, connect, client, calls, layout, buckets, history, feed, onDemand);
    feed.connect(writer, reaper);
    writer.connect(history);
    feed.onEpochChange(() -> reaper.runLater(this::epochChanged));
  }

  /** Loads a read-only client's view on first need (see {@link OnDemandLoad}). */
  private void loadOnDemand() {
    opening.load();
  }

  /** Opens a client of the registry the settings name; see {@link ZooKeeperBackend#open}. */
  static ZkServiceManager open(SamgrConfig config) {
    return open(config, ZkHooks.NONE);
  }

  /** Opens a client whose work a test steps into through {@code hooks}. */
  static ZkServiceManager open(SamgrConfig config, ZkHooks hooks) {
    ZkSettings settings = ZkSettings.from(config);
    String connect = settings.embedded() ? EmbeddedServer.acquire() : settings.connect();
    ZkServiceManager manager = null;
    try {
      manager = new ZkServiceManager(config, settings, connect, hooks);
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

  private void start() {
    client.getConnectionStateListenable().addListener(stats); // from the first connection on
    client.start();
    opening.open(
        () -> client.getConnectionStateListenable().addListener(reconnected), reaper::start);
  }

  /** Another client wrote the epoch node: follow it (a newer epoch, or a loss written down). */
  private void epochChanged() {
    try {
      history.check("recover", false, calls.deadline());
    } catch (SamgrError | RuntimeException e) {
      LOG.log(Level.DEBUG, "samgr zookeeper: could not read the namespace's epoch", e);
    }
  }

  /** A connection made again: owners may have died meanwhile, and changes were missed. */
  private void connectionChanged(CuratorFramework c, ConnectionState state) {
    // Not CONNECTED: that is the first connection, which start() watches and loads itself.
    if (state == ConnectionState.RECONNECTED) {
      try {
        // In a new session, first make sure the ensemble did not lose its data meanwhile.
        history.verify("recover", calls.deadline());
      } catch (SamgrError | RuntimeException e) {
        LOG.log(Level.DEBUG, "samgr zookeeper: could not check the namespace's history", e);
      }
      reaper.renew(); // a new session: vouch again for the services of the lost one
      reaper.suspectAll();
      if (onDemand.watching()) {
        feed.watch(); // set the watch again (a new session has none), then reload what was missed
      }
    }
  }

  /** A version entered the view: its owner may be dead, and it expires by its own timeout. */
  private void applied(Rec rec) {
    reaper.suspect(rec);
    announcer.plan(rec);
  }

  /**
   * Refuses a change on a read-only client ({@code zookeeper.read-only=true}), which never writes.
   */
  private void checkWritable(String op) throws SamgrError.Unavailable {
    if (settings.readOnly()) {
      throw new SamgrError.Unavailable(op, ENVIRONMENT, readOnlyReason(), null);
    }
  }

  private static String readOnlyReason() {
    return "this client was opened read-only ("
        + ZkSettings.READ_ONLY
        + "=true) and never writes to ZooKeeper; nothing changed. Open one without that setting"
        + " to change the registry";
  }

  // ---- the ServiceManager operations ----

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    new ServiceHandle(name, endpoint, new Generation(1)); // checks both, in order
    calls.checkOpen();
    String op = "register";
    checkWritable(op);
    long deadline = calls.deadline();
    writer.lock(op, name, deadline);
    try {
      long owner = reaper.ensureSession(op, deadline);
      // A register also repairs a record this client cannot read: it writes over that version.
      return written(
          writer.repair(
              op,
              name,
              deadline,
              cur -> {
                if (cur != null && cur.registered()) {
                  // The view may be behind: confirm it (an unreadable version reads as null).
                  cur = writer.fetchForRepair(op, name, deadline);
                  if (cur != null && cur.registered()) {
                    throw new SamgrError.Duplicate(name);
                  }
                }
                long now = clock.millis();
                long timeout = heartbeats.ownTimeout();
                return cur == null
                    ? Rec.registration(owner, now, endpoint.address(), timeout)
                    : cur.reregistered(owner, now, endpoint.address(), timeout);
              }));
    } finally {
      writer.unlock(name);
    }
  }

  @Override
  public ServiceHandle resolve(String name) throws SamgrError {
    OnDemandLoad.Point point = onDemand.read("resolve", name);
    Rec rec = point != null ? point.rec() : view.get(name);
    if (rec != null && rec.registered()) {
      calls.checkOpen();
      return rec.handleKept();
    }
    throw missing(point, "resolve", name);
  }

  @Override
  public Optional<ServiceHandle> find(String name) {
    OnDemandLoad.Point point;
    try {
      point = onDemand.read("find", name);
    } catch (SamgrError e) {
      // find declares no checked exception: the ensemble's refusal or silence, unchecked.
      throw new IllegalStateException(e.getMessage(), e);
    }
    Rec rec = point != null ? point.rec() : view.get(name);
    if (rec != null && rec.registered()) {
      calls.checkOpen();
      return Optional.of(rec.handleKept());
    }
    Arguments.requireName(name);
    calls.checkOpen();
    // An unreadable record is no service to use, as services() and watchers see it: empty here,
    // while resolve says why.
    return Optional.empty();
  }

  @Override
  public void heartbeat(ServiceHandle handle) throws SamgrError {
    Arguments.requireNonNull(handle, "handle");
    calls.checkOpen();
    checkWritable("heartbeat");
    String name = handle.name();
    long gen = handle.generation().value();
    long changes = view.changes();
    Rec cur = view.get(name);
    if (cur == null || !cur.registered() || cur.gen() != gen) {
      cur = writer.confirmCurrent("heartbeat", handle, calls.deadline());
    }
    long now = clock.millis();
    Heartbeats.LocalBeat local = heartbeats.local(name, gen); // its second and last lookup
    long known = local != null ? Math.max(cur.beat(), local.beat.get()) : cur.beat();
    if (!heartbeats.needsWrite(cur, now, known, reaper.vouched(cur.owner()))) {
      heartbeats.keep(name, gen, local, now);
      if ((changes & 1) == 0 && view.changes() == changes) {
        return; // no version entered or left the view since cur was read
      }
      Rec after = view.get(name);
      if (after != null && after.mzxid() == cur.mzxid()) {
        return;
      }
      // The record changed since it was read (an expiry mark, say): decide again under the name's
      // write lock, with a reading of the clock taken after that change.
    }
    String op = "heartbeat";
    long deadline = calls.deadline();
    writer.lock(op, name, deadline);
    try {
      long owner = reaper.ensureSession(op, deadline);
      // The local beat stays: a concurrent newer one must not be lost.
      writer.update(
          op,
          name,
          deadline,
          c -> {
            Rec base = c;
            if (base == null || !base.registered() || base.gen() != gen) {
              base = writer.confirmCurrent(op, handle, deadline);
            }
            // The clock is read after the record: a revival never predates what it ends.
            return heartbeats.beat(base, owner, clock.millis());
          });
    } finally {
      writer.unlock(name);
    }
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    new ServiceHandle(name, endpoint, new Generation(1)); // checks both, in order
    calls.checkOpen();
    return restart("restart", name, endpoint, null);
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError {
    Arguments.requireNonNull(current, "current");
    Arguments.requireNonNull(endpoint, "endpoint");
    calls.checkOpen();
    return restart("restart", current.name(), endpoint, current);
  }

  private ServiceHandle restart(
      String op, String name, Endpoint endpoint, @Nullable ServiceHandle expected)
      throws SamgrError {
    checkWritable(op);
    long deadline = calls.deadline();
    writer.lock(op, name, deadline);
    try {
      long owner = reaper.ensureSession(op, deadline);
      return written(
          writer.update(
              op,
              name,
              deadline,
              cur -> {
                if (expected != null) {
                  if (cur == null
                      || !cur.registered()
                      || cur.gen() != expected.generation().value()) {
                    cur = writer.confirmCurrent(op, expected, deadline);
                  }
                } else if (cur == null || !cur.registered()) {
                  cur = writer.fetch(op, name, deadline);
                  if (cur == null || !cur.registered()) {
                    throw new SamgrError.NotFound(name);
                  }
                }
                return cur.restarted(
                    owner, clock.millis(), endpoint.address(), heartbeats.ownTimeout());
              }));
    } finally {
      writer.unlock(name);
    }
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    Arguments.requireNonNull(handle, "handle");
    calls.checkOpen();
    String op = "unregister";
    checkWritable(op);
    String name = handle.name();
    long deadline = calls.deadline();
    writer.locked(
        op,
        name,
        deadline,
        cur -> {
          if (cur == null || !cur.registered() || cur.gen() != handle.generation().value()) {
            cur = writer.confirmCurrent(op, handle, deadline);
          }
          return cur.unregistered();
        });
    heartbeats.forget(name);
  }

  @Override
  public List<ServiceHandle> services() {
    onDemand.ensure();
    return view.services();
  }

  @Override
  public Liveness liveness(String name) throws SamgrError {
    OnDemandLoad.Point point = onDemand.read("liveness", name);
    Rec cur = point != null ? point.rec() : view.get(name);
    if (cur == null || !cur.registered()) {
      throw point != null ? missing(point, "liveness", name) : missing("liveness", name);
    }
    calls.checkOpen();
    long now = clock.millis();
    if (point == null && heartbeats.expiredUnannounced(cur, now)) {
      // Reading never writes: not alive now, and the announcer writes the mark (unless read-only).
      announcer.checkSoon(name);
      Rec after = view.get(name);
      if (after != null && after.registered()) {
        cur = after; // a change that came meanwhile (a restart, say) is what the answer is about
      }
    }
    long last = heartbeats.lastBeat(cur);
    return new Liveness(cur.handle(), Instant.ofEpochMilli(last), heartbeats.alive(cur, now, last));
  }

  @Override
  public List<ServiceHandle> sweepExpired() {
    calls.checkOpen();
    if (settings.readOnly()) {
      throw new UnsupportedOperationException(
          "operation 'sweepExpired' of the 'zookeeper' samgr backend failed: " + readOnlyReason(),
          new SamgrError.Unsupported("sweepExpired", ENVIRONMENT));
    }
    long now = clock.millis();
    List<Rec> candidates = new ArrayList<>();
    for (Rec rec : view.all()) {
      if (rec.registered() && heartbeats.expiredUnannounced(rec, now)) {
        candidates.add(rec);
      }
    }
    candidates.sort(Comparator.comparing(Rec::name));
    List<ServiceHandle> expired = new ArrayList<>();
    for (Rec rec : candidates) {
      ServiceHandle marked;
      try {
        marked = announcer.mark("sweepExpired", rec.name(), now);
      } catch (SamgrError e) { // Unavailable or Denied: markExpired reports no other outcome
        break; // the ensemble is out of reach or refuses: report the marks that landed
      }
      if (marked != null) {
        expired.add(marked);
      }
    }
    return List.copyOf(expired);
  }

  @Override
  public Subscription watch(String name, Consumer<ServiceEvent> listener) {
    Arguments.requireName(name);
    Arguments.requireNonNull(listener, "listener");
    onDemand.ensure();
    return view.subscribe(name, listener);
  }

  @Override
  public Subscription watchAll(Consumer<ServiceEvent> listener) {
    Arguments.requireNonNull(listener, "listener");
    onDemand.ensure();
    return view.subscribe(null, listener);
  }

  @Override
  public ServiceHandle await(String name, Duration timeout)
      throws SamgrError, InterruptedException {
    EventHub.requireAwaitArguments(name, timeout);
    onDemand.ensure();
    Rec rec = view.get(name);
    if (rec != null && rec.registered()) {
      calls.checkOpen();
      return rec.handleKept();
    }
    UnreadableRecord bad = view.unreadable(name);
    if (bad != null) {
      calls.checkOpen();
      throw bad.error("await");
    }
    return hub.await(this, name, timeout);
  }

  /**
   * The client's statistics: services in its view, the delivery backlog, and its connection to the
   * ensemble (see {@link ZkStats}).
   */
  @Override
  public Optional<RegistryStats> stats() {
    return Optional.of(stats);
  }

  @Override
  public String environment() {
    return ENVIRONMENT;
  }

  @Override
  public void close() {
    if (!view.close()) {
      hub.close(); // closed already: every close() still waits for listener calls in flight
      return;
    }
    heartbeats.clear();
    announcer.close();
    stats.close();
    // Outside the lock: it wakes every await and may wait for listener calls in flight; an
    // interrupt ends that wait and stays set, but is held back while the session is closed, so
    // that the close request still reaches the ensemble.
    hub.close();
    boolean interrupted = Thread.interrupted();
    reaper.close();
    try {
      try {
        client.getConnectionStateListenable().removeListener(reconnected);
        client.getConnectionStateListenable().removeListener(stats);
      } finally {
        client.close(); // ends the session: its client node goes; its services expire by timeout
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
   * Says which ensemble and namespace this client uses, how many services it sees (or that a
   * read-only client has not loaded them: this reads nothing) and how many subscriptions are open,
   * or that it is closed.
   */
  @Override
  public String toString() {
    return view.describe(settings.root() + " at " + connect, onDemand.loaded());
  }

  /** For tests: the namespace's layout as this client knows it. */
  Layout layout() {
    return layout;
  }

  /** For tests: the Curator client of this registry. */
  CuratorFramework curator() {
    return client;
  }

  /** For tests: the names whose expiry check is planned now. */
  Set<String> plannedExpiryChecks() {
    return announcer.planned();
  }

  /** For tests: the part that writes this client's changes. */
  RecordWriter writer() {
    return writer;
  }

  /** For tests: the part that follows sessions (and runs its checks on its own thread). */
  SessionReaper reaper() {
    return reaper;
  }

  private static ServiceHandle written(@Nullable ServiceHandle handle) {
    if (handle == null) {
      throw new IllegalStateException("a write that always writes wrote nothing");
    }
    return handle;
  }

  /**
   * What a read of a name that is not registered reports: {@code NotFound}, or the error of the
   * version this client cannot read.
   */
  private SamgrError missing(String op, String name) {
    return missing(null, op, name);
  }

  /** {@link #missing(String, String)}, for a record read from the ensemble ({@code point}). */
  private SamgrError missing(OnDemandLoad.@Nullable Point point, String op, String name) {
    Arguments.requireName(name);
    calls.checkOpen();
    UnreadableRecord bad = point != null ? point.bad() : view.unreadable(name);
    return bad != null ? bad.error(op) : new SamgrError.NotFound(name);
  }
}
