package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * The ensemble loses its data while clients are open: its data directory is wiped, or it is
 * restored from an older copy, and it comes back on the same port. The surviving clients notice it,
 * tell every subscription that the services they knew are gone ({@code Unregistered}), and from
 * then on no handle from before the loss acts on anything: the names are {@code NotFound} until
 * registered again, and {@code StaleHandle} after, because no generation is ever issued twice for a
 * namespace.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DataLossTest {

  /** Short, so that a client refused by the server that lost its data gets a new session soon. */
  private static final Duration SESSION = Duration.ofSeconds(4);

  private static final Duration OPERATION = Duration.ofSeconds(3);
  private static final Duration PROPAGATION = Duration.ofSeconds(60);

  @TempDir Path temp;

  @Test
  void aWipedEnsembleIsNoticedItsServicesAreUnregisteredAndNoGenerationRepeats() throws Exception {
    Path data = Files.createDirectories(temp.resolve("data"));
    String ns = Zk.freshNamespace("wipe");
    try (TestingServer server =
            new TestingServer(Zk.spec(data.toFile(), InstanceSpec.getRandomPort()), true);
        ServiceManager owner = Zk.open(server.getConnectString(), ns, SESSION, OPERATION);
        ServiceManager watcher = Zk.open(server.getConnectString(), ns, SESSION, OPERATION)) {
      EventLog byWatcher = new EventLog("watcher's watchAll");
      EventLog byOwner = new EventLog("owner's watchAll");
      try (Subscription s1 = watcher.watchAll(byWatcher);
          Subscription s2 = owner.watchAll(byOwner)) {
        ServiceHandle a = owner.register("svc-a", Endpoint.of("tcp://10.3.0.1:1"));
        ServiceHandle b = owner.register("svc-b", Endpoint.of("tcp://10.3.0.2:1"));
        byWatcher.awaitEvent(new ServiceEvent.Registered(b), PROPAGATION); // not coalesced
        ServiceHandle b2 = owner.restart(b, Endpoint.of("tcp://10.3.0.2:2"));
        byWatcher.awaitEvent(new ServiceEvent.Restarted(b2), PROPAGATION);
        long newestBefore = b2.generation().value();

        server.stop();
        wipe(data);
        server.restart();

        // Both clients notice: every subscription is told the services are gone.
        for (EventLog log : List.of(byWatcher, byOwner)) {
          log.awaitEvent(new ServiceEvent.Unregistered(a), PROPAGATION);
          log.awaitEvent(new ServiceEvent.Unregistered(b2), PROPAGATION);
        }
        awaitNoServices("owner", owner);
        awaitNoServices("watcher", watcher);
        // The handles from before the loss act on nothing: their names are not registered.
        assertThrows(SamgrError.NotFound.class, () -> owner.heartbeat(a));
        assertThrows(SamgrError.NotFound.class, () -> owner.restart(a, Endpoint.of("x:1")));
        assertThrows(SamgrError.NotFound.class, () -> owner.unregister(b2));

        try (ServiceManager fresh = Zk.open(server.getConnectString(), ns, SESSION, OPERATION)) {
          // The names are registered anew, by a new client and by a surviving one: generations
          // beyond every one issued before the loss.
          ServiceHandle a2 = fresh.register("svc-a", Endpoint.of("tcp://10.3.0.1:2"));
          ServiceHandle b3 = owner.register("svc-b", Endpoint.of("tcp://10.3.0.2:3"));
          assertTrue(a2.generation().value() > newestBefore, a2 + " after " + b2);
          assertTrue(b3.generation().isAfter(a2.generation()), b3 + " after " + a2);

          // Handles from before the loss are stale for ever: they never act on the new ones.
          assertStale(a2, () -> owner.heartbeat(a));
          assertStale(a2, () -> owner.unregister(a));
          assertStale(a2, () -> owner.restart(a, Endpoint.of("x:2")));
          assertStale(a2, () -> fresh.unregister(a));
          assertStale(b3, () -> watcher.restart(b2, Endpoint.of("x:3")));
          assertStale(b3, () -> fresh.heartbeat(b));
          assertEquals(a2, fresh.resolve("svc-a"));
          assertEquals(b3, owner.resolve("svc-b"));

          for (EventLog log : List.of(byWatcher, byOwner)) {
            log.awaitEvent(new ServiceEvent.Registered(a2), PROPAGATION);
            log.awaitEvent(new ServiceEvent.Registered(b3), PROPAGATION);
            assertEquals(
                List.of(
                    new ServiceEvent.Registered(a),
                    new ServiceEvent.Unregistered(a),
                    new ServiceEvent.Registered(a2)),
                log.events("svc-a"),
                log + " for svc-a");
            assertEquals(
                List.of(
                    new ServiceEvent.Registered(b),
                    new ServiceEvent.Restarted(b2),
                    new ServiceEvent.Unregistered(b2),
                    new ServiceEvent.Registered(b3)),
                log.events("svc-b"),
                log + " for svc-b");
          }
          assertEquals(a2, watcher.await("svc-a", PROPAGATION));
        }
      }
    }
  }

  @Test
  void aRestoreFromAnOlderCopyIsNoticedAndNoGenerationRepeats() throws Exception {
    Path data = Files.createDirectories(temp.resolve("data"));
    Path copy = temp.resolve("copy");
    String ns = Zk.freshNamespace("restore");
    try (TestingServer server =
            new TestingServer(Zk.spec(data.toFile(), InstanceSpec.getRandomPort()), true);
        ServiceManager owner = Zk.open(server.getConnectString(), ns, SESSION, OPERATION);
        ServiceManager watcher = Zk.open(server.getConnectString(), ns, SESSION, OPERATION)) {
      EventLog byWatcher = new EventLog("watcher's watchAll");
      try (Subscription s = watcher.watchAll(byWatcher)) {
        ServiceHandle a = owner.register("svc-a", Endpoint.of("tcp://10.4.0.1:1"));
        ServiceHandle b = owner.register("svc-b", Endpoint.of("tcp://10.4.0.2:1"));
        byWatcher.awaitEvent(new ServiceEvent.Registered(b), PROPAGATION);

        // The copy an operator will restore: the state with svc-a and svc-b, nothing after.
        server.stop();
        copyTree(data, copy);
        server.restart();

        byWatcher.awaitEvent(new ServiceEvent.Registered(a), PROPAGATION); // not coalesced
        ServiceHandle a2 = owner.restart(a, Endpoint.of("tcp://10.4.0.1:2"));
        ServiceHandle c = owner.register("svc-c", Endpoint.of("tcp://10.4.0.3:1"));
        // Each name on its own: c says nothing of a2. A watcher that reconnects between the two
        // writes is announced c at once, but reads a2 in its catch-up load, up to
        // zookeeper.reload-jitter later; the next stop must not come before it.
        byWatcher.awaitEvent(new ServiceEvent.Restarted(a2), PROPAGATION);
        byWatcher.awaitEvent(new ServiceEvent.Registered(c), PROPAGATION);
        long newestBefore = c.generation().value();

        server.stop();
        wipe(data);
        copyTree(copy, data);
        server.restart();

        // The surviving clients notice: what they knew is gone, including what the copy still
        // holds (a restored record is not trusted: its generations were issued before the loss).
        byWatcher.awaitEvent(new ServiceEvent.Unregistered(a2), PROPAGATION);
        byWatcher.awaitEvent(new ServiceEvent.Unregistered(b), PROPAGATION);
        byWatcher.awaitEvent(new ServiceEvent.Unregistered(c), PROPAGATION);
        awaitNoServices("owner", owner);
        awaitNoServices("watcher", watcher);
        assertThrows(SamgrError.NotFound.class, () -> owner.heartbeat(a)); // restored, not trusted
        assertThrows(SamgrError.NotFound.class, () -> owner.heartbeat(a2));

        ServiceHandle a3 = owner.register("svc-a", Endpoint.of("tcp://10.4.0.1:3"));
        assertTrue(a3.generation().value() > newestBefore, a3 + " after " + c);
        assertStale(a3, () -> owner.heartbeat(a));
        assertStale(a3, () -> owner.heartbeat(a2));
        assertStale(a3, () -> watcher.unregister(a));
        assertStale(a3, () -> watcher.restart(a2, Endpoint.of("x:1")));
        byWatcher.awaitEvent(new ServiceEvent.Registered(a3), PROPAGATION);
        assertEquals(
            List.of(
                new ServiceEvent.Registered(a),
                new ServiceEvent.Restarted(a2),
                new ServiceEvent.Unregistered(a2),
                new ServiceEvent.Registered(a3)),
            byWatcher.events("svc-a"));
        assertEquals(
            List.of(new ServiceEvent.Registered(b), new ServiceEvent.Unregistered(b)),
            byWatcher.events("svc-b"));
        Histories.assertGenerationOrderPerName(byWatcher);
      }
    }
  }

  /**
   * The stated assumption, at its edge: with no client surviving the loss, the client that opens
   * the wiped namespace first must read a clock later than every clock that opened it before (by at
   * least one millisecond per 2^20 ZooKeeper transactions since). One millisecond ahead is enough
   * here: its generations are beyond every one issued before.
   */
  @Test
  void aClockOneMillisecondAheadIsEnoughWhenNoClientSurvivesTheLoss() throws Exception {
    Path data = Files.createDirectories(temp.resolve("data"));
    String ns = Zk.freshNamespace("clock");
    Instant before = Instant.parse("2026-12-07T08:00:00Z");
    long newestBefore = 0;
    try (TestingServer server =
        new TestingServer(Zk.spec(data.toFile(), InstanceSpec.getRandomPort()), true)) {
      for (int round = 0; round < 3; round++) {
        try (ServiceManager early = open(server, ns, ManualClock.at(before))) {
          for (int i = 0; i < 20; i++) {
            ServiceHandle h =
                early.find("svc-" + i).isPresent()
                    ? early.restart("svc-" + i, Endpoint.of("tcp://10.5.0." + i + ":" + round))
                    : early.register("svc-" + i, Endpoint.of("tcp://10.5.0." + i + ":0"));
            newestBefore = Math.max(newestBefore, h.generation().value());
          }
        }
      }
      server.stop();
      wipe(data);
      server.restart();
      try (ServiceManager later = open(server, ns, ManualClock.at(before.plusMillis(1)))) {
        ServiceHandle first = later.register("svc-0", Endpoint.of("tcp://10.5.1.0:1"));
        assertTrue(
            first.generation().value() > newestBefore,
            first + " is not beyond generation " + newestBefore + " issued before the loss");
      }
    }
  }

  private static ServiceManager open(TestingServer server, String ns, ManualClock clock) {
    return Samgr.builder()
        .environment("zookeeper")
        .clock(clock)
        .setting("zookeeper.connect", server.getConnectString())
        .setting("zookeeper.namespace", ns)
        .setting("zookeeper.session-timeout", SESSION.toMillis() + "ms")
        .setting("zookeeper.operation-timeout", OPERATION.toMillis() + "ms")
        .open();
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertStale(ServiceHandle current, Call call) {
    SamgrError.StaleHandle stale = assertThrows(SamgrError.StaleHandle.class, call::run);
    assertEquals(current.generation(), stale.current());
  }

  private static void awaitNoServices(String label, ServiceManager client)
      throws SamgrError, InterruptedException {
    long deadline = System.nanoTime() + PROPAGATION.toNanos();
    while (!client.services().isEmpty()) {
      assertTrue(
          System.nanoTime() < deadline,
          label + " still sees " + client.services() + " " + PROPAGATION + " after the loss");
      Thread.sleep(50);
    }
  }

  /** Deletes everything in a server's data directory, keeping the directory. */
  private static void wipe(Path data) throws IOException {
    try (Stream<Path> all = Files.walk(data)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(data)) {
          Files.delete(p);
        }
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
