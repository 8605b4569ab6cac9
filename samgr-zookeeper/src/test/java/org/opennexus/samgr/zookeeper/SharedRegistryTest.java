package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opennexus.samgr.zookeeper.ZkTestSupport.awaitUntil;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Expired;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.tck.RecordingListener;

/** Several clients of one registry in one JVM: they see each other's services and events. */
@Timeout(60)
class SharedRegistryTest {

  @RegisterExtension static final TestServer server = TestServer.perClass();

  private static ServiceManager client(String namespace) {
    return ZkTestSupport.builder(server.connect(), namespace)
        .setting("zookeeper.session-timeout", "2s")
        .open();
  }

  @Test
  void eachClientSeesTheOthersServicesAndEventsInOrder() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ServiceManager a = client(ns);
        ServiceManager b = client(ns)) {
      RecordingListener seenByB = new RecordingListener();
      RecordingListener seenByA = new RecordingListener();
      try (Subscription sb = b.watchAll(seenByB);
          Subscription sa = a.watch("svc", seenByA)) {
        ServiceHandle h1 = a.register("svc", Endpoint.of("tcp://a:1"));
        assertEquals(h1, b.await("svc", Duration.ofSeconds(20)));
        ServiceHandle h2 = b.restart(h1, Endpoint.of("tcp://b:2")); // B fences on A's handle
        SamgrError.StaleHandle stale =
            assertThrows(SamgrError.StaleHandle.class, () -> a.restart(h1, Endpoint.of("x")));
        assertEquals(h2.generation(), stale.current());
        assertEquals(h2, a.resolve("svc")); // confirmed from the ensemble, applied to A's view
        b.unregister(h2);
        List<?> expected = List.of(new Registered(h1), new Restarted(h2), new Unregistered(h2));
        assertEquals(expected, seenByB.awaitEvents(3));
        assertEquals(expected, seenByA.awaitEvents(3));
        awaitGone(a, "svc");
        assertEquals(List.of(), a.services());
        assertEquals(List.of(), b.services());
      }
    }
  }

  /**
   * A client never reads back its own writes (the watch's zxid says the view has that version),
   * while another client reads each change it is told of (at most one read per change; fewer if a
   * read already returned a newer version). Many writes make the race in which the watch event
   * arrives before the writer has applied its result near certain: the writer then checks the zxid
   * when its write ends.
   */
  @Test
  void aClientNeverReadsBackItsOwnWritesAndOthersReadEachChangeAtMostOnce() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    // The default session timeout (15 s): a reconnection would reload, and its reads, which this
    // test does not count, would stand in for reads it does.
    TestHooks aHooks = new TestHooks();
    TestHooks bHooks = new TestHooks();
    try (ZkServiceManager a = ZkTestSupport.open(server.connect(), ns, aHooks);
        ZkServiceManager b = ZkTestSupport.open(server.connect(), ns, bHooks)) {
      long aBefore = aHooks.feedReads.get();
      long bBefore = bHooks.feedReads.get();
      int changes = 0;
      for (int i = 0; i < 30; i++) {
        ServiceHandle h = a.register("svc-" + i, Endpoint.of("tcp://a:" + i));
        ServiceHandle h2 = a.restart(h, Endpoint.of("tcp://a2:" + i));
        a.heartbeat(h2);
        a.unregister(h2);
        changes += 3; // the heartbeat stays local
      }
      // Fences: a client learns of the other's write only through its feed, after every change
      // announced before it, and it reads it (one read each).
      ServiceHandle fenceA = a.register("fence-a", Endpoint.of("tcp://a:1"));
      assertEquals(fenceA, b.await("fence-a", Duration.ofSeconds(20)));
      ServiceHandle fenceB = b.register("fence-b", Endpoint.of("tcp://b:1"));
      assertEquals(fenceB, a.await("fence-b", Duration.ofSeconds(20)));
      assertEquals(1, aHooks.feedReads.get() - aBefore, "A read only B's fence");
      assertEquals(List.of(fenceA, fenceB), b.services());
      assertEquals(List.of(fenceA, fenceB), a.services());
      assertEquals(Optional.empty(), b.find("svc-29"));
      long bReads = bHooks.feedReads.get() - bBefore - 1; // without A's fence
      // At least one read per name (B never saw it before), at most one per change.
      assertTrue(bReads >= 30 && bReads <= changes, "B read " + bReads + " for " + changes);
    }
  }

  /**
   * What changed while a client heard nothing (as while it was disconnected) reaches its view and
   * its subscriptions when it reconnects: it sets its watch again and reloads the namespace, a
   * record node deleted by hand meanwhile included, and one deleted and made anew by hand (its data
   * version starts again at 0; the view orders versions by zxid, so it is not taken for an old
   * one).
   */
  @Test
  void aClientThatMissedChangesCatchesUpWhenItReconnects() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks wHooks = new TestHooks();
    try (ZkServiceManager w =
            ZkTestSupport.open(server.connect(), ns, wHooks, "zookeeper.session-timeout", "2s");
        ZkServiceManager a = (ZkServiceManager) client(ns)) {
      ServiceHandle kept = a.register("kept", Endpoint.of("tcp://a:1"));
      ServiceHandle gone = a.register("gone", Endpoint.of("tcp://a:2"));
      ServiceHandle erased = a.register("erased", Endpoint.of("tcp://a:3"));
      ServiceHandle renewed = a.register("renewed", Endpoint.of("tcp://a:4"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = w.watchAll(events)) {
        assertEquals(
            Set.of(
                new Registered(kept),
                new Registered(gone),
                new Registered(erased),
                new Registered(renewed)),
            Set.copyOf(events.awaitEvents(4)));
        wHooks.deaf = true;
        ServiceHandle kept2 = a.restart(kept, Endpoint.of("tcp://a:5"));
        a.unregister(gone);
        ServiceHandle added = a.register("added", Endpoint.of("tcp://a:6"));
        org.apache.curator.framework.CuratorFramework curator = a.curator();
        curator.delete().forPath(ZkTestSupport.record(ns, "erased"));
        String renewedPath = ZkTestSupport.record(ns, "renewed");
        byte[] bytes = curator.getData().forPath(renewedPath); // generation "of this write"
        curator.delete().forPath(renewedPath);
        curator.create().forPath(renewedPath, bytes);
        org.apache.zookeeper.data.Stat remade = curator.checkExists().forPath(renewedPath);
        ServiceHandle renewed2 = RecCodec.stored("renewed", remade, bytes).handle();
        awaitUntil(() -> wHooks.dropped.get() >= 6, "W did not hear of the 6 changes");
        wHooks.deaf = false;
        killSession(w); // Curator reconnects: the watch is set again, then a reload
        List<ServiceEvent> all = events.awaitEvents(10);
        // The node made anew holds a register of its own (its generation is the new node's
        // zxid): another incarnation, so the one W knew is unregistered first.
        List<ServiceEvent> caughtUp = all.subList(4, 10);
        assertEquals(
            Set.of(
                new Restarted(kept2),
                new Unregistered(gone),
                new Registered(added),
                new Unregistered(erased),
                new Unregistered(renewed),
                new Registered(renewed2)),
            Set.copyOf(caughtUp));
        assertTrue(
            caughtUp.indexOf(new Unregistered(renewed))
                < caughtUp.indexOf(new Registered(renewed2)),
            "per name in order: " + caughtUp);
        assertEquals(List.of(added, kept2, renewed2), w.services());
        // A fence: a change after the catch-up arrives next, so nothing came twice before it.
        ServiceHandle fence = a.register("fence", Endpoint.of("tcp://a:7"));
        assertEquals(new Registered(fence), events.awaitEvents(11).get(10));
        assertEquals(11, events.count(), "no event twice: " + events.events());
      }
    }
  }

  @Test
  void duplicateAcrossClientsIsConfirmedByTheEnsemble() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ServiceManager a = client(ns);
        ServiceManager b = client(ns)) {
      ServiceHandle h = a.register("svc", Endpoint.of("a"));
      // B may not have seen it yet: its register must still fail, never overwrite A's.
      SamgrError.Duplicate duplicate =
          assertThrows(SamgrError.Duplicate.class, () -> b.register("svc", Endpoint.of("b")));
      assertEquals("svc", duplicate.name());
      assertEquals(h, b.resolve("svc"));
      assertEquals(h, a.resolve("svc"));
    }
  }

  /**
   * A closed owner's services expire by their own timeout (a short one here: 2 s), announced
   * exactly once to every other client.
   */
  @Test
  void aClosedOwnersServicesAreAnnouncedExpiredExactlyOnceToEveryOtherClient() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ServiceManager b = client(ns);
        ServiceManager c = client(ns)) {
      ServiceManager owner =
          ZkTestSupport.builder(server.connect(), ns)
              .setting("zookeeper.session-timeout", "2s")
              .livenessTimeout(Duration.ofSeconds(2))
              .open();
      ServiceHandle h = owner.register("svc", Endpoint.of("a"));
      RecordingListener seenByB = new RecordingListener();
      RecordingListener seenByC = new RecordingListener();
      try (Subscription sb = b.watch("svc", seenByB);
          Subscription sc = c.watch("svc", seenByC)) {
        assertEquals(new Registered(h), seenByB.awaitEvents(1).get(0));
        assertEquals(new Registered(h), seenByC.awaitEvents(1).get(0));
        owner.close(); // its session ends; B and C both race to announce at the service's timeout
        assertEquals(List.of(new Registered(h), new Expired(h)), seenByB.awaitEvents(2));
        assertEquals(List.of(new Registered(h), new Expired(h)), seenByC.awaitEvents(2));
        assertFalse(b.liveness("svc").alive());
        assertFalse(c.liveness("svc").alive());
        assertEquals(Optional.of(h), c.find("svc")); // expired, still registered
        c.unregister(h); // fence: a second Expired would have to come before this
        List<?> expected = List.of(new Registered(h), new Expired(h), new Unregistered(h));
        assertEquals(expected, seenByB.awaitEvents(3));
        assertEquals(expected, seenByC.awaitEvents(3));
      }
    }
  }

  /**
   * Ends a client's ZooKeeper session from the server's side, as the session timeout would after
   * its process died: a second handle joins the session and closes it.
   */
  static void killSession(ZkServiceManager manager) throws Exception {
    org.apache.zookeeper.ZooKeeper zk = manager.curator().getZookeeperClient().getZooKeeper();
    java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
    org.apache.zookeeper.ZooKeeper twin =
        new org.apache.zookeeper.ZooKeeper(
            server.connect(),
            2000,
            e -> {
              if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            zk.getSessionId(),
            zk.getSessionPasswd());
    assertTrue(connected.await(20, java.util.concurrent.TimeUnit.SECONDS), "twin not connected");
    twin.close();
  }

  private static void awaitGone(ServiceManager manager, String name) throws Exception {
    awaitUntil(() -> manager.find(name).isEmpty(), name + " still registered");
  }
}
