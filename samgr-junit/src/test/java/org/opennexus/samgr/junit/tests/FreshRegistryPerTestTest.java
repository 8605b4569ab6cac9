package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.junit.SamgrTest;

/** Each test gets its own registry, and every registry is closed once its test is over. */
@SamgrTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreshRegistryPerTestTest {

  /** The managers the tests got, in order; the class runs its tests one at a time, in order. */
  private static final List<ServiceManager> seen = new ArrayList<>();

  @Test
  @Order(1)
  void firstTestRegistersAService(ServiceManager samgr) throws SamgrError {
    seen.add(samgr);
    samgr.register("svc", Endpoint.of("tcp://127.0.0.1:7000"));
    assertEquals(1, samgr.services().size());
  }

  @Test
  @Order(2)
  void secondTestGetsAnotherEmptyRegistry(ServiceManager samgr) throws SamgrError {
    assertEquals(1, seen.size(), "the first test ran first");
    assertNotSame(seen.get(0), samgr);
    assertEquals(List.of(), samgr.services());
    assertTrue(samgr.find("svc").isEmpty());
    // The same name registers afresh: nothing leaked from the first test's registry.
    samgr.register("svc", Endpoint.of("tcp://127.0.0.1:7001"));
    seen.add(samgr);
  }

  @Test
  @Order(3)
  void earlierRegistriesAreClosedOnceTheirTestIsOver() {
    assertEquals(2, seen.size());
    for (ServiceManager earlier : seen) {
      IllegalStateException closed = assertThrows(IllegalStateException.class, earlier::services);
      assertNotNull(closed.getMessage());
      assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }
  }

  @AfterAll
  static void theLastTestsRegistryIsClosedToo() {
    assertEquals(2, seen.size());
    for (ServiceManager manager : seen) {
      assertThrows(IllegalStateException.class, () -> manager.find("svc"));
    }
  }
}
