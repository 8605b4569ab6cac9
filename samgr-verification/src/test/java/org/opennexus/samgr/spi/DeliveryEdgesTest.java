package org.opennexus.samgr.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;

/**
 * Edges of the SPI delivery machinery that no registry reaches: an executor that fails with an
 * {@link Error} in the middle of a batch, a batch that offers to a subscription again after
 * another one, a failure hook that throws {@link InterruptedException}, and how each mode names
 * itself. On the class path, in the SPI's package, beside samgr-api's own DeliveryTest.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeliveryEdgesTest {

  private static ServiceEvent event(String name, int generation) {
    return new ServiceEvent.Registered(
        new ServiceHandle(name, Endpoint.of("a"), new Generation(generation)));
  }

  private static SamgrConfig config(
      @Nullable Executor executor, BiConsumer<ServiceEvent, Throwable> hook) {
    return SamgrConfig.builder()
        .clock(InstantSource.system())
        .livenessTimeout(Duration.ofSeconds(30))
        .settings(Map.of())
        .executor(executor)
        .listenerFailures(hook)
        .build();
  }

  @SuppressWarnings("unchecked") // the erased cast is the point: nothing is checked at run time
  private static <E extends Throwable> void raiseAs(Throwable failure) throws E {
    throw (E) failure;
  }

  @Test
  void batchDispatchesEverySubscriptionWhenExecutorsFailWithErrorsThenRethrowsTheFirst() {
    AtomicInteger calls = new AtomicInteger();
    Executor failing =
        task -> {
          throw new AssertionError("executor failure " + calls.incrementAndGet());
        };
    Delivery delivery = Delivery.callerRuns(config(failing, (e, t) -> {}), "test");
    List<DeliveredSubscription> subscriptions = new ArrayList<>();
    Delivery.Batch batch = delivery.batch();
    for (int i = 0; i < 3; i++) {
      DeliveredSubscription s = delivery.subscribe("d" + i, e -> {}, x -> {});
      subscriptions.add(s);
      batch.offer(s, event("svc", i + 1));
    }
    AssertionError thrown = assertThrows(AssertionError.class, batch::dispatch);
    assertEquals("executor failure 1", thrown.getMessage());
    assertEquals(3, calls.get(), "every subscription was dispatched despite the first error");
    for (DeliveredSubscription s : subscriptions) {
      assertEquals(1, s.backlog(), "the event stays queued: " + s);
    }
  }

  @Test
  void batchOffersToASubscriptionAgainAfterAnotherAndKeepsEachOrder() {
    Delivery delivery = Delivery.callerRuns(config(null, (e, t) -> {}), "test");
    List<ServiceEvent> first = new CopyOnWriteArrayList<>();
    List<ServiceEvent> second = new CopyOnWriteArrayList<>();
    DeliveredSubscription a = delivery.subscribe("a", first::add, x -> {});
    DeliveredSubscription b = delivery.subscribe("b", second::add, x -> {});
    Delivery.Batch batch = delivery.batch();
    batch.offer(a, event("a", 1));
    batch.offer(b, event("b", 2));
    batch.offer(a, event("a", 3)); // not the last one offered to: found by the scan
    batch.offer(b, event("b", 4));
    batch.dispatch();
    assertEquals(List.of(event("a", 1), event("a", 3)), first);
    assertEquals(List.of(event("b", 2), event("b", 4)), second);
    assertEquals(0, a.backlog());
    assertEquals(0, b.backlog());
  }

  @Test
  void hookThrowingInterruptedExceptionLeavesTheThreadInterruptedAndDeliveryGoesOn() {
    List<ServiceEvent> reported = new CopyOnWriteArrayList<>();
    BiConsumer<ServiceEvent, Throwable> hook =
        (event, failure) -> {
          reported.add(event);
          raiseAs(new InterruptedException("hook interrupted"));
        };
    List<Boolean> interruptedAfter = new CopyOnWriteArrayList<>();
    List<ServiceEvent> delivered = new CopyOnWriteArrayList<>();
    // A direct executor: the drain task runs here, so this thread's flag is the one to check.
    Executor direct =
        task -> {
          task.run();
          interruptedAfter.add(Thread.interrupted()); // reads and clears it
        };
    Delivery delivery = Delivery.handOff(config(direct, hook), "test");
    DeliveredSubscription s =
        delivery.subscribe(
            "d",
            event -> {
              delivered.add(event);
              if (event.handle().generation().value() == 1) {
                throw new IllegalStateException("listener failure");
              }
            },
            x -> {});
    Delivery.Batch batch = delivery.batch();
    batch.offer(s, event("svc", 1));
    batch.offer(s, event("svc", 2));
    batch.dispatch();
    assertEquals(List.of(event("svc", 1), event("svc", 2)), delivered);
    assertEquals(List.of(event("svc", 1)), reported);
    assertEquals(List.of(true), interruptedAfter);
  }

  @Test
  void eachModeNamesItselfAndSaysWhenClosed() {
    Executor executor = Runnable::run;
    Delivery handOff = Delivery.handOff(config(null, (e, t) -> {}), "zk");
    handOff.subscribe("d", e -> {}, x -> {});
    assertEquals("samgr 'zk' delivery (hand-off, subscriptions: 1)", handOff.toString());
    handOff.closeAll();
    assertEquals("samgr 'zk' delivery (hand-off, closed)", handOff.toString());
    assertEquals(
        "samgr 'host' delivery (caller-runs, subscriptions: 0)",
        Delivery.callerRuns(config(null, (e, t) -> {}), "host").toString());
    assertEquals(
        "samgr 'host' delivery (executor, subscriptions: 0)",
        Delivery.handOff(config(executor, (e, t) -> {}), "host").toString());
    BiConsumer<ServiceEvent, Throwable> hook = (e, t) -> {};
    assertSame(hook, config(null, hook).listenerFailures());
    assertTrue(Delivery.callerRuns(config(null, hook), "x").maxBacklog() > 0);
  }
}
