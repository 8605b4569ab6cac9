package org.opennexus.samgr.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.verification.LogCapture;

/**
 * The SPI delivery's bookkeeping, each rule pinned by its exact outcome: the numbers {@code
 * offer} returns, the count of open subscriptions, what a refused {@code subscribe} leaves
 * behind, what is logged when a hook or an unlink callback fails, {@code await}'s own checks, the
 * hand-off thread ending when idle, a batch larger than its linear search, and the settings
 * parsers' edges.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeliveryBookkeepingTest {

  private static ServiceEvent event(String name, int generation) {
    return new ServiceEvent.Registered(
        new ServiceHandle(name, Endpoint.of("a"), new Generation(generation)));
  }

  private static SamgrConfig config(
      Map<String, String> settings, BiConsumer<ServiceEvent, Throwable> hook) {
    return SamgrConfig.builder()
        .clock(InstantSource.system())
        .livenessTimeout(Duration.ofSeconds(30))
        .settings(settings)
        .listenerFailures(hook)
        .build();
  }

  private static Delivery callerRuns() {
    return Delivery.callerRuns(config(Map.of(), (e, t) -> {}), "test");
  }

  @Test
  void offerNumbersEventsAndKeepsTheLastNumberOnceClosed() {
    Delivery delivery = callerRuns();
    DeliveredSubscription s = delivery.subscribe("d", e -> {}, x -> {});
    assertEquals(1, s.offer(event("a", 1)));
    assertEquals(2, s.offer(event("a", 2)));
    s.close();
    assertEquals(2, s.offer(event("a", 3)), "a dropped event: the number of the last one queued");
    assertEquals(0, s.backlog());
  }

  @Test
  void offerPastTheBacklogBoundReturnsTheLastNumberAndReportsOnce() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    Delivery delivery =
        Delivery.callerRuns(
            config(Map.of(Delivery.MAX_BACKLOG_SETTING, "2"), (e, t) -> reported.add(t)), "test");
    DeliveredSubscription s = delivery.subscribe("d", e -> {}, x -> {});
    assertEquals(1, s.offer(event("a", 1)));
    assertEquals(2, s.offer(event("a", 2)));
    assertEquals(2, s.offer(event("a", 3)));
    assertTrue(s.isClosed());
    s.dispatch(2);
    s.dispatch(2);
    assertEquals(1, reported.size());
    BacklogOverflowException overflow = (BacklogOverflowException) reported.get(0);
    assertEquals(2, overflow.maxBacklog());
  }

  @Test
  void inHandOffModeAnOverflowIsReportedOnTheDeliveryThreadNotTheDispatchingOne()
      throws Exception {
    List<Thread> reportedOn = new CopyOnWriteArrayList<>();
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    Delivery delivery =
        Delivery.handOff(
            config(
                Map.of(Delivery.MAX_BACKLOG_SETTING, "1"),
                (e, t) -> {
                  reportedOn.add(Thread.currentThread());
                  reported.add(t);
                }),
            "overflow");
    java.util.concurrent.CountDownLatch inCall = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    DeliveredSubscription s =
        delivery.subscribe(
            "d",
            e -> {
              inCall.countDown();
              try {
                release.await();
              } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
              }
            },
            x -> {});
    s.dispatch(s.offer(event("svc", 1)));
    assertTrue(inCall.await(30, TimeUnit.SECONDS), "the first event reached the listener");
    s.offer(event("svc", 2)); // waits behind the call in flight
    s.dispatch(s.offer(event("svc", 3))); // past the bound: closes and reports
    assertTrue(s.isClosed());
    assertEquals(List.of(), reported, "reported on the dispatching thread");
    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (reported.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertEquals(1, reported.size());
    assertInstanceOf(BacklogOverflowException.class, reported.get(0));
    assertEquals("samgr-overflow-delivery", reportedOn.get(0).getName());
  }

  @Test
  void closedSubscriptionsLeaveTheOpenCount() {
    Delivery delivery = callerRuns();
    DeliveredSubscription a = delivery.subscribe("a", e -> {}, x -> {});
    delivery.subscribe("b", e -> {}, x -> {});
    assertEquals("samgr 'test' delivery (caller-runs, subscriptions: 2)", delivery.toString());
    a.close();
    assertEquals("samgr 'test' delivery (caller-runs, subscriptions: 1)", delivery.toString());
    a.close();
    assertEquals("samgr 'test' delivery (caller-runs, subscriptions: 1)", delivery.toString());
  }

  @Test
  void subscribeAfterCloseAllIsRefusedWithoutCallingOnClose() {
    Delivery delivery = callerRuns();
    delivery.closeAll();
    AtomicInteger unlinked = new AtomicInteger();
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> delivery.subscribe("d", e -> {}, x -> unlinked.incrementAndGet()));
    assertEquals("this samgr 'test' registry is closed", refused.getMessage());
    assertEquals(0, unlinked.get());
  }

  @Test
  void aFailingHookIsLoggedWithTheListenerFailureSuppressed() {
    RuntimeException hookFailure = new RuntimeException("hook broke");
    IllegalStateException listenerFailure = new IllegalStateException("listener broke");
    Delivery delivery =
        Delivery.callerRuns(
            config(
                Map.of(),
                (e, t) -> {
                  throw hookFailure;
                }),
            "test");
    DeliveredSubscription s =
        delivery.subscribe(
            "d",
            e -> {
              throw listenerFailure;
            },
            x -> {});
    List<LogRecord> records;
    try (LogCapture log = new LogCapture()) {
      s.dispatch(s.offer(event("svc", 1)));
      records = log.records();
    }
    assertEquals(1, records.size());
    LogRecord record = records.get(0);
    assertEquals(Level.WARNING, record.getLevel());
    assertSame(hookFailure, record.getThrown());
    assertEquals(List.of(listenerFailure), List.of(hookFailure.getSuppressed()));
    assertTrue(
        record.getMessage().contains("threw while reporting " + listenerFailure),
        record.getMessage());
    assertFalse(Delivery.insideListener(), "a listener call leaves the thread's depth as it was");
  }

  @Test
  void aFailingUnlinkIsLoggedAndCloseStillCompletes() {
    Delivery delivery = callerRuns();
    RuntimeException unlinkFailure = new RuntimeException("unlink broke");
    DeliveredSubscription s =
        delivery.subscribe(
            "samgr subscription to 'x'",
            e -> {},
            x -> {
              throw unlinkFailure;
            });
    List<LogRecord> records;
    try (LogCapture log = new LogCapture()) {
      s.close();
      records = log.records();
    }
    assertTrue(s.isClosed());
    assertEquals(1, records.size());
    assertEquals(Level.WARNING, records.get(0).getLevel());
    assertEquals(
        "samgr backend failed to unlink samgr subscription to 'x'", records.get(0).getMessage());
    assertSame(unlinkFailure, records.get(0).getThrown());
  }

  @Test
  void awaitChecksItsTimeoutAndTheDeliveryItself() throws Exception {
    try (ServiceManager host = Samgr.builder().environment("host").open()) {
      Delivery delivery = callerRuns();
      IllegalArgumentException negative =
          assertThrows(
              IllegalArgumentException.class,
              () -> delivery.await(host, "a", Duration.ofMillis(-1)));
      assertEquals("timeout must not be negative, but is PT-0.001S", negative.getMessage());
      delivery.closeAll();
      // The registry is open, but this delivery is closed: refused at once, not timed out.
      IllegalStateException closed =
          assertThrows(
              IllegalStateException.class,
              () -> delivery.await(host, "a", Duration.ofSeconds(30)));
      assertEquals("this samgr 'test' registry is closed", closed.getMessage());
      assertEquals("samgr host registry (services: 0, subscriptions: 0)", host.toString());
    }
  }

  /**
   * await's own listener is called as the event is offered, with no dispatch, so that an await
   * inside a listener is not queued behind that listener; a user's listener is only queued.
   */
  @Test
  void awaitsWatchIsCalledAsTheEventIsOfferedAndAUsersIsOnlyQueued() throws Exception {
    Delivery delivery = Delivery.handOff(config(Map.of(), (e, t) -> {}), "test");
    try {
      List<ServiceEvent> seenByUser = new CopyOnWriteArrayList<>();
      ServiceEvent registered = event("a", 7);
      // A registry whose watch subscribes and offers the current handle, and never dispatches.
      ServiceManager offersOnly =
          (ServiceManager)
              java.lang.reflect.Proxy.newProxyInstance(
                  ServiceManager.class.getClassLoader(),
                  new Class<?>[] {ServiceManager.class},
                  (proxy, method, args) -> {
                    switch (method.getName()) {
                      case "watch" -> {
                        @SuppressWarnings("unchecked")
                        Consumer<ServiceEvent> listener = (Consumer<ServiceEvent>) args[1];
                        DeliveredSubscription s = delivery.subscribe("d", listener, x -> {});
                        assertEquals(0, s.offer(registered), "await's event is not queued");
                        assertEquals(0, s.backlog());
                        return s;
                      }
                      case "toString" -> {
                        return "offers only";
                      }
                      default -> throw new UnsupportedOperationException(method.getName());
                    }
                  });
      assertEquals(registered.handle(), delivery.await(offersOnly, "a", Duration.ofSeconds(30)));
      DeliveredSubscription user = delivery.subscribe("u", seenByUser::add, x -> {});
      assertEquals(1, user.offer(registered));
      assertEquals(1, user.backlog());
      assertEquals(List.of(), seenByUser, "a user's listener is never called by offer");
    } finally {
      delivery.closeAll();
    }
  }

  /** await's listener completes its wait on the first event only, and not once closed. */
  @Test
  void awaitsListenerCompletesOnTheFirstOfferAndNotAfterClose() {
    Delivery delivery = callerRuns();
    try {
      Delivery.Waiter waiter = new Delivery.Waiter();
      DeliveredSubscription s = delivery.subscribe("w", waiter, x -> {});
      ServiceEvent first = event("a", 1);
      assertEquals(0, s.offer(first));
      assertTrue(waiter.found.isDone(), "completed by offer, without dispatch");
      assertEquals(first.handle(), waiter.found.join());
      assertEquals(0, s.offer(event("a", 2)));
      assertEquals(first.handle(), waiter.found.join(), "the first event's handle stays");
      assertEquals(0, s.backlog());
      s.close();
      Delivery.Waiter late = new Delivery.Waiter();
      DeliveredSubscription closed = delivery.subscribe("late", late, x -> {});
      closed.close();
      assertEquals(0, closed.offer(event("a", 3)));
      assertFalse(late.found.isDone(), "a closed subscription calls no listener");
    } finally {
      delivery.closeAll();
    }
  }

  @Test
  void closeAllWakesAWaitingAwaitWithTheCause() throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (ServiceManager host = Samgr.builder().environment("host").open()) {
      Delivery delivery = callerRuns();
      Future<ServiceHandle> waiting = thread.submit(() -> delivery.await(host, "a", Duration.ofMinutes(5)));
      // The await's watch shows on the registry once its waiter is registered.
      while (!host.toString().endsWith("subscriptions: 1)")) {
        Thread.sleep(1);
      }
      delivery.closeAll();
      ExecutionException thrown =
          assertThrows(ExecutionException.class, () -> waiting.get(1, TimeUnit.MINUTES));
      IllegalStateException woken =
          assertInstanceOf(IllegalStateException.class, thrown.getCause());
      assertEquals(
          "this samgr 'test' registry was closed while awaiting 'a'", woken.getMessage());
      Throwable cause = assertInstanceOf(IllegalStateException.class, woken.getCause());
      assertEquals("this samgr 'test' registry was closed", cause.getMessage());
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void theHandOffThreadEndsWhenIdle() throws Exception {
    AtomicReference<Thread> ran = new AtomicReference<>();
    Delivery delivery = Delivery.handOff(config(Map.of(), (e, t) -> {}), "idle");
    DeliveredSubscription s =
        delivery.subscribe("d", e -> ran.set(Thread.currentThread()), x -> {});
    s.dispatch(s.offer(event("svc", 1)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ran.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    Thread handOff = assertInstanceOf(Thread.class, ran.get(), "the listener ran");
    assertEquals("samgr-idle-delivery", handOff.getName());
    assertTrue(handOff.isDaemon());
    handOff.join(TimeUnit.SECONDS.toMillis(30)); // it ends about a second after its last task
    assertFalse(handOff.isAlive(), "the idle hand-off thread ended");
    assertFalse(s.isClosed(), "and the subscription stays open for later events");
  }

  @Test
  void aBatchLargerThanItsLinearSearchDispatchesEverySubscriptionOnce() {
    Delivery delivery = callerRuns();
    int n = 40;
    List<List<ServiceEvent>> received = new ArrayList<>();
    List<DeliveredSubscription> subscriptions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<ServiceEvent> mine = new ArrayList<>();
      received.add(mine);
      subscriptions.add(delivery.subscribe("d" + i, mine::add, x -> {}));
    }
    Delivery.Batch batch = delivery.batch();
    for (int i = 0; i < n; i++) {
      batch.offer(subscriptions.get(i), event("s" + i, 1));
    }
    for (int i = 0; i < n; i += 3) { // again, each found through the index
      batch.offer(subscriptions.get(i), event("s" + i, 2));
    }
    batch.dispatch();
    for (int i = 0; i < n; i++) {
      List<ServiceEvent> want =
          i % 3 == 0 ? List.of(event("s" + i, 1), event("s" + i, 2)) : List.of(event("s" + i, 1));
      assertEquals(want, received.get(i), "subscription " + i);
      assertEquals(0, subscriptions.get(i).backlog());
    }
  }

  @Test
  void aSubscriptionOfferedToAgainInTheMiddleOfABatchGetsAllItsEventsFromTheWriter() {
    Delivery delivery = callerRuns();
    List<List<ServiceEvent>> received = new ArrayList<>();
    List<DeliveredSubscription> subscriptions = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<ServiceEvent> mine = new ArrayList<>();
      received.add(mine);
      subscriptions.add(delivery.subscribe("d" + i, mine::add, x -> {}));
    }
    Delivery.Batch batch = delivery.batch();
    batch.offer(subscriptions.get(0), event("a", 1));
    batch.offer(subscriptions.get(1), event("b", 2));
    batch.offer(subscriptions.get(2), event("c", 3));
    batch.offer(subscriptions.get(1), event("b", 4)); // found by the scan, not the last offered
    batch.dispatch();
    // The writer delivers each one's events up to its last in this batch, before returning.
    assertEquals(List.of(event("a", 1)), received.get(0));
    assertEquals(List.of(event("b", 2), event("b", 4)), received.get(1));
    assertEquals(List.of(event("c", 3)), received.get(2));
  }

  @Test
  void defaultHookSaysWhatItDoes() {
    assertEquals(
        "log a warning (System.Logger org.opennexus.samgr)",
        SamgrConfig.defaults().listenerFailures().toString());
  }

  @Test
  void settingsParsersAtTheirEdges() {
    SamgrConfig config =
        SamgrConfig.builder()
            .clock(InstantSource.system())
            .livenessTimeout(Duration.ofSeconds(30))
            .settings(Map.of("a.millis", "1090", "a.long", "v".repeat(200), "a.longer", "w".repeat(201)))
            .listenerFailures((e, t) -> {})
            .build();
    assertEquals(Duration.ofMillis(1090), config.setting("a.millis").orElseThrow().asDuration());
    assertEquals(
        "setting a.long (from builder setting 'a.long') '" + "v".repeat(200) + "' is bad",
        config.setting("a.long").orElseThrow().invalid("is bad").getMessage());
    assertEquals(
        "setting a.longer (from builder setting 'a.longer') '" + "w".repeat(200) + "...' is bad",
        config.setting("a.longer").orElseThrow().invalid("is bad").getMessage());
  }
}
