package org.opennexus.samgr.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;

/**
 * The event hub's bookkeeping, each rule pinned by its exact outcome (the branches of the hub
 * itself are pinned by samgr-api's {@code EventHubTest}): the count of open subscriptions, what a
 * refused {@code subscribe} leaves behind, the hand-off thread ending when idle, and the settings
 * parsers' edges.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventHubBookkeepingTest {

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

  @Test
  void closedSubscriptionsLeaveTheCountAndAClosedHubRefusesNewOnes() {
    EventHub hub = EventHub.callerRuns(config(Map.of(), (e, t) -> {}), "test");
    Subscription a = hub.subscribe("svc", e -> {}, List.of());
    Subscription b = hub.subscribe(null, e -> {}, List.of());
    assertEquals(2, hub.subscriptions());
    a.close();
    assertEquals(1, hub.subscriptions());
    hub.close();
    assertEquals(0, hub.subscriptions());
    assertEquals("samgr subscription to all services (closed)", b.toString());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> hub.subscribe("x", ev -> {}, List.of()));
    assertEquals("this samgr 'test' registry is closed", e.getMessage());
    assertEquals(0, hub.subscriptions());
  }

  @Test
  void theHandOffThreadEndsWhenIdle() throws Exception {
    AtomicReference<Thread> ran = new AtomicReference<>();
    EventHub hub = EventHub.handOff(config(Map.of(), (e, t) -> {}), "idle");
    Subscription s = hub.subscribe("svc", e -> ran.set(Thread.currentThread()), List.of());
    hub.publish(event("svc", 1));
    hub.flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ran.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    Thread handOff = assertInstanceOf(Thread.class, ran.get(), "the listener ran");
    assertEquals("samgr-idle-delivery", handOff.getName());
    assertTrue(handOff.isDaemon());
    handOff.join(TimeUnit.SECONDS.toMillis(30)); // it ends about a second after its last task
    assertFalse(handOff.isAlive(), "the idle hand-off thread ended");
    assertFalse(s.toString().endsWith("(closed)"), "and the subscription stays open");
    hub.close();
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
            .settings(
                Map.of("a.millis", "1090", "a.long", "v".repeat(200), "a.longer", "w".repeat(201)))
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
