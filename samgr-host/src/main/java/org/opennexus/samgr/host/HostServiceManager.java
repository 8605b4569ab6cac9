package org.opennexus.samgr.host;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
import org.opennexus.samgr.spi.EventHub;
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
  private final EventHub hub;

  /** Guards every change, the generation counter, the subscriptions and the expiry marks. */
  private final ReentrantLock lock = new ReentrantLock();

  private long lastGeneration; // guarded by lock

  /** Written under the lock; read without it on the lock-free paths. */
  private volatile boolean closed;

  /** What {@link #stats()} returns: reads only, nothing is counted for it. */
  private final RegistryStats stats = new HostStats(this);

  HostServiceManager(SamgrConfig config) {
    this.clock = LivenessClock.of(config.clock());
    this.timeoutMillis = config.livenessTimeoutMillis();
    this.hub = EventHub.callerRuns(config, HostBackend.ENVIRONMENT);
  }

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    // nextHandle checks the arguments in order: the handle's constructor validates both.
    ServiceHandle handle;
    lock.lock();
    try {
      handle = nextHandle(name, endpoint);
      if (services.putIfAbsent(name, new Entry(handle, clock.millis())) != null) {
        throw new SamgrError.Duplicate(name);
      }
      installed(new ServiceEvent.Registered(handle));
    } finally {
      lock.unlock();
    }
    hub.flush();
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
    lock.lock();
    try {
      handle = nextHandle(name, endpoint);
      if (services.replace(name, new Entry(handle, clock.millis())) == null) {
        throw new SamgrError.NotFound(name);
      }
      installed(new ServiceEvent.Restarted(handle));
    } finally {
      lock.unlock();
    }
    hub.flush();
    return handle;
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError {
    String name = Arguments.requireNonNull(current, "current").name();
    ServiceHandle handle;
    lock.lock();
    try {
      handle = nextHandle(name, endpoint);
      Entry entry = services.get(name);
      if (entry == null) {
        throw new SamgrError.NotFound(name);
      }
      requireCurrent(entry, current);
      services.put(name, new Entry(handle, clock.millis()));
      installed(new ServiceEvent.Restarted(handle));
    } finally {
      lock.unlock();
    }
    hub.flush();
    return handle;
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    Arguments.requireNonNull(handle, "handle");
    lock.lock();
    try {
      checkOpen();
      Entry entry = services.get(handle.name());
      if (entry == null) {
        throw new SamgrError.NotFound(handle.name());
      }
      requireCurrent(entry, handle);
      services.remove(handle.name());
      hub.publish(new ServiceEvent.Unregistered(entry.handle));
    } finally {
      lock.unlock();
    }
    hub.flush();
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
        hub.publish(new ServiceEvent.Expired(handle));
      }
    } finally {
      lock.unlock();
    }
    hub.flush();
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
  public ServiceHandle await(String name, Duration timeout)
      throws SamgrError, InterruptedException {
    EventHub.requireAwaitArguments(name, timeout);
    Entry entry = services.get(name);
    if (entry != null) {
      checkOpen();
      return entry.handle;
    }
    return hub.await(this, name, timeout);
  }

  @Override
  public String environment() {
    return HostBackend.ENVIRONMENT;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      // The services stay: every later call checks `closed` first, so they are never read again.
      closed = true;
    } finally {
      lock.unlock();
    }
    hub.close(); // on every close, outside the lock: it waits for listener calls in flight
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
    return closed ? 0 : hub.backlog();
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
      int subscriptions = hub.subscriptions();
      return "samgr host registry (services: "
          + services.size()
          + ", subscriptions: "
          + subscriptions
          + ")";
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
   * endpoint, before the closed check, as the documented precedence requires, and changes nothing:
   * the generation is taken only by {@link #installed}.
   */
  private ServiceHandle nextHandle(String name, Endpoint endpoint) {
    ServiceHandle handle =
        new ServiceHandle(name, endpoint, new Generation(Math.addExact(lastGeneration, 1)));
    checkOpen();
    return handle;
  }

  /**
   * Takes the generation of the handle just stored and publishes its event; call under the lock.
   */
  private void installed(ServiceEvent event) {
    lastGeneration = event.handle().generation().value();
    hub.publish(event);
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
   * lock, checks the handle again (if the entry was replaced meanwhile, the heartbeat takes effect
   * after that and fails as such), announces {@code Expired} unless another call did, then revives
   * the service at the clock's current reading.
   */
  private void announceThenBeat(ServiceHandle handle) throws SamgrError {
    lock.lock();
    try {
      Entry entry = current(handle);
      while (true) {
        long slot = entry.slot();
        long now = clock.millis();
        if (announceIfExpired(entry, now)) {
          hub.publish(new ServiceEvent.Expired(entry.handle));
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
    hub.flush();
  }

  /**
   * The slow path of a {@code liveness} that found its service expired and not yet announced: reads
   * again under the lock (if the entry was replaced or removed meanwhile, the call takes effect
   * after that and answers for what is there now) and announces {@code Expired} if it is still due,
   * so that a "not alive" answer always comes with exactly one {@code Expired}.
   */
  private Liveness livenessAnnouncing(String name) throws SamgrError {
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
        hub.publish(new ServiceEvent.Expired(entry.handle));
      }
      long slot = entry.slot();
      boolean alive = !Entry.announced(slot) && now - Entry.beatOf(slot) <= timeoutMillis;
      answer = new Liveness(entry.handle, Instant.ofEpochMilli(Entry.beatOf(slot)), alive);
    } finally {
      lock.unlock();
    }
    hub.flush();
    return answer;
  }

  /**
   * Sets the entry's announced bit if, as of {@code now}, it is expired and not yet announced; true
   * if this call set it, so the caller must publish {@code Expired} before releasing the lock. Call
   * under the lock; lock-free heartbeats may move the slot meanwhile, so it retries.
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
   * Subscribes to one name, or to all when {@code name} is {@code null}: the hub links the
   * subscription and queues {@code Registered} for what is registered now (in name order), under
   * the lock, so that no change can fall between the two; delivers after releasing it.
   */
  private Subscription subscribe(@Nullable String name, Consumer<ServiceEvent> listener) {
    Subscription watch;
    lock.lock();
    try {
      checkOpen();
      List<ServiceHandle> current;
      if (name == null) {
        current = handles();
        current.sort(BY_NAME);
      } else {
        Entry entry = services.get(name);
        current = entry == null ? List.of() : List.of(entry.handle);
      }
      watch = hub.subscribe(name, listener, current);
    } finally {
      lock.unlock();
    }
    hub.flush();
    return watch;
  }
}
