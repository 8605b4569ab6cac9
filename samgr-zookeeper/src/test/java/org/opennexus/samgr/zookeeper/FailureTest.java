package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.tck.RecordingListener;

/** What a user sees when the ensemble goes away, when answers are lost, and when it is denied. */
@Timeout(90)
class FailureTest {

  @Test
  void operationsFailUnavailableWhileTheServerIsDownAndWorkAfter() throws Exception {
    try (TestServer server = TestServer.start()) {
      String ns = ZkTestSupport.freshNamespace();
      try (ServiceManager manager =
              ZkTestSupport.builder(server.connect(), ns)
                  .setting(
                      "zookeeper.operation-timeout", "3s") // also bounds open() on a busy machine
                  .setting("zookeeper.session-timeout", "30s")
                  .open();
          ServiceManager other = ZkTestSupport.open(server.connect(), ns)) {
        ServiceHandle h = manager.register("svc", Endpoint.of("a"));
        RecordingListener events = new RecordingListener();
        try (Subscription s = manager.watchAll(events)) {
          assertEquals(List.of(new Registered(h)), events.awaitEvents(1));
          server.stop();
          for (String op : List.of("register", "restart", "unregister")) {
            SamgrError.Unavailable e =
                assertTimeoutPreemptively(
                    Duration.ofSeconds(3 + 7), // the operation timeout plus a margin: no hang
                    () ->
                        assertThrows(
                            SamgrError.Unavailable.class,
                            () -> {
                              switch (op) {
                                case "register" -> manager.register("new", Endpoint.of("b"));
                                case "restart" -> manager.restart(h, Endpoint.of("b"));
                                default -> manager.unregister(h);
                              }
                            }));
            assertEquals(op, e.operation());
            assertEquals("zookeeper", e.environment());
          }
          assertEquals(h, manager.resolve("svc")); // reads are served from the view meanwhile
          server.restart();
          ServiceHandle restarted = retryUntilUp(() -> manager.restart(h, Endpoint.of("c")));
          assertEquals(restarted, manager.resolve("svc"));
          // A change by another client after the outage reaches the subscription: not silent.
          ServiceHandle fromOther = retryUntilUp(() -> other.register("later", Endpoint.of("d")));
          assertEquals(
              List.of(new Registered(h), new Restarted(restarted), new Registered(fromOther)),
              events.awaitEvents(3, Duration.ofSeconds(30)));
        }
      }
    }
  }

  private interface Call<T> {
    T run() throws SamgrError;
  }

  /** Retries while the client reconnects; Unavailable only, bounded. */
  private static <T> T retryUntilUp(Call<T> call) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return call.run();
      } catch (SamgrError.Unavailable e) {
        assertTrue(System.nanoTime() < deadline, "still unavailable: " + e);
        Thread.sleep(50);
      }
    }
  }

  @Test
  void aRegisterWhoseAnswerWasLostIsNotADuplicateAndAppliesOnce() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ServiceManager manager = ZkTestSupport.open(ZkSettings.EMBEDDED, ns, hooks);
        ServiceManager other = ZkTestSupport.open(ZkSettings.EMBEDDED, ns)) {
      hooks.loseNextAnswer = () -> {};
      ServiceHandle h = manager.register("svc", Endpoint.of("a"));
      assertEquals(h, manager.resolve("svc"));
      assertEquals(h, other.await("svc", Duration.ofSeconds(20)));
      // Applied once: its generation is the record's, and one restart moves it on by one write.
      ServiceHandle next = other.restart(h, Endpoint.of("b"));
      assertTrue(next.generation().isAfter(h.generation()));
    }
  }

  @Test
  void aFencedRestartWhoseAnswerWasLostIsNotStale() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ServiceManager manager = ZkTestSupport.open(ZkSettings.EMBEDDED, ns, hooks)) {
      ServiceHandle h1 = manager.register("svc", Endpoint.of("a"));
      hooks.loseNextAnswer = () -> {};
      ServiceHandle h2 = manager.restart(h1, Endpoint.of("b"));
      assertTrue(h2.generation().isAfter(h1.generation()));
      assertEquals(h2, manager.resolve("svc"));
      manager.unregister(h2); // h2 is current: the restart applied exactly once
      assertThrows(SamgrError.NotFound.class, () -> manager.resolve("svc"));
    }
  }

  @Test
  void aLostAnswerOverwrittenByAnotherClientIsStillTheWritersSuccess() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ServiceManager manager = ZkTestSupport.open(ZkSettings.EMBEDDED, ns, hooks);
        ServiceManager other = ZkTestSupport.open(ZkSettings.EMBEDDED, ns)) {
      ServiceHandle h1 = manager.register("svc", Endpoint.of("a"));
      ServiceHandle[] overwrite = new ServiceHandle[1];
      hooks.loseNextAnswer =
          () -> {
            try {
              overwrite[0] = other.restart("svc", Endpoint.of("other"));
            } catch (SamgrError e) {
              throw new AssertionError(e);
            }
          };
      ServiceHandle h2 = manager.restart(h1, Endpoint.of("b"));
      assertEquals(Endpoint.of("b"), h2.endpoint());
      assertTrue(h2.generation().isAfter(h1.generation()));
      assertTrue(overwrite[0].generation().isAfter(h2.generation()));
      assertEquals(overwrite[0], manager.resolve("svc"));
      SamgrError.StaleHandle stale =
          assertThrows(SamgrError.StaleHandle.class, () -> manager.heartbeat(h2));
      assertEquals(overwrite[0].generation(), stale.current());
    }
  }

  @Test
  void anUnregisterWhoseAnswerWasLostIsNotNotFound() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    TestHooks hooks = new TestHooks();
    try (ServiceManager manager = ZkTestSupport.open(ZkSettings.EMBEDDED, ns, hooks)) {
      ServiceHandle h = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        hooks.loseNextAnswer = () -> {};
        manager.unregister(h);
        assertThrows(SamgrError.NotFound.class, () -> manager.resolve("svc"));
        ServiceHandle again = manager.register("svc", Endpoint.of("b"));
        assertEquals(
            List.of(new Registered(h), new Unregistered(h), new Registered(again)),
            events.awaitEvents(3));
      }
    }
  }

  /**
   * A first write into a bucket the client did not know, whose first try is lost with the
   * connection while another client makes that bucket: Curator's retry then fails on the bucket. No
   * record node means no try landed, so the write is sent again, not reported unknown.
   */
  @Test
  void aRetriedFirstWriteIntoABucketMadeMeanwhileByAnotherClientIsWrittenAgain() throws Exception {
    try (TestServer server = TestServer.start()) {
      String ns = ZkTestSupport.freshNamespace();
      AtomicBoolean once = new AtomicBoolean();
      AtomicInteger tries = new AtomicInteger();
      String[] bucket = new String[1];
      ZkHooks hooks =
          new ZkHooks() {
            @Override
            void writing(String name) {
              tries.incrementAndGet();
              if (!once.compareAndSet(false, true)) {
                return;
              }
              try (CuratorFramework other =
                  CuratorFrameworkFactory.newClient(server.connect(), new RetryOneTime(10))) {
                other.start();
                other.blockUntilConnected();
                other.create().forPath(bucket[0]); // another client's first write into it
              } catch (Exception e) {
                throw new AssertionError(e);
              }
              server.stop(); // the first try meets no server: Curator sends it again
              Thread restart =
                  new Thread(
                      () -> {
                        try {
                          Thread.sleep(500);
                          server.restart();
                        } catch (Exception e) {
                          throw new AssertionError(e);
                        }
                      });
              restart.start();
            }
          };
      try (ZkServiceManager a =
          ZkTestSupport.open(server.connect(), ns, hooks, "zookeeper.buckets", "4")) {
        bucket[0] = a.layout().bucket(a.layout().bucketOf("svc-0"));
        ServiceHandle h = a.register("svc-0", Endpoint.of("tcp://a:1"));
        assertEquals(2, tries.get()); // the retried try, and one more without the bucket
        assertEquals(List.of(h), a.services());
        assertEquals(h, a.resolve("svc-0"));
      }
    }
  }
}
