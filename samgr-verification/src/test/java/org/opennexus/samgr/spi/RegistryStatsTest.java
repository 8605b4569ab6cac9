package org.opennexus.samgr.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * The host backend's view for metrics ({@link RegistryStats}): the number of services, the events
 * waiting for listeners, and the answers of a registry that is not shared, before and after close.
 */
class RegistryStatsTest {

  /** An executor that only keeps the tasks it is given, until the test runs them. */
  private static final class Held implements Executor {
    final List<Runnable> tasks = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable task) {
      tasks.add(task);
    }

    synchronized void runAll() {
      while (!tasks.isEmpty()) {
        tasks.remove(0).run();
      }
    }
  }

  @Test
  void hostCountsItsServicesAndTheEventsWaitingForListeners() throws Exception {
    Held held = new Held();
    ServiceManager manager = Samgr.builder().environment("host").executor(held).open();
    RegistryStats stats = RegistryStats.of(manager).orElseThrow();
    assertFalse(stats.shared());
    assertTrue(stats.connected());
    assertEquals(0, stats.reconnects());
    assertEquals(Duration.ZERO, stats.staleness());
    assertEquals(0, stats.serviceCount());
    assertEquals(0, stats.deliveryBacklog());
    List<Object> seen = new ArrayList<>();
    manager.watchAll(seen::add);
    manager.watch("a", seen::add); // a subscription to one name counts too
    ServiceHandle a = manager.register("a", Endpoint.of("tcp://a:1"));
    manager.register("b", Endpoint.of("tcp://b:1"));
    assertEquals(2, stats.serviceCount());
    assertEquals(3, stats.deliveryBacklog(), "three events wait for the held executor");
    held.runAll();
    assertEquals(0, stats.deliveryBacklog());
    assertEquals(3, seen.size());
    manager.unregister(a);
    assertEquals(1, stats.serviceCount());
    assertEquals("stats of " + manager, stats.toString());
    manager.close();
    assertFalse(stats.connected());
    assertEquals(0, stats.serviceCount());
    assertEquals(0, stats.deliveryBacklog());
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void aRegistryWithoutStatsHasNone() {
    ServiceManager plain = Samgr.builder().environment("os").open();
    assertEquals(Optional.empty(), RegistryStats.of(plain));
    assertThrows(NullPointerException.class, () -> RegistryStats.of(null));
  }
}
