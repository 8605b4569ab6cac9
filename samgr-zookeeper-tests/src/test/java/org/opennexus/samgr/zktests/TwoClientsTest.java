package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Two clients of one registry in one JVM, each with its own ZooKeeper session: each sees its own
 * changes at once and the other's changes and events after propagation.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TwoClientsTest extends OneServer {

  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final Duration OPERATION = Duration.ofSeconds(10);
  private static final Duration PROPAGATION = Duration.ofSeconds(15);

  @Test
  void eachClientSeesTheOthersServicesAndEvents() throws Exception {
    String namespace = Zk.freshNamespace("two-clients");
    try (ServiceManager a = Zk.open(server.getConnectString(), namespace, SESSION, OPERATION);
        ServiceManager b = Zk.open(server.getConnectString(), namespace, SESSION, OPERATION)) {
      EventLog seenByA = new EventLog("a's watchAll");
      EventLog seenByB = new EventLog("b's watchAll");
      EventLog betaByA = new EventLog("a's watch('beta')");
      try (Subscription wa = a.watchAll(seenByA);
          Subscription wb = b.watchAll(seenByB);
          Subscription wBeta = a.watch("beta", betaByA)) {
        ServiceHandle alpha1 = a.register("alpha", Endpoint.of("tcp://10.0.0.1:1"));
        // Read-your-writes: the writer's own reads see the change as soon as the call returns.
        assertEquals(alpha1, a.resolve("alpha"));
        assertEquals(List.of(alpha1), a.services());
        seenByB.awaitEvent(new ServiceEvent.Registered(alpha1), PROPAGATION);
        assertEquals(alpha1, b.resolve("alpha"));

        ServiceHandle alpha2 = a.restart("alpha", Endpoint.of("tcp://10.0.0.1:2"));
        assertTrue(alpha2.generation().isAfter(alpha1.generation()));
        seenByB.awaitEvent(new ServiceEvent.Restarted(alpha2), PROPAGATION);
        assertEquals(alpha2, b.resolve("alpha"));

        ServiceHandle beta = b.register("beta", Endpoint.of("tcp://10.0.0.2:1"));
        assertTrue(beta.generation().isAfter(alpha2.generation()));
        betaByA.awaitEvent(new ServiceEvent.Registered(beta), PROPAGATION);
        assertEquals(Optional.of(beta), a.find("beta"));
        // a's fenced restart with b's handle: a generation b handed out fences a's write too.
        ServiceHandle beta2 = a.restart(beta, Endpoint.of("tcp://10.0.0.2:2"));
        seenByB.awaitEvent(new ServiceEvent.Restarted(beta2), PROPAGATION);
        b.unregister(beta2);
        betaByA.awaitEvent(new ServiceEvent.Unregistered(beta2), PROPAGATION);
        seenByA.awaitEvent(new ServiceEvent.Unregistered(beta2), PROPAGATION);
        assertEquals(Optional.empty(), a.find("beta"));

        List<ServiceEvent> expected =
            List.of(
                new ServiceEvent.Registered(alpha1),
                new ServiceEvent.Restarted(alpha2),
                new ServiceEvent.Registered(beta),
                new ServiceEvent.Restarted(beta2),
                new ServiceEvent.Unregistered(beta2));
        seenByB.awaitUntil("all five events", PROPAGATION, events -> events.size() >= 5);
        assertEquals(expected, seenByA.events(), "a's watchAll, exact sequence");
        assertEquals(expected, seenByB.events(), "b's watchAll, exact sequence");
        assertEquals(
            List.of(
                new ServiceEvent.Registered(beta),
                new ServiceEvent.Restarted(beta2),
                new ServiceEvent.Unregistered(beta2)),
            betaByA.events(),
            "a's watch('beta'), exact sequence");
        assertEquals(List.of(alpha2), b.services());
      }
    }
  }

  @Test
  void anotherClientJoinsAnEmbeddedRegistryThroughItsPublishedConnectString() throws Exception {
    String namespace = Zk.freshNamespace("embedded-join");
    assertNull(System.getProperty("samgr.zookeeper.embedded.connect"));
    ServiceHandle mine;
    try (ServiceManager owner =
        Samgr.builder()
            .environment("zookeeper")
            .setting("zookeeper.connect", "embedded")
            .setting("zookeeper.namespace", namespace)
            .open()) {
      String connect = System.getProperty("samgr.zookeeper.embedded.connect");
      assertNotNull(connect, "samgr.zookeeper.embedded.connect while the embedded server runs");
      assertTrue(connect.matches("127\\.0\\.0\\.1:[0-9]+"), connect);
      mine = owner.register("embedded-svc", Endpoint.of("tcp://10.0.0.4:1"));
      try (ServiceManager joiner = Zk.open(connect, namespace, SESSION, OPERATION)) {
        assertEquals(mine, joiner.await("embedded-svc", PROPAGATION));
      }
    }
    assertNull(
        System.getProperty("samgr.zookeeper.embedded.connect"),
        "cleared when the last embedded registry closes and the server stops");
  }

  @Test
  void aClosedClientsServicesAreAnnouncedExpiredToTheOtherExactlyOnce() throws Exception {
    String namespace = Zk.freshNamespace("close-expires");
    try (ServiceManager watcher =
        Zk.open(server.getConnectString(), namespace, SESSION, OPERATION)) {
      EventLog log = new EventLog("watcher");
      ServiceHandle gone;
      try (Subscription w = watcher.watchAll(log)) {
        // A short liveness timeout, which its service keeps: it expires 2 s after it registered.
        try (ServiceManager owner =
            Zk.open(
                server.getConnectString(), namespace, SESSION, OPERATION, Duration.ofSeconds(2))) {
          gone = owner.register("gone", Endpoint.of("tcp://10.0.0.3:1"));
          log.awaitEvent(new ServiceEvent.Registered(gone), PROPAGATION);
        }
        // The owner closed without unregistering: nobody heartbeats or vouches for its service,
        // which expires by its own timeout.
        log.awaitEvent(new ServiceEvent.Expired(gone), PROPAGATION);
        Thread.sleep(1000); // a second Expired would come from another client's check; give it time
        assertEquals(
            List.of(new ServiceEvent.Registered(gone), new ServiceEvent.Expired(gone)),
            log.events());
      }
      // Expired keeps the service registered, not alive.
      assertEquals(gone, watcher.resolve("gone"));
      assertFalse(watcher.liveness("gone").alive());
    }
  }
}
