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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
import org.opennexus.samgr.spi.SamgrConfig;

/** The in-memory registry; see the package documentation for its design. */
final class HostServiceManager implements ServiceManager {

  private static final Comparator<ServiceHandle> BY_NAME =
      Comparator.comparing(ServiceHandle::name);

  /** A registered service: its stored handle and its liveness slot. */
  static final class Entry {
    private static final VarHandle LAST_BEAT;

    static {
      try {
        LAST_BEAT =
            MethodHandles.lookup().findVarHandle(Entry.class, "lastBeat", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final ServiceHandle handle;

    /** Epoch milliseconds of the last heartbeat, register or restart; only ever moves forward. */
    private volatile long lastBeat;

    /** The {@link #lastBeat} value that {@code Expired} was sent for; guarded by the lock. */
    private long expiredBeat = Long.MIN_VALUE;

    Entry(ServiceHandle handle, long now) {
      this.handle = handle;
      this.lastBeat = now;
    }

    long generation() {
      return handle.generation().value();
    }

    /** Moves the last beat forward to {@code now}; no write when it is there already. */
    void beat(long now) {
      beat(now, lastBeat);
    }

    /** As {@link #beat(long)}, starting from {@code last}, a value of the slot read earlier. */
    void beat(long now, long last) {
      while (now > last) {
        if (LAST_BEAT.compareAndSet(this, last, now)) {
          return;
        }
        last = lastBeat;
      }
    }
  }

  private final ConcurrentHashMap<String, Entry> services = new ConcurrentHashMap<>();
  private final InstantSource clock;
  private final long timeoutMillis;

  /** Guards every change, the generation counter, the subscriptions and the expiry marks. */
  private final ReentrantLock lock = new ReentrantLock();

  private long lastGeneration; // guarded by lock
  private final Map<String, List<Watch>> watchersByName = new HashMap<>(); // guarded by lock
  private final List<Watch> watchersOfAll = new ArrayList<>(); // guarded by lock
  private final Map<Watch, CompletableFuture<ServiceHandle>> awaiting =
      new HashMap<>(); // guarded by lock

  /** Written under the lock; read without it on the lock-free paths. */
  private volatile boolean closed;

  HostServiceManager(SamgrConfig config) {
    this.clock = config.clock();
    this.timeoutMillis = config.livenessTimeoutMillis();
  }

  @Override
  public ServiceHandle register(String name, Endpoint endpoint) throws SamgrError {
    // nextHandle checks the arguments in order: the handle's constructor validates both.
    ServiceHandle handle;
    List<Watch> notify;
    lock.lock();
    try {
      handle = nextHandle(name, endpoint);
      if (services.putIfAbsent(name, new Entry(handle, clock.millis())) != null) {
        throw new SamgrError.Duplicate(name);
      }
      notify = installed(new ServiceEvent.Registered(handle));
    } finally {
      lock.unlock();
    }
    drain(notify);
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
    // Read once, before the clock: the expiry test and the compare-and-set share it. A heartbeat
    // that moves the slot meanwhile makes the compare-and-set fail and retry with the new value.
    long last = entry.lastBeat;
    long now = clock.millis();
    if (now - last > timeoutMillis) {
      announceExpiry(entry, now, true); // rare: expired unnoticed; announce, then revive
    } else {
      entry.beat(now, last);
    }
  }

  @Override
  public ServiceHandle restart(String name, Endpoint endpoint) throws SamgrError {
    // nextHandle checks the arguments in order: the handle's constructor validates both.
    ServiceHandle handle;
    List<Watch> notify;
    lock.lock();
    try {
      handle = nextHandle(name, endpoint);
      if (services.replace(name, new Entry(handle, clock.millis())) == null) {
        throw new SamgrError.NotFound(name);
      }
      notify = installed(new ServiceEvent.Restarted(handle));
    } finally {
      lock.unlock();
    }
    drain(notify);
    return handle;
  }

  @Override
  public ServiceHandle restart(ServiceHandle current, Endpoint endpoint) throws SamgrError {
    String name = Arguments.requireNonNull(current, "current").name();
    ServiceHandle handle;
    List<Watch> notify;
    lock.lock();
    try {
      handle = nextHandle(name, endpoint);
      Entry entry = services.get(name);
      if (entry == null) {
        throw new SamgrError.NotFound(name);
      }
      requireCurrent(entry, current);
      services.put(name, new Entry(handle, clock.millis()));
      notify = installed(new ServiceEvent.Restarted(handle));
    } finally {
      lock.unlock();
    }
    drain(notify);
    return handle;
  }

  @Override
  public void unregister(ServiceHandle handle) throws SamgrError {
    Arguments.requireNonNull(handle, "handle");
    List<Watch> notify;
    lock.lock();
    try {
      checkOpen();
      Entry entry = services.get(handle.name());
      if (entry == null) {
        throw new SamgrError.NotFound(handle.name());
      }
      requireCurrent(entry, handle);
      services.remove(handle.name());
      notify = publish(new ServiceEvent.Unregistered(entry.handle));
    } finally {
      lock.unlock();
    }
    drain(notify);
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
    long now = clock.millis();
    long last = entry.lastBeat;
    boolean alive = now - last <= timeoutMillis;
    if (!alive) {
      announceExpiry(entry, now, false);
    }
    return new Liveness(entry.handle, Instant.ofEpochMilli(last), alive);
  }

  @Override
  public List<ServiceHandle> sweepExpired() {
    List<ServiceHandle> expired = new ArrayList<>();
    List<Watch> notify = new ArrayList<>();
    lock.lock();
    try {
      checkOpen();
      long now = clock.millis();
      for (Entry entry : services.values()) {
        if (markExpired(entry, now)) {
          expired.add(entry.handle);
        }
      }
      expired.sort(BY_NAME); // events in name order, like the returned list
      for (ServiceHandle handle : expired) {
        List<Watch> watchers = publish(new ServiceEvent.Expired(handle));
        if (watchers != null) {
          notify.addAll(watchers);
        }
      }
    } finally {
      lock.unlock();
    }
    drain(notify);
    return List.copyOf(expired);
  }

  @Override
  public Subscription watch(String name, Consumer<ServiceEvent> listener) {
    Arguments.requireName(name);
    Arguments.requireNonNull(listener, "listener");
    return subscribe(name, listener, null);
  }

  @Override
  public Subscription watchAll(Consumer<ServiceEvent> listener) {
    Arguments.requireNonNull(listener, "listener");
    Watch watch = new Watch(this, null, listener);
    lock.lock();
    try {
      checkOpen();
      List<ServiceHandle> current = handles();
      current.sort(BY_NAME);
      for (ServiceHandle handle : current) {
        watch.enqueue(new ServiceEvent.Registered(handle));
      }
      watchersOfAll.add(watch);
    } finally {
      lock.unlock();
    }
    watch.drain();
    return watch;
  }

  @Override
  public ServiceHandle await(String name, Duration timeout) throws SamgrError, InterruptedException {
    Arguments.requireName(name);
    Arguments.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, but is " + timeout);
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before awaiting '" + name + "'");
    }
    Entry entry = services.get(name);
    if (entry != null) {
      checkOpen();
      return entry.handle;
    }
    CompletableFuture<ServiceHandle> found = new CompletableFuture<>();
    // The first event of a watch on a name is always Registered: the handle current when it
    // subscribes, or else the next register. It completes the future; later events find it done.
    Subscription watch = subscribe(name, event -> found.complete(event.handle()), found);
    try {
      return found.get(saturatedNanos(timeout), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new SamgrError.NotFound(name, timeout);
    } catch (ExecutionException e) {
      // Only close() completes the future exceptionally, with an IllegalStateException.
      throw new IllegalStateException("this samgr 'host' registry was closed while awaiting '"
          + name + "'", e.getCause());
    } finally {
      watch.close();
    }
  }

  @Override
  public String environment() {
    return HostBackend.ENVIRONMENT;
  }

  @Override
  public void close() {
    List<Watch> watches = new ArrayList<>();
    List<CompletableFuture<ServiceHandle>> waiters;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      // Nothing is cleared: every later call checks `closed` first, so the registry's contents
      // are never read again, and they go with the registry when it becomes unreachable.
      closed = true;
      watchersByName.values().forEach(watches::addAll);
      watches.addAll(watchersOfAll);
      waiters = new ArrayList<>(awaiting.values());
    } finally {
      lock.unlock();
    }
    for (CompletableFuture<ServiceHandle> waiter : waiters) {
      waiter.completeExceptionally(closedError());
    }
    for (Watch watch : watches) {
      watch.closeByOwner();
    }
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
      for (List<Watch> watchers : watchersByName.values()) {
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
      throw closedError();
    }
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException("this samgr 'host' registry is closed");
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
  private @Nullable List<Watch> installed(ServiceEvent event) {
    lastGeneration = event.handle().generation().value();
    return publish(event);
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
   * Sends {@code Expired} if the entry is still current and, as of {@code now}, expired and not yet
   * announced; then, if {@code beat}, records a heartbeat at {@code now} that makes it alive again.
   */
  private void announceExpiry(Entry entry, long now, boolean beat) {
    List<Watch> notify = null;
    lock.lock();
    try {
      if (closed || services.get(entry.handle.name()) != entry) {
        return; // closed or replaced meanwhile: the caller's view was linearized before that
      }
      if (markExpired(entry, now)) {
        notify = publish(new ServiceEvent.Expired(entry.handle));
      }
      if (beat) {
        entry.beat(now);
      }
    } finally {
      lock.unlock();
    }
    drain(notify);
  }

  /** Marks the entry expired if it is and was not yet announced; call under the lock. */
  private boolean markExpired(Entry entry, long now) {
    long last = entry.lastBeat;
    if (now - last > timeoutMillis && entry.expiredBeat != last) {
      entry.expiredBeat = last;
      return true;
    }
    return false;
  }

  private Subscription subscribe(
      String name, Consumer<ServiceEvent> listener, @Nullable CompletableFuture<ServiceHandle> waiter) {
    Watch watch = new Watch(this, name, listener);
    lock.lock();
    try {
      checkOpen();
      watchersByName.computeIfAbsent(name, n -> new ArrayList<>(2)).add(watch);
      if (waiter != null) {
        awaiting.put(watch, waiter);
      }
      Entry entry = services.get(name);
      if (entry != null) {
        watch.enqueue(new ServiceEvent.Registered(entry.handle));
      }
    } finally {
      lock.unlock();
    }
    watch.drain();
    return watch;
  }

  /** Removes a closed subscription; called by {@link Watch#close()}, maybe more than once. */
  void unsubscribe(Watch watch) {
    lock.lock();
    try {
      awaiting.remove(watch);
      if (watch.name == null) {
        watchersOfAll.remove(watch);
      } else {
        List<Watch> watchers = watchersByName.get(watch.name);
        if (watchers != null) { // null: closed before, and it was the name's last subscription
          watchers.remove(watch);
          if (watchers.isEmpty()) {
            watchersByName.remove(watch.name);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues the event for every subscription it concerns and returns them, or {@code null} when
   * there are none (the common case, which allocates nothing); call under the lock.
   */
  private @Nullable List<Watch> publish(ServiceEvent event) {
    List<Watch> named = watchersByName.get(event.handle().name());
    if (named == null && watchersOfAll.isEmpty()) {
      return null;
    }
    List<Watch> notify = new ArrayList<>();
    if (named != null) {
      notify.addAll(named);
    }
    notify.addAll(watchersOfAll);
    for (Watch watch : notify) {
      watch.enqueue(event);
    }
    return notify;
  }

  private static void drain(@Nullable List<Watch> notify) {
    if (notify != null) {
      for (Watch watch : notify) {
        watch.drain();
      }
    }
  }

  private static long saturatedNanos(Duration timeout) {
    try {
      return timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
