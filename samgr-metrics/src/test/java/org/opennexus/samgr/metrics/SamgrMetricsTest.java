package org.opennexus.samgr.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.RegistryStats;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SamgrMetricsTest {

  private static final Endpoint A = Endpoint.of("tcp://a");
  private static final Endpoint B = Endpoint.of("tcp://b");

  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final List<ServiceManager> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(ServiceManager::close);
  }

  private ServiceManager host() {
    ServiceManager manager = Samgr.open("host");
    opened.add(manager);
    return manager;
  }

  /** Every samgr.operations counter that is not zero, as "operation/outcome" -> count. */
  private Map<String, Long> operations() {
    Map<String, Long> counts = new TreeMap<>();
    for (Meter meter : meters.find(SamgrMetrics.OPERATIONS).meters()) {
      long count = (long) meter.measure().iterator().next().getValue();
      if (count != 0) {
        counts.put(
            meter.getId().getTag("operation") + "/" + meter.getId().getTag("outcome"), count);
      }
    }
    return counts;
  }

  private double counter(String name) {
    return meters.get(name).functionCounter().count();
  }

  private double gauge(String name) {
    return meters.get(name).gauge().value();
  }

  @Test
  void countsEachOperationByOutcome() throws Exception {
    ServiceManager samgr = SamgrMetrics.monitor(meters, host(), "registry", "test");
    ServiceHandle a = samgr.register("a", A);
    assertThrows(SamgrError.Duplicate.class, () -> samgr.register("a", B));
    for (int i = 0; i < 3; i++) {
      samgr.resolve("a");
    }
    assertThrows(SamgrError.NotFound.class, () -> samgr.resolve("missing"));
    assertTrue(samgr.find("a").isPresent());
    assertFalse(samgr.find("missing").isPresent());
    samgr.heartbeat(a);
    samgr.heartbeat(a);
    ServiceHandle a2 = samgr.restart("a", B);
    assertThrows(SamgrError.StaleHandle.class, () -> samgr.heartbeat(a));
    assertThrows(SamgrError.StaleHandle.class, () -> samgr.restart(a, A));
    ServiceHandle a3 = samgr.restart(a2, A);
    assertThrows(SamgrError.NotFound.class, () -> samgr.restart("missing", A));
    samgr.liveness("a");
    assertThrows(SamgrError.NotFound.class, () -> samgr.liveness("missing"));
    samgr.services();
    samgr.sweepExpired();
    samgr.await("a", Duration.ZERO);
    assertThrows(SamgrError.NotFound.class, () -> samgr.await("missing", Duration.ZERO));
    samgr.unregister(a3);
    assertThrows(SamgrError.NotFound.class, () -> samgr.unregister(a3));
    samgr.watch("a", e -> {}).close();
    samgr.watchAll(e -> {}).close();

    Map<String, Long> expected = new TreeMap<>();
    expected.put("register/ok", 1L);
    expected.put("register/duplicate", 1L);
    expected.put("resolve/ok", 3L);
    expected.put("resolve/not-found", 1L);
    expected.put("find/ok", 1L);
    expected.put("find/not-found", 1L);
    expected.put("heartbeat/ok", 2L);
    expected.put("heartbeat/stale-handle", 1L);
    expected.put("restart/ok", 2L);
    expected.put("restart/stale-handle", 1L);
    expected.put("restart/not-found", 1L);
    expected.put("liveness/ok", 1L);
    expected.put("liveness/not-found", 1L);
    expected.put("services/ok", 1L);
    expected.put("sweep-expired/ok", 1L);
    expected.put("await/ok", 1L);
    expected.put("await/not-found", 1L);
    expected.put("unregister/ok", 1L);
    expected.put("unregister/not-found", 1L);
    expected.put("watch/ok", 1L);
    expected.put("watch-all/ok", 1L);
    assertEquals(expected, operations());
    for (Meter meter : meters.getMeters()) {
      assertEquals("test", meter.getId().getTag("registry"), meter.getId()::toString);
    }
  }

  @Test
  void registersExpectedOutcomesUpFrontAtZero() {
    SamgrMetrics.monitor(meters, host());
    assertEquals(
        0.0,
        meters
            .get(SamgrMetrics.OPERATIONS)
            .tag("operation", "heartbeat")
            .tag("outcome", "stale-handle")
            .functionCounter()
            .count());
    assertNull(
        meters
            .find(SamgrMetrics.OPERATIONS)
            .tag("operation", "resolve")
            .tag("outcome", "duplicate")
            .meter());
  }

  @Test
  void countsEventsDeliveredAndListenerFailures() throws Exception {
    List<Throwable> hooked = new CopyOnWriteArrayList<>();
    ServiceManager plain =
        Samgr.builder().environment("host").listenerFailures((e, t) -> hooked.add(t)).open();
    opened.add(plain);
    ServiceManager samgr = SamgrMetrics.monitor(meters, plain);
    samgr.register("before", A); // delivered to watchAll as its first event
    List<ServiceEvent> seen = new CopyOnWriteArrayList<>();
    Subscription all =
        samgr.watchAll(
            event -> {
              seen.add(event);
              if (event instanceof ServiceEvent.Restarted) {
                throw new IllegalStateException("listener fails on restart");
              }
            });
    Subscription one = samgr.watch("x", seen::add);
    ServiceHandle x = samgr.register("x", A); // all + one
    samgr.restart(x, B); // all (throws) + one
    plain.register("y", A); // through the plain registry, to a counted listener: all

    assertEquals(6, seen.size(), seen::toString);
    assertEquals(6.0, counter(SamgrMetrics.EVENTS_DELIVERED));
    assertEquals(1.0, counter(SamgrMetrics.LISTENER_FAILURES));
    assertEquals(1, hooked.size());
    assertEquals("listener fails on restart", hooked.get(0).getMessage());
    all.close();
    one.close();
  }

  @Test
  void gaugesReadServicesAndBacklogFromTheRegistry() throws Exception {
    List<Runnable> held = new ArrayList<>();
    ServiceManager plain = Samgr.builder().environment("host").executor(held::add).open();
    opened.add(plain);
    ServiceManager samgr = SamgrMetrics.monitor(meters, plain);
    samgr.watchAll(e -> {});
    samgr.register("a", A);
    samgr.register("b", A);
    samgr.register("c", A);
    assertEquals(3.0, gauge(SamgrMetrics.SERVICES));
    assertEquals(3.0, gauge(SamgrMetrics.DELIVERY_BACKLOG));
    List<Runnable> tasks = new ArrayList<>(held);
    held.clear();
    tasks.forEach(Runnable::run);
    assertEquals(0.0, gauge(SamgrMetrics.DELIVERY_BACKLOG));
    assertEquals(3.0, counter(SamgrMetrics.EVENTS_DELIVERED));
    ServiceHandle b = samgr.resolve("b");
    samgr.unregister(b);
    assertEquals(2.0, gauge(SamgrMetrics.SERVICES));
    // In-process: no connection meters.
    assertNull(meters.find(SamgrMetrics.CONNECTED).meter());
    assertNull(meters.find(SamgrMetrics.VIEW_STALENESS).meter());
  }

  @Test
  void closingTheMonitorClosesTheRegistryAndRemovesItsMeters() throws Exception {
    ServiceManager plain = host();
    ServiceManager samgr = SamgrMetrics.monitor(meters, plain);
    samgr.register("a", A);
    samgr.close();
    assertThrows(IllegalStateException.class, () -> plain.resolve("a"));
    assertEquals(List.of(), meters.getMeters());
  }

  @Test
  void aRegistryNotMonitoredRegistersNoMeters() throws Exception {
    ServiceManager plain = host();
    plain.register("a", A);
    plain.resolve("a");
    assertEquals(List.of(), meters.getMeters());
  }

  @Test
  void binderAloneRegistersOnlyGauges() throws Exception {
    ServiceManager plain = host();
    plain.register("a", A);
    new SamgrMetrics(plain, List.of()).bindTo(meters);
    assertEquals(1.0, gauge(SamgrMetrics.SERVICES));
    assertEquals(0.0, gauge(SamgrMetrics.DELIVERY_BACKLOG));
    assertNull(meters.find(SamgrMetrics.OPERATIONS).meter());
  }

  @Test
  void countsUnsupportedOnTheOsBackendAndServicesIsNotANumber() {
    ServiceManager os = Samgr.open("os");
    opened.add(os);
    ServiceManager samgr = SamgrMetrics.monitor(meters, os);
    assertThrows(SamgrError.Unsupported.class, () -> samgr.register("a", A));
    assertThrows(SamgrError.Unsupported.class, () -> samgr.resolve("a"));
    assertEquals(Map.of("register/unsupported", 1L, "resolve/unsupported", 1L), operations());
    assertTrue(Double.isNaN(gauge(SamgrMetrics.SERVICES)));
    assertNull(meters.find(SamgrMetrics.DELIVERY_BACKLOG).meter());
  }

  @Test
  @SuppressWarnings("NullAway") // passes null on purpose
  void badInputIsNotCountedAndKeepsTheRegistrysMessages() throws Exception {
    ServiceManager samgr = SamgrMetrics.monitor(meters, host());
    assertThrows(IllegalArgumentException.class, () -> samgr.resolve(""));
    NullPointerException npe =
        assertThrows(NullPointerException.class, () -> samgr.watch("a", null));
    assertEquals("listener must not be null", npe.getMessage());
    assertEquals(Map.of(), operations());
  }

  @Test
  void theMonitorPassesTheRegistryStatsOn() {
    ServiceManager plain = host();
    ServiceManager samgr = SamgrMetrics.monitor(meters, plain);
    assertSame(RegistryStats.of(plain).orElseThrow(), RegistryStats.of(samgr).orElseThrow());
    assertEquals("host", samgr.environment());
  }
}
