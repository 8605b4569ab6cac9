package org.opennexus.samgr.spi;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * The event delivery of one registry, shared by every backend: subscriptions with ordered
 * queues, the failure hook, the executor or hand-off thread, the close rules and {@code await}.
 * A backend only says which events took effect, in which order; this class delivers them by the
 * rules written on {@link org.opennexus.samgr.ServiceManager} ("Events").
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * // one per registry, when it opens:
 * Delivery delivery = Delivery.callerRuns(config, "mine");
 * // watch(name, listener), under the backend's lock:
 * DeliveredSubscription s =
 *     delivery.subscribe("samgr subscription to '" + name + "'", listener, this::unlink);
 * long upTo = current == null ? 0 : s.offer(new ServiceEvent.Registered(current));
 * // after releasing the lock:
 * s.dispatch(upTo);
 * // a change, under the lock:
 * Delivery.Batch batch = delivery.batch();
 * for (DeliveredSubscription w : watchersOf(name)) batch.offer(w, event);
 * // after releasing the lock:
 * batch.dispatch();
 * // close(): mark the registry closed, forget the subscriptions, then
 * delivery.closeAll();
 * }</pre>
 *
 * <p>The backend's duties: call {@link DeliveredSubscription#offer} in effect order (under its
 * lock or on its single event thread); call {@code dispatch} with no lock held; unlink the
 * subscription in the {@code onClose} callback, which must neither wait nor call listeners; and
 * pass the listener {@code watch} receives to {@link #subscribe} as it is, unwrapped ({@link
 * #await} recognises its own, see there).
 *
 * <h2>Modes</h2>
 *
 * <ul>
 *   <li><b>Caller-runs</b> ({@link #callerRuns}, no executor configured; the default): a thread
 *       that made a change calls the listeners itself, after the backend released its lock, for
 *       the events that were pending when it dispatched, its own included: a writer may run
 *       listeners for changes that took effect before its own, never for later ones. Later events
 *       go to a per-registry hand-off thread (one daemon thread, started when first needed, ended
 *       after a second idle and on {@link #closeAll()}). If another thread is already delivering
 *       to a subscription, the writer does not wait for it.
 *   <li><b>Hand-off</b> ({@link #handOff}, for backends whose changes arrive on a thread that
 *       must not run user code, such as a client library's event thread): writers never call
 *       listeners; every event goes through the hand-off thread.
 *   <li><b>Executor</b> ({@link SamgrConfig#executor()} set, in either mode): listeners run only
 *       on that executor, never on a writer's thread. Each subscription has at most one drain
 *       task queued or running; a task delivers at most 64 events, then submits a fresh one, so
 *       subscriptions sharing a small pool all progress. If the executor rejects a task, the
 *       events stay queued, the rejection goes to the failure hook, and the next change to that
 *       subscription retries.
 * </ul>
 *
 * <p>In every mode, for one subscription: events arrive one at a time, in offer order, none lost
 * and none twice (until the subscription closes). Delivery on the hand-off thread or an executor
 * shares that thread between subscriptions: a slow listener delays the others behind it there.
 *
 * <h2>Failures, backlog, close</h2>
 *
 * <ul>
 *   <li>Any throwable a listener throws (checked ones thrown sneakily and errors included) goes
 *       to {@link SamgrConfig#listenerFailures()} with the event; never to the writer. An {@code
 *       InterruptedException} sets the thread's interrupt flag again. If the hook itself throws,
 *       that is logged ({@link System.Logger} {@code org.opennexus.samgr}) and delivery goes on.
 *   <li>At most {@link #maxBacklog()} events wait for one listener (setting {@value
 *       #MAX_BACKLOG_SETTING}, default {@value #DEFAULT_MAX_BACKLOG}). The change that would
 *       exceed it closes that subscription instead and a {@link BacklogOverflowException} goes to
 *       the hook: a final, reported loss, never a blocked writer.
 *   <li>{@link DeliveredSubscription#close()} and {@link #closeAll()} wait for listener calls in
 *       flight only when called from outside every samgr listener, and interruptibly.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class Delivery {

  /** The setting that bounds one subscription's backlog: {@value}. */
  public static final String MAX_BACKLOG_SETTING = "delivery.max-backlog";

  /** The backlog bound when {@value #MAX_BACKLOG_SETTING} is not set: {@value}. */
  public static final int DEFAULT_MAX_BACKLOG = 100_000;

  /** How long the hand-off thread stays idle before it ends. */
  private static final long HAND_OFF_KEEP_ALIVE_MILLIS = 1_000;

  private static final System.Logger LOG = System.getLogger("org.opennexus.samgr");

  /** How many listener calls (of any samgr registry) the current thread is inside. */
  static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private final String environment;
  private final BiConsumer<ServiceEvent, Throwable> failures;
  private final @Nullable Executor executor;
  private final boolean writersDeliver;
  private final int maxBacklog;

  private final Set<DeliveredSubscription> open = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<ServiceHandle>> waiters = ConcurrentHashMap.newKeySet();

  private final Object handOffLock = new Object();
  private @Nullable ThreadPoolExecutor handOffThread; // guarded by handOffLock

  private volatile boolean closed;

  private Delivery(SamgrConfig config, String environment, boolean writersDeliver) {
    Arguments.requireNonNull(config, "config");
    this.environment = Arguments.requireNonNull(environment, "environment");
    this.failures = config.listenerFailures();
    this.executor = config.executor();
    this.writersDeliver = writersDeliver && executor == null;
    this.maxBacklog = maxBacklog(config);
  }

  /**
   * Creates the delivery of a registry whose writers deliver the events pending when they
   * dispatch (caller-runs), or, when {@link SamgrConfig#executor()} is set, deliver on that
   * executor. For in-process backends such as {@code host}.
   *
   * @param config the registry's configuration: executor, failure hook, settings
   * @param environment the backend's environment name, used in messages
   * @return a new delivery
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the setting {@value #MAX_BACKLOG_SETTING} is not a
   *     positive whole number; the message names it and where it came from
   */
  public static Delivery callerRuns(SamgrConfig config, String environment) {
    return new Delivery(config, environment, true);
  }

  /**
   * Creates the delivery of a registry whose writers never call listeners: events go to the
   * hand-off thread, or to {@link SamgrConfig#executor()} when set. For backends whose changes
   * arrive on a thread that must not run user code.
   *
   * @param config the registry's configuration: executor, failure hook, settings
   * @param environment the backend's environment name, used in messages
   * @return a new delivery
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the setting {@value #MAX_BACKLOG_SETTING} is not a
   *     positive whole number; the message names it and where it came from
   */
  public static Delivery handOff(SamgrConfig config, String environment) {
    return new Delivery(config, environment, false);
  }

  /**
   * Tells whether the current thread is inside a call of a listener (or of the failure hook) of
   * any samgr registry. Closing never waits there; a backend should not block there either.
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
   * Creates a subscription for {@code listener}. Cheap and free of listener calls, so it may be
   * called under the backend's lock; link the subscription into the backend's own structures
   * there, and offer its first events.
   *
   * @param description what it watches, for {@code toString} and messages, such as {@code samgr
   *     subscription to 'net'}
   * @param listener receives the events: the one {@code watch} or {@code watchAll} received, as
   *     it is ({@link #await} recognises its own; wrapped, it is delivered like any other)
   * @param onClose called once when the subscription closes (by the user, by {@link #closeAll()}
   *     or by a backlog overflow), on the closing thread and with no samgr lock held, to unlink
   *     it from the backend; it must neither wait nor call listeners
   * @return the open subscription
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalStateException if {@link #closeAll()} was called
   */
  public DeliveredSubscription subscribe(
      String description,
      Consumer<ServiceEvent> listener,
      Consumer<DeliveredSubscription> onClose) {
    Arguments.requireNonNull(description, "description");
    Arguments.requireNonNull(listener, "listener");
    Arguments.requireNonNull(onClose, "onClose");
    checkOpen();
    DeliveredSubscription subscription =
        new DeliveredSubscription(this, description, listener, onClose);
    open.add(subscription);
    if (closed) { // closeAll ran meanwhile and may have missed it
      subscription.closeWithoutWaiting();
      checkOpen();
    }
    return subscription;
  }

  /**
   * Returns a new, empty batch for the events of one change (or one sweep).
   *
   * @return a new batch
   */
  public Batch batch() {
    return new Batch();
  }

  /**
   * Closes every subscription and wakes every {@link #await} with {@link
   * IllegalStateException}; for the registry's {@code close()}. First marks all subscriptions
   * closed (no listener call starts afterwards, and queued events are dropped), then, only when
   * called from outside every samgr listener, waits in one pass until no listener call of theirs
   * is in flight. The wait is interruptible: interrupted, it stops waiting, keeps the interrupt
   * flag and returns. Also ends the hand-off thread. Afterwards this delivery holds no
   * subscription, listener or waiter. Idempotent; a second call does not wait.
   */
  public void closeAll() {
    closed = true;
    List<DeliveredSubscription> closing = new ArrayList<>(open);
    open.clear();
    for (DeliveredSubscription subscription : closing) {
      subscription.closeWithoutWaiting();
    }
    List<CompletableFuture<ServiceHandle>> woken = new ArrayList<>(waiters);
    waiters.clear();
    for (CompletableFuture<ServiceHandle> waiter : woken) {
      waiter.completeExceptionally(new IllegalStateException(closedMessage()));
    }
    synchronized (handOffLock) {
      if (handOffThread != null) {
        handOffThread.shutdown(); // queued drain tasks find their subscriptions closed and end
        handOffThread = null;
      }
    }
    if (!insideListener()) {
      for (DeliveredSubscription subscription : closing) {
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        subscription.awaitIdle();
      }
    }
  }

  /**
   * Waits until {@code name} is registered, built on a watch of {@code registry}: returns the
   * handle of the first event the watch delivers (its first event is {@code Registered}: the
   * current handle, or the next register). Backends implement {@link ServiceManager#await} with
   * it, after their own fast path for a name already registered.
   *
   * <p>The watch's listener runs no user code (it completes a future), so its subscription calls
   * it as each event is offered, on the offering thread, instead of queueing it: an {@code await}
   * called inside a listener therefore returns when the name is registered, also when the
   * listener runs on the hand-off thread or an executor that would otherwise have to finish that
   * listener first. Two conditions: the backend's {@code watch} passes its listener to {@link
   * #subscribe} as it is (wrapped, it is delivered like any listener), and the listener that
   * awaits does not run on the thread that offers the change (an executor that runs tasks on the
   * submitting thread, such as {@code Runnable::run}, can put it there on a backend whose changes
   * arrive on one event thread).
   *
   * @param registry the registry to watch; its {@code watch} must use this delivery
   * @param name the service name
   * @param timeout how long to wait at most; zero or more
   * @return the handle
   * @throws SamgrError.NotFound if the timeout passes first; its message names the timeout
   * @throws SamgrError if {@code registry.watch} throws it
   * @throws InterruptedException if the thread is interrupted before or while waiting
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code name} is not a valid name or {@code timeout} is
   *     negative
   * @throws IllegalStateException if the registry is closed, before or while waiting
   */
  @SuppressWarnings("CollectionUndefinedEquality") // identity is what the waiter set needs
  public ServiceHandle await(ServiceManager registry, String name, Duration timeout)
      throws SamgrError, InterruptedException {
    Arguments.requireNonNull(registry, "registry");
    requireAwaitArguments(name, timeout);
    Waiter waiter = new Waiter();
    CompletableFuture<ServiceHandle> found = waiter.found;
    waiters.add(found);
    try {
      checkOpen();
      try (Subscription watch = registry.watch(name, waiter)) {
        return found.get(saturatedNanos(timeout), TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      throw new SamgrError.NotFound(name, timeout);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "this samgr '" + environment + "' registry was closed while awaiting '" + name + "'",
          e.getCause());
    } finally {
      waiters.remove(found);
    }
  }

  /**
   * The listener of {@link #await}'s watch: completes its future with the first event's handle.
   * It runs no user code, so {@link DeliveredSubscription#offer} calls it at once.
   */
  static final class Waiter implements Consumer<ServiceEvent> {
    final CompletableFuture<ServiceHandle> found = new CompletableFuture<>();

    @Override
    public void accept(ServiceEvent event) {
      found.complete(event.handle());
    }
  }

  /**
   * Checks the arguments of {@link ServiceManager#await} in the documented order, and the
   * interrupt flag: for a backend's fast path before {@link #await}.
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
   * Says how delivery runs and how many subscriptions are open, such as {@code samgr 'host'
   * delivery (caller-runs, subscriptions: 2)}.
   */
  @Override
  public String toString() {
    String mode = executor != null ? "executor" : writersDeliver ? "caller-runs" : "hand-off";
    return "samgr '" + environment + "' delivery (" + mode
        + (closed ? ", closed)" : ", subscriptions: " + open.size() + ")");
  }

  // ---- for DeliveredSubscription ----

  boolean writersDeliver() {
    return writersDeliver;
  }

  /** Whether {@link #closeAll()} has begun. */
  boolean isClosed() {
    return closed;
  }

  /** The executor, or the hand-off thread (started if needed); refuses once closed. */
  Executor runner() {
    if (executor != null) {
      return executor;
    }
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

  /** Passes a listener's failure to the hook; a failing hook is logged, never propagated. */
  @SuppressWarnings("ThrowSpecificExceptions")
  void report(ServiceEvent event, Throwable failure) {
    try {
      failures.accept(event, failure);
    } catch (Throwable hookFailure) {
      if (hookFailure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      hookFailure.addSuppressed(failure);
      logUnexpected(
          "samgr listenerFailures hook " + failures + " threw while reporting " + failure
              + " on " + event,
          hookFailure);
    }
  }

  void forget(DeliveredSubscription subscription) {
    open.remove(subscription);
  }

  static void logUnexpected(String message, Throwable failure) {
    LOG.log(Level.WARNING, message, failure);
  }

  // ---- internals ----

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

  /**
   * The events of one change (or one sweep), for the subscriptions they concern: {@link #offer}
   * each under the backend's lock, in effect order, then {@link #dispatch()} once after releasing
   * it. Each subscription is dispatched once, with the number of the last event offered to it.
   * Not thread-safe: one batch belongs to one change.
   */
  public static final class Batch {
    private DeliveredSubscription[] subscriptions = new DeliveredSubscription[4];
    private long[] upTo = new long[4];
    private int size;
    /** Index by subscription, once the batch is large enough for a linear search to hurt. */
    private @Nullable IdentityHashMap<DeliveredSubscription, Integer> index;

    private Batch() {}

    /**
     * Queues {@code event} for {@code subscription} ({@link DeliveredSubscription#offer}) and
     * remembers to dispatch it.
     *
     * @param subscription the subscription the event concerns
     * @param event the event
     * @throws NullPointerException if an argument is {@code null}
     */
    public void offer(DeliveredSubscription subscription, ServiceEvent event) {
      Arguments.requireNonNull(subscription, "subscription");
      long number = subscription.offer(event);
      int at = indexOf(subscription);
      if (at >= 0) {
        upTo[at] = number;
        return;
      }
      if (size == subscriptions.length) {
        subscriptions = Arrays.copyOf(subscriptions, size * 2);
        upTo = Arrays.copyOf(upTo, size * 2);
      }
      subscriptions[size] = subscription;
      upTo[size] = number;
      if (index != null) {
        index.put(subscription, size);
      }
      size++;
    }

    /**
     * Dispatches every subscription offered to, in the order each was first offered to ({@link
     * DeliveredSubscription#dispatch}); call it with no lock held. Runs through all of them even
     * if one throws (only an error of the JVM itself can), then rethrows the first.
     */
    public void dispatch() {
      Throwable first = null;
      for (int i = 0; i < size; i++) {
        try {
          subscriptions[i].dispatch(upTo[i]);
        } catch (RuntimeException | Error e) {
          if (first == null) {
            first = e;
          }
        }
      }
      if (first instanceof RuntimeException e) {
        throw e;
      }
      if (first instanceof Error e) {
        throw e;
      }
    }

    private int indexOf(DeliveredSubscription subscription) {
      if (size > 0 && subscriptions[size - 1] == subscription) {
        return size - 1; // the common case: several events for one watchAll
      }
      if (index == null) {
        if (size < 16) {
          for (int i = 0; i < size; i++) {
            if (subscriptions[i] == subscription) {
              return i;
            }
          }
          return -1;
        }
        index = new IdentityHashMap<>();
        for (int i = 0; i < size; i++) {
          index.put(subscriptions[i], i);
        }
      }
      Integer at = index.get(subscription);
      return at == null ? -1 : at;
    }
  }
}
