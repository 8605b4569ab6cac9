package com.example.harness.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.harness.Harness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.junit.SamgrTest;

@SamgrTest(livenessTimeout = "PT5S")
@Timeout(30)
class HarnessTest {

  @Test
  void secondStartRestartsAndFencesTheFirstHandle(ServiceManager samgr) throws SamgrError {
    ServiceHandle first = Harness.start(samgr, "net", "tcp://127.0.0.1:7000");
    ServiceHandle second = Harness.start(samgr, "net", "tcp://127.0.0.1:7001");

    assertEquals("host", samgr.environment());
    assertEquals(Endpoint.of("tcp://127.0.0.1:7001"), second.endpoint());
    assertTrue(second.generation().isAfter(first.generation()));
    assertEquals(second, samgr.resolve("net"));
    SamgrError.StaleHandle stale =
        assertThrows(SamgrError.StaleHandle.class, () -> samgr.heartbeat(first));
    assertEquals(first, stale.handle());
    assertEquals(second.generation(), stale.current());
  }

  @Test
  void silentServiceExpiresOnTheManualClock(ServiceManager samgr, ManualClock clock)
      throws SamgrError {
    ServiceHandle net = Harness.start(samgr, "net", "tcp://127.0.0.1:7000");
    clock.advance(Duration.ofSeconds(6));
    assertEquals(List.of(net), samgr.sweepExpired());
  }

  @Test
  void runsInTheLayoutItsSurefireExecutionSets() {
    String expected = System.getProperty("consumer.expectedLayout");
    boolean modulePath = expected.equals("module-path");
    assertTrue(modulePath || expected.equals("class-path"), expected);
    assertEquals(modulePath, Harness.class.getModule().isNamed());
    assertEquals(modulePath, ServiceManager.class.getModule().isNamed());
    assertEquals(modulePath, SamgrTest.class.getModule().isNamed());
    assertEquals(modulePath, HarnessTest.class.getModule().isNamed());
  }
}
