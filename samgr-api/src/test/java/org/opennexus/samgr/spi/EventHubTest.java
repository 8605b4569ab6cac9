package org.opennexus.samgr.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * White-box tests of {@link EventHub} and its subscriptions without a backend: each branch of
 * publishing, flushing, claiming and draining, the writer's budget, the modes, executor failures,
 * the backlog bound, {@code await} and close. The rules as a whole are checked through real
 * registries by the TCK's delivery contracts.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@SuppressWarnings("NullAway") // passes null on purpose; reads messages it knows are set
class EventHubTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static ServiceHandle handle(String name, int generation) {
    return new ServiceHandle(name, Endpoint.of("a"), new Generation(generation));
  }

  private static ServiceEvent event(int generation) {
    return new ServiceEvent.Restarted(handle("svc", generation));
  }

  private static SamgrConfig config(
      @Nullable Executor executor,
      BiConsumer<ServiceEvent, Throwable> hook,
      Map<String, String> settings) {
    return SamgrConfig.builder()
        .clock(InstantSource.system())
        .livenessTimeout(Duration.ofSeconds(30))
        .settings(settings)
        .executor(executor)
        .listenerFailures(hook)
        .build();
  }

  private static SamgrConfig config(@Nullable Executor executor) {
    return config(executor, SamgrConfig.loggingListenerFailures(), Map.of());
  }

  /** Records events and the threads they ran on; waits for them with a bound. */
  private static final class Recorder implements Consumer<ServiceEvent> {
    final List<ServiceEvent> events = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    final List<Boolean> inside = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void accept(ServiceEvent event) {
      events.add(event);
      threads.add(Thread.currentThread());
      inside.add(EventHub.insideListener());
      notifyAll();
    }

    synchronized List<ServiceEvent> await(int count) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (events.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + count + " events, got " + events);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return List.copyOf(events);
    }
  }

  /** Records what the hook receives. */
  private static final class Hook implements BiConsumer<ServiceEvent, Throwable> {
    final List<ServiceEvent> events = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void accept(ServiceEvent event, Throwable failure) {
      events.add(event);
      failures.add(failure);
      notifyAll();
    }

    synchronized void await(int count) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (failures.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + count + " reports, got " + failures);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  private static List<ServiceEvent> events(int from, int to) {
    List<ServiceEvent> events = new ArrayList<>();
    for (int g = from; g <= to; g++) {
      events.add(event(g));
    }
    return events;
  }

  /** Publishes one event and flushes, as a backend does for one change. */
  private static void change(EventHub hub, ServiceEvent event) {
    hub.publish(event);
    hub.flush();
  }

  @Test
  void callerRunsDeliversOnTheWriterWithInitialEventsFirst() throws Exception {
    EventHub hub = EventHub.callerRuns(config(null), "test");
    Recorder one = new Recorder();
    Recorder all = new Recorder();
    Subscription s = hub.subscribe("svc", one, List.of(handle("svc", 1)));
    hub.subscribe(null, all, List.of(handle("a", 1), handle("svc", 1)));
    hub.flush();
    change(hub, event(2));
    change(hub, new ServiceEvent.Registered(handle("other", 3)));
    assertEquals(List.of(new ServiceEvent.Registered(handle("svc", 1)), event(2)), one.events);
    assertEquals(
        List.of(
            new ServiceEvent.Registered(handle("a", 1)),
            new ServiceEvent.Registered(handle("svc", 1)),
            event(2),
            new ServiceEvent.Registered(handle("other", 3))),
        all.events);
    assertEquals(
        List.of(Thread.currentThread()), List.copyOf(new java.util.HashSet<>(one.threads)));
    assertEquals(List.of(true, true), one.inside);
    assertFalse(EventHub.insideListener());
    assertEquals("samgr subscription to 'svc'", s.toString());
    assertEquals("samgr 'test' events (caller-runs, subscriptions: 2)", hub.toString());
    assertEquals(2, hub.subscriptions());
    hub.close();
    assertEquals("samgr subscription to 'svc' (closed)", s.toString());
    assertEquals("samgr 'test' events (caller-runs, closed)", hub.toString());
    assertEquals(0, hub.subscriptions());
  }

  @Test
  void handOffNeverRunsListenersOnTheFlushingThreadAndKeepsOrderAcrossBatches() throws Exception {
    EventHub hub = EventHub.handOff(config(null), "test");
    Recorder recorder = new Recorder();
    hub.subscribe("svc", recorder, List.of());
    for (ServiceEvent e : events(1, 200)) {
      change(hub, e);
    }
    assertEquals(events(1, 200), recorder.await(200));
    for (Thread thread : recorder.threads) {
      assertNotEquals(Thread.currentThread(), thread);
      assertEquals("samgr-test-delivery", thread.getName());
      assertTrue(thread.isDaemon());
    }
    assertFalse(recorder.inside.contains(false));
    assertEquals("samgr 'test' events (hand-off, subscriptions: 1)", hub.toString());
    hub.close();
  }

  @Test
  void executorTaskDeliversOneBatchThenSubmitsAFreshTask() throws Exception {
    ConcurrentLinkedQueue<Runnable> queued = new ConcurrentLinkedQueue<>();
    EventHub hub = EventHub.callerRuns(config(queued::add), "test");
    assertEquals("samgr 'test' events (executor, subscriptions: 0)", hub.toString());
    Recorder recorder = new Recorder();
    hub.subscribe("svc", recorder, List.of());
    for (ServiceEvent e : events(1, 150)) {
      hub.publish(e);
    }
    hub.flush();
    assertEquals(List.of(), recorder.events, "a writer ran a listener");
    int tasks = 0;
    Runnable task;
    while ((task = queued.poll()) != null) {
      task.run();
      tasks++;
    }
    assertEquals(events(1, 150), recorder.events);
    assertEquals(3, tasks, "150 events in batches of " + EventHub.BATCH);
  }

  @Test
  void executorTaskFindingTheQueueTakenOrEmptyDoesNothing() throws Exception {
    ConcurrentLinkedQueue<Runnable> queued = new ConcurrentLinkedQueue<>();
    EventHub hub = EventHub.callerRuns(config(queued::add), "test");
    Recorder recorder = new Recorder();
    hub.subscribe("svc", recorder, List.of());
    change(hub, event(1));
    change(hub, event(2)); // not draining yet: a second task is submitted
    assertEquals(2, queued.size());
    queued.poll().run();
    queued.poll().run(); // finds the queue empty
    assertEquals(events(1, 2), recorder.events);
  }

  @Test
  void writerDeliversOnlyUpToItsOwnEventAndHandsOffTheRest() throws Exception {
    EventHub hub = EventHub.callerRuns(config(null), "test");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Recorder recorder = new Recorder();
    hub.subscribe(
        "svc",
        e -> {
          recorder.accept(e);
          if (e.equals(event(1))) {
            entered.countDown();
            awaitQuietly(release);
          }
        },
        List.of());
    Thread writer = new Thread(() -> change(hub, event(1)), "samgr-test-writer");
    writer.start();
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    change(hub, event(2)); // another thread drains: this one returns at once
    change(hub, event(3));
    release.countDown();
    writer.join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(writer.isAlive());
    assertEquals(events(1, 3), recorder.await(3));
    assertEquals(writer, recorder.threads.get(0));
    assertEquals("samgr-test-delivery", recorder.threads.get(1).getName());
    assertEquals("samgr-test-delivery", recorder.threads.get(2).getName());
    hub.close();
  }

  @Test
  void aListenersOwnChangeIsDeliveredAfterItReturnsOnTheSameThread() throws Exception {
    EventHub hub = EventHub.callerRuns(config(null), "test");
    List<String> trace = new CopyOnWriteArrayList<>();
    AtomicInteger depth = new AtomicInteger();
    hub.subscribe(
        "svc",
        e -> {
          long g = e.handle().generation().value();
          trace.add("in " + g + " depth " + depth.incrementAndGet());
          if (e.equals(event(1))) {
            change(hub, event(2)); // raises this drain's budget instead of recursing
          }
          depth.decrementAndGet();
        },
        List.of());
    change(hub, event(1));
    assertEquals(List.of("in 1 depth 1", "in 2 depth 1"), trace);
  }

  @Test
  void directExecutorDeliversIterativelyOnTheWriter() throws Exception {
    EventHub hub = EventHub.callerRuns(config(Runnable::run), "test");
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger maxDepth = new AtomicInteger();
    int[] depth = new int[1];
    hub.subscribe(
        "svc",
        e -> {
          depth[0]++;
          maxDepth.accumulateAndGet(depth[0], Math::max);
          if (calls.incrementAndGet() < 1_000) {
            change(hub, event(calls.get() + 1));
          }
          depth[0]--;
        },
        List.of());
    for (ServiceEvent e : events(1, 200)) {
      hub.publish(e); // more than a batch at once
    }
    hub.flush();
    assertEquals(1_000 + 199, calls.get());
    assertEquals(1, maxDepth.get(), "a listener call inside another");
  }

  @Test
  void executorThatThrowsAnythingIsReportedAndTheNextChangeRetries() throws Exception {
    Hook hook = new Hook();
    AtomicReference<Throwable> toThrow = new AtomicReference<>(new OutOfMemoryError("no thread"));
    ConcurrentLinkedQueue<Runnable> queued = new ConcurrentLinkedQueue<>();
    Executor failing =
        task -> {
          Throwable t = toThrow.getAndSet(null);
          if (t instanceof Error error) {
            throw error;
          }
          queued.add(task);
        };
    EventHub hub = EventHub.callerRuns(config(failing, hook, Map.of()), "test");
    Recorder recorder = new Recorder();
    hub.subscribe("svc", recorder, List.of());
    change(hub, event(1)); // the Error goes to the hook, not here
    hook.await(1);
    assertEquals(List.of(event(1)), hook.events);
    assertInstanceOf(OutOfMemoryError.class, hook.failures.get(0));
    change(hub, event(2));
    queued.poll().run();
    assertEquals(events(1, 2), recorder.events);
    hub.close();
  }

  @Test
  void executorFailureWithNothingWaitingOrOnceClosedIsNotReported() throws Exception {
    Hook hook = new Hook();
    EventHub hub =
        EventHub.callerRuns(
            config(
                task -> {
                  throw new RejectedExecutionException("full");
                },
                hook,
                Map.of()),
            "test");
    Subscription s = hub.subscribe("svc", e -> {}, List.of());
    hub.publish(event(1));
    s.close(); // its events are dropped before the flush submits
    hub.flush();
    hub.close();
    change(hub, event(2));
    assertEquals(List.of(), hook.failures);
  }

  @Test
  void droppedTaskIsReportedWithItsEventAndResubmitted() throws Exception {
    Hook hook = new Hook();
    ConcurrentLinkedQueue<Runnable> queued = new ConcurrentLinkedQueue<>();
    EventHub hub = EventHub.callerRuns(config(queued::add, hook, Map.of()), "test");
    Recorder recorder = new Recorder();
    Subscription s = hub.subscribe("svc", recorder, List.of());
    change(hub, event(1));
    List<Runnable> dropped = new ArrayList<>(queued); // kept: a collected one would report too
    queued.clear();
    try {
      HubSubscription sub = (HubSubscription) s;
      hub.dropped(sub, event(1));
      assertEquals(List.of(event(1)), hook.events);
      assertInstanceOf(RejectedExecutionException.class, hook.failures.get(0));
      assertTrue(hook.failures.get(0).getMessage().contains("samgr subscription to 'svc'"));
      queued.poll().run(); // resubmitted
      assertEquals(events(1, 1), recorder.events);
      hub.dropped(sub, event(1)); // nothing waits: reported, not resubmitted
      assertEquals(2, hook.failures.size());
      assertTrue(queued.isEmpty());
      s.close();
      hub.dropped(sub, event(1)); // closed: not reported
      assertEquals(2, hook.failures.size());
    } finally {
      java.lang.ref.Reference.reachabilityFence(dropped);
    }
  }

  @Test
  void backlogOverflowClosesAndReportsOnceAwayFromAHandOffThread() throws Exception {
    Hook hook = new Hook();
    ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    EventHub hub =
        EventHub.handOff(
            config(held::add, hook, Map.of(EventHub.MAX_BACKLOG_SETTING, "2")), "test");
    assertEquals(2, hub.maxBacklog());
    Subscription s = hub.subscribe("svc", e -> {}, List.of());
    hub.publish(event(1));
    hub.publish(event(2));
    hub.publish(event(3)); // overflows
    hub.publish(event(4)); // dropped: closed
    assertEquals(0, hub.subscriptions(), "the overflowed subscription is unlinked");
    hub.flush();
    hook.await(1);
    assertEquals(List.of(event(3)), hook.events);
    BacklogOverflowException e =
        assertInstanceOf(BacklogOverflowException.class, hook.failures.get(0));
    assertEquals(2, e.maxBacklog());
    assertEquals("samgr subscription to 'svc' (closed)", s.toString());
    assertEquals(0, ((HubSubscription) s).backlog());
    hub.close();
  }

  @Test
  void overflowInCallerRunsIsReportedByTheWriter() throws Exception {
    Hook hook = new Hook();
    EventHub hub =
        EventHub.callerRuns(config(null, hook, Map.of(EventHub.MAX_BACKLOG_SETTING, "1")), "test");
    hub.subscribe(null, e -> {}, List.of());
    hub.publish(event(1));
    hub.publish(event(2));
    hub.flush();
    assertEquals(List.of(event(2)), hook.events);
  }

  @Test
  void listenerFailuresOfAnyKindGoToTheHookAndAThrowingHookIsLogged() throws Exception {
    List<Throwable> seen = new CopyOnWriteArrayList<>();
    EventHub hub =
        EventHub.callerRuns(
            config(
                null,
                (e, t) -> {
                  seen.add(t);
                  throw new IllegalStateException("hook broke");
                },
                Map.of()),
            "test");
    InterruptedException interrupted = new InterruptedException("listener");
    hub.subscribe(
        "svc",
        e -> {
          if (e.equals(event(1))) {
            sneaky(interrupted);
          }
          throw new StackOverflowError();
        },
        List.of());
    change(hub, event(1));
    assertTrue(Thread.interrupted(), "the listener's InterruptedException set the flag again");
    change(hub, event(2));
    assertSame(interrupted, seen.get(0));
    assertInstanceOf(StackOverflowError.class, seen.get(1));
  }

  @Test
  void hookThrowingInterruptedExceptionSetsTheFlag() {
    EventHub hub =
        EventHub.callerRuns(
            config(null, (e, t) -> sneaky(new InterruptedException()), Map.of()), "test");
    hub.subscribe(
        "svc",
        e -> {
          throw new IllegalStateException();
        },
        List.of());
    change(hub, event(1));
    assertTrue(Thread.interrupted());
  }

  @Test
  void writersInterruptIsNeitherSeenNorSwallowed() {
    EventHub hub = EventHub.callerRuns(config(null), "test");
    List<Boolean> flags = new CopyOnWriteArrayList<>();
    hub.subscribe("svc", e -> flags.add(Thread.currentThread().isInterrupted()), List.of());
    Thread.currentThread().interrupt();
    change(hub, event(1));
    assertTrue(Thread.interrupted());
    assertEquals(List.of(false), flags);
  }

  @Test
  void closeFromOutsideWaitsForTheCallInFlightAndFromInsideDoesNot() throws Exception {
    EventHub hub = EventHub.callerRuns(config(null), "test");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Subscription s =
        hub.subscribe(
            "svc",
            e -> {
              entered.countDown();
              awaitQuietly(release);
            },
            List.of());
    Subscription other = hub.subscribe("other", e -> {}, List.of());
    Thread writer = new Thread(() -> change(hub, event(1)));
    writer.start();
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    Thread closer = new Thread(s::close);
    closer.start();
    awaitWaiting(closer);
    Thread hubCloser = new Thread(hub::close);
    hubCloser.start();
    awaitWaiting(hubCloser);
    other.close(); // no call in flight: returns at once
    assertTrue(closer.isAlive() && hubCloser.isAlive());
    release.countDown();
    closer.join(10_000);
    hubCloser.join(10_000);
    writer.join(10_000);
    assertFalse(closer.isAlive() || hubCloser.isAlive() || writer.isAlive());
    s.close(); // again: nothing in flight, returns
  }

  @Test
  void interruptedClosersStopWaitingAndKeepTheFlag() throws Exception {
    EventHub hub = EventHub.handOff(config(null), "test");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Subscription s =
        hub.subscribe(
            "svc",
            e -> {
              entered.countDown();
              awaitQuietly(release);
            },
            List.of(handle("svc", 1)));
    hub.flush();
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    List<Boolean> flags = new CopyOnWriteArrayList<>();
    for (Runnable close : List.<Runnable>of(s::close, hub::close)) {
      Thread closer =
          new Thread(
              () -> {
                close.run();
                flags.add(Thread.currentThread().isInterrupted());
              });
      closer.start();
      awaitWaiting(closer);
      closer.interrupt();
      closer.join(10_000);
      assertFalse(closer.isAlive());
    }
    assertEquals(List.of(true, true), flags);
    release.countDown();
  }

  @Test
  void closeInsideAListenerNeverWaits() throws Exception {
    EventHub hub = EventHub.callerRuns(config(null), "test");
    AtomicReference<Subscription> self = new AtomicReference<>();
    List<String> trace = new CopyOnWriteArrayList<>();
    self.set(
        hub.subscribe(
            "svc",
            e -> {
              self.get().close();
              hub.close();
              trace.add("returned");
            },
            List.of()));
    change(hub, event(1));
    change(hub, event(2));
    assertEquals(List.of("returned"), trace);
    assertThrows(IllegalStateException.class, () -> hub.subscribe("x", e -> {}, List.of()));
  }

  @Test
  void awaitReturnsAtOnceOnAPublishOrTimesOutAndFailsOnClose() throws Exception {
    EventHub hub = EventHub.handOff(config(null), "test");
    Map<String, ServiceHandle> registered = new ConcurrentHashMap<>();
    ServiceManager registry = finding(registered);
    registered.put("now", handle("now", 1));
    assertEquals(handle("now", 1), hub.await(registry, "now", Duration.ZERO));
    SamgrError.NotFound late =
        assertThrows(
            SamgrError.NotFound.class, () -> hub.await(registry, "never", Duration.ofMillis(1)));
    assertTrue(late.getMessage().contains("never"));
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread waiter = awaiting(hub, registry, "svc", outcome);
    awaitWaiting(waiter);
    change(hub, new ServiceEvent.Unregistered(handle("svc", 1))); // not an answer
    change(hub, new ServiceEvent.Registered(handle("other", 2))); // another name
    assertTrue(waiter.isAlive());
    change(hub, new ServiceEvent.Registered(handle("svc", 3)));
    waiter.join(10_000);
    assertEquals(handle("svc", 3), outcome.get());
    Thread closed = awaiting(hub, registry, "gone", outcome);
    awaitWaiting(closed);
    hub.close();
    closed.join(10_000);
    assertInstanceOf(IllegalStateException.class, outcome.get());
    assertThrows(
        IllegalStateException.class, () -> hub.await(registry, "svc", Duration.ofSeconds(1)));
  }

  @Test
  void awaitChecksItsArgumentsAndTheInterruptFlag() {
    EventHub hub = EventHub.callerRuns(config(null), "test");
    ServiceManager registry = finding(Map.of());
    assertThrows(NullPointerException.class, () -> hub.await(null, "svc", Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> hub.await(registry, "svc", Duration.ofNanos(-1)));
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> hub.await(registry, "svc", Duration.ZERO));
    assertFalse(Thread.currentThread().isInterrupted());
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              try { // a timeout beyond what nanoseconds hold saturates
                outcome.set(hub.await(registry, "svc", Duration.ofSeconds(Long.MAX_VALUE)));
              } catch (SamgrError | InterruptedException | RuntimeException e) {
                outcome.set(e);
              }
            });
    waiter.start();
    try {
      awaitWaiting(waiter);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    change(hub, new ServiceEvent.Registered(handle("svc", 1)));
    try {
      waiter.join(10_000);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertEquals(handle("svc", 1), outcome.get());
  }

  @Test
  void badBacklogSettingNamesTheSetting() {
    for (String bad : List.of("0", "-3", "many")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  EventHub.callerRuns(
                      config(null, (x, y) -> {}, Map.of(EventHub.MAX_BACKLOG_SETTING, bad)), "t"));
      assertTrue(e.getMessage().contains(EventHub.MAX_BACKLOG_SETTING), e.getMessage());
    }
    assertEquals(EventHub.DEFAULT_MAX_BACKLOG, EventHub.callerRuns(config(null), "t").maxBacklog());
  }

  @Test
  void subscribeChecksItsArguments() {
    EventHub hub = EventHub.callerRuns(config(null), "test");
    assertThrows(NullPointerException.class, () -> hub.subscribe("svc", null, List.of()));
    assertThrows(NullPointerException.class, () -> hub.subscribe("svc", e -> {}, null));
    assertThrows(NullPointerException.class, () -> hub.publish(null));
  }

  @Test
  void closedHubKeepsNothingAndUnlinksEmptyNames() throws Exception {
    EventHub hub = EventHub.callerRuns(config(null), "test");
    Subscription a = hub.subscribe("svc", e -> {}, List.of());
    Subscription b = hub.subscribe("svc", e -> {}, List.of());
    Subscription c = hub.subscribe(null, e -> {}, List.of());
    assertEquals(3, hub.subscriptions());
    a.close();
    assertEquals(2, hub.subscriptions());
    b.close();
    c.close();
    assertEquals(0, hub.subscriptions());
    hub.subscribe("svc", e -> {}, List.of());
    hub.close();
    hub.close(); // every close may be called again
    assertEquals(0, hub.subscriptions());
  }

  private static Thread awaiting(
      EventHub hub, ServiceManager registry, String name, AtomicReference<Object> outcome) {
    Thread waiter =
        new Thread(
            () -> {
              try {
                outcome.set(hub.await(registry, name, WAIT));
              } catch (SamgrError | InterruptedException | RuntimeException e) {
                outcome.set(e);
              }
            });
    waiter.start();
    return waiter;
  }

  /** A registry whose {@code find} reads the map; nothing else is used. */
  private static ServiceManager finding(Map<String, ServiceHandle> registered) {
    return (ServiceManager)
        java.lang.reflect.Proxy.newProxyInstance(
            ServiceManager.class.getClassLoader(),
            new Class<?>[] {ServiceManager.class},
            (proxy, method, args) -> {
              if (method.getName().equals("find")) {
                return Optional.ofNullable(registered.get((String) args[0]));
              }
              if (method.getName().equals("toString")) {
                return "finding registry";
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private static void awaitWaiting(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (thread.getState() != Thread.State.WAITING
        && thread.getState() != Thread.State.TIMED_WAITING) {
      assertTrue(System.nanoTime() < deadline, thread + " never waited");
      Thread.sleep(1);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneaky(Throwable t) throws T {
    throw (T) t;
  }
}
