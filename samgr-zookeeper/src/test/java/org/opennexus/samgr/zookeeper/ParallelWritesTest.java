package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.tck.RecordingListener;

/**
 * One client's writes of different names run in parallel, and writes of one name one at a time: a
 * write held in flight (through {@link ZkHooks#writing}) keeps a write of its name waiting, and
 * none of another name.
 */
@Timeout(60)
class ParallelWritesTest {

  @RegisterExtension static final TestServer server = TestServer.perClass();

  @AfterAll
  static void stopThreads() {
    threads.shutdownNow();
  }

  /**
   * Threads of the test's own for the writes it holds: not the common pool, which may have one
   * worker on a machine of two cores (then a held write would keep the next from starting).
   */
  private static final ExecutorService threads = Executors.newCachedThreadPool();

  /** Holds the first write of one name in flight until released. */
  private static final class Holding extends ZkHooks {
    final String name;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger writesOfName = new AtomicInteger();

    Holding(String name) {
      this.name = name;
    }

    @Override
    void writing(String written) {
      if (written.equals(name) && writesOfName.incrementAndGet() == 1) {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Test
  void aWriteOfAnotherNameLandsWhileOneIsInFlightAndOneOfTheSameNameWaits() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    String held = "held";
    Holding hooks = new Holding(held);
    try (ZkServiceManager client = ZkTestSupport.open(server.connect(), ns, hooks);
        ServiceManager other = ZkTestSupport.open(server.connect(), ns)) {
      RecordWriter writer = client.writer();
      String free = "free";
      assertNotSame(writer.lockOf(held), writer.lockOf(free), "the test's names share a lock");
      RecordingListener events = new RecordingListener();
      try (Subscription s = client.watchAll(events)) {
        CompletableFuture<ServiceHandle> first =
            CompletableFuture.supplyAsync(
                () -> register(client, held, "tcp://10.0.0.1:1"), threads);
        try {
          assertTrue(hooks.entered.await(30, TimeUnit.SECONDS), "the write was never sent");

          // A write of another name lands while that one is in flight (with one lock for all
          // writes it would wait until the held one is released, and this would time out).
          ServiceHandle freeHandle =
              CompletableFuture.supplyAsync(
                      () -> register(client, free, "tcp://10.0.0.2:1"), threads)
                  .get(30, TimeUnit.SECONDS);
          assertEquals(freeHandle, client.resolve(free));
          assertEquals(Optional.empty(), client.find(held));

          // Another client's change of a third name reaches this client's view meanwhile: the
          // feed reads it, as it is not the name in flight.
          ServiceHandle third = other.register("third", Endpoint.of("tcp://10.0.0.3:1"));
          assertEquals(third, client.await("third", Duration.ofSeconds(30)));

          // A write of the held name waits for the held write: it queues on the name's lock,
          // and sends nothing meanwhile.
          CompletableFuture<ServiceHandle> restart = new CompletableFuture<>();
          Thread restarter =
              new Thread(
                  () -> {
                    try {
                      restart.complete(client.restart(held, Endpoint.of("tcp://10.0.0.1:2")));
                    } catch (Throwable e) {
                      restart.completeExceptionally(e);
                    }
                  });
          restarter.start();
          ReentrantLock lock = writer.lockOf(held);
          while (!lock.hasQueuedThread(restarter)) {
            assertTrue(restarter.isAlive(), "the restart ended: " + restart);
            Thread.sleep(5);
          }
          assertEquals(1, hooks.writesOfName.get());
          assertFalse(restart.isDone());

          hooks.release.countDown();
          ServiceHandle registered = first.get(30, TimeUnit.SECONDS);
          ServiceHandle restarted = restart.get(30, TimeUnit.SECONDS);
          assertTrue(restarted.generation().isAfter(registered.generation()));
          assertTrue(registered.generation().isAfter(freeHandle.generation()));
          assertEquals(restarted, client.resolve(held));
          assertEquals(
              List.of(
                  new Registered(freeHandle),
                  new Registered(third),
                  new Registered(registered),
                  new Restarted(restarted)),
              events.awaitEvents(4));
        } finally {
          hooks.release.countDown();
        }
      }
    }
  }

  private static ServiceHandle register(ServiceManager client, String name, String endpoint) {
    try {
      return client.register(name, Endpoint.of(endpoint));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
