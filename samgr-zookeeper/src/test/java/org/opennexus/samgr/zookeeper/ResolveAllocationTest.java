package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * {@code resolve} on a client's view allocates nothing once the version's handle was built: the
 * view keeps a name's endpoint as bytes and builds its handle on the first {@code resolve} of each
 * version (so a name never resolved costs no handle), then keeps it. Measured per thread with
 * {@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()} over a million calls, on
 * the writing client and on another client whose view the write reached; the first {@code resolve}
 * of a new version is measured too, so the meter is shown to see the handle being built.
 */
@Timeout(120)
class ResolveAllocationTest {

  private static final int CALLS = 1_000_000;
  private static final int ATTEMPTS = 5;

  /** What the measurement may allocate around a million calls; one object per call is 16 MB. */
  private static final long SLACK_BYTES = 1024;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final AtomicLong SINK = new AtomicLong();

  @RegisterExtension static final TestServer server = TestServer.perClass();

  @BeforeAll
  static void meter() {
    assertTrue(THREADS.isThreadAllocatedMemorySupported(), "this JVM cannot measure allocation");
    THREADS.setThreadAllocatedMemoryEnabled(true);
  }

  private static long resolveMany(ServiceManager client, String name) throws SamgrError {
    long sum = 0;
    for (int i = 0; i < CALLS; i++) {
      sum += client.resolve(name).generation().value();
    }
    return sum;
  }

  /** Warms up and measures a million resolves, up to {@value #ATTEMPTS} times (JIT settling). */
  private static void assertResolvesAllocateNothing(ServiceManager client, String name)
      throws SamgrError {
    List<Long> measured = new ArrayList<>();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      SINK.addAndGet(resolveMany(client, name));
      long before = THREADS.getCurrentThreadAllocatedBytes();
      long sum = resolveMany(client, name);
      long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
      SINK.addAndGet(sum);
      if (bytes <= SLACK_BYTES) {
        return;
      }
      measured.add(bytes);
    }
    throw new AssertionError(
        "resolve allocated " + measured + " bytes per " + CALLS + " calls, attempt by attempt");
  }

  /** What one resolve allocates: the first of a version builds its handle. */
  private static long oneResolve(ServiceManager client, String name, ServiceHandle expected)
      throws SamgrError {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    ServiceHandle got = client.resolve(name);
    long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertEquals(expected, got);
    return bytes;
  }

  @Test
  void resolveAllocatesNothingOnceAVersionsHandleIsBuilt() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    Duration hour = Duration.ofHours(1); // no heartbeat falls due to be written unless asked
    try (ServiceManager writer = ZkTestSupport.open(server.connect(), ns, clock, hour);
        ServiceManager reader = ZkTestSupport.open(server.connect(), ns, clock, hour)) {
      ServiceHandle first = writer.register("svc", Endpoint.of("tcp://10.1.134.160:7000"));
      assertEquals(first, reader.await("svc", Duration.ofSeconds(20)));
      assertResolvesAllocateNothing(writer, "svc");
      assertResolvesAllocateNothing(reader, "svc");

      ServiceHandle second = writer.restart(first, Endpoint.of("tcp://10.1.134.160:7001"));
      ZkTestSupport.awaitUntil(
          () -> reader.resolve("svc").generation().equals(second.generation()),
          "the reader saw the restart");
      assertTrue(
          oneResolve(writer, "svc", second) >= 64, "the writer's first resolve built a handle");
      assertResolvesAllocateNothing(writer, "svc");
      assertResolvesAllocateNothing(reader, "svc");

      // A heartbeat written (the last written is older than a quarter of the timeout) is a new
      // version of the same generation and endpoint: it takes over the handle, no resolve builds.
      Instant beat = clock.advance(Duration.ofMinutes(20));
      writer.heartbeat(second);
      ZkTestSupport.awaitUntil(
          () -> reader.liveness("svc").lastHeartbeat().equals(beat), "the reader saw the beat");
      assertEquals(beat, writer.liveness("svc").lastHeartbeat());
      assertTrue(oneResolve(writer, "svc", second) < 64, "the writer built the handle again");
      assertTrue(oneResolve(reader, "svc", second) < 64, "the reader built the handle again");
    }
  }
}
