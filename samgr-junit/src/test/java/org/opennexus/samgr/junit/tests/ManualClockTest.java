package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.junit.SamgrExtension;
import org.opennexus.samgr.junit.SamgrTest;

/** The injected clock is the registry's: advancing it drives liveness and Expired, no sleeps. */
@SamgrTest(livenessTimeout = "PT5S")
class ManualClockTest {

  @Test
  void clockStartsAtTheDocumentedInstantAndStandsStill(ManualClock clock, ServiceManager samgr)
      throws SamgrError {
    assertEquals(SamgrExtension.CLOCK_START, clock.instant());
    samgr.register("svc", Endpoint.of("tcp://127.0.0.1:7000"));
    assertEquals(SamgrExtension.CLOCK_START, samgr.liveness("svc").lastHeartbeat());
    assertEquals(SamgrExtension.CLOCK_START, clock.instant());
  }

  @Test
  void advancingPastTheTimeoutThenSweepingSendsExpiredOnce(ServiceManager samgr, ManualClock clock)
      throws SamgrError {
    List<ServiceEvent> events = new CopyOnWriteArrayList<>();
    ServiceHandle svc = samgr.register("svc", Endpoint.of("tcp://127.0.0.1:7000"));
    try (Subscription watch = samgr.watch("svc", events::add)) {
      clock.advance(Duration.ofSeconds(5));
      assertEquals(List.of(), samgr.sweepExpired(), "alive at exactly the timeout");
      assertTrue(samgr.liveness("svc").alive());

      clock.advance(Duration.ofMillis(1));
      assertEquals(List.of(svc), samgr.sweepExpired());
      assertEquals(List.of(), samgr.sweepExpired(), "Expired is sent once per transition");
      assertEquals(
          List.of(new ServiceEvent.Registered(svc), new ServiceEvent.Expired(svc)), events);
    }
  }

  @Test
  void heartbeatAfterAdvancingMakesTheServiceAliveAgain(ServiceManager samgr, ManualClock clock)
      throws SamgrError {
    ServiceHandle svc = samgr.register("svc", Endpoint.of("tcp://127.0.0.1:7000"));
    clock.advance(Duration.ofSeconds(6));
    assertFalse(samgr.liveness("svc").alive());

    samgr.heartbeat(svc);
    Liveness liveness = samgr.liveness("svc");
    assertTrue(liveness.alive());
    assertEquals(clock.instant(), liveness.lastHeartbeat());
  }

  @Test
  @SamgrTest
  void annotationOnTheMethodOverridesTheClassAndKeepsTheDefaultTimeout(
      ServiceManager samgr, ManualClock clock) throws SamgrError {
    ServiceHandle svc = samgr.register("svc", Endpoint.of("tcp://127.0.0.1:7000"));
    clock.advance(Duration.ofSeconds(30));
    assertEquals(List.of(), samgr.sweepExpired(), "30 s is Samgr's default timeout");
    clock.advance(Duration.ofMillis(1));
    assertEquals(List.of(svc), samgr.sweepExpired());
  }
}
