package org.opennexus.samgr.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * The SPI's small values: {@link SamgrConfig}'s equality and text, {@link LivenessClock}'s text,
 * {@link RegistryStats}' defaults, and one change fanned out to more subscriptions than a thread's
 * pending list first holds.
 */
class SpiValuesTest {

  @Test
  void samgrConfigsAreEqualExactlyWhenEveryPartIs() {
    InstantSource clock = ManualClock.at(Instant.EPOCH);
    Executor executor = Runnable::run;
    BiConsumer<ServiceEvent, Throwable> hook = (event, failure) -> {};
    SamgrConfig config = config(clock, Duration.ofSeconds(5), Map.of("k", "v"), executor, hook);
    SamgrConfig same = config(clock, Duration.ofSeconds(5), Map.of("k", "v"), executor, hook);
    assertEquals(config, same);
    assertEquals(config.hashCode(), same.hashCode());
    assertEquals(config, config);
    assertNotEquals(config, (Object) "a string");
    List<SamgrConfig> others =
        List.of(
            config(
                ManualClock.at(Instant.EPOCH),
                Duration.ofSeconds(5),
                Map.of("k", "v"),
                executor,
                hook),
            config(clock, Duration.ofSeconds(6), Map.of("k", "v"), executor, hook),
            config(clock, Duration.ofSeconds(5), Map.of("k", "w"), executor, hook),
            config(clock, Duration.ofSeconds(5), Map.of("k", "v"), r -> {}, hook),
            config(clock, Duration.ofSeconds(5), Map.of("k", "v"), executor, (e, t) -> {}));
    for (SamgrConfig other : others) {
      assertNotEquals(config, other, other.toString());
    }
    assertNotEquals(config.hashCode(), others.get(1).hashCode(), "another timeout, same hash");
    assertEquals(
        "SamgrConfig[clock="
            + clock
            + ", livenessTimeout=PT5S, settings=[k], executor="
            + executor
            + ", listenerFailures="
            + hook
            + "]",
        config.toString());
  }

  private static SamgrConfig config(
      InstantSource clock,
      Duration timeout,
      Map<String, String> settings,
      Executor executor,
      BiConsumer<ServiceEvent, Throwable> hook) {
    return SamgrConfig.builder()
        .clock(clock)
        .livenessTimeout(timeout)
        .settings(settings)
        .executor(executor)
        .listenerFailures(hook)
        .build();
  }

  @Test
  void aLivenessClockNamesItsClock() {
    InstantSource clock = ManualClock.at(Instant.EPOCH);
    assertEquals("LivenessClock[" + clock + "]", LivenessClock.of(clock).toString());
  }

  @Test
  void registryStatsOfAnInProcessRegistryAreConnectedAndFresh() {
    RegistryStats stats =
        new RegistryStats() {
          @Override
          public int serviceCount() {
            return 3;
          }

          @Override
          public long deliveryBacklog() {
            return 0;
          }
        };
    assertTrue(stats.connected());
    assertEquals(false, stats.shared());
    assertEquals(0, stats.reconnects());
    assertEquals(Duration.ZERO, stats.staleness());
  }

  @Test
  void oneChangeReachesMoreSubscriptionsThanAPendingListFirstHolds() throws Exception {
    try (ServiceManager manager = Samgr.builder().environment("host").open()) {
      List<List<ServiceEvent>> seen = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        List<ServiceEvent> events = new ArrayList<>();
        seen.add(events);
        manager.watch("svc", events::add);
      }
      ServiceHandle h = manager.register("svc", Endpoint.of("tcp://a:1"));
      for (List<ServiceEvent> events : seen) {
        assertEquals(List.of(new ServiceEvent.Registered(h)), events);
      }
    }
  }
}
