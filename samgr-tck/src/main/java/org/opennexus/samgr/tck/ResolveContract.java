package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;

import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/** {@code resolve}: the current handle of a registered name, {@code NotFound} for any other. */
public interface ResolveContract extends Contract {

  /**
   * A registered service resolves to a handle equal to the one {@code register} returned, with the
   * name and endpoint given and a positive generation.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void registerThenResolveReturnsEqualHandle() throws SamgrError {
    try (ServiceManager samgr = open()) {
      Endpoint endpoint = Endpoint.of("tcp://127.0.0.1:7001");
      ServiceHandle registered = samgr.register("tck.round-trip", endpoint);
      assertEquals("tck.round-trip", registered.name());
      assertEquals(endpoint, registered.endpoint());
      assertTrue(registered.generation().value() >= 1, () -> "generation " + registered);
      assertEquals(registered, samgr.resolve("tck.round-trip"));
    }
  }

  /**
   * {@code resolve} of a name never registered throws {@code NotFound} carrying and naming it.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void resolveOfUnknownNameThrowsNotFound() throws SamgrError {
    try (ServiceManager samgr = open()) {
      samgr.register("tck.other", Endpoint.of("tcp://a:1"));
      SamgrError.NotFound notFound =
          assertThrows(SamgrError.NotFound.class, () -> samgr.resolve("tck.missing"));
      assertEquals("tck.missing", notFound.name());
      assertMessageContains(notFound, "tck.missing");
    }
  }
}
