package org.opennexus.samgr.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * With metrics on, {@code resolve}, {@code heartbeat} and {@code find} through the monitor still
 * allocate nothing in steady state (the plain registry's own 0 B/op is samgr-tests'
 * AllocationTest): per-thread allocated bytes over a million calls after a warm-up, as there.
 * {@code com.sun.management.ThreadMXBean} is reached reflectively, so that this module's tests need
 * not read {@code java.management}; the reflective call's own few bytes fit in the slack.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MonitoredAllocationTest {

  private static final int CALLS = 1_000_000;
  private static final int ATTEMPTS = 5;
  private static final long SLACK_BYTES = 1024;

  private static final AtomicLong SINK = new AtomicLong();
  private static final AtomicReference<Object> ESCAPE = new AtomicReference<>();

  @FunctionalInterface
  private interface Loop {
    long run(int calls) throws Exception;
  }

  /** The platform ThreadMXBean and its getCurrentThreadAllocatedBytes, looked up once. */
  private static final Object THREADS;

  private static final Method ALLOCATED;

  static {
    try {
      THREADS =
          Class.forName("java.lang.management.ManagementFactory")
              .getMethod("getThreadMXBean")
              .invoke(null);
      ALLOCATED =
          Class.forName("com.sun.management.ThreadMXBean")
              .getMethod("getCurrentThreadAllocatedBytes");
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static long allocatedBytes() throws ReflectiveOperationException {
    return (Long) ALLOCATED.invoke(THREADS);
  }

  private static void assertAllocatesNothing(String what, Loop loop) throws Exception {
    List<Long> measured = new ArrayList<>();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      SINK.addAndGet(loop.run(CALLS)); // warm-up
      long before = allocatedBytes();
      long result = loop.run(CALLS);
      long after = allocatedBytes();
      SINK.addAndGet(result);
      long bytes = after - before;
      if (bytes <= SLACK_BYTES) {
        return;
      }
      measured.add(bytes);
    }
    throw new AssertionError(
        what
            + " allocated "
            + measured
            + " bytes per "
            + CALLS
            + " calls (slack "
            + SLACK_BYTES
            + ")");
  }

  @Test
  void monitoredResolveHeartbeatAndFindAllocateNothing() throws Exception {
    MeterRegistry meters = new SimpleMeterRegistry();
    try (ServiceManager samgr = SamgrMetrics.monitor(meters, Samgr.open("host"))) {
      ServiceHandle handle = samgr.register("alloc", Endpoint.of("tcp://127.0.0.1:1"));
      assertAllocatesNothing(
          "monitored resolve",
          calls -> {
            long sum = 0;
            for (int i = 0; i < calls; i++) {
              sum += samgr.resolve("alloc").generation().value();
            }
            return sum;
          });
      assertAllocatesNothing(
          "monitored heartbeat",
          calls -> {
            for (int i = 0; i < calls; i++) {
              samgr.heartbeat(handle);
            }
            return calls;
          });
      assertAllocatesNothing(
          "monitored find of a missing name",
          calls -> {
            long found = 0;
            for (int i = 0; i < calls; i++) {
              found += samgr.find("missing").isPresent() ? 1 : 0;
            }
            return found;
          });
      double resolves =
          meters
              .get(SamgrMetrics.OPERATIONS)
              .tag("operation", "resolve")
              .tag("outcome", "ok")
              .functionCounter()
              .count();
      assertTrue(resolves >= 2.0 * CALLS, "resolves counted: " + resolves);
    }
  }

  @Test
  void measurementSeesAllocation() throws Exception {
    long before = allocatedBytes();
    for (int i = 0; i < CALLS; i++) {
      ESCAPE.set(new long[1]);
    }
    long bytes = allocatedBytes() - before;
    assertTrue(bytes >= 16L * CALLS, "the meter saw only " + bytes + " bytes");
  }
}
