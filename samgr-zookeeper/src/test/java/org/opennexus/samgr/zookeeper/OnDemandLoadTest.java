package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;

/**
 * A read-only client loads the namespace only when an operation needs the whole view: until then
 * resolve, find and liveness read one record each, counted at the server.
 */
@Timeout(180)
class OnDemandLoadTest {

  private static final int N = 2000;

  /** Bytes no samgr wrote: an unknown format byte. */
  private static final byte[] GARBAGE = {99, 1, 2};

  @RegisterExtension static final TestServer server = TestServer.perClass();
  private static String ns;
  private static final List<ServiceHandle> registered = new ArrayList<>();

  @BeforeAll
  static void fill() throws Exception {
    ns = ZkTestSupport.freshNamespace();
    try (ZkServiceManager writer = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE)) {
      for (int i = 0; i < N; i++) {
        registered.add(
            writer.register(String.format("svc-%04d", i), Endpoint.of("tcp://h:" + (1000 + i))));
      }
      writer.register("bad", Endpoint.of("tcp://bad:1"));
      writer.curator().setData().forPath(ZkTestSupport.record(ns, "bad"), GARBAGE);
    }
  }

  private static long packetsReceived() throws Exception {
    return server.packetsReceived();
  }

  private static ZkServiceManager reader() {
    return ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE, "zookeeper.read-only", "true");
  }

  @Test
  void pointReadsAnswerExactlyAndReadOneRecordEach() throws Exception {
    long before = packetsReceived();
    String pointError;
    try (ZkServiceManager reader = reader()) {
      ServiceHandle first = registered.get(0);
      ServiceHandle last = registered.get(N - 1);
      assertEquals(first, reader.resolve(first.name()));
      assertEquals(last, reader.resolve(last.name()));
      assertEquals(Optional.of(last), reader.find(last.name()));
      assertEquals(Optional.empty(), reader.find("absent"));
      assertEquals(Optional.empty(), reader.find("bad"));
      SamgrError.NotFound notFound =
          assertThrows(SamgrError.NotFound.class, () -> reader.resolve("absent"));
      assertEquals("absent", notFound.name());
      assertThrows(SamgrError.NotFound.class, () -> reader.liveness("absent"));
      assertEquals(first, reader.liveness(first.name()).handle());
      assertTrue(reader.liveness(first.name()).alive());
      pointError =
          assertThrows(SamgrError.Unavailable.class, () -> reader.resolve("bad")).getMessage();
      assertTrue(reader.toString().contains("services: not loaded yet"), reader.toString());
    }
    long requests = packetsReceived() - before;
    // Opening, eleven reads (each with its epoch check) and closing: far below one per service.
    assertTrue(requests < 100, "the server received " + requests + " requests for " + N);

    try (ZkServiceManager loaded = reader()) {
      assertEquals(N, loaded.services().size()); // loads the view: "bad" is no service
      String viewError =
          assertThrows(SamgrError.Unavailable.class, () -> loaded.resolve("bad")).getMessage();
      assertEquals(viewError, pointError);
      try (ZkServiceManager point = reader()) {
        ServiceHandle some = registered.get(N / 2);
        assertEquals(loaded.liveness(some.name()), point.liveness(some.name()));
      }
    }
  }

  @Test
  void theFirstLoadAfterPointReadsLoadsOnceForConcurrentCallers() throws Exception {
    try (ZkServiceManager reader = reader()) {
      assertEquals(registered.get(7), reader.resolve(registered.get(7).name()));
      long before = packetsReceived();
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<Future<List<ServiceHandle>>> lists = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          lists.add(
              threads.submit(
                  () -> {
                    start.await();
                    return reader.services();
                  }));
        }
        start.countDown();
        assertEquals(registered, lists.get(0).get(60, TimeUnit.SECONDS));
        assertEquals(registered, lists.get(1).get(60, TimeUnit.SECONDS));
      } finally {
        threads.shutdownNow();
      }
      long requests = packetsReceived() - before;
      // One load, not two: the layout, the clients, the bucket stamps (one read), then for each
      // bucket that holds records its listing and one read of its records (at most 48 each).
      Set<Integer> buckets = new HashSet<>();
      for (ServiceHandle handle : registered) {
        buckets.add(Layout.bucketOfNode(Names.encode(handle.name()), ZkSettings.DEFAULT_BUCKETS));
      }
      long oneLoad = 3 + 2L * buckets.size();
      assertTrue(requests < oneLoad + 50, "the server received " + requests + " requests");
      assertTrue(requests >= oneLoad, "the server received " + requests + " requests");

      List<ServiceEvent> events = new CopyOnWriteArrayList<>();
      reader.watchAll(events::add);
      List<ServiceEvent> expected = new ArrayList<>();
      for (ServiceHandle handle : registered) {
        expected.add(new ServiceEvent.Registered(handle));
      }
      awaitSize(events, N);
      assertEquals(expected, events);
    }
  }

  @Test
  void watchAfterPointReadsSeesLaterChanges() throws Exception {
    try (ZkServiceManager reader = reader()) {
      assertThrows(SamgrError.NotFound.class, () -> reader.resolve("later"));
      List<ServiceEvent> events = new CopyOnWriteArrayList<>();
      reader.watch("later", events::add);
      ServiceHandle later;
      try (ZkServiceManager writer = ZkTestSupport.open(server.connect(), ns, ZkHooks.NONE)) {
        later = writer.register("later", Endpoint.of("tcp://later:1"));
        awaitSize(events, 1);
        assertEquals(List.of(new ServiceEvent.Registered(later)), events);
        assertEquals(later, reader.resolve("later"));
        writer.unregister(later);
      }
      awaitSize(events, 2);
      assertEquals(
          List.of(new ServiceEvent.Registered(later), new ServiceEvent.Unregistered(later)),
          events);
    }
  }

  @Test
  void aClosedReaderReadsNothing() throws Exception {
    ZkServiceManager reader = reader();
    reader.close();
    String name = registered.get(3).name();
    for (Executable read :
        List.<Executable>of(
            () -> reader.resolve(name), () -> reader.find(name), () -> reader.liveness(name))) {
      assertEquals(
          "this samgr 'zookeeper' registry is closed",
          assertThrows(IllegalStateException.class, read).getMessage());
    }
    assertEquals("samgr zookeeper registry (closed)", reader.toString());
  }

  private static void awaitSize(List<ServiceEvent> events, int size) throws InterruptedException {
    while (events.size() < size) {
      Thread.sleep(10); // the class's timeout ends a wait that never ends
    }
  }
}
