package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.tck.RecordingListener;

/**
 * A client that reconnects reads what changed, not the namespace: requests are counted at the
 * server (its {@code PacketsReceived}), and the view and the events that follow are exact. And a
 * namespace whose single listing would pass the packet limit loads within it, because its records
 * are spread over buckets.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CatchUpTest {

  @RegisterExtension static final TestServer server = TestServer.perClass();

  @Test
  void aReconnectedClientReadsOnlyTheBucketsThatChanged() throws Exception {
    int services = 3000;
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ZkServiceManager a = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE)) {
      List<ServiceHandle> handles = new ArrayList<>();
      for (int i = 0; i < services; i++) {
        handles.add(a.register(String.format("svc-%04d", i), Endpoint.of("tcp://h:" + i)));
      }
      try (ZkServiceManager w =
          ZkTestSupport.open(server.connect(), ns, hooks, "zookeeper.reload-jitter", "0s")) {
        assertEquals(a.services(), w.services());
        RecordingListener events = new RecordingListener();
        try (Subscription t = w.watchAll(events)) {
          events.awaitEvents(services); // what it held when it subscribed
          hooks.deaf = true; // hears nothing from here, as if disconnected
          Set<ServiceEvent> expected = new HashSet<>();
          Set<String> changed = new HashSet<>();
          for (int i = 0; i < 40; i++) {
            ServiceHandle old = handles.get(i * 70);
            ServiceHandle now = a.restart(old, Endpoint.of("tcp://moved:" + i));
            expected.add(new ServiceEvent.Restarted(now));
            changed.add(old.name());
          }
          for (int i = 0; i < 10; i++) {
            ServiceHandle gone = handles.get(i * 70 + 1);
            a.unregister(gone);
            expected.add(new ServiceEvent.Unregistered(gone));
            changed.add(gone.name());
            ServiceHandle added = a.register("new-" + i, Endpoint.of("tcp://new:" + i));
            expected.add(new ServiceEvent.Registered(added));
            changed.add(added.name());
          }
          // Two announcements a change: the record and its bucket.
          awaitUntil(() -> hooks.dropped.get() >= 120, "W did not hear of the 60 changes");
          hooks.deaf = false;
          long before = packetsReceived();
          w.curator().getZookeeperClient().getZooKeeper().getTestable().closeSocket();
          List<ServiceEvent> all = events.awaitEvents(services + 60);
          assertEquals(expected, Set.copyOf(all.subList(services, services + 60)));
          assertEquals(a.services(), w.services());
          long requests = packetsReceived() - before;

          Set<Integer> buckets = new HashSet<>();
          for (String name : changed) {
            buckets.add(Layout.bucketOfNode(Names.encode(name), ZkSettings.DEFAULT_BUCKETS));
          }
          // The layout, the clients, one read of every stamp, and for each changed bucket its
          // listing and one read of its records (each holds far fewer than 48); a few more for
          // setting the watch again and pings.
          long catchUp = 3 + 2L * buckets.size();
          assertTrue(
              requests >= catchUp && requests <= catchUp + 15,
              requests + " requests for " + buckets.size() + " changed buckets");
          // A fence: a change after the catch-up arrives next, so nothing came twice.
          ServiceHandle fence = a.register("fence", Endpoint.of("tcp://f:1"));
          assertEquals(
              new ServiceEvent.Registered(fence),
              events.awaitEvents(services + 61).get(services + 60));
          assertEquals(services + 61, events.count(), "no event twice");
        }
      }
    }
  }

  @Test
  void aNamespaceBeyondOneListingsLimitLoadsWithinIt() throws Exception {
    int services = 3000;
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager a =
        ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "16")) {
      for (int i = 0; i < services; i++) {
        a.register(String.format("svc-%04d", i), Endpoint.of("e"));
      }
      long names = 0;
      for (ServiceHandle h : a.services()) {
        names += 4 + h.name().length();
      }
      String before = System.setProperty("jute.maxbuffer", "16000"); // read by new clients
      try (ZkServiceManager w =
          ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "1024")) {
        assertTrue(names > 16000, "one listing of every name would take " + names + " bytes");
        assertEquals(a.services(), w.services()); // the namespace's 16 buckets, not 1024
        assertEquals(16, w.layout().buckets());
        // a catch-up within the limit too
        ServiceHandle moved = a.restart(a.resolve("svc-0007"), Endpoint.of("f"));
        w.curator().getZookeeperClient().getZooKeeper().getTestable().closeSocket();
        awaitUntil(() -> w.services().contains(moved), "W did not catch up");
        assertEquals(a.services(), w.services());
      } finally {
        if (before == null) {
          System.clearProperty("jute.maxbuffer");
        } else {
          System.setProperty("jute.maxbuffer", before);
        }
      }
    }
  }

  @Test
  void aReconnectionLoadsAtARandomMomentWithinTheJitterWindow() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ZkServiceManager w =
        ZkTestSupport.open(server.connect(), ns, hooks, "zookeeper.reload-jitter", "2s")) {
      assertEquals(List.of(0L), hooks.loadDelays); // the first load at once
      for (int i = 1; i <= 5; i++) {
        w.curator().getZookeeperClient().getZooKeeper().getTestable().closeSocket();
        int loads = i + 1;
        awaitUntil(() -> hooks.loadDelays.size() >= loads, "no load after reconnection " + i);
      }
      List<Long> later = hooks.loadDelays.subList(1, 6);
      for (long delay : later) {
        assertTrue(delay >= 0 && delay <= 2000, later.toString());
      }
      // Five draws from 0..2000 ms are all 0 with a chance of 1 in 2001^5.
      assertTrue(later.stream().anyMatch(d -> d > 0), later.toString());
    }
  }

  @Test
  void loadsThatKeepLosingTheConnectionAreWarnedOfWithTheLimit() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    Logger logger = Logger.getLogger("org.opennexus.samgr.zookeeper");
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (Level.WARNING.equals(record.getLevel())
                && String.valueOf(record.getMessage()).contains("loads of namespace /" + ns)) {
              warnings.add(record.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);
    try (ZkServiceManager a =
        ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "1")) {
      a.register("svc", Endpoint.of("tcp://a:1"));
      // Written by hand, larger than the packet limit of the client that opens next.
      a.curator().create().forPath("/" + ns + "/records/0/big", new byte[60_000]);
      String before = System.setProperty("jute.maxbuffer", "50000");
      try {
        assertThrows(
            IllegalStateException.class,
            () ->
                ZkTestSupport.open(
                    server.connect(), ns, ZkHooks.NONE, "zookeeper.operation-timeout", "8s"));
      } finally {
        if (before == null) {
          System.clearProperty("jute.maxbuffer");
        } else {
          System.setProperty("jute.maxbuffer", before);
        }
      }
      assertEquals(
          List.of(
              "samgr zookeeper: 3 loads of namespace /"
                  + ns
                  + " in a row lost the connection (CONNECTIONLOSS), so this client's view may"
                  + " lack changes. If the ensemble is up, an answer larger than ZooKeeper's packet"
                  + " limit (jute.maxbuffer = 50000 bytes in this JVM) is the usual cause: a bucket"
                  + " with too many records, or a record node written larger by hand. Raise"
                  + " jute.maxbuffer on every client and server, or remove that node"),
          warnings);
    } finally {
      logger.removeHandler(capture);
    }
  }

  private static long packetsReceived() throws Exception {
    return server.packetsReceived();
  }

  /** Loads of thousands of records on a busy machine: a longer wait than most tests'. */
  private static void awaitUntil(ZkTestSupport.Condition condition, String failure)
      throws Exception {
    ZkTestSupport.awaitUntil(condition, Duration.ofSeconds(60), failure);
  }
}
