package org.opennexus.samgr.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SamgrObservationsTest {

  private final List<String> stopped = new CopyOnWriteArrayList<>();
  private final ObservationRegistry observations = ObservationRegistry.create();
  private final List<ServiceManager> opened = new ArrayList<>();

  SamgrObservationsTest() {
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler<Observation.Context>() {
              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }

              @Override
              public void onStop(Observation.Context context) {
                TreeMap<String, String> keys = new TreeMap<>();
                for (KeyValue kv : context.getAllKeyValues()) {
                  keys.put(kv.getKey(), kv.getValue());
                }
                Throwable error = context.getError();
                stopped.add(
                    context.getName()
                        + " '"
                        + context.getContextualName()
                        + "' "
                        + keys
                        + (error == null ? "" : " " + error.getClass().getSimpleName()));
              }
            });
  }

  @AfterEach
  void closeAll() {
    opened.forEach(ServiceManager::close);
  }

  @Test
  void writesAreObservationsWithOperationOutcomeAndName() throws Exception {
    ServiceManager plain = Samgr.open("host");
    opened.add(plain);
    ServiceManager samgr = SamgrObservations.observe(observations, plain);
    ServiceHandle a = samgr.register("a", Endpoint.of("tcp://a"));
    assertThrows(SamgrError.Duplicate.class, () -> samgr.register("a", Endpoint.of("tcp://b")));
    ServiceHandle a2 = samgr.restart(a, Endpoint.of("tcp://b"));
    samgr.resolve("a"); // reads are not observed
    samgr.heartbeat(a2);
    samgr.restart("a", Endpoint.of("tcp://c"));
    assertThrows(SamgrError.StaleHandle.class, () -> samgr.unregister(a2));
    assertEquals(
        List.of(
            "samgr.write 'samgr register' {operation=register, outcome=ok, samgr.service=a}",
            "samgr.write 'samgr register' {operation=register, outcome=duplicate,"
                + " samgr.service=a} Duplicate",
            "samgr.write 'samgr restart' {operation=restart, outcome=ok, samgr.service=a}",
            "samgr.write 'samgr restart' {operation=restart, outcome=ok, samgr.service=a}",
            "samgr.write 'samgr unregister' {operation=unregister, outcome=stale-handle,"
                + " samgr.service=a} StaleHandle"),
        stopped);
  }

  @Test
  void aMeterHandlerTimesWritesBesideTheMonitorsCounters() throws Exception {
    MeterRegistry meters = new SimpleMeterRegistry();
    ObservationRegistry timed = ObservationRegistry.create();
    timed.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    ServiceManager plain = Samgr.open("host");
    opened.add(plain);
    ServiceManager samgr = SamgrObservations.observe(timed, SamgrMetrics.monitor(meters, plain));
    samgr.register("a", Endpoint.of("tcp://a"));
    assertEquals(
        1,
        meters
            .get(SamgrObservations.WRITE)
            .tag("operation", "register")
            .tag("outcome", "ok")
            .timer()
            .count());
    assertEquals(
        1.0,
        meters
            .get(SamgrMetrics.OPERATIONS)
            .tag("operation", "register")
            .tag("outcome", "ok")
            .functionCounter()
            .count());
  }
}
