package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;

/**
 * What a catch-up must not miss, and what must not stop it: a change missed while away in a bucket
 * that changes again before the catch-up reads its stamp, missed names whose read fails again (in
 * part or whole), data written larger by hand on a bucket node or into a bucket, and a namespace
 * made again with another count while a client stays connected.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CatchUpFaultsTest {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

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
      hooks.deaf = true; // away
      ServiceHandle x2 = a.restart(x, Endpoint.of("tcp://x:2"));
      awaitUntil(() -> hooks.dropped.get() >= 2, "W did not hear of the restart");
      hooks.deaf = false;
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

  private static void awaitUntil(BooleanSupplier condition, String failure) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, failure);
      Thread.sleep(20);
    }
  }
}
