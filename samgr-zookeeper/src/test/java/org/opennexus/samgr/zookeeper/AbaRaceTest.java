package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * Fenced operations race unconditional restarts from several clients (so their compare-and-sets
 * really race in ZooKeeper), and every success is checked against the history of generations
 * (zxids) that the successes themselves make up: the ABA of a fenced operation landing on a newer
 * incarnation, measured in the czxid-per-incarnation scheme, must never happen.
 */
@Timeout(120)
class AbaRaceTest {

  private enum Kind {
    REGISTER,
    RESTART,
    FENCED_RESTART
  }

  /** A success that made a generation: its kind and, when fenced, the generation it named. */
  private record Made(Kind kind, long from) {}

  /** Records a generation; a generation handed out twice is a failure in itself. */
  private static void record(Map<Long, Made> made, long gen, Made how) {
    Made before = made.putIfAbsent(gen, how);
    if (before != null) {
      throw new AssertionError("generation " + gen + " was made twice: " + before + ", " + how);
    }
  }

  @Test
  void fencedOperationsNeverLandOnANewerIncarnation() throws Exception {
    int clients = 4;
    long seed = new SplittableRandom().nextLong();
    String where = "seed " + seed;
    String ns = ZkTestSupport.freshNamespace();
    List<ServiceManager> managers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      for (int i = 0; i < clients; i++) {
        managers.add(ZkTestSupport.open(ZkSettings.EMBEDDED, ns));
      }
      ServiceHandle first = managers.get(0).register("svc", Endpoint.of("start"));
      Map<Long, Made> made = new java.util.concurrent.ConcurrentHashMap<>();
      made.put(first.generation().value(), new Made(Kind.REGISTER, 0));
      ConcurrentLinkedQueue<Long> unregistered = new ConcurrentLinkedQueue<>();
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        ServiceManager manager = managers.get(c);
        SplittableRandom random = new SplittableRandom(seed + c);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  int successes = 0;
                  for (int i = 0; i < 150; i++) {
                    Endpoint endpoint = Endpoint.of("e" + i);
                    try {
                      ServiceHandle held = manager.resolve("svc");
                      switch (random.nextInt(4)) {
                        case 0 -> {
                          manager.unregister(held);
                          unregistered.add(held.generation().value());
                          ServiceHandle again = manager.register("svc", endpoint);
                          record(made, again.generation().value(), new Made(Kind.REGISTER, 0));
                        }
                        case 1 -> {
                          ServiceHandle next = manager.restart("svc", endpoint);
                          record(made, next.generation().value(), new Made(Kind.RESTART, 0));
                        }
                        default -> {
                          ServiceHandle next = manager.restart(held, endpoint);
                          record(
                              made,
                              next.generation().value(),
                              new Made(Kind.FENCED_RESTART, held.generation().value()));
                        }
                      }
                      successes++;
                    } catch (SamgrError.StaleHandle
                        | SamgrError.NotFound
                        | SamgrError.Duplicate lost) {
                      // lost a race: the check below is about what succeeded
                    }
                  }
                  return successes;
                }));
      }
      start.countDown();
      int successes = 0;
      for (Future<Integer> future : futures) {
        successes += future.get(100, TimeUnit.SECONDS);
      }
      assertTrue(successes > 0, where);

      // The successes, in zxid order, must form one chain in which every step is legal.
      TreeMap<Long, Made> chain = new TreeMap<>(made);
      java.util.Set<Long> unregisteredSet = new java.util.HashSet<>(unregistered);
      assertEquals(
          unregistered.size(),
          unregisteredSet.size(),
          where + ": one incarnation was unregistered twice");
      Long previous = null;
      for (Map.Entry<Long, Made> step : chain.entrySet()) {
        long gen = step.getKey();
        Made how = step.getValue();
        if (previous != null) {
          boolean previousUnregistered = unregisteredSet.contains(previous);
          String at = where + ": generation " + gen + " (" + how + ") after " + previous;
          if (how.kind() == Kind.REGISTER) {
            assertTrue(previousUnregistered, at + ", which was never unregistered");
          } else {
            assertTrue(!previousUnregistered, at + ", which had been unregistered");
          }
          if (how.kind() == Kind.FENCED_RESTART) {
            assertEquals(previous.longValue(), how.from(), at + ": fenced on another generation");
          }
        }
        previous = gen;
      }
      for (long gen : unregisteredSet) {
        assertNotNull(chain.get(gen), where + ": unregistered " + gen + " was never made");
        Map.Entry<Long, Made> next = chain.higherEntry(gen);
        if (next != null) {
          assertEquals(
              Kind.REGISTER,
              next.getValue().kind(),
              where + ": after unregistering " + gen + " came " + next);
        }
      }
      // The last success is what every client converges to (a client's view may lag a little).
      long lastGen = chain.lastKey();
      for (ServiceManager manager : managers) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (manager.find("svc").map(h -> h.generation().value()).orElse(0L) != lastGen) {
          assertTrue(System.nanoTime() < deadline, where + ": a client never saw " + lastGen);
          Thread.sleep(5);
        }
      }
    } finally {
      pool.shutdownNow();
      for (ServiceManager manager : managers) {
        manager.close();
      }
    }
  }
}
