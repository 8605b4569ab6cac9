package org.opennexus.samgr.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * The host backend's hot paths allocate nothing in steady state, measured per thread with {@link
 * com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()} over a million calls after a
 * warm-up.
 *
 * <p>The slack of {@value #SLACK_BYTES} bytes per million calls covers what the measurement itself
 * may allocate around the loop; a call that allocated even one 16-byte object would show 16,000,000
 * bytes. {@link #measurementSeesAllocation()} proves the meter sees allocation at all.
 */
class AllocationTest {

  private static final int CALLS = 1_000_000;
  private static final int ATTEMPTS = 5;
  private static final long SLACK_BYTES = 1024;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Keeps results alive so the JIT cannot drop the calls. */
  private static final AtomicLong SINK = new AtomicLong();

  /** Where the allocating canary stores its objects, so escape analysis cannot remove them. */
  private static final AtomicReference<Object> ESCAPE = new AtomicReference<>();

  @FunctionalInterface
  private interface Loop {
    long run(int calls) throws SamgrError;
  }

  @BeforeAll
  static void meter() {
    assertTrue(THREADS.isThreadAllocatedMemorySupported(), "this JVM cannot measure allocation");
    if (!THREADS.isThreadAllocatedMemoryEnabled()) {
      THREADS.setThreadAllocatedMemoryEnabled(true);
    }
  }

  /**
   * Warms the loop up and measures it, up to {@value #ATTEMPTS} times (JIT compilation may still be
   * settling); passes on the first measurement within the slack, or fails listing every
   * measurement.
   */
  private static void assertAllocatesNothing(String what, Loop loop) throws SamgrError {
    List<Long> measured = new ArrayList<>();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      SINK.addAndGet(loop.run(CALLS)); // warm-up
      long before = THREADS.getCurrentThreadAllocatedBytes();
      long result = loop.run(CALLS);
      long after = THREADS.getCurrentThreadAllocatedBytes();
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
            + " calls in "
            + ATTEMPTS
            + " attempts (slack "
            + SLACK_BYTES
            + ")");
  }

  @Test
  void resolveOfRegisteredNameAllocatesNothing() throws SamgrError {
    try (ServiceManager samgr = Samgr.open("host")) {
      ServiceHandle handle = samgr.register("alloc.resolve", Endpoint.of("tcp://127.0.0.1:1"));
      assertAllocatesNothing(
          "resolve",
          calls -> {
            long sum = 0;
            for (int i = 0; i < calls; i++) {
              sum += samgr.resolve("alloc.resolve").generation().value();
            }
            return sum;
          });
      assertEquals(handle, samgr.resolve("alloc.resolve"));
    }
  }

  @Test
  void heartbeatOfCurrentHandleAllocatesNothing() throws SamgrError {
    // The system clock, so the liveness slot really moves forward now and then.
    try (ServiceManager samgr = Samgr.open("host")) {
      ServiceHandle handle = samgr.register("alloc.heartbeat", Endpoint.of("tcp://127.0.0.1:1"));
      assertAllocatesNothing(
          "heartbeat",
          calls -> {
            for (int i = 0; i < calls; i++) {
              samgr.heartbeat(handle);
            }
            return calls;
          });
      assertEquals(handle, samgr.resolve("alloc.heartbeat"));
    }
  }

  @Test
  void findOfMissingNameAllocatesNothing() throws SamgrError {
    try (ServiceManager samgr = Samgr.open("host")) {
      samgr.register("alloc.present", Endpoint.of("tcp://127.0.0.1:1"));
      assertAllocatesNothing(
          "find of a missing name",
          calls -> {
            long found = 0;
            for (int i = 0; i < calls; i++) {
              if (samgr.find("alloc.missing").isPresent()) {
                found++;
              }
            }
            return found;
          });
      assertTrue(samgr.find("alloc.missing").isEmpty());
    }
  }

  @Test
  void measurementSeesAllocation() {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < CALLS; i++) {
      ESCAPE.set(new long[1]);
    }
    long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertTrue(
        bytes >= 16L * CALLS,
        "the meter saw only " + bytes + " bytes for " + CALLS + " escaping allocations");
  }
}
