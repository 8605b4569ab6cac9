package org.opennexus.samgr.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

class SmokeTest {
  @Test
  void bothBackendsArePresent() {
    assertEquals(List.of("host", "os"), Samgr.environments());
  }

  @Test
  void restartMakesOldHandleStale() throws SamgrError {
    try (ServiceManager manager = Samgr.open("host")) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      ServiceHandle second = manager.restart("svc", Endpoint.of("b"));
      SamgrError.StaleHandle stale =
          assertThrows(SamgrError.StaleHandle.class, () -> manager.heartbeat(first));
      assertEquals(first, stale.handle());
      assertEquals(second.generation(), stale.current());
      assertEquals(second, manager.resolve("svc"));
    }
  }
}
