package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;

/**
 * The layout on the ensemble: how a namespace is made, which count of buckets wins, what happens to
 * a namespace of the layout before buckets, and to a bucket removed by hand.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordLayoutTest {

  @RegisterExtension static final TestServer server = TestServer.perClass();

  @Test
  void aNewNamespaceHoldsOnlyBucketsWrittenIntoAndItsCountWinsOverLaterClients() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager a =
            ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "20");
        ZkServiceManager b = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE)) {
      CuratorFramework curator = a.curator();
      assertArrayEquals(
          "layout=2 buckets=20".getBytes(StandardCharsets.US_ASCII),
          curator.getData().forPath("/" + ns + "/records"));
      assertEquals(List.of(), curator.getChildren().forPath("/" + ns + "/records"));
      assertEquals(20, b.layout().buckets()); // not its own 1024
      ServiceHandle h = b.register("svc", Endpoint.of("tcp://b:1"));
      Layout layout = new Layout("/" + ns);
      layout.adopt(20);
      assertEquals(
          List.of(layout.bucketName(layout.bucketOf("svc"))),
          curator.getChildren().forPath("/" + ns + "/records"));
      assertTrue(curator.checkExists().forPath(layout.record("svc")) != null);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!a.services().equals(List.of(h))) {
        assertTrue(System.nanoTime() < deadline, "A never saw " + h);
        Thread.sleep(20);
      }
    }
  }

  @Test
  void aNamespaceOfTheLayoutBeforeBucketsIsRefusedAndLeftAsItWas() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    byte[] curatorDefault = "127.0.1.1".getBytes(StandardCharsets.US_ASCII);
    byte[] record = {3, 1, 2};
    try (ZkServiceManager other =
        ZkTestSupport.open(server.connect(), ZkTestSupport.freshNamespace(), ZkHooks.NONE)) {
      CuratorFramework raw = other.curator();
      raw.create().creatingParentsIfNeeded().forPath("/" + ns + "/records", curatorDefault);
      raw.create().forPath("/" + ns + "/records/svc", record);
      String reason = RecordBuckets.earlierLayout("/" + ns + "/records", 1);
      assertEquals(
          "namespace '/"
              + ns
              + "' holds its records in the layout of samgr before buckets (1 nodes directly"
              + " under '/"
              + ns
              + "/records'), which this version does not read; nothing was changed. That layout"
              + " was never released, so it is not migrated: remove the namespace with"
              + " ZooKeeper's tools (deleteall /"
              + ns
              + ") and register its services again, or choose another zookeeper.namespace",
          reason);
      for (String readOnly : List.of("false", "true")) {
        IllegalStateException e =
            assertThrows(
                IllegalStateException.class,
                () ->
                    ZkTestSupport.open(
                        server.connect(), ns, ZkHooks.NONE, "zookeeper.read-only", readOnly));
        SamgrError.Unavailable cause = assertInstanceOf(SamgrError.Unavailable.class, e.getCause());
        assertEquals("open", cause.operation());
        assertEquals(reason, cause.reason());
        assertTrue(String.valueOf(e.getMessage()).endsWith(": " + cause.getMessage()));
      }
      assertArrayEquals(curatorDefault, raw.getData().forPath("/" + ns + "/records"));
      assertEquals(List.of("svc"), raw.getChildren().forPath("/" + ns + "/records"));
      assertArrayEquals(record, raw.getData().forPath("/" + ns + "/records/svc"));
    }
  }

  @Test
  void anEmptyNamespaceOfTheLayoutBeforeBucketsIsMadeAnew() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager other =
        ZkTestSupport.open(server.connect(), ZkTestSupport.freshNamespace(), ZkHooks.NONE)) {
      other
          .curator()
          .create()
          .creatingParentsIfNeeded()
          .forPath("/" + ns + "/records", "127.0.1.1".getBytes(StandardCharsets.US_ASCII));
    }
    try (ZkServiceManager a =
        ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "8")) {
      assertArrayEquals(
          "layout=2 buckets=8".getBytes(StandardCharsets.US_ASCII),
          a.curator().getData().forPath("/" + ns + "/records"));
      ServiceHandle h = a.register("svc", Endpoint.of("tcp://a:1"));
      assertEquals(h, a.resolve("svc"));
      assertEquals(1, a.curator().getChildren().forPath("/" + ns + "/records").size());
    }
  }

  @Test
  void aBucketIsMadeByTheFirstWriteIntoItAndAgainAfterItWasRemovedByHand() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager a =
            ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "4");
        ZkServiceManager b = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE)) {
      String bucket = a.layout().bucket(a.layout().bucketOf("svc"));
      assertEquals(null, a.curator().checkExists().forPath(bucket));
      ServiceHandle h = a.register("svc", Endpoint.of("tcp://a:1"));
      assertTrue(a.curator().checkExists().forPath(bucket) != null);
      a.unregister(h);
      a.curator().delete().deletingChildrenIfNeeded().forPath(bucket); // by hand
      ServiceHandle again = b.register("svc", Endpoint.of("tcp://b:1"));
      assertTrue(again.generation().value() > h.generation().value());
      assertEquals(again, b.resolve("svc"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!a.services().equals(List.of(again))) {
        assertTrue(System.nanoTime() < deadline, "A never saw " + again);
        Thread.sleep(20);
      }
    }
  }

  @Test
  void theFirstWriteIntoABucketMakesItInTheSameTransaction() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ZkServiceManager a = withFourBuckets(ns, hooks)) {
      List<String> names = namesInOneBucket(a.layout(), 2);
      String bucket = a.layout().bucket(a.layout().bucketOf(names.get(0)));
      assertEquals(null, a.curator().checkExists().forPath(bucket));
      ServiceHandle first = a.register(names.get(0), Endpoint.of("tcp://a:1"));
      assertEquals(1, hooks.writes.get()); // one transaction: the bucket, the record, the stamp
      // The record as made (version 0), its generation from the zxid of that transaction.
      org.apache.zookeeper.data.Stat made =
          a.curator().checkExists().forPath(a.layout().record(names.get(0)));
      assertEquals(0, made.getVersion());
      assertEquals(made.getMzxid(), made.getCzxid());
      ServiceHandle second = a.register(names.get(1), Endpoint.of("tcp://a:2"));
      assertEquals(2, hooks.writes.get()); // the bucket is known now: not made again
      assertEquals(List.of(first, second), a.services());
      try (ZkServiceManager b = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE)) {
        assertEquals(List.of(first, second), b.services()); // as read from the nodes
      }
    }
  }

  @Test
  void aBucketMadeByAnotherClientSinceTheLoadCostsOneMoreTryAndOneFoundAtTheLoadNone()
      throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ZkServiceManager a = withFourBuckets(ns, hooks)) {
      List<String> names = namesInOneBucket(a.layout(), 2);
      String bucket = a.layout().bucket(a.layout().bucketOf(names.get(0)));
      a.curator().create().forPath(bucket); // by another client, after A's load
      ServiceHandle h = a.register(names.get(0), Endpoint.of("tcp://a:1"));
      assertEquals(2, hooks.writes.get()); // the first try also made the bucket: it existed
      assertEquals(List.of(h), a.services());
      TestHooks later = new TestHooks();
      try (ZkServiceManager b = ZkTestSupport.open(server.connect(), ns, later)) {
        ServiceHandle other = b.register(names.get(1), Endpoint.of("tcp://b:1"));
        assertEquals(1, later.writes.get()); // its load found the bucket
        assertEquals(List.of(h, other), b.services());
      }
    }
  }

  @Test
  void aKnownBucketRemovedByHandIsMadeAgainByTheWriteThatMissesIt() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ZkServiceManager a = withFourBuckets(ns, hooks)) {
      List<String> names = namesInOneBucket(a.layout(), 2);
      String bucket = a.layout().bucket(a.layout().bucketOf(names.get(0)));
      ServiceHandle h = a.register(names.get(0), Endpoint.of("tcp://a:1"));
      a.unregister(h);
      a.curator().delete().deletingChildrenIfNeeded().forPath(bucket); // by hand
      hooks.writes.set(0);
      ServiceHandle again = a.register(names.get(1), Endpoint.of("tcp://a:2"));
      assertEquals(2, hooks.writes.get()); // missed the bucket, made it, wrote again
      assertTrue(a.curator().checkExists().forPath(bucket) != null);
      assertEquals(again, a.resolve(names.get(1)));
    }
  }

  /** A client of a namespace of four buckets (made with it if new). */
  private static ZkServiceManager withFourBuckets(String ns, TestHooks hooks) {
    return ZkTestSupport.open(server.connect(), ns, hooks, "zookeeper.buckets", "4");
  }

  /** {@code n} names that fall into one bucket of {@code layout}. */
  private static List<String> namesInOneBucket(Layout layout, int n) {
    List<String> names = new java.util.ArrayList<>();
    int bucket = layout.bucketOf("svc-0");
    for (int i = 0; names.size() < n; i++) {
      if (layout.bucketOf("svc-" + i) == bucket) {
        names.add("svc-" + i);
      }
    }
    return names;
  }

  @Test
  void aMissingRecordsNodeIsNamedNotMadeByAWrite() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager a = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE)) {
      a.curator().delete().deletingChildrenIfNeeded().forPath("/" + ns + "/records");
      SamgrError.Unavailable e =
          assertThrows(
              SamgrError.Unavailable.class, () -> a.register("svc", Endpoint.of("tcp://a:1")));
      assertEquals(
          "node '/"
              + ns
              + "/records' does not exist: the ensemble lost this namespace's data, or someone"
              + " deleted it; nothing was changed. Open the registry again (it makes the"
              + " namespace's nodes anew) and register its services again",
          e.reason());
      assertEquals(null, a.curator().checkExists().forPath("/" + ns + "/records"));
    }
  }

  @Test
  void aReadOnlyClientOpenedBeforeTheNamespaceWasMadeSeesItFill() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager reader =
        ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.read-only", "true")) {
      assertEquals(List.of(), reader.services());
      assertEquals(0, reader.layout().buckets());
      try (ZkServiceManager writer =
          ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.buckets", "32")) {
        ServiceHandle h = writer.register("svc", Endpoint.of("tcp://w:1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!reader.services().equals(List.of(h))) {
          assertTrue(System.nanoTime() < deadline, "the reader never saw " + h);
          Thread.sleep(20);
        }
        assertEquals(32, reader.layout().buckets());
        assertEquals(h, reader.resolve("svc"));
      }
    }
  }
}
