package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Many threads write through one client at once: writes of different names run in parallel, and
 * what they return, what the client's view holds and the events of every subscription are exact:
 * per name in generation order, and for calls one thread makes one after another, in that order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentWritesTest extends OneServer {

  private static final Duration SESSION = Duration.ofSeconds(10);
  private static final Duration OPERATION = Duration.ofSeconds(30);
  private static final Duration PROPAGATION = Duration.ofSeconds(60);
  private static final Duration LIVENESS = Duration.ofMinutes(10); // nothing expires here

  private static final int THREADS = 8;
  private static final int PER_THREAD = 100;

  @Test
  void threadsRegisteringDistinctNamesOnOneClientGetExactHandlesAndEvents() throws Exception {
    String namespace = Zk.freshNamespace("concurrent-register");
    String connect = server.getConnectString();
    try (ServiceManager writer = Zk.open(connect, namespace, SESSION, OPERATION, LIVENESS);
        ServiceManager other = Zk.open(connect, namespace, SESSION, OPERATION, LIVENESS)) {
      EventLog own = new EventLog("the writer's watchAll");
      EventLog seen = new EventLog("the other client's watchAll");
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try (Subscription w = writer.watchAll(own);
          Subscription o = other.watchAll(seen)) {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<List<ServiceHandle>>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    List<ServiceHandle> mine = new ArrayList<>();
                    for (int i = 0; i < PER_THREAD; i++) {
                      String name = "t" + thread + "-svc-" + i;
                      mine.add(writer.register(name, Endpoint.of("tcp://10.0.0.1:" + (i + 1))));
                    }
                    return mine;
                  }));
        }
        List<List<ServiceHandle>> byThread = new ArrayList<>();
        Map<String, ServiceHandle> handles = new TreeMap<>();
        for (Future<List<ServiceHandle>> result : results) {
          List<ServiceHandle> mine = result.get(100, TimeUnit.SECONDS);
          byThread.add(mine);
          for (ServiceHandle h : mine) {
            assertEquals(null, handles.put(h.name(), h), "two handles for " + h.name());
          }
        }
        int total = THREADS * PER_THREAD;
        assertEquals(total, handles.size());
        Set<Long> generations = new HashSet<>();
        for (ServiceHandle h : handles.values()) {
          assertTrue(generations.add(h.generation().value()), "generation repeated: " + h);
        }

        // The writer's view holds exactly what its calls returned, at once.
        assertEquals(List.copyOf(handles.values()), writer.services());

        // Its own subscription: one Registered per name, with the returned handle, in generation
        // order, so each thread's registrations in the order the thread made them.
        own.awaitUntil("every Registered", PROPAGATION, events -> events.size() >= total);
        List<ServiceEvent> ownEvents = own.events();
        assertEquals(total, ownEvents.size(), "events beyond one per name: " + ownEvents);
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < ownEvents.size(); i++) {
          ServiceEvent event = ownEvents.get(i);
          String name = event.handle().name();
          assertEquals(new Registered(handles.get(name)), event);
          assertEquals(null, position.put(name, i), "two events for " + name);
          if (i > 0) {
            // Applied in the order they took effect, although written in parallel.
            assertTrue(
                event.handle().generation().isAfter(ownEvents.get(i - 1).handle().generation()),
                "out of generation order: " + ownEvents.get(i - 1) + ", " + event);
          }
        }
        for (List<ServiceHandle> mine : byThread) {
          for (int i = 1; i < mine.size(); i++) {
            assertTrue(
                position.get(mine.get(i - 1).name()) < position.get(mine.get(i).name()),
                "events out of one thread's call order: " + mine.get(i - 1) + ", " + mine.get(i));
            assertTrue(
                mine.get(i).generation().isAfter(mine.get(i - 1).generation()),
                "one thread's later register has no later generation: " + mine.get(i));
          }
        }

        // Another client sees exactly the same.
        seen.awaitUntil("every Registered", PROPAGATION, events -> events.size() >= total);
        Map<String, ServiceEvent> expected = new TreeMap<>();
        handles.forEach((name, h) -> expected.put(name, new Registered(h)));
        assertEquals(total, seen.events().size(), "events beyond one per name");
        assertEquals(expected, new TreeMap<>(seen.lastPerName()));
        assertEquals(List.copyOf(handles.values()), other.services());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void restartsAndHeartbeatsOfOneNameFromManyThreadsKeepGenerationOrder() throws Exception {
    String namespace = Zk.freshNamespace("concurrent-restart");
    String connect = server.getConnectString();
    int restarters = 4;
    int restartsEach = 25;
    int beaters = 2;
    try (ServiceManager writer = Zk.open(connect, namespace, SESSION, OPERATION, LIVENESS);
        ServiceManager other = Zk.open(connect, namespace, SESSION, OPERATION, LIVENESS)) {
      EventLog own = new EventLog("the writer's watch('hot')");
      EventLog seen = new EventLog("the other client's watch('hot')");
      ServiceHandle first = writer.register("hot", Endpoint.of("tcp://10.0.0.1:1"));
      ExecutorService pool = Executors.newFixedThreadPool(restarters + beaters + 1);
      try (Subscription w = writer.watch("hot", own);
          Subscription o = other.watch("hot", seen)) {
        seen.awaitEvent(new Registered(first), PROPAGATION);
        CyclicBarrier start = new CyclicBarrier(restarters + beaters + 1);
        List<Future<List<ServiceHandle>>> restarts = new ArrayList<>();
        for (int t = 0; t < restarters; t++) {
          int thread = t;
          restarts.add(
              pool.submit(
                  () -> {
                    start.await();
                    List<ServiceHandle> mine = new ArrayList<>();
                    for (int i = 0; i < restartsEach; i++) {
                      mine.add(
                          writer.restart("hot", Endpoint.of("tcp://10.0.1." + thread + ":" + i)));
                    }
                    return mine;
                  }));
        }
        List<Future<Integer>> beats = new ArrayList<>();
        for (int t = 0; t < beaters; t++) {
          beats.add(
              pool.submit(
                  () -> {
                    start.await();
                    int stale = 0;
                    for (int i = 0; i < restarters * restartsEach; i++) {
                      try {
                        writer.heartbeat(writer.resolve("hot"));
                      } catch (SamgrError.StaleHandle e) {
                        stale++; // a restart came between the resolve and the heartbeat
                      }
                    }
                    return stale;
                  }));
        }
        // And a register of the same name, which must find it registered.
        Future<Boolean> duplicate =
            pool.submit(
                () -> {
                  start.await();
                  try {
                    writer.register("hot", Endpoint.of("tcp://10.0.2.1:1"));
                    return false;
                  } catch (SamgrError.Duplicate e) {
                    return true;
                  }
                });

        List<ServiceHandle> all = new ArrayList<>();
        for (Future<List<ServiceHandle>> result : restarts) {
          List<ServiceHandle> mine = result.get(100, TimeUnit.SECONDS);
          for (int i = 1; i < mine.size(); i++) {
            assertTrue(
                mine.get(i).generation().isAfter(mine.get(i - 1).generation()),
                "one thread's later restart has no later generation: " + mine);
          }
          all.addAll(mine);
        }
        for (Future<Integer> beat : beats) {
          beat.get(100, TimeUnit.SECONDS);
        }
        assertTrue(duplicate.get(100, TimeUnit.SECONDS), "a second register of 'hot' succeeded");

        all.sort(Comparator.comparing(ServiceHandle::generation));
        for (int i = 1; i < all.size(); i++) {
          assertTrue(
              all.get(i).generation().isAfter(all.get(i - 1).generation()),
              "a generation repeated: " + all.get(i));
        }
        assertTrue(all.get(0).generation().isAfter(first.generation()));
        ServiceHandle last = all.get(all.size() - 1);
        assertEquals(last, writer.resolve("hot"));

        // The writer's own subscription: every write of its own, in generation order.
        List<ServiceEvent> expected = new ArrayList<>();
        expected.add(new Registered(first));
        for (ServiceHandle h : all) {
          expected.add(new Restarted(h));
        }
        own.awaitUntil("every Restarted", PROPAGATION, events -> events.size() >= expected.size());
        assertEquals(expected, own.events());

        // Another client may see restarts coalesced, never out of order, ending in the last.
        seen.awaitEvent(new Restarted(last), PROPAGATION);
        List<ServiceEvent> seenEvents = seen.events();
        assertEquals(new Registered(first), seenEvents.get(0));
        for (int i = 1; i < seenEvents.size(); i++) {
          ServiceEvent event = seenEvents.get(i);
          assertTrue(event instanceof Restarted, "not a restart: " + event);
          assertTrue(
              event.handle().generation().isAfter(seenEvents.get(i - 1).handle().generation()),
              "out of generation order: " + seenEvents);
          assertTrue(all.contains(event.handle()), "a handle no restart returned: " + event);
        }
        assertEquals(new Restarted(last), seenEvents.get(seenEvents.size() - 1));
        assertEquals(last, other.resolve("hot"));
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
