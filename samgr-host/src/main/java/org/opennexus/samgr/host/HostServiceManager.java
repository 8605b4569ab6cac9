package org.opennexus.samgr.host;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
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
import org.opennexus.samgr.spi.LivenessClock;
import org.opennexus.samgr.spi.RegistryStats;
import org.opennexus.samgr.spi.SamgrConfig;

/** The in-memory registry; see the package documentation for its design. */
final class HostServiceManager implements ServiceManager, RegistryStats.Source {

  private static final Comparator<ServiceHandle> BY_NAME =
      Comparator.comparing(ServiceHandle::name);

  /**
   * A registered service: its stored handle and its liveness slot. The slot is one {@code long}:
   * the last heartbeat in epoch milliseconds, shifted left by one, with the lowest bit set once
   * {@code Expired} was announced for that heartbeat. Keeping both in one word lets a heartbeat's
   * compare-and-set see an announcement that landed after it read the slot: a heartbeat can then
   * never revive, unseen, a service whose expiry the events already reported.
   */
  static final class Entry {
    private static final VarHandle SLOT;

    static {
      try {
        SLOT = MethodHandles.lookup().findVarHandle(Entry.class, "slot", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** The announced bit of {@link #slot}. */
    static final long ANNOUNCED = 1L;

    final ServiceHandle handle;

    /** {@code lastBeat << 1 | announced}; the beat only ever moves forward. */
    private volatile long slot;

    Entry(ServiceHandle handle, long now) {
      this.handle = handle;
      this.slot = slotOf(now);
    }

    long generation() {
      return handle.generation().value();
    }

    long slot() {
      return slot;
    }

    boolean compareAndSet(long expected, long next) {
      return SLOT.compareAndSet(this, expected, next);
    }

    /**
     * The unannounced slot of a beat at {@code millis}, a reading of a {@link LivenessClock}: its
     * range leaves the top bit free, so the shift loses nothing.
     */
    static long slotOf(long millis) {
      return millis << 1;
    }

    static long beatOf(long slot) {
      return slot >> 1;
    }

    static boolean announced(long slot) {
      return (slot & ANNOUNCED) != 0;
    }
  }

  private final ConcurrentHashMap<String, Entry> services = new ConcurrentHashMap<>();
  private final InstantSource clock;
  private final long timeoutMillis;
  private final Delivery delivery;

  /** Guards every change, the generation counter, the subscriptions and the expiry marks. */
  private final ReentrantLock lock = new ReentrantLock();

  private long lastGeneration; // guarded by lock
  private final Map<String, List<DeliveredSubscription>> watchersByName =
      new HashMap<>(); // guarded by lock
  private final List<DeliveredSubscription> watchersOfAll = new ArrayList<>(); // guarded by lock

  /** Written under the lock; read without it on the lock-free paths. */
  private volatile boolean closed;

  /** What {@link #stats()} returns: reads only, nothing is counted for it. */
  private final RegistryStats stats = new HostStats(this);

  HostServiceManager(SamgrConfig config) {
    this.clock = LivenessClock.of(config.clock());
    this.timeoutMillis = config.livenessTimeoutMillis();
    this.delivery = Delivery.callerRuns(config, HostBackend.ENVIRONMENT);
  }

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    // nextHandle checks the arguments in order: the handle's constructor validates both.
    ServiceHandle handle;
    Delivery.@Nullable Batch batch;
    lock.lock();
    try {
      handle = nextHandle(name, endpoint);
      if (services.putIfAbsent(name, new Entry(handle, clock.millis())) != null) {
        throw new SamgrError.Duplicate(name);
      }
      batch = installed(new ServiceEvent.Registered(handle));
    } finally {
      lock.unlock();
    }
    dispatch(batch);
    return handle;
  }

  @Override
  public ServiceHandle resolve(String name) throws SamgrError {
    Entry entry = services.get(Arguments.requireNonNull(name, "name"));
    if (entry != null) {
      checkOpen();
      return entry.handle;
    }
    throw missing(name);
  }

  @Override
  public Optional<ServiceHandle> find(String name) {
    Entry entry = services.get(Arguments.requireNonNull(name, "name"));
    if (entry != null) {
      checkOpen();
      return Optional.of(entry.handle);
    }
    Arguments.requireName(name);
    checkOpen();
    return Optional.empty();
  }

  @Override
  public void heartbeat(ServiceHandle handle) throws SamgrError {
    Entry entry = current(Arguments.requireNonNull(handle, "handle"));
    while (true) {
      // The slot before the clock: a slot that shows the expiry announced was read after the
      // announcement, so the clock read after it is not earlier than the announcing one.
      long slot = entry.slot();
      long now = clock.millis();
      if (!Entry.announced(slot) && now - Entry.beatOf(slot) > timeoutMillis) {
        announceThenBeat(handle); // rare: expired unnoticed; announce under the lock, then revive
        return;
      }
      // Alive: move the beat forward. Announced: revive, clearing the bit.
      long next = Entry.slotOf(Math.max(now, Entry.beatOf(slot)));
      if (next == slot || entry.compareAndSet(slot, next)) {
        return;
      }
      // A concurrent heartbeat or announcement moved the slot: read both again.
    }
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    // nextHandle checks the arguments in order: the handle's constructor validates both.
    ServiceHandle handle;
    Delivery.@Nullable Batch batch;
    lock.lock();
    try {
      handle = nextHandle(name, endpoint);
      if (services.replace(name, new Entry(handle, clock.millis())) == null) {
        throw new SamgrError.NotFound(name);
      }
      batch = installed(new ServiceEvent.Restarted(handle));
    } finally {
      lock.unlock();
    }
    dispatch(batch);
    return handle;
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError {
    String name = Arguments.requireNonNull(current, "current").name();
    ServiceHandle handle;
    Delivery.@Nullable Batch batch;
    lock.lock();
    try {
      handle = nextHandle(name, endpoint);
      Entry entry = services.get(name);
      if (entry == null) {
        throw new SamgrError.NotFound(name);
      }
      requireCurrent(entry, current);
      services.put(name, new Entry(handle, clock.millis()));
      batch = installed(new ServiceEvent.Restarted(handle));
    } finally {
      lock.unlock();
    }
    dispatch(batch);
    return handle;
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    Arguments.requireNonNull(handle, "handle");
    Delivery.@Nullable Batch batch;
    lock.lock();
    try {
      checkOpen();
      Entry entry = services.get(handle.name());
      if (entry == null) {
        throw new SamgrError.NotFound(handle.name());
      }
      requireCurrent(entry, handle);
      services.remove(handle.name());
      batch = publish(new ServiceEvent.Unregistered(entry.handle), null);
    } finally {
      lock.unlock();
    }
    dispatch(batch);
  }

  @Override
  public List<ServiceHandle> services() {
    List<ServiceHandle> snapshot;
    lock.lock();
    try {
      checkOpen();
      snapshot = handles();
    } finally {
      lock.unlock();
    }
    snapshot.sort(BY_NAME);
    return List.copyOf(snapshot);
  }

  @Override
  public Liveness liveness(String name) throws SamgrError {
    Entry entry = services.get(Arguments.requireNonNull(name, "name"));
    if (entry == null) {
      throw missing(name);
    }
    checkOpen();
    long slot = entry.slot(); // before the clock, as in heartbeat
    long now = clock.millis();
    long last = Entry.beatOf(slot);
    if (!Entry.announced(slot) && now - last > timeoutMillis) {
      return livenessAnnouncing(name); // rare: expired unnoticed
    }
    return new Liveness(entry.handle, Instant.ofEpochMilli(last), !Entry.announced(slot));
  }

  @Override
  public List<ServiceHandle> sweepExpired() {
    List<ServiceHandle> expired = new ArrayList<>();
    Delivery.@Nullable Batch batch = null;
    lock.lock();
    try {
      checkOpen();
      long now = clock.millis();
      for (Entry entry : services.values()) {
        if (announceIfExpired(entry, now)) {
          expired.add(entry.handle);
        }
      }
      expired.sort(BY_NAME); // events in name order, like the returned list
      for (ServiceHandle handle : expired) {
        batch = publish(new ServiceEvent.Expired(handle), batch);
      }
    } finally {
      lock.unlock();
    }
    dispatch(batch);
    return List.copyOf(expired);
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
  public ServiceHandle await(String name, Duration timeout) throws SamgrError, InterruptedException {
    Delivery.requireAwaitArguments(name, timeout);
    Entry entry = services.get(name);
    if (entry != null) {
      checkOpen();
      return entry.handle;
    }
    return delivery.await(this, name, timeout);
  }

  @Override
  public String environment() {
    return HostBackend.ENVIRONMENT;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      // The services stay: every later call checks `closed` first, so they are never read again.
      closed = true;
      watchersByName.clear();
      watchersOfAll.clear();
    } finally {
      lock.unlock();
    }
    delivery.closeAll(); // outside the lock: it may wait for listener calls in flight
  }

  @Override
  public Optional<RegistryStats> stats() {
    return Optional.of(stats);
  }

  /** Whether {@link #close()} was called. For {@link HostStats}. */
  boolean isClosed() {
    return closed;
  }

  /** The number of registered services: zero once closed. For {@link HostStats}. */
  int serviceCount() {
    return closed ? 0 : services.size();
  }

  /**
   * The events queued for listeners and not yet taken for delivery, over every open subscription:
   * zero once closed. For {@link HostStats}; the one place that reads the delivery queues for it.
   */
  long deliveryBacklog() {
    long backlog = 0;
    lock.lock();
    try {
      for (DeliveredSubscription watch : watchersOfAll) {
        backlog += watch.backlog();
      }
      for (List<DeliveredSubscription> watchers : watchersByName.values()) {
        for (DeliveredSubscription watch : watchers) {
          backlog += watch.backlog();
        }
      }
    } finally {
      lock.unlock();
    }
    return backlog;
  }

  /**
   * Says how many services and open subscriptions (including waiting {@code await} calls) the
   * registry has, or that it is closed: {@code samgr host registry (services: 2, subscriptions:
   * 1)}. A subscription count that only grows points at subscriptions that are never closed.
   */
  @Override
  public String toString() {
    lock.lock();
    try {
      if (closed) {
        return "samgr host registry (closed)";
      }
      int subscriptions = watchersOfAll.size();
      for (List<DeliveredSubscription> watchers : watchersByName.values()) {
        subscriptions += watchers.size();
      }
      return "samgr host registry (services: " + services.size() + ", subscriptions: "
          + subscriptions + ")";
    } finally {
      lock.unlock();
    }
  }

  // ---- internals ----

  /** Returns the entry for the handle's name if the handle is current; no lock, no allocation. */
  private Entry current(ServiceHandle handle) throws SamgrError {
    Entry entry = services.get(handle.name());
    if (entry == null) {
      checkOpen();
      throw new SamgrError.NotFound(handle.name());
    }
    checkOpen();
    requireCurrent(entry, handle);
    return entry;
  }

  private static void requireCurrent(Entry entry, ServiceHandle handle)
      throws SamgrError.StaleHandle {
    if (entry.generation() != handle.generation().value()) {
      throw new SamgrError.StaleHandle(handle, entry.handle.generation());
    }
  }

  /** The error for a name with no entry: bad input first, then closed, then not found. */
  private SamgrError.NotFound missing(String name) {
    Arguments.requireName(name);
    checkOpen();
    return new SamgrError.NotFound(name);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this samgr 'host' registry is closed");
    }
  }

  /**
   * The handle that a register or restart of {@code name} installs if it succeeds; call under the
   * lock. Constructing it checks the name (scanned once, by the handle's constructor) and then the
   * endpoint, before the closed check, as the documented precedence requires, and changes
   * nothing: the generation is taken only by {@link #installed}.
   */
  private ServiceHandle nextHandle(String name, Endpoint endpoint) {
    ServiceHandle handle =
        new ServiceHandle(name, endpoint, new Generation(Math.addExact(lastGeneration, 1)));
    checkOpen();
    return handle;
  }

  /** Takes the generation of the handle just stored and publishes its event; call under the lock. */
  private Delivery.@Nullable Batch installed(ServiceEvent event) {
    lastGeneration = event.handle().generation().value();
    return publish(event, null);
  }

  /** The current handles, in map order; call under the lock. */
  private List<ServiceHandle> handles() {
    List<ServiceHandle> handles = new ArrayList<>(services.size());
    for (Entry entry : services.values()) {
      handles.add(entry.handle);
    }
    return handles;
  }

  /**
   * The slow path of a heartbeat that found its service expired and not yet announced: under the
   * lock, checks the handle again (if the entry was replaced meanwhile, the heartbeat takes
   * effect after that and fails as such), announces {@code Expired} unless another call did, then
   * revives the service at the clock's current reading.
   */
  private void announceThenBeat(ServiceHandle handle) throws SamgrError {
    Delivery.@Nullable Batch batch = null;
    lock.lock();
    try {
      Entry entry = current(handle);
      while (true) {
        long slot = entry.slot();
        long now = clock.millis();
        if (announceIfExpired(entry, now)) {
          batch = publish(new ServiceEvent.Expired(entry.handle), batch);
          continue;
        }
        long next = Entry.slotOf(Math.max(now, Entry.beatOf(slot)));
        if (next == slot || entry.compareAndSet(slot, next)) {
          break;
        }
      }
    } finally {
      lock.unlock();
    }
    dispatch(batch);
  }

  /**
   * The slow path of a {@code liveness} that found its service expired and not yet announced:
   * reads again under the lock (if the entry was replaced or removed meanwhile, the call takes
   * effect after that and answers for what is there now) and announces {@code Expired} if it is
   * still due, so that a "not alive" answer always comes with exactly one {@code Expired}.
   */
  private Liveness livenessAnnouncing(String name) throws SamgrError {
    Delivery.@Nullable Batch batch = null;
    Liveness answer;
    lock.lock();
    try {
      Entry entry = services.get(name);
      if (entry == null) {
        throw missing(name);
      }
      checkOpen();
      long now = clock.millis();
      if (announceIfExpired(entry, now)) {
        batch = publish(new ServiceEvent.Expired(entry.handle), null);
      }
      long slot = entry.slot();
      boolean alive = !Entry.announced(slot) && now - Entry.beatOf(slot) <= timeoutMillis;
      answer = new Liveness(entry.handle, Instant.ofEpochMilli(Entry.beatOf(slot)), alive);
    } finally {
      lock.unlock();
    }
    dispatch(batch);
    return answer;
  }

  /**
   * Sets the entry's announced bit if, as of {@code now}, it is expired and not yet announced;
   * true if this call set it, so the caller must publish {@code Expired} before releasing the
   * lock. Call under the lock; lock-free heartbeats may move the slot meanwhile, so it retries.
   */
  private boolean announceIfExpired(Entry entry, long now) {
    while (true) {
      long slot = entry.slot();
      if (Entry.announced(slot) || now - Entry.beatOf(slot) <= timeoutMillis) {
        return false;
      }
      if (entry.compareAndSet(slot, slot | Entry.ANNOUNCED)) {
        return true;
      }
    }
  }

  /**
   * Subscribes to one name, or to all when {@code name} is {@code null}: links the subscription
   * and queues {@code Registered} for what is registered now (in name order), under the lock, so
   * that no change can fall between the two; delivers after releasing it.
   */
  private Subscription subscribe(@Nullable String name, Consumer<ServiceEvent> listener) {
    DeliveredSubscription watch;
    long upTo = 0;
    lock.lock();
    try {
      checkOpen();
      String description =
          name == null ? "samgr subscription to all services" : "samgr subscription to '" + name + "'";
      watch = delivery.subscribe(description, listener, w -> unsubscribe(name, w));
      List<ServiceHandle> current;
      if (name == null) {
        current = handles();
        current.sort(BY_NAME);
        watchersOfAll.add(watch);
      } else {
        Entry entry = services.get(name);
        current = entry == null ? List.of() : List.of(entry.handle);
        watchersByName.computeIfAbsent(name, n -> new ArrayList<>(2)).add(watch);
      }
      for (ServiceHandle handle : current) {
        upTo = watch.offer(new ServiceEvent.Registered(handle));
      }
    } finally {
      lock.unlock();
    }
    watch.dispatch(upTo);
    return watch;
  }

  /** Removes a closed subscription; its {@code onClose}, run once, with no lock of ours held. */
  private void unsubscribe(@Nullable String name, DeliveredSubscription watch) {
    lock.lock();
    try {
      if (name == null) {
        watchersOfAll.remove(watch);
      } else {
        List<DeliveredSubscription> watchers = watchersByName.get(name);
        if (watchers != null) { // null: the registry closed, or it was the name's last one
          watchers.remove(watch);
          if (watchers.isEmpty()) {
            watchersByName.remove(name);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues the event for every subscription it concerns, in {@code batch} (created if needed), and
   * returns the batch; {@code null} when no subscription is concerned (the common case, which
   * allocates nothing). Call under the lock.
   */
  private Delivery.@Nullable Batch publish(ServiceEvent event, Delivery.@Nullable Batch batch) {
    List<DeliveredSubscription> named = watchersByName.get(event.handle().name());
    if (named == null && watchersOfAll.isEmpty()) {
      return batch;
    }
    Delivery.Batch into = batch == null ? delivery.batch() : batch;
    if (named != null) {
      for (DeliveredSubscription watch : named) {
        into.offer(watch, event);
      }
    }
    for (DeliveredSubscription watch : watchersOfAll) {
      into.offer(watch, event);
    }
    return into;
  }

  /** Delivers a batch after the lock is released. */
  private static void dispatch(Delivery.@Nullable Batch batch) {
    if (batch != null) {
      batch.dispatch();
    }
  }
}
