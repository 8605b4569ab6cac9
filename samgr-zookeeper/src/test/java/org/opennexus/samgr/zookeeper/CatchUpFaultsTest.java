package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.tck.RecordingListener;

/**
 * What a catch-up must not miss, and what must not stop it: a change missed while away in a bucket
 * that changes again before the catch-up reads its stamp, missed names whose read fails again (in
 * part or whole), data written larger by hand on a bucket node or into a bucket, and a namespace
 * made again with another count while a client stays connected. And what a client that stays
 * connected must not wait for a reconnection to read: a record whose read was lost after the
 * catch-up took the names to read again, and one the server keeps refusing (read again with
 * back-off, not in a loop).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CatchUpFaultsTest {

  @RegisterExtension static final TestServer server = TestServer.perClass();

  @Test
  void aChangeMissedWhileAwayIsReadEvenIfItsBucketChangesBeforeTheCatchUp() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ZkServiceManager a =
            ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "1");
        ZkServiceManager w =
            ZkTestSupport.open(server.connect(), ns, hooks, "zookeeper.reload-jitter", "3s")) {
      ServiceHandle x = a.register("x", Endpoint.of("tcp://x:1"));
      ServiceHandle y = a.register("y", Endpoint.of("tcp://y:1"));
      awaitUntil(() -> w.services().size() == 2, "W did not see x and y");
      ServiceHandle x2 = restartUnheard(a, hooks, x, "tcp://x:2");
      int loads = hooks.loadDelays.size();
      w.curator().getZookeeperClient().getZooKeeper().getTestable().closeSocket();
      awaitUntil(() -> hooks.loadDelays.size() > loads, "no catch-up was scheduled");
      // Heard at once, before the catch-up (up to 3 s later) reads the bucket's stamp.
      ServiceHandle y2 = a.restart(y, Endpoint.of("tcp://y:2"));
      awaitUntil(() -> w.services().contains(y2), "W did not hear of y's restart");
      awaitUntil(() -> w.services().contains(x2), "the restart of x missed while away is lost");
      assertEquals(List.of(x2, y2), w.services());
    }
  }

  @Test
  @SuppressWarnings("NullAway") // the load is given no view: it reads no bucket
  void aMissedNameWhoseReadFailsAgainIsKeptForTheNextLoad() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager a =
        ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "4")) {
      a.register("x", Endpoint.of("tcp://x:1"));
      ZooKeeper good = a.curator().getZookeeperClient().getZooKeeper();
      Layout layout = new Layout("/" + ns);
      layout.adopt(4);
      BucketStamps stamps = new BucketStamps();
      stamps.reset(4);
      Set<String> missed = ConcurrentHashMap.newKeySet();
      missed.add("x");
      AtomicInteger handles = new AtomicInteger();
      Ending ending = new Ending();
      NamespaceLoad load =
          new NamespaceLoad(
              layout,
              null, // not reached: no bucket is read before the handle is lost
              stamps,
              missed,
              false,
              ending.target(
                  () -> {
                    if (handles.incrementAndGet() > 2) { // after the layout and the clients
                      throw new IllegalStateException("connection lost meanwhile");
                    }
                    return good;
                  }));
      load.start();
      assertEquals(KeeperException.Code.CONNECTIONLOSS, ending.await());
      assertEquals(Set.of("x"), missed, "x is read again at the next load");
    }
  }

  @Test
  @SuppressWarnings("NullAway") // the load is given no view: it reads no bucket
  void missedNamesWhoseReadFailsWholeAreKeptForTheNextRead() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    Layout layout = new Layout("/" + ns);
    layout.adopt(4);
    BucketStamps stamps = new BucketStamps();
    stamps.reset(4);
    Set<String> missed = ConcurrentHashMap.newKeySet();
    missed.addAll(Set.of("x", "y"));
    ZooKeeper closed = new ZooKeeper(server.connect(), 10_000, event -> {});
    closed.close(); // every request is answered SESSIONEXPIRED, as after a lost session
    Ending ending = new Ending();
    new NamespaceLoad(layout, null, stamps, missed, false, ending.target(() -> closed)).reread();
    assertEquals(KeeperException.Code.SESSIONEXPIRED, ending.await());
    assertEquals(Set.of("x", "y"), missed, "x and y are read again later");
  }

  /** A load's target that applies nothing and tells how the load ended. */
  private static final class Ending {
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile KeeperException.@Nullable Code failure;

    NamespaceLoad.Target target(Supplier<ZooKeeper> handle) {
      return new NamespaceLoad.Target() {
        @Override
        public ZooKeeper zooKeeper() {
          return handle.get();
        }

        @Override
        public boolean closed() {
          return false;
        }

        @Override
        public void apply(String name, String path, @Nullable Stat stat, byte @Nullable [] data) {}

        @Override
        public void sessions(List<String> clientNodes) {}

        @Override
        public void ended(KeeperException.@Nullable Code f, boolean listingFailed) {
          failure = f;
          ended.countDown();
        }
      };
    }

    /** Waits for the load's end; returns why it is not complete (null if it is). */
    KeeperException.@Nullable Code await() throws InterruptedException {
      assertTrue(ended.await(10, TimeUnit.SECONDS), "the load did not end");
      return failure;
    }
  }

  @Test
  void dataWrittenLargeOnBucketNodesDoesNotStopAnOpen() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager a =
        ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "4")) {
      ServiceHandle victim = a.register("victim", Endpoint.of("tcp://v:1"));
      CuratorFramework raw = a.curator();
      for (int bucket : List.of(1, 2)) {
        raw.create().orSetData().forPath(a.layout().bucket(bucket), new byte[600_000]);
      }
      try (ZkServiceManager w =
          ZkTestSupport.open(
              server.connect(), ns, ZkHooks.NONE, "zookeeper.operation-timeout", "60s")) {
        // Loads that read the stamps 1,024 to an answer are cut short, until a careful one.
        assertEquals(List.of(victim), w.services());
      }
    }
  }

  @Test
  void nodesWrittenLargeIntoABucketAreReadOneByOneAfterLoadsCutShort() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ZkServiceManager a =
            ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "4");
        ZkServiceManager w =
            ZkTestSupport.open(server.connect(), ns, hooks, "zookeeper.reload-jitter", "0")) {
      hooks.deaf = true; // away while the nodes are written
      List<String> big = namesInBucket(0, 4, 2, "big-");
      for (String name : big) {
        a.curator()
            .create()
            .creatingParentsIfNeeded()
            .forPath(a.layout().record(name), new byte[700_000]);
      }
      ServiceHandle after = a.register(namesInBucket(0, 4, 3, "big-").get(2), Endpoint.of("e"));
      awaitUntil(() -> hooks.dropped.get() >= 7, "W did not hear of the writes");
      hooks.deaf = false;
      w.curator().getZookeeperClient().getZooKeeper().getTestable().closeSocket();
      // Two answers of 700 KB in one read pass the packet limit: loads are cut short until, after
      // three, the records are read one a request, which ends the loop.
      awaitUntil(() -> w.services().contains(after), "W never read bucket 0 again");
      for (String name : big) {
        SamgrError.Unavailable e =
            org.junit.jupiter.api.Assertions.assertThrows(
                SamgrError.Unavailable.class, () -> w.resolve(name));
        assertTrue(e.reason().contains("is unreadable"), e.reason());
      }
    }
  }

  @Test
  void aConnectedClientFollowsANamespaceMadeAgainWithAnotherCount() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager w =
        ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.read-only", "true")) {
      try (ZkServiceManager a =
          ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "16")) {
        ServiceHandle old = a.register("old", Endpoint.of("tcp://o:1"));
        awaitUntil(() -> w.services().equals(List.of(old)), "W did not see old");
      }
      w.curator().delete().deletingChildrenIfNeeded().forPath("/" + ns);
      try (ZkServiceManager b = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE)) {
        ServiceHandle x = b.register("new-x", Endpoint.of("tcp://x:1"));
        awaitUntil(() -> w.services().equals(List.of(x)), "W never saw " + x);
        assertEquals(1024, w.layout().buckets());
        assertEquals(x, w.resolve("new-x"));
      }
    }
  }

  @Test
  void aReadLostAfterTheCatchUpIsReadAgainWithoutAReconnection() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ZkServiceManager a = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE);
        ZkServiceManager w =
            ZkTestSupport.open(server.connect(), ns, hooks, "zookeeper.reload-jitter", "0")) {
      ServiceHandle x = a.register("x", Endpoint.of("tcp://x:1"));
      ServiceHandle y = a.register("y", Endpoint.of("tcp://y:1"));
      awaitUntil(() -> w.services().size() == 2, "W did not see x and y");
      ServiceHandle y2 = restartUnheard(a, hooks, y, "tcp://y:2");
      w.curator().getZookeeperClient().getZooKeeper().getTestable().closeSocket();
      // The catch-up takes the names to read again before it reads the stamps, so before y2.
      awaitUntil(() -> w.services().contains(y2), "W did not catch up");
      int loads = hooks.loadDelays.size();

      RecordingListener events = new RecordingListener();
      try (Subscription s = w.watch("x", events)) {
        assertEquals(List.of(new ServiceEvent.Registered(x)), events.awaitEvents(1));
        hooks.loseReads.put("x", new AtomicInteger(1));
        ServiceHandle x2 = a.restart(x, Endpoint.of("tcp://x:2"));
        awaitUntil(() -> hooks.lostReads.get() == 1, "W's read of x's restart was not lost");
        assertEquals(
            List.of(new ServiceEvent.Registered(x), new ServiceEvent.Restarted(x2)),
            events.awaitEvents(2, Duration.ofSeconds(30)));
        assertEquals(x2, w.resolve("x"));
      }
      assertEquals(loads, hooks.loadDelays.size(), "no reconnection loaded meanwhile");
      assertTrue(w.curator().getZookeeperClient().isConnected());
    }
  }

  @Test
  void aReadTheServerKeepsRefusingIsReadAgainWithBackOff() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ZkServiceManager a = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE);
        ZkServiceManager w =
            ZkTestSupport.open(server.connect(), ns, hooks, "zookeeper.reload-jitter", "0")) {
      ServiceHandle x = a.register("x", Endpoint.of("tcp://x:1"));
      awaitUntil(() -> w.services().equals(List.of(x)), "W did not see x");
      int loads = hooks.loadDelays.size();
      String path = a.layout().record("x");
      // W's read of the restart fails; by then nobody may read x's record (a server tells no one
      // of a change of a node they may not read), so every read of it again fails too.
      hooks.whenReadLost =
          () -> {
            try {
              a.curator()
                  .setACL()
                  .withACL(
                      List.of(
                          new ACL(
                              ZooDefs.Perms.WRITE | ZooDefs.Perms.ADMIN,
                              ZooDefs.Ids.ANYONE_ID_UNSAFE)))
                  .forPath(path);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      hooks.loseReads.put("x", new AtomicInteger(1));
      long feedReads = hooks.feedReads.get();
      long start = System.nanoTime();
      ServiceHandle x2 = a.restart(x, Endpoint.of("tcp://x:2"));
      awaitUntil(() -> hooks.rereadDelays.size() >= 3, "x was not read again");
      long left = start + TimeUnit.SECONDS.toNanos(3) - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.sleep(left);
      }
      int rereads = hooks.rereadDelays.size();
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(
          rereads <= mostRereads(elapsedMillis),
          rereads + " reads again in " + elapsedMillis + " ms: " + hooks.rereadDelays);
      List<Long> delays = List.copyOf(hooks.rereadDelays);
      long wait = NamespaceFeed.REREAD_MIN_MILLIS;
      for (long delay : delays) {
        assertTrue(delay >= wait / 2 && delay <= wait, delay + " for " + wait + ": " + delays);
        wait = Math.min(2 * wait, NamespaceFeed.REREAD_MAX_MILLIS);
      }
      assertEquals(x, w.resolve("x"), "W read x's restart although it may not");

      a.curator().setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(path);
      awaitUntil(() -> x2.equals(resolve(w, "x")), "W never read x's restart");
      assertEquals(loads, hooks.loadDelays.size(), "no reconnection loaded meanwhile");
      assertEquals(feedReads + 1, hooks.feedReads.get(), "the feed read the restart once");
    }
  }

  /**
   * The most reads again that can have been scheduled {@code millis} after the first failure: the
   * first at once, each next after the one before it waited at least half its back-off.
   */
  private static int mostRereads(long millis) {
    int n = 1;
    long wait = NamespaceFeed.REREAD_MIN_MILLIS;
    for (long at = wait / 2; at <= millis; at += wait / 2) {
      n++;
      wait = Math.min(2 * wait, NamespaceFeed.REREAD_MAX_MILLIS);
    }
    return n;
  }

  private static ServiceHandle resolve(ZkServiceManager w, String name) {
    try {
      return w.resolve(name);
    } catch (SamgrError e) {
      throw new AssertionError(e);
    }
  }

  /** Restarts {@code h} with {@code a} while the client of {@code hooks} is away (deaf). */
  private static ServiceHandle restartUnheard(
      ZkServiceManager a, TestHooks hooks, ServiceHandle h, String endpoint) throws Exception {
    hooks.deaf = true;
    int dropped = hooks.dropped.get();
    ServiceHandle next = a.restart(h, Endpoint.of(endpoint));
    awaitUntil(() -> hooks.dropped.get() >= dropped + 2, "W did not hear of the restart");
    hooks.deaf = false;
    return next;
  }

  private static List<String> namesInBucket(int bucket, int count, int n, String prefix) {
    List<String> out = new ArrayList<>();
    for (int i = 0; out.size() < n; i++) {
      String name = prefix + i;
      if (Layout.bucketOfNode(Names.encode(name), count) == bucket) {
        out.add(name);
      }
    }
    return out;
  }

  /** Loads of thousands of records on a busy machine: a longer wait than most tests'. */
  private static void awaitUntil(ZkTestSupport.Condition condition, String failure)
      throws Exception {
    ZkTestSupport.awaitUntil(condition, Duration.ofSeconds(60), failure);
  }
}
