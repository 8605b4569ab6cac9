package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Choices of the host backend that the contract leaves open (docs/design.md, "The host backend"),
 * so they are not in the TCK: the liveness slot only moves forward, timeouts count in whole
 * milliseconds rounded up and saturate, and what its registries, subscriptions and warnings say.
 */
class HostInternalsTest {

  private static final Endpoint ENDPOINT = Endpoint.of("tcp://127.0.0.1:7000");
  private static final Endpoint OTHER_ENDPOINT = Endpoint.of("tcp://127.0.0.1:7001");

  /** A registry call, for a clock hook or a thread, where a checked exception cannot pass. */
  @FunctionalInterface
  private interface RegistryCall {
    void call() throws SamgrError;
  }

  /** Runs a call that must succeed: a {@code SamgrError} from it fails the test. */
  private static void succeed(RegistryCall call) {
    try {
      call.call();
    } catch (SamgrError e) {
      throw new AssertionError(e);
    }
  }

  private static ServiceManager open(ManualClock clock, Duration timeout) {
    return Samgr.builder().environment("host").clock(clock).livenessTimeout(timeout).open();
  }

  @Test
  void heartbeatFromAClockThatSteppedBackKeepsTheLaterBeat() throws Exception {
    ManualClock clock = ManualClock.at(Scenario.EPOCH);
    try (ServiceManager registry = open(clock, Scenario.TIMEOUT)) {
      ServiceHandle net = registry.register("net", ENDPOINT);
      clock.set(Scenario.EPOCH.minusSeconds(10));
      registry.heartbeat(net);
      clock.set(Scenario.EPOCH);
      assertEquals(Scenario.EPOCH, registry.liveness("net").lastHeartbeat());
      clock.set(Scenario.EPOCH.plus(Scenario.TIMEOUT));
      assertTrue(registry.liveness("net").alive());
    }
  }

  @Test
  void heartbeatAtTheSameInstantChangesNothing() throws Exception {
    ManualClock clock = ManualClock.at(Scenario.EPOCH);
    try (ServiceManager registry = open(clock, Scenario.TIMEOUT)) {
      ServiceHandle net = registry.register("net", ENDPOINT);
      registry.heartbeat(net);
      assertEquals(Scenario.EPOCH, registry.liveness("net").lastHeartbeat());
      clock.advance(Duration.ofMillis(1));
      registry.heartbeat(net);
      assertEquals(Scenario.EPOCH.plusMillis(1), registry.liveness("net").lastHeartbeat());
    }
  }

  @Test
  void partialMillisecondTimeoutRoundsUpToTheNextMillisecond() throws Exception {
    ManualClock clock = ManualClock.at(Scenario.EPOCH);
    try (ServiceManager registry = open(clock, Duration.ofMillis(1).plusNanos(1))) {
      registry.register("net", ENDPOINT);
      clock.advance(Duration.ofMillis(2));
      assertTrue(registry.liveness("net").alive());
      assertEquals(List.of(), registry.sweepExpired());
      clock.advance(Duration.ofMillis(1));
      assertFalse(registry.liveness("net").alive());
    }
  }

  @Test
  void timeoutTooLongForMillisecondsNeverExpires() throws Exception {
    ManualClock clock = ManualClock.at(Scenario.EPOCH);
    try (ServiceManager registry = open(clock, Duration.ofSeconds(Long.MAX_VALUE))) {
      ServiceHandle net = registry.register("net", ENDPOINT);
      clock.advance(Duration.ofDays(365L * 100_000));
      assertTrue(registry.liveness("net").alive());
      assertEquals(List.of(), registry.sweepExpired());
      registry.heartbeat(net);
      assertEquals(clock.instant(), registry.liveness("net").lastHeartbeat());
    }
  }

  @Test
  void awaitWithATimeoutTooLongForNanosecondsWaitsForTheRegister() throws Exception {
    try (ServiceManager registry = Samgr.open("host")) {
      CompletableFuture<ServiceHandle> awaited =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return registry.await("net", Duration.ofSeconds(Long.MAX_VALUE));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // The waiter must still be waiting (a zero timeout would have failed it at once).
      Thread.sleep(100);
      assertFalse(awaited.isDone(), "await with a huge timeout returned early");
      ServiceHandle net = registry.register("net", ENDPOINT);
      assertEquals(net, awaited.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void registryToStringCountsServicesAndSubscriptionsOrSaysItIsClosed() throws Exception {
    ServiceManager registry = Samgr.open("host");
    assertEquals("samgr host registry (services: 0, subscriptions: 0)", registry.toString());
    registry.register("net", ENDPOINT);
    registry.register("fs", ENDPOINT);
    registry.watch("net", event -> {});
    registry.watch("net", event -> {});
    registry.watch("gpu", event -> {});
    registry.watchAll(event -> {});
    assertEquals("samgr host registry (services: 2, subscriptions: 4)", registry.toString());
    registry.close();
    assertEquals("samgr host registry (closed)", registry.toString());
  }

  @Test
  void subscriptionToStringNamesWhatItWatchesAndWhetherItIsClosed() throws Exception {
    try (ServiceManager registry = Samgr.open("host")) {
      Subscription one = registry.watch("net", event -> {});
      Subscription all = registry.watchAll(event -> {});
      assertEquals("samgr subscription to 'net'", one.toString());
      assertEquals("samgr subscription to all services", all.toString());
      one.close();
      all.close();
      assertEquals("samgr subscription to 'net' (closed)", one.toString());
      assertEquals("samgr subscription to all services (closed)", all.toString());
    }
  }

  @Test
  void closingTheRegistryClosesItsSubscriptions() throws Exception {
    ServiceManager registry = Samgr.open("host");
    Subscription one = registry.watch("net", event -> {});
    Subscription all = registry.watchAll(event -> {});
    registry.close();
    assertEquals("samgr subscription to 'net' (closed)", one.toString());
    assertEquals("samgr subscription to all services (closed)", all.toString());
  }

  private static String counts(int services, int subscriptions) {
    return "samgr host registry (services: " + services + ", subscriptions: " + subscriptions + ")";
  }

  @Test
  void closedSubscriptionsLeaveTheRegistryAndTheOthersKeepTheirEvents() throws Exception {
    try (ServiceManager registry = Samgr.open("host")) {
      List<ServiceEvent> kept = new ArrayList<>();
      Subscription first = registry.watch("net", event -> {});
      Subscription second = registry.watch("net", kept::add);
      Subscription all = registry.watchAll(event -> {});
      assertEquals(counts(0, 3), registry.toString());
      first.close();
      assertEquals(counts(0, 2), registry.toString());
      first.close(); // a second close removes nothing else
      assertEquals(counts(0, 2), registry.toString());
      all.close();
      assertEquals(counts(0, 1), registry.toString());
      ServiceHandle net = registry.register("net", ENDPOINT);
      assertEquals(List.of(new ServiceEvent.Registered(net)), kept);
      second.close();
      assertEquals(counts(1, 0), registry.toString());
      all.close();
      assertEquals(counts(1, 0), registry.toString());
      Subscription again = registry.watch("net", event -> {}); // the name can be watched anew
      assertEquals(counts(1, 1), registry.toString());
      again.close();
      assertEquals(counts(1, 0), registry.toString());
    }
  }

  @Test
  void awaitHoldsOneSubscriptionWhileItWaitsAndNoneAfterwards() throws Exception {
    try (ServiceManager registry = Samgr.open("host")) {
      SamgrError.NotFound timedOut =
          assertThrows(
              SamgrError.NotFound.class, () -> registry.await("net", Duration.ofMillis(1)));
      assertEquals("net", timedOut.name());
      assertEquals(counts(0, 0), registry.toString());
      CompletableFuture<ServiceHandle> awaited =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return registry.await("net", Duration.ofMinutes(1));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!registry.toString().equals(counts(0, 1)) && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertEquals(counts(0, 1), registry.toString());
      ServiceHandle net = registry.register("net", ENDPOINT);
      assertEquals(net, awaited.get(10, TimeUnit.SECONDS));
      assertEquals(counts(1, 0), registry.toString());
    }
  }

  @Test
  void heartbeatThatLosesTheRaceToAnEarlierHeartbeatStillMovesTheSlotForward() throws Exception {
    HookClock clock = new HookClock();
    try (ServiceManager registry = open(clock)) {
      ServiceHandle net = registry.register("net", ENDPOINT);
      Instant later = Scenario.EPOCH.plusSeconds(5);
      clock.clock.set(later);
      clock.hook =
          () -> { // runs after the heartbeat below read the slot, before its compare-and-set
            clock.clock.set(Scenario.EPOCH.plusSeconds(3));
            succeed(() -> registry.heartbeat(net));
            clock.clock.set(later);
          };
      registry.heartbeat(net);
      assertEquals(later, registry.liveness("net").lastHeartbeat());
    }
  }

  /**
   * User guide, watch: a change made on another thread while a listener runs is delivered after the
   * listener returns, in order; the other thread does not wait for it, and the delivering writer
   * does not deliver it either (it took effect after the writer's own change): the registry's
   * hand-off thread does.
   */
  @Test
  void changeFromAnotherThreadDuringDeliveryIsHandedOffAfterTheListenerReturns() throws Exception {
    try (ServiceManager registry = Samgr.open("host")) {
      List<Object> log = new CopyOnWriteArrayList<>();
      List<Thread> deliveredOn = new CopyOnWriteArrayList<>();
      CountDownLatch second = new CountDownLatch(2);
      ServiceHandle[] fs = new ServiceHandle[1];
      Thread[] other = new Thread[1];
      registry.watchAll(
          event -> {
            log.add(event);
            deliveredOn.add(Thread.currentThread());
            if (event.handle().name().equals("net")) {
              other[0] = new Thread(() -> succeed(() -> fs[0] = registry.register("fs", ENDPOINT)));
              other[0].start();
              join(other[0]);
              log.add("other thread done");
            }
            second.countDown();
          });
      ServiceHandle net = registry.register("net", ENDPOINT);
      assertTrue(second.await(10, TimeUnit.SECONDS), "the other thread's change never arrived");
      assertEquals(
          List.of(
              new ServiceEvent.Registered(net),
              "other thread done",
              new ServiceEvent.Registered(fs[0])),
          log);
      assertEquals(Thread.currentThread(), deliveredOn.get(0));
      assertNotEquals(Thread.currentThread(), deliveredOn.get(1));
      assertNotEquals(other[0], deliveredOn.get(1));
      assertEquals("samgr-host-delivery", deliveredOn.get(1).getName());
      assertTrue(deliveredOn.get(1).isDaemon());
    }
  }

  /**
   * An event queued for a subscription that another listener closes before it is delivered is
   * dropped: after close returns, the listener is called no more. Here the change queues one event
   * for each of two subscriptions, and whichever listener runs first closes the other.
   */
  @Test
  void eventQueuedForASubscriptionClosedMeanwhileIsNotDelivered() throws Exception {
    try (ServiceManager registry = Samgr.open("host")) {
      List<ServiceEvent> received = new ArrayList<>();
      Subscription[] subscriptions = new Subscription[2];
      for (int i = 0; i < 2; i++) {
        int me = i;
        subscriptions[i] =
            registry.watch(
                "net",
                event -> {
                  received.add(event);
                  subscriptions[1 - me].close();
                });
      }
      ServiceHandle net = registry.register("net", ENDPOINT);
      assertEquals(List.of(new ServiceEvent.Registered(net)), received);
      assertEquals(counts(1, 1), registry.toString()); // the first to run is still open
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertFalse(thread.isAlive(), "the other thread waited for the delivering thread");
  }

  /** The default listenerFailures hook logs a warning naming the event and the failure. */
  @Test
  void throwingListenerIsLoggedAsAWarningNamingEventAndFailure() throws Exception {
    RuntimeException failure = new IllegalStateException("listener broke");
    try (LogCapture log = new LogCapture();
        ServiceManager registry = Samgr.open("host")) {
      java.util.function.Consumer<ServiceEvent> listener =
          new java.util.function.Consumer<>() {
            @Override
            public void accept(ServiceEvent event) {
              throw failure;
            }

            @Override
            public String toString() {
              return "the-throwing-listener";
            }
          };
      registry.watch("net", listener);
      ServiceHandle net = registry.register("net", ENDPOINT);
      List<LogRecord> records = log.records();
      assertEquals(1, records.size(), () -> "records: " + records);
      LogRecord record = records.get(0);
      assertEquals(Level.WARNING, record.getLevel());
      assertSame(failure, record.getThrown());
      assertEquals(
          "samgr listener threw on " + new ServiceEvent.Registered(net) + ": " + failure,
          record.getMessage());
    }
  }

  /**
   * A clock that runs an action once, from inside the registry, the first time it is read after
   * being armed: it makes a race between a lock-free read and a change deterministic.
   */
  private static final class HookClock implements InstantSource {
    private final ManualClock clock = ManualClock.at(Scenario.EPOCH);
    private @Nullable Runnable hook;

    @Override
    public Instant instant() {
      return clock.instant();
    }

    @Override
    public long millis() {
      Runnable action = hook;
      hook = null;
      if (action != null) {
        action.run();
      }
      return clock.millis();
    }
  }

  private static ServiceManager open(HookClock clock) {
    return Samgr.builder()
        .environment("host")
        .clock(clock)
        .livenessTimeout(Scenario.TIMEOUT)
        .open();
  }

  @Test
  void livenessRacingARestartSendsNoExpiredForTheReplacedHandle() throws Exception {
    HookClock clock = new HookClock();
    try (ServiceManager registry = open(clock)) {
      ServiceHandle first = registry.register("net", ENDPOINT);
      List<ServiceEvent> events = new ArrayList<>();
      registry.watch("net", events::add);
      clock.clock.advance(Scenario.TIMEOUT.plusMillis(1));
      ServiceHandle[] second = new ServiceHandle[1];
      clock.hook = () -> succeed(() -> second[0] = registry.restart("net", OTHER_ENDPOINT));
      // It reads the entry, then the clock restarts it: seeing the old entry expired, it reads
      // again under the lock and answers for the new one, alive, never announcing the old one.
      Liveness liveness = registry.liveness("net");
      Instant restartedAt = Scenario.EPOCH.plus(Scenario.TIMEOUT).plusMillis(1);
      assertEquals(new Liveness(second[0], restartedAt, true), liveness);
      assertEquals(
          List.of(new ServiceEvent.Registered(first), new ServiceEvent.Restarted(second[0])),
          events);
      assertTrue(registry.liveness("net").alive());
    }
  }

  /**
   * A heartbeat that saw its service expired while a restart replaced it takes effect after the
   * restart: it fails as stale (it did not revive, nor announce, the replaced handle), instead of
   * succeeding silently with no {@code Expired} for what it saw.
   */
  @Test
  void heartbeatRacingARestartNeitherAnnouncesNorRevivesTheReplacedHandle() throws Exception {
    HookClock clock = new HookClock();
    try (ServiceManager registry = open(clock)) {
      ServiceHandle first = registry.register("net", ENDPOINT);
      List<ServiceEvent> events = new ArrayList<>();
      registry.watch("net", events::add);
      clock.clock.advance(Scenario.TIMEOUT.plusMillis(1));
      ServiceHandle[] second = new ServiceHandle[1];
      clock.hook = () -> succeed(() -> second[0] = registry.restart("net", OTHER_ENDPOINT));
      SamgrError.StaleHandle stale =
          assertThrows(SamgrError.StaleHandle.class, () -> registry.heartbeat(first));
      assertEquals(first, stale.handle());
      assertEquals(second[0].generation(), stale.current());
      assertEquals(
          List.of(new ServiceEvent.Registered(first), new ServiceEvent.Restarted(second[0])),
          events);
      assertEquals(second[0], registry.resolve("net"));
    }
  }

  @Test
  void livenessRacingCloseSendsNoExpired() throws Exception {
    HookClock clock = new HookClock();
    ServiceManager registry = open(clock);
    ServiceHandle first = registry.register("net", ENDPOINT);
    List<ServiceEvent> events = new ArrayList<>();
    registry.watchAll(events::add);
    clock.clock.advance(Scenario.TIMEOUT.plusMillis(1));
    clock.hook = registry::close;
    // It saw the service expired, then finds the registry closed before it could announce
    // that: it takes effect after the close and fails as such, sending nothing.
    assertThrows(IllegalStateException.class, () -> registry.liveness("net"));
    assertEquals(List.of(new ServiceEvent.Registered(first)), events);
  }

  /**
   * A heartbeat that found its service expired waits for the lock, and reads the clock again under
   * it; a lock-free heartbeat revives the service just then. The first one then finds nothing to
   * announce, its compare-and-set fails on the moved slot, and it ends on a slot that already says
   * what it would write (its third read is t=1 too). No {@code Expired}: the service never stopped
   * being alive for any call that completed.
   */
  @Test
  void heartbeatThatSawTheExpiryFindsItRevivedUnderTheLockAndAnnouncesNothing() throws Exception {
    HookClock clock = new HookClock();
    try (ServiceManager registry = open(clock)) {
      ServiceHandle net = registry.register("net", ENDPOINT);
      List<ServiceEvent> events = new ArrayList<>();
      registry.watch("net", events::add);
      Instant revived = reviveOnSecondRead(clock, registry, net, true);
      registry.heartbeat(net);
      assertEquals(List.of(new ServiceEvent.Registered(net)), events);
      assertEquals(new Liveness(net, revived, true), registry.liveness("net"));
      assertEquals(List.of(), registry.sweepExpired());
    }
  }

  /**
   * A {@code liveness} that found its service expired reads again under the lock; a lock-free
   * heartbeat revives the service just then. It answers alive, with that heartbeat, and announces
   * nothing.
   */
  @Test
  void livenessThatSawTheExpiryFindsItRevivedUnderTheLockAndAnswersAlive() throws Exception {
    HookClock clock = new HookClock();
    try (ServiceManager registry = open(clock)) {
      ServiceHandle net = registry.register("net", ENDPOINT);
      List<ServiceEvent> events = new ArrayList<>();
      registry.watch("net", events::add);
      Instant revived = reviveOnSecondRead(clock, registry, net, false);
      assertEquals(new Liveness(net, revived, true), registry.liveness("net"));
      assertEquals(List.of(new ServiceEvent.Registered(net)), events);
      assertEquals(List.of(), registry.sweepExpired());
    }
  }

  /**
   * Moves the clock past the timeout of {@code net} (registered at the epoch), and arms it: the
   * next call's first read sees the service expired; its second read (under the lock) first has a
   * lock-free heartbeat revive it at t=1, then reads the late time; with {@code thirdAtRevival},
   * its third read is t=1. Returns t=1.
   */
  private static Instant reviveOnSecondRead(
      HookClock clock, ServiceManager registry, ServiceHandle net, boolean thirdAtRevival) {
    Instant late = clock.clock.advance(Scenario.TIMEOUT.plusMillis(1));
    Instant revived = Scenario.EPOCH.plusMillis(1);
    clock.hook =
        () ->
            clock.hook =
                () -> {
                  clock.clock.set(revived);
                  succeed(() -> registry.heartbeat(net)); // lock-free: alive at t=1
                  clock.clock.set(late);
                  if (thirdAtRevival) {
                    clock.hook = () -> clock.clock.set(revived);
                  }
                };
    return revived;
  }

  @Test
  void manualClockSaysWhereItStands() {
    ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    assertEquals("ManualClock[2026-01-01T00:00:00Z]", clock.toString());
  }
}
