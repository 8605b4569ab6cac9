package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;

import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * {@code heartbeat}: it succeeds for the current handle, and throws {@code StaleHandle} or {@code
 * NotFound} for any other. What a heartbeat does to liveness is in {@link LivenessContract}.
 */
public interface HeartbeatContract extends Contract {

  /**
   * A heartbeat of the current handle succeeds, right after register and right after restart, and
   * changes nothing that {@code resolve} shows.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void heartbeatOfCurrentHandleSucceeds() throws SamgrError {
    try (ServiceManager samgr = open()) {
      ServiceHandle registered = samgr.register("tck.beat", Endpoint.of("tcp://a:1"));
      samgr.heartbeat(registered);
      samgr.heartbeat(registered);
      assertEquals(registered, samgr.resolve("tck.beat"));
      ServiceHandle restarted = samgr.restart("tck.beat", Endpoint.of("tcp://b:2"));
      samgr.heartbeat(restarted);
      assertEquals(restarted, samgr.resolve("tck.beat"));
    }
  }

  /**
   * A handle that names a registered service but a generation it never had (here, a later one) is
   * stale too: only the current generation is accepted.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void heartbeatWithGenerationNeverIssuedThrowsStaleHandle() throws SamgrError {
    try (ServiceManager samgr = open()) {
      ServiceHandle current = samgr.register("tck.future", Endpoint.of("tcp://a:1"));
      ServiceHandle forged =
          new ServiceHandle(
              "tck.future",
              current.endpoint(),
              new Generation(current.generation().value() + 1000));
      SamgrError.StaleHandle stale =
          assertThrows(SamgrError.StaleHandle.class, () -> samgr.heartbeat(forged));
      assertEquals(forged, stale.handle());
      assertEquals(current.generation(), stale.current());
      assertEquals(current, samgr.resolve("tck.future"));
    }
  }

  /**
   * {@code heartbeat} of a handle whose name is not registered throws {@code NotFound} carrying and
   * naming that name.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void heartbeatOfUnknownNameThrowsNotFound() throws SamgrError {
    try (ServiceManager samgr = open()) {
      ServiceHandle registered = samgr.register("tck.known", Endpoint.of("tcp://a:1"));
      ServiceHandle ghost =
          new ServiceHandle("tck.ghost", Endpoint.of("tcp://a:1"), registered.generation());
      SamgrError.NotFound notFound =
          assertThrows(SamgrError.NotFound.class, () -> samgr.heartbeat(ghost));
      assertEquals("tck.ghost", notFound.name());
      assertMessageContains(notFound, "tck.ghost");
    }
  }
}
