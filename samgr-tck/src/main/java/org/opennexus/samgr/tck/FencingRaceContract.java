package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * Fenced changes racing each other on real threads that start together: of two fenced restarts with
 * one handle, or a fenced restart and an unregister, exactly one wins. Each race is run many times;
 * every wait is bounded.
 */
public interface FencingRaceContract extends Contract {

  /**
   * Two supervisors restarting one service with the same handle at once: exactly one wins, the
   * other gets {@code StaleHandle} naming the winner's generation, and the winner's handle is
   * current.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void racingFencedRestartsWithSameHandleHaveExactlyOneWinner() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      ServiceHandle held = manager.register("svc", Endpoint.of("start"));
      for (int round = 0; round < Races.ROUNDS; round++) {
        ServiceHandle current = held;
        Endpoint e1 = Endpoint.of("one-" + round);
        Endpoint e2 = Endpoint.of("two-" + round);
        List<Object> outcomes =
            Races.together(
                pool,
                List.<Callable<Object>>of(
                    () -> restartOrError(manager, current, e1),
                    () -> restartOrError(manager, current, e2)));
        List<ServiceHandle> winners = new ArrayList<>();
        List<SamgrError.StaleHandle> losers = new ArrayList<>();
        for (Object outcome : outcomes) {
          if (outcome instanceof ServiceHandle h) {
            winners.add(h);
          } else {
            losers.add(assertInstanceOf(SamgrError.StaleHandle.class, outcome));
          }
        }
        assertEquals(1, winners.size(), "round " + round + ": " + outcomes);
        ServiceHandle winner = winners.get(0);
        assertTrue(winner.generation().isAfter(current.generation()));
        assertEquals(current, losers.get(0).handle());
        assertEquals(winner.generation(), losers.get(0).current());
        assertEquals(winner, manager.resolve("svc"));
        held = winner;
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * A fenced restart racing a fenced unregister with the same handle: exactly one wins, and the
   * registry shows the winner's outcome.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartRacingUnregisterHasExactlyOneWinner() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      for (int round = 0; round < Races.ROUNDS; round++) {
        String name = "svc-" + round;
        ServiceHandle held = manager.register(name, Endpoint.of("a"));
        List<Object> outcomes =
            Races.together(
                pool,
                List.<Callable<Object>>of(
                    () -> restartOrError(manager, held, Endpoint.of("b")),
                    () -> {
                      try {
                        manager.unregister(held);
                        return "unregistered";
                      } catch (SamgrError e) {
                        return e;
                      }
                    }));
        if (outcomes.get(0) instanceof ServiceHandle restarted) {
          SamgrError.StaleHandle lost =
              assertInstanceOf(SamgrError.StaleHandle.class, outcomes.get(1), "round " + round);
          assertEquals(restarted.generation(), lost.current());
          assertEquals(restarted, manager.resolve(name));
        } else {
          assertEquals("unregistered", outcomes.get(1), "round " + round + ": " + outcomes);
          SamgrError.NotFound lost =
              assertInstanceOf(SamgrError.NotFound.class, outcomes.get(0), "round " + round);
          assertEquals(name, lost.name());
          assertTrue(manager.find(name).isEmpty());
        }
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  private static Object restartOrError(ServiceManager manager, ServiceHandle current, Endpoint to) {
    try {
      return manager.restart(current, to);
    } catch (SamgrError e) {
      return e;
    }
  }
}
