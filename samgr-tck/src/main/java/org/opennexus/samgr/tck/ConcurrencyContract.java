package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * Races between threads that start together: the seed operations stay atomic and generations stay
 * unique and increasing under contention. Every wait is bounded; no test sleeps.
 */
public interface ConcurrencyContract extends Contract {

  /** How many threads each race runs. */
  int THREADS = 8;

  /** How many calls each reading or heartbeating thread makes at least. */
  int MIN_ROUNDS = 2000;

  /**
   * Threads racing to register one name: exactly one wins, every other gets {@code Duplicate}
   * carrying that name, and {@code resolve} returns the winner's handle. Repeated over many names
   * so the race is actually run.
   *
   * @throws Exception if the race harness fails
   */
  @Test
  default void racingRegistersOfOneNameHaveExactlyOneWinner() throws Exception {
    try (ServiceManager samgr = open()) {
      for (int round = 0; round < 20; round++) {
        String name = "tck.race-" + round;
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          Endpoint endpoint = Endpoint.of("tcp://thread-" + t + ":1");
          tasks.add(
              () -> {
                try {
                  return samgr.register(name, endpoint);
                } catch (SamgrError.Duplicate duplicate) {
                  return duplicate;
                }
              });
        }
        List<Object> outcomes = Races.run(tasks);
        List<ServiceHandle> winners = new ArrayList<>();
        int losers = 0;
        for (Object outcome : outcomes) {
          if (outcome instanceof ServiceHandle handle) {
            winners.add(handle);
          } else {
            SamgrError.Duplicate duplicate = assertInstanceOf(SamgrError.Duplicate.class, outcome);
            assertEquals(name, duplicate.name());
            losers++;
          }
        }
        assertEquals(1, winners.size(), () -> "winners of " + name + ": " + winners);
        assertEquals(THREADS - 1, losers);
        ServiceHandle winner = winners.get(0);
        int index = outcomes.indexOf(winner);
        assertEquals(Endpoint.of("tcp://thread-" + index + ":1"), winner.endpoint());
        assertEquals(winner, samgr.resolve(name));
      }
    }
  }

  /**
   * Threads restarting one service at once: every generation issued is distinct, each thread sees
   * its own generations increase, and the final {@code resolve} returns the handle with the highest
   * generation, which is one that a restart returned.
   *
   * @throws Exception if the race harness fails
   */
  @Test
  default void restartStormsGiveDistinctIncreasingGenerations() throws Exception {
    int restarts = 500;
    try (ServiceManager samgr = open()) {
      ServiceHandle registered = samgr.register("tck.storm", Endpoint.of("tcp://start:1"));
      List<Callable<List<ServiceHandle>>> tasks = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        tasks.add(
            () -> {
              List<ServiceHandle> mine = new ArrayList<>(restarts);
              for (int i = 0; i < restarts; i++) {
                mine.add(
                    samgr.restart("tck.storm", Endpoint.of("tcp://t" + thread + ":" + (i + 1))));
              }
              return mine;
            });
      }
      List<List<ServiceHandle>> perThread = Races.run(tasks);
      Set<Long> generations = new HashSet<>();
      generations.add(registered.generation().value());
      ServiceHandle highest = registered;
      for (int t = 0; t < THREADS; t++) {
        List<ServiceHandle> mine = perThread.get(t);
        assertEquals(restarts, mine.size());
        long previous = registered.generation().value();
        for (int i = 0; i < restarts; i++) {
          ServiceHandle handle = mine.get(i);
          assertEquals(Endpoint.of("tcp://t" + t + ":" + (i + 1)), handle.endpoint());
          long value = handle.generation().value();
          assertTrue(value > previous, "thread " + t + " saw " + value + " after " + previous);
          previous = value;
          assertTrue(generations.add(value), "generation " + value + " was issued twice");
          if (handle.generation().isAfter(highest.generation())) {
            highest = handle;
          }
        }
      }
      assertEquals(1 + THREADS * restarts, generations.size());
      assertEquals(highest, samgr.resolve("tck.storm"));
    }
  }

  /**
   * Heartbeats racing with restarts end only in success or in {@code StaleHandle} carrying the
   * presented handle and a later current generation; never {@code NotFound} or anything else.
   *
   * @throws Exception if the race harness fails
   */
  @Test
  default void heartbeatsDuringRestartsSucceedOrAreStale() throws Exception {
    int restarters = 2;
    int restarts = 400;
    try (ServiceManager samgr = open()) {
      samgr.register("tck.beating", Endpoint.of("tcp://start:1"));
      AtomicBoolean restartsDone = new AtomicBoolean();
      List<Callable<long[]>> tasks = new ArrayList<>();
      for (int t = 0; t < restarters; t++) {
        tasks.add(
            () -> {
              try {
                for (int i = 0; i < restarts; i++) {
                  samgr.restart("tck.beating", Endpoint.of("tcp://r:" + (i + 1)));
                }
              } finally {
                restartsDone.set(true);
              }
              return new long[2];
            });
      }
      for (int t = restarters; t < THREADS; t++) {
        tasks.add(
            () -> {
              long[] counts = new long[2]; // [0] successes, [1] stale
              ServiceHandle held = samgr.resolve("tck.beating");
              // At least MIN_ROUNDS beats each, then on while the restarts last.
              for (int i = 0; i < 1_000_000 && (i < MIN_ROUNDS || !restartsDone.get()); i++) {
                if (i % 8 == 0) {
                  held = samgr.resolve("tck.beating");
                }
                try {
                  samgr.heartbeat(held);
                  counts[0]++;
                } catch (SamgrError.StaleHandle stale) {
                  assertEquals(held, stale.handle());
                  ServiceHandle presented = held;
                  assertTrue(
                      stale.current().isAfter(presented.generation()),
                      () -> stale.current() + " should be after " + presented.generation());
                  counts[1]++;
                }
              }
              return counts;
            });
      }
      List<long[]> results = Races.run(tasks);
      for (int t = restarters; t < THREADS; t++) {
        long[] counts = results.get(t);
        assertTrue(counts[0] + counts[1] >= MIN_ROUNDS, "heartbeat thread " + t + " stopped early");
      }
      ServiceHandle last = samgr.resolve("tck.beating");
      samgr.heartbeat(last);
    }
  }

  /**
   * While restarts run, each reader's successive {@code resolve} results never go back to an
   * earlier generation.
   *
   * @throws Exception if the race harness fails
   */
  @Test
  default void resolveNeverReturnsAnEarlierGenerationThanBefore() throws Exception {
    int restarts = 1000;
    try (ServiceManager samgr = open()) {
      samgr.register("tck.monotonic", Endpoint.of("tcp://start:1"));
      AtomicBoolean restartsDone = new AtomicBoolean();
      List<Callable<Integer>> tasks = new ArrayList<>();
      tasks.add(
          () -> {
            try {
              for (int i = 0; i < restarts; i++) {
                samgr.restart("tck.monotonic", Endpoint.of("tcp://r:" + (i + 1)));
              }
            } finally {
              restartsDone.set(true);
            }
            return 0;
          });
      for (int t = 1; t < THREADS; t++) {
        tasks.add(
            () -> {
              long previous = 0;
              int reads = 0;
              for (int i = 0; i < 1_000_000 && (i < MIN_ROUNDS || !restartsDone.get()); i++) {
                long value = samgr.resolve("tck.monotonic").generation().value();
                assertTrue(
                    value >= previous, "resolve went back from " + previous + " to " + value);
                previous = value;
                reads++;
              }
              return reads;
            });
      }
      Races.run(tasks);
      assertEquals(Endpoint.of("tcp://r:" + restarts), samgr.resolve("tck.monotonic").endpoint());
    }
  }

  /**
   * Threads registering distinct names at once all succeed, with distinct generations that increase
   * within each thread, and every name resolves to its handle.
   *
   * @throws Exception if the race harness fails
   */
  @Test
  default void concurrentRegistersOfDistinctNamesAllSucceed() throws Exception {
    int perThread = 200;
    try (ServiceManager samgr = open()) {
      List<Callable<List<ServiceHandle>>> tasks = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        tasks.add(
            () -> {
              List<ServiceHandle> mine = new ArrayList<>(perThread);
              for (int i = 0; i < perThread; i++) {
                mine.add(
                    samgr.register(
                        "tck.distinct-" + thread + "-" + i,
                        Endpoint.of("tcp://t" + thread + ":1")));
              }
              return mine;
            });
      }
      List<List<ServiceHandle>> results = Races.run(tasks);
      Set<Long> generations = new HashSet<>();
      for (int t = 0; t < THREADS; t++) {
        long previous = 0;
        for (int i = 0; i < perThread; i++) {
          ServiceHandle handle = results.get(t).get(i);
          assertEquals("tck.distinct-" + t + "-" + i, handle.name());
          long value = handle.generation().value();
          assertTrue(value > previous, "thread " + t + " saw " + value + " after " + previous);
          previous = value;
          assertTrue(generations.add(value), "generation " + value + " was issued twice");
          assertEquals(handle, samgr.resolve(handle.name()));
        }
      }
      assertEquals(THREADS * perThread, generations.size());
    }
  }
}
