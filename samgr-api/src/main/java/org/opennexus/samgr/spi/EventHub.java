package org.opennexus.samgr.spi;

import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * The event delivery of one registry, written once for every backend: it owns the subscriptions (to
 * one name and to all names), their first {@code Registered} events, the fan-out of each event, the
 * executor or hand-off thread, the failure hook, {@code await} and the close rules. The duties of a
 * backend, and the rules this class keeps, are written in the package documentation ({@link
 * org.opennexus.samgr.spi}, "Event delivery").
 *
 * <p>Thread-safe. {@link #publish} and {@link #subscribe} must be called under the backend's lock
 * (or on its single event thread), in the order the changes take effect; {@link #flush()} with no
 * lock held.
 */
public final class EventHub {

  /** The setting that bounds one subscription's backlog: {@value}. */
  public static final String MAX_BACKLOG_SETTING = "delivery.max-backlog";

  /** The backlog bound when {@value #MAX_BACKLOG_SETTING} is not set: {@value}. */
  public static final int DEFAULT_MAX_BACKLOG = 100_000;

  /** Events one executor task delivers before it hands the rest to a fresh task. */
  static final int BATCH = 64;

  private static final long HAND_OFF_KEEP_ALIVE_MILLIS = 1_000;

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr");

  /** How many listener calls (of any samgr registry) the current thread is inside. */
  static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  /** What this thread published and has not flushed yet, for any hub. */
  private static final ThreadLocal<Pending> PENDING = ThreadLocal.withInitial(Pending::new);

  /** The subscription whose task this thread is handing to an executor, to catch inline runs. */
  private static final ThreadLocal<Submitting> SUBMITTING =
      ThreadLocal.withInitial(Submitting::new);

  /** Watches tasks handed to a user's executor, to report one dropped without being run. */
  private static final Cleaner DROPS = Cleaner.create();

  private final String environment;
  private final BiConsumer<ServiceEvent, Throwable> failures;
  private final @Nullable Executor executor;
  private final boolean writersDeliver;
  private final int maxBacklog;

  private final ConcurrentHashMap<String, CopyOnWriteArrayList<HubSubscription>> byName =
      new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<HubSubscription> ofAll = new CopyOnWriteArrayList<>();
  private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

  /** Listener calls in flight, of every subscription, closed ones included. */
  private final AtomicInteger calls = new AtomicInteger();

  private final Object idle = new Object();

  private final Object handOffLock = new Object();
  private @Nullable ThreadPoolExecutor handOffThread; // guarded by handOffLock

  private volatile boolean closed;

  private EventHub(SamgrConfig config, String environment, boolean writersDeliver) {
    Arguments.requireNonNull(config, "config");
    this.environment = Arguments.requireNonNull(environment, "environment");
    this.failures = config.listenerFailures();
    this.executor = config.executor();
    this.writersDeliver = writersDeliver && executor == null;
    this.maxBacklog = maxBacklog(config);
  }

  /**
   * Creates the hub of a registry whose writers may run listeners (caller-runs), or, when {@link
   * SamgrConfig#executor()} is set, deliver on that executor. For in-process backends.
   *
   * @param config the registry's configuration: executor, failure hook, settings
   * @param environment the backend's environment name, used in messages
   * @return a new hub
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the setting {@value #MAX_BACKLOG_SETTING} is not a positive
   *     whole number; the message names it and where it came from
   */
  public static EventHub callerRuns(SamgrConfig config, String environment) {
    return new EventHub(config, environment, true);
  }

  /**
   * Creates the hub of a registry whose flushing threads never run user code: listeners run on the
   * hub's hand-off thread, or on {@link SamgrConfig#executor()} when set. For backends whose
   * changes arrive on a thread that must not run user code (a client library's event thread).
   *
   * @param config the registry's configuration: executor, failure hook, settings
   * @param environment the backend's environment name, used in messages
   * @return a new hub
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the setting {@value #MAX_BACKLOG_SETTING} is not a positive
   *     whole number; the message names it and where it came from
   */
  public static EventHub handOff(SamgrConfig config, String environment) {
    return new EventHub(config, environment, false);
  }

  /**
   * Tells whether the current thread is inside a call of a listener (or of the failure hook) of any
   * samgr registry. Closing never waits there; a backend should not block there either.
   *
   * @return whether a samgr listener call is in progress on this thread
   */
  public static boolean insideListener() {
    return DEPTH.get()[0] > 0;
  }

  /**
   * Returns the most events that may wait for one listener before its subscription is closed.
   *
   * @return the backlog bound, positive
   */
  public int maxBacklog() {
    return maxBacklog;
  }

  /**
   * Subscribes {@code listener} to the events of {@code name}, or of every name when {@code name}
   * is {@code null}, and queues a {@code Registered} event for each handle of {@code current} (in
   * the order given: what is registered now). Call it under the backend's lock, so that no change
   * falls between what {@code current} shows and the first event queued after it; then {@link
   * #flush()} after releasing the lock. Calls no listener.
   *
   * @param name the name watched, or {@code null} for all names
   * @param listener the listener {@code watch} or {@code watchAll} received
   * @param current the services registered now that the subscription concerns
   * @return the subscription, to return to the user
   * @throws NullPointerException if {@code listener} or {@code current} is {@code null}
   * @throws IllegalStateException if the hub is closed
   */
  public Subscription subscribe(
      @Nullable String name, Consumer<ServiceEvent> listener, Collection<ServiceHandle> current) {
    Arguments.requireNonNull(listener, "listener");
    Arguments.requireNonNull(current, "current");
    checkOpen();
    HubSubscription subscription = new HubSubscription(this, name, listener);
    if (name == null) {
      ofAll.add(subscription);
    } else {
      byName.compute(
          name,
          (key, list) -> {
            CopyOnWriteArrayList<HubSubscription> into =
                list == null ? new CopyOnWriteArrayList<>() : list;
            into.add(subscription);
            return into;
          });
    }
    if (closed) { // close ran meanwhile and may have missed it
      subscription.closeWithoutWaiting();
      unlink(subscription);
      checkOpen();
    }
    Pending pending = null;
    for (ServiceHandle handle : current) {
      long number = subscription.enqueue(new ServiceEvent.Registered(handle));
      pending = remember(pending, subscription, number);
    }
    return subscription;
  }

  /**
   * Queues an event for every subscription it concerns (those to its name and those to all names),
   * and wakes the {@link #await} calls it answers. Call it under the backend's lock (or on its
   * single event thread), in the order the changes take effect; then {@link #flush()} after
   * releasing the lock. Calls no listener and never blocks. A subscription whose backlog would
   * exceed {@link #maxBacklog()} is closed instead, and {@code flush} reports it.
   *
   * @param event the event that took effect
   * @throws NullPointerException if {@code event} is {@code null}
   */
  public void publish(ServiceEvent event) {
    Arguments.requireNonNull(event, "event");
    String name = event.handle().name();
    if (!waiters.isEmpty() && !(event instanceof ServiceEvent.Unregistered)) {
      for (Waiter waiter : waiters) {
        if (waiter.name.equals(name)) {
          waiter.found.complete(event.handle()); // runs no code: the awaiting thread is woken
        }
      }
    }
    Pending pending = null;
    List<HubSubscription> named = byName.get(name);
    if (named != null) {
      for (HubSubscription subscription : named) {
        pending = remember(pending, subscription, subscription.enqueue(event));
      }
    }
    for (HubSubscription subscription : ofAll) {
      pending = remember(pending, subscription, subscription.enqueue(event));
    }
  }

  /**
   * Delivers what the current thread published (and subscribed) since its last flush; call it after
   * the backend released its lock, also when the change failed after publishing (in a {@code
   * finally} block). In caller-runs mode without an executor, the current thread calls the
   * listeners itself, for events up to its own last one; later events go to the hand-off thread.
   * Otherwise it hands the work to the executor or the hand-off thread and calls no user code.
   * Never throws a listener's or an executor's failure: they go to the failure hook.
   */
  public void flush() {
    Pending pending = PENDING.get();
    while (pending.size > 0) {
      int last = --pending.size;
      HubSubscription subscription = pending.subscriptions[last];
      long number = pending.numbers[last];
      pending.subscriptions[last] = null;
      subscription.hub.deliver(subscription, number);
    }
  }

  /**
   * Waits until {@code name} is registered: returns at once if {@code registry.find(name)} shows
   * it, else the handle of the first event published for it afterwards (other than {@code
   * Unregistered}). The wait is woken by {@link #publish} itself, not by a listener, so it returns
   * also when called inside a listener whose thread delivery would need. Backends implement {@link
   * ServiceManager#await} with it.
   *
   * @param registry the registry, whose {@code find} reads what is registered
   * @param name the service name
   * @param timeout how long to wait at most; zero or more
   * @return the handle
   * @throws SamgrError.NotFound if the timeout passes first; its message names the timeout
   * @throws SamgrError if {@code registry.find} throws it
   * @throws InterruptedException if the thread is interrupted before or while waiting
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code name} is not a valid name or {@code timeout} is
   *     negative
   * @throws IllegalStateException if the registry is closed, before or while waiting
   */
  public ServiceHandle await(ServiceManager registry, String name, Duration timeout)
      throws SamgrError, InterruptedException {
    Arguments.requireNonNull(registry, "registry");
    requireAwaitArguments(name, timeout);
    Waiter waiter = new Waiter(name);
    waiters.add(waiter);
    try {
      checkOpen();
      Optional<ServiceHandle> now = registry.find(name);
      if (now.isPresent()) {
        return now.get();
      }
      return waiter.found.get(saturatedNanos(timeout), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new SamgrError.NotFound(name, timeout);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "this samgr '" + environment + "' registry was closed while awaiting '" + name + "'",
          e.getCause());
    } finally {
      waiters.remove(waiter);
    }
  }

  /**
   * Checks the arguments of {@link ServiceManager#await} in the documented order, and the interrupt
   * flag: for a backend's fast path before {@link #await}.
   *
   * @param name the service name
   * @param timeout the timeout
   * @throws InterruptedException if the thread is interrupted (the flag is cleared)
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code name} is not a valid name or {@code timeout} is
   *     negative
   */
  public static void requireAwaitArguments(String name, Duration timeout)
      throws InterruptedException {
    Arguments.requireName(name);
    Arguments.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, but is " + timeout);
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before awaiting '" + name + "'");
    }
  }

  /**
   * Closes the hub, for the registry's {@code close()}; call it on every {@code close()}, also when
   * the registry was closed already. Closes every subscription (no listener call starts afterwards;
   * queued events are dropped), wakes every {@link #await} with {@link IllegalStateException} and
   * ends the hand-off thread. Then, called from outside every samgr listener, waits until no
   * listener call of this hub is in flight, whoever else closed it and however its subscriptions
   * ended (closed by the user, by a listener, by a backlog overflow); called from inside one, it
   * never waits. The wait is interruptible: interrupted, it stops waiting, keeps the flag and
   * returns. Afterwards the hub holds no subscription, listener or waiter.
   */
  public void close() {
    closed = true;
    List<HubSubscription> closing = new ArrayList<>(ofAll);
    ofAll.clear();
    for (String name : byName.keySet()) {
      List<HubSubscription> named = byName.remove(name);
      if (named != null) {
        closing.addAll(named);
      }
    }
    for (HubSubscription subscription : closing) {
      subscription.closeWithoutWaiting();
    }
    for (Waiter waiter : List.copyOf(waiters)) {
      waiters.remove(waiter);
      waiter.found.completeExceptionally(new IllegalStateException(closedMessage()));
    }
    synchronized (handOffLock) {
      if (handOffThread != null) {
        handOffThread.shutdown(); // queued tasks find their subscriptions closed and end
        handOffThread = null;
      }
    }
    if (!insideListener()) {
      awaitNoCalls();
    }
  }

  /**
   * Returns how many subscriptions are open, counting each {@link #await} call that is waiting as
   * one (it waits on a subscription of its own kind).
   *
   * @return the number of open subscriptions and waiting {@code await} calls
   */
  public int subscriptions() {
    int count = ofAll.size() + waiters.size();
    for (List<HubSubscription> named : byName.values()) {
      count += named.size();
    }
    return count;
  }

  /**
   * Returns how many events are queued for listeners and not yet delivered, over every open
   * subscription: the {@code samgr.delivery.backlog} gauge of samgr-metrics. It reads each
   * subscription's queue size once; it never waits for a listener.
   *
   * @return the number of queued events, 0 once closed
   */
  public long backlog() {
    long backlog = 0;
    for (HubSubscription subscription : ofAll) {
      backlog += subscription.backlog();
    }
    for (List<HubSubscription> named : byName.values()) {
      for (HubSubscription subscription : named) {
        backlog += subscription.backlog();
      }
    }
    return backlog;
  }

  /**
   * Says how delivery runs and how many subscriptions are open, such as {@code samgr 'host' events
   * (caller-runs, subscriptions: 2)}.
   */
  @Override
  public String toString() {
    String mode = executor != null ? "executor" : writersDeliver ? "caller-runs" : "hand-off";
    return "samgr '"
        + environment
        + "' events ("
        + mode
        + (closed ? ", closed)" : ", subscriptions: " + subscriptions() + ")");
  }

  // ---- for HubSubscription ----

  void callStarted() {
    calls.incrementAndGet();
  }

  void callEnded() {
    if (calls.decrementAndGet() == 0 && closed) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** Calls a listener once; any throwable goes to the hook. */
  void call(@Nullable Consumer<ServiceEvent> listener, ServiceEvent event) {
    if (listener == null) {
      return;
    }
    int[] depth = DEPTH.get();
    depth[0]++;
    try {
      listener.accept(event);
    } catch (Throwable failure) { // sneaky checked exceptions and errors included
      if (failure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      report(event, failure);
    } finally {
      depth[0]--;
    }
  }

  void unlink(HubSubscription subscription) {
    String name = subscription.name;
    if (name == null) {
      ofAll.remove(subscription);
    } else {
      byName.computeIfPresent(
          name,
          (key, list) -> {
            list.remove(subscription);
            return list.isEmpty() ? null : list;
          });
    }
  }

  /**
   * A task handed to the user's executor was dropped without being run (seen when it was
   * collected): report it with the event it was to deliver, then submit again if events wait.
   */
  void dropped(HubSubscription subscription, ServiceEvent event) {
    if (closed || subscription.isClosed()) {
      return;
    }
    report(
        event,
        new RejectedExecutionException(
            "the executor "
                + executor
                + " dropped a delivery task of "
                + subscription.description()
                + " without running it; delivery goes on"));
    if (subscription.firstWaiting() != null && !subscription.draining()) {
      submit(subscription);
    }
  }

  // ---- internals ----

  private static @Nullable Pending remember(
      @Nullable Pending pending, HubSubscription subscription, long number) {
    if (number == 0) {
      return pending;
    }
    Pending into = pending == null ? PENDING.get() : pending;
    into.add(subscription, number);
    if (number < 0) {
      subscription.hub.unlink(subscription);
    }
    return into;
  }

  /** Delivers one subscription's events after a flush: {@code number} is this thread's last. */
  private void deliver(HubSubscription subscription, long number) {
    if (number < 0) {
      ServiceEvent event = subscription.takeOverflowed();
      if (event != null) {
        reportAway(event, new BacklogOverflowException(subscription.description(), maxBacklog));
      }
      return;
    }
    if (writersDeliver) {
      if (subscription.tryClaim(number)
          && subscription.drain(Integer.MAX_VALUE) == HubSubscription.Outcome.HAND_OFF) {
        submit(subscription);
      }
    } else if (!subscription.draining()) {
      // A drainer seen here saw this thread's event: it gives the queue up only when empty or
      // after submitting a task for the rest.
      submit(subscription);
    }
  }

  /** A task's turn: one batch, then a fresh task if more wait. */
  private void runTask(HubSubscription subscription) {
    if (subscription.tryClaim(Long.MAX_VALUE)
        && subscription.drain(BATCH) == HubSubscription.Outcome.MORE) {
      submit(subscription);
    }
  }

  /**
   * Hands a subscription's delivery to the executor or the hand-off thread. An executor that runs
   * the task at once on this thread (such as {@code Runnable::run}) is caught, and the batches are
   * delivered here in a loop, so the stack stays bounded. Whatever {@code execute} throws goes to
   * the hook with the first waiting event; the next change submits again.
   */
  private void submit(HubSubscription subscription) {
    while (true) {
      Executor runner;
      try {
        runner = runner();
      } catch (RejectedExecutionException closing) {
        return; // the hub is closed: its subscriptions are closed too
      }
      ServiceEvent first = executor != null ? subscription.firstWaiting() : null; // the user's
      Task task = new Task(subscription, first);
      Submitting mark = SUBMITTING.get();
      HubSubscription outer = mark.subscription;
      mark.subscription = subscription;
      mark.ranHere = false;
      boolean ranHere;
      try {
        runner.execute(task);
      } catch (Throwable failure) { // RejectedExecutionException, errors, whatever it throws
        task.started();
        ServiceEvent waiting = subscription.firstWaiting();
        if (waiting != null && !closed) {
          reportAway(waiting, failure);
        }
        return;
      } finally {
        ranHere = mark.ranHere;
        mark.subscription = outer;
        mark.ranHere = false;
      }
      if (!ranHere
          || !subscription.tryClaim(Long.MAX_VALUE)
          || subscription.drain(BATCH) != HubSubscription.Outcome.MORE) {
        return;
      }
    }
  }

  /** The executor, or the hand-off thread (started if needed); refuses once closed. */
  private Executor runner() {
    if (executor != null) {
      return executor;
    }
    return handOffThread();
  }

  private Executor handOffThread() {
    synchronized (handOffLock) {
      if (closed) {
        throw new RejectedExecutionException(closedMessage());
      }
      ThreadPoolExecutor thread = handOffThread;
      if (thread == null) {
        String threadName = "samgr-" + environment + "-delivery";
        thread =
            new ThreadPoolExecutor(
                1,
                1,
                HAND_OFF_KEEP_ALIVE_MILLIS,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                task -> {
                  // No inherited thread locals: the thread outlives the writer that started it.
                  Thread t = new Thread(null, task, threadName, 0, false);
                  t.setDaemon(true);
                  return t;
                });
        thread.allowCoreThreadTimeOut(true);
        handOffThread = thread;
      }
      return thread;
    }
  }

  /**
   * Reports a failure that a flush found: on this thread in caller-runs mode, else on the hand-off
   * thread, since this thread must not run user code (or is the executor that fails).
   */
  private void reportAway(ServiceEvent event, Throwable failure) {
    if (writersDeliver) {
      report(event, failure);
      return;
    }
    try {
      handOffThread().execute(() -> report(event, failure));
    } catch (Throwable refused) { // closed meanwhile, or no thread could be made
      refused.addSuppressed(failure);
      LOG.log(
          Level.WARNING,
          "samgr could not report a delivery failure on " + event + " to the hook",
          refused);
    }
  }

  /** Passes a failure to the hook; a failing hook is logged, never propagated. */
  private void report(ServiceEvent event, Throwable failure) {
    int[] depth = DEPTH.get();
    depth[0]++;
    try {
      failures.accept(event, failure);
    } catch (Throwable hookFailure) {
      if (hookFailure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      hookFailure.addSuppressed(failure);
      LOG.log(
          Level.WARNING,
          "samgr listenerFailures hook "
              + failures
              + " threw while reporting "
              + failure
              + " on "
              + event,
          hookFailure);
    } finally {
      depth[0]--;
    }
  }

  private void awaitNoCalls() {
    synchronized (idle) {
      try {
        while (calls.get() > 0) {
          idle.wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // stop waiting, keep the flag
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this samgr '" + environment + "' registry is closed");
    }
  }

  private String closedMessage() {
    return "this samgr '" + environment + "' registry was closed";
  }

  private static int maxBacklog(SamgrConfig config) {
    return config
        .setting(MAX_BACKLOG_SETTING)
        .map(
            setting -> {
              int value = setting.asInt();
              if (value <= 0) {
                throw setting.invalid("must be a positive number of events");
              }
              return value;
            })
        .orElse(DEFAULT_MAX_BACKLOG);
  }

  private static long saturatedNanos(Duration timeout) {
    try {
      return timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /** An {@link #await} in progress. */
  private static final class Waiter {
    final String name;
    final CompletableFuture<ServiceHandle> found = new CompletableFuture<>();

    Waiter(String name) {
      this.name = name;
    }
  }

  /** The subscriptions one thread published to and has not flushed, with its last numbers. */
  static final class Pending {
    HubSubscription[] subscriptions = new HubSubscription[8];
    long[] numbers = new long[8];
    int size;

    /** Adds an entry, merging with the last one for the same subscription; -1 (overflow) wins. */
    void add(HubSubscription subscription, long number) {
      if (size > 0 && subscriptions[size - 1] == subscription) {
        long known = numbers[size - 1];
        numbers[size - 1] = known < 0 || number < 0 ? -1 : Math.max(known, number);
        return;
      }
      if (size == subscriptions.length) {
        subscriptions = java.util.Arrays.copyOf(subscriptions, size * 2);
        numbers = java.util.Arrays.copyOf(numbers, size * 2);
      }
      subscriptions[size] = subscription;
      numbers[size] = number;
      size++;
    }
  }

  /** Which subscription's task this thread is handing to an executor. */
  private static final class Submitting {
    @Nullable HubSubscription subscription;
    boolean ranHere;
  }

  /**
   * One hand-over of a subscription to an executor. A task for the user's executor is watched: if
   * the executor drops it without running it (a discard policy, {@code shutdownNow}), the hook
   * hears of it once the task is collected, and delivery is submitted again.
   */
  private static final class Task implements Runnable {
    private final HubSubscription subscription;
    private final @Nullable DropWatch watch;
    private final Cleaner.@Nullable Cleanable cleanable;

    Task(HubSubscription subscription, @Nullable ServiceEvent first) {
      this.subscription = subscription;
      if (first != null) {
        watch = new DropWatch(subscription, first);
        cleanable = DROPS.register(this, watch);
      } else {
        watch = null;
        cleanable = null;
      }
    }

    /** Ran or refused: no drop to report. */
    void started() {
      if (watch != null && cleanable != null) {
        watch.started = true;
        cleanable.clean();
      }
    }

    @Override
    public void run() {
      started();
      Submitting mark = SUBMITTING.get();
      if (mark.subscription == subscription) {
        mark.ranHere = true; // run inside execute() on the submitting thread: it delivers
        return;
      }
      subscription.hub.runTask(subscription);
    }
  }

  /** The cleaning action of a watched task; holds no reference to the task. */
  private static final class DropWatch implements Runnable {
    private final HubSubscription subscription;
    private final ServiceEvent first;
    volatile boolean started;

    DropWatch(HubSubscription subscription, ServiceEvent first) {
      this.subscription = subscription;
      this.first = first;
    }

    @Override
    public void run() {
      if (!started) {
        subscription.hub.dropped(subscription, first);
      }
    }
  }
}
