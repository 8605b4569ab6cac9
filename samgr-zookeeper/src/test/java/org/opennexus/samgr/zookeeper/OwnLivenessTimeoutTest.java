package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opennexus.samgr.zookeeper.ZkTestSupport.awaitUntil;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Expired;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.tck.RecordingListener;

/**
 * A service's liveness timeout is its own: the client that registers it keeps its timeout in the
 * record, and every client judges the service by that timeout alone. Reading never writes, and a
 * read-only client ({@code zookeeper.read-only=true}) never writes at all.
 */
@Timeout(60)
class OwnLivenessTimeoutTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration OWNER_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration READER_TIMEOUT = Duration.ofSeconds(1);

  @RegisterExtension static final TestServer server = TestServer.perClass();

  private static ZkServiceManager client(
      String namespace, ManualClock clock, Duration timeout, String... keysAndValues) {
    return ZkTestSupport.open(server.connect(), namespace, clock, timeout, keysAndValues);
  }

  /**
   * The owner (3 s) heartbeats every 1.5 s; a reader whose own timeout is 1 s looks at the service
   * 1.4 s after each heartbeat: alive by the owner's timeout, no {@code Expired} anywhere, and the
   * reader's calls write nothing. Once the owner stops, the service expires by its own timeout
   * (never sooner) and every watcher gets exactly one {@code Expired}, with nobody calling {@code
   * sweepExpired} or reading.
   */
  @Test
  void everyClientJudgesAServiceByItsOwnTimeoutAndReadingWritesNothing() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    try (ZkServiceManager owner = client(ns, clock, OWNER_TIMEOUT);
        ZkServiceManager reader = client(ns, clock, READER_TIMEOUT)) {
      RecordingListener seenByOwner = new RecordingListener();
      RecordingListener seenByReader = new RecordingListener();
      try (Subscription so = owner.watch("svc", seenByOwner);
          Subscription sr = reader.watch("svc", seenByReader)) {
        ServiceHandle h = owner.register("svc", Endpoint.of("tcp://owner:1"));
        assertEquals(h, reader.await("svc", Duration.ofSeconds(20)));
        CuratorFramework zk = owner.curator();
        String record = ZkTestSupport.record(ns, "svc");
        String clients = "/" + ns + "/clients";
        Instant beat = START;
        for (int round = 0; round < 5; round++) {
          Instant seen = beat;
          awaitUntil(
              () -> reader.liveness("svc").lastHeartbeat().equals(seen),
              "the reader never saw the heartbeat of " + seen);
          Stat before = zk.checkExists().forPath(record);
          clock.advance(
              Duration.ofMillis(1400)); // older than the reader's 1 s, not the owner's 3 s
          assertEquals(new Liveness(h, beat, true), reader.liveness("svc"), "round " + round);
          assertEquals(List.of(h), reader.services());
          assertEquals(h, reader.resolve("svc"));
          assertEquals(Optional.of(h), reader.find("svc"));
          assertEquals(new Liveness(h, beat, true), owner.liveness("svc"), "round " + round);
          Stat after = zk.checkExists().forPath(record);
          assertEquals(before.getMzxid(), after.getMzxid(), "a read wrote the record");
          assertEquals(before.getVersion(), after.getVersion(), "a read wrote the record");
          // The reader never wrote: only the owner has a client node.
          assertEquals(1, zk.getChildren().forPath(clients).size());
          beat = clock.advance(Duration.ofMillis(100));
          owner.heartbeat(h); // 1.5 s after the written one: written (a quarter of 3 s is 0.75 s)
        }
        Instant last = beat;
        awaitUntil(
            () -> reader.liveness("svc").lastHeartbeat().equals(last),
            "the reader never saw the last heartbeat");
        // The owner stops. At exactly its own timeout the service is still alive for everyone.
        clock.advance(OWNER_TIMEOUT);
        assertEquals(new Liveness(h, last, true), reader.liveness("svc"));
        assertEquals(List.of(new Registered(h)), seenByReader.awaitEvents(1));
        assertEquals(List.of(new Registered(h)), seenByOwner.awaitEvents(1));
        assertEquals(1, seenByReader.count());
        assertEquals(1, seenByOwner.count());
        // One millisecond later it has expired: the background announcers of both clients (timed
        // by real time, then reading this clock) announce it, once, without any read or sweep.
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(new Registered(h), new Expired(h)), seenByReader.awaitEvents(2));
        assertEquals(List.of(new Registered(h), new Expired(h)), seenByOwner.awaitEvents(2));
        assertEquals(new Liveness(h, last, false), reader.liveness("svc"));
        assertEquals(List.of(), reader.sweepExpired()); // already announced
        owner.unregister(h); // fence: a second Expired would have to come before this
        List<?> expected = List.of(new Registered(h), new Expired(h), new Unregistered(h));
        assertEquals(expected, seenByReader.awaitEvents(3));
        assertEquals(expected, seenByOwner.awaitEvents(3));
        assertEquals(3, seenByReader.count());
        assertEquals(3, seenByOwner.count());
      }
    }
  }

  /**
   * A reader whose own timeout is longer than the service's judges it by the service's: not alive
   * once the service's own timeout (plus the flush interval that every client but the owner waits,
   * a quarter of that timeout) has passed, even though the reader's has not.
   */
  @Test
  void aShorterOwnTimeoutExpiresTheServiceForAReaderWithALongerOne() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    try (ZkServiceManager owner = client(ns, clock, READER_TIMEOUT);
        ZkServiceManager reader = client(ns, clock, OWNER_TIMEOUT)) {
      ServiceHandle h = owner.register("svc", Endpoint.of("tcp://owner:1"));
      assertEquals(h, reader.await("svc", Duration.ofSeconds(20)));
      clock.advance(READER_TIMEOUT.plus(READER_TIMEOUT.dividedBy(4)));
      assertEquals(new Liveness(h, START, true), reader.liveness("svc"));
      clock.advance(Duration.ofMillis(1));
      assertEquals(new Liveness(h, START, false), reader.liveness("svc"));
    }
  }

  /**
   * A read-only client writes nothing: opening creates no node (not even the namespace), every
   * change fails with the documented error and changes nothing, and its subscriptions still receive
   * what other clients write, {@code Expired} included.
   */
  @Test
  void aReadOnlyClientNeverWritesAndStillHearsExpired() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    try (ZkServiceManager looker =
        client(ns, clock, READER_TIMEOUT, "zookeeper.read-only", "true")) {
      CuratorFramework zk = looker.curator();
      assertNull(zk.checkExists().forPath("/" + ns), "a read-only open made the namespace");
      assertEquals(List.of(), looker.services());
      RecordingListener events = new RecordingListener();
      // A long timeout: the writer's own announcer, timed by real time, stays out of the way.
      Duration timeout = Duration.ofMinutes(10);
      try (Subscription s = looker.watchAll(events);
          ZkServiceManager writer = client(ns, clock, timeout)) {
        ServiceHandle h = writer.register("svc", Endpoint.of("tcp://w:1"));
        assertEquals(h, looker.await("svc", Duration.ofSeconds(20)));
        String record = ZkTestSupport.record(ns, "svc");
        Stat before = zk.checkExists().forPath(record);
        int clientNodes = zk.getChildren().forPath("/" + ns + "/clients").size();

        assertReadOnly("register", () -> looker.register("other", Endpoint.of("x")));
        assertReadOnly("register", () -> looker.register("svc", Endpoint.of("x")));
        assertReadOnly("heartbeat", () -> looker.heartbeat(h));
        assertReadOnly("restart", () -> looker.restart("svc", Endpoint.of("x")));
        assertReadOnly("restart", () -> looker.restart(h, Endpoint.of("x")));
        assertReadOnly("unregister", () -> looker.unregister(h));
        UnsupportedOperationException sweep =
            assertThrows(UnsupportedOperationException.class, looker::sweepExpired);
        assertEquals(
            "operation 'sweepExpired' of the 'zookeeper' samgr backend failed: " + REASON,
            sweep.getMessage());
        SamgrError.Unsupported cause =
            assertInstanceOf(SamgrError.Unsupported.class, sweep.getCause());
        assertEquals("sweepExpired", cause.operation());

        // Expired by the service's own timeout (plus the flush interval that a client that does
        // not own it waits): the read-only client says so, writes nothing.
        clock.advance(timeout.plus(timeout.dividedBy(4)).plusMillis(1));
        assertEquals(new Liveness(h, START, false), looker.liveness("svc"));
        assertEquals(h, looker.resolve("svc"));
        Stat after = zk.checkExists().forPath(record);
        assertEquals(before.getMzxid(), after.getMzxid(), "the read-only client wrote");
        assertEquals(Optional.empty(), looker.find("other"));
        assertEquals(clientNodes, zk.getChildren().forPath("/" + ns + "/clients").size());
        assertEquals(List.of(new Registered(h)), events.awaitEvents(1));
        assertEquals(1, events.count());

        assertEquals(List.of(h), writer.sweepExpired()); // a writing client announces it
        assertEquals(List.of(new Registered(h), new Expired(h)), events.awaitEvents(2));
        writer.unregister(h);
        assertEquals(
            List.of(new Registered(h), new Expired(h), new Unregistered(h)), events.awaitEvents(3));
      }
    }
  }

  /**
   * The owner keeps a heartbeat it has not written (younger than a quarter of its timeout); another
   * client announces the expiry by the written one. The owner's own sweep, later, must not announce
   * it a second time although its newest heartbeat is newer than the one the mark names: one death,
   * one {@code Expired}.
   */
  @Test
  void anExpiryAnnouncedByAnotherClientIsNotAnnouncedAgainByTheOwner() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    try (ZkServiceManager owner = client(ns, clock, OWNER_TIMEOUT);
        ZkServiceManager other = client(ns, clock, OWNER_TIMEOUT)) {
      RecordingListener seenByOwner = new RecordingListener();
      RecordingListener seenByOther = new RecordingListener();
      try (Subscription so = owner.watch("svc", seenByOwner);
          Subscription sr = other.watch("svc", seenByOther)) {
        ServiceHandle h = owner.register("svc", Endpoint.of("tcp://owner:1"));
        assertEquals(h, other.await("svc", Duration.ofSeconds(20)));
        clock.advance(Duration.ofMillis(100));
        owner.heartbeat(h); // 0.1 s after the written one: kept by the owner, not written
        clock.advance(OWNER_TIMEOUT.plus(Duration.ofSeconds(1))); // past both, and the flush
        other.sweepExpired();
        assertEquals(List.of(new Registered(h), new Expired(h)), seenByOwner.awaitEvents(2));
        assertEquals(List.of(new Registered(h), new Expired(h)), seenByOther.awaitEvents(2));
        assertEquals(List.of(), owner.sweepExpired()); // announced already, by the other client
        assertFalse(owner.liveness("svc").alive());
        owner.unregister(h);
        List<ServiceEvent> expected =
            List.of(new Registered(h), new Expired(h), new Unregistered(h));
        assertEquals(expected, seenByOwner.awaitEvents(3));
        assertEquals(expected, seenByOther.awaitEvents(3));
      }
    }
  }

  private static final String REASON =
      "this client was opened read-only (zookeeper.read-only=true) and never writes to ZooKeeper;"
          + " nothing changed. Open one without that setting to change the registry";

  private interface Change {
    void run() throws Exception;
  }

  private static void assertReadOnly(String op, Change change) {
    SamgrError.Unavailable e = assertThrows(SamgrError.Unavailable.class, change::run);
    assertEquals(op, e.operation());
    assertEquals("zookeeper", e.environment());
    assertEquals(REASON, e.reason());
    assertEquals(
        "operation '" + op + "' of the 'zookeeper' samgr backend failed: " + REASON,
        e.getMessage());
  }
}
