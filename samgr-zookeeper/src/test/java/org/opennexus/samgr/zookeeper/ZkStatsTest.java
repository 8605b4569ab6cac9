package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.RegistryStats;

/**
 * A client's {@link RegistryStats}: services counted as the view holds them, the delivery backlog,
 * and the connection to the ensemble through a server's stop and start.
 */
@Timeout(120)
class ZkStatsTest {

  private static ServiceManager open(TestServer server, String ns) {
    return ZkTestSupport.builder(server.connect(), ns)
        .setting("zookeeper.session-timeout", "60s") // the session outlives the server's stop
        .setting("zookeeper.operation-timeout", "5s")
        .open();
  }

  /** Waits until {@code condition} holds; the test's timeout bounds the wait. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      Thread.sleep(10);
    }
  }

  @Test
  void countsTheServicesOfTheViewWithoutListingThem() throws Exception {
    try (TestServer server = TestServer.start()) {
      String ns = ZkTestSupport.freshNamespace();
      try (ServiceManager manager = open(server, ns);
          ServiceManager other = open(server, ns)) {
        RegistryStats stats = RegistryStats.of(manager).orElseThrow();
        assertEquals(0, stats.serviceCount());
        ServiceHandle a = manager.register("a", Endpoint.of("tcp://a"));
        manager.register("b", Endpoint.of("tcp://b"));
        manager.restart("b", Endpoint.of("tcp://b2")); // one service still
        assertEquals(2, stats.serviceCount());
        manager.unregister(a);
        assertEquals(1, stats.serviceCount());
        other.register("c", Endpoint.of("tcp://c")); // seen through the watch
        manager.await("c", Duration.ofSeconds(30));
        assertEquals(2, stats.serviceCount());
        assertEquals(manager.services().size(), stats.serviceCount());
        assertTrue(
            manager.toString().contains("(services: 2, subscriptions: 0)"), manager::toString);
        assertEquals(0, stats.deliveryBacklog());
        assertTrue(stats.shared());
      }
    }
  }

  @Test
  void theBacklogCountsEventsQueuedBehindABlockedListener() throws Exception {
    try (TestServer server = TestServer.start()) {
      String ns = ZkTestSupport.freshNamespace();
      try (ServiceManager manager = open(server, ns)) {
        RegistryStats stats = RegistryStats.of(manager).orElseThrow();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<ServiceEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Subscription s =
            manager.watchAll(
                event -> {
                  entered.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  seen.add(event);
                })) {
          manager.register("a", Endpoint.of("tcp://a"));
          entered.await(); // the listener holds "a"
          manager.register("b", Endpoint.of("tcp://b"));
          manager.register("c", Endpoint.of("tcp://c"));
          assertEquals(2, stats.deliveryBacklog());
          release.countDown();
          await(() -> seen.size() == 3);
          assertEquals(0, stats.deliveryBacklog());
        }
      }
    }
  }

  @Test
  void followsTheConnectionThroughAServersStopAndStart() throws Exception {
    try (TestServer server = TestServer.start()) {
      String ns = ZkTestSupport.freshNamespace();
      ServiceManager manager = open(server, ns);
      try {
        RegistryStats stats = RegistryStats.of(manager).orElseThrow();
        assertTrue(stats.connected());
        assertEquals(0, stats.reconnects());
        assertEquals(Duration.ZERO, stats.staleness());

        server.stop();
        await(() -> !stats.connected());
        Duration first = stats.staleness();
        Thread.sleep(50);
        Duration later = stats.staleness();
        assertTrue(
            later.compareTo(first) > 0 && later.compareTo(Duration.ofMillis(50)) >= 0,
            first + " then " + later);
        assertEquals(0, stats.reconnects());

        server.restart();
        await(stats::connected);
        assertEquals(1, stats.reconnects());
        assertEquals(Duration.ZERO, stats.staleness());
      } finally {
        manager.close();
      }
      RegistryStats closed = RegistryStats.of(manager).orElseThrow();
      assertFalse(closed.connected());
      assertEquals(0, closed.serviceCount());
      assertEquals(0, closed.deliveryBacklog());
      assertEquals(Duration.ZERO, closed.staleness());
    }
  }

  @Test
  void aClientClosedWhileDisconnectedKeepsTheStalenessItHad() throws Exception {
    try (TestServer server = TestServer.start()) {
      ServiceManager manager = open(server, ZkTestSupport.freshNamespace());
      manager.register("a", Endpoint.of("tcp://a"));
      RegistryStats stats = RegistryStats.of(manager).orElseThrow();
      server.stop();
      await(() -> !stats.connected());
      Thread.sleep(20);
      manager.close();
      Duration atClose = stats.staleness();
      assertTrue(atClose.compareTo(Duration.ofMillis(20)) >= 0, atClose.toString());
      Thread.sleep(50);
      assertEquals(atClose, stats.staleness());
      assertFalse(stats.connected());
      assertEquals(0, stats.serviceCount());
    }
  }
}
