package org.opennexus.samgr.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * How long a writer ({@code restart}, {@code register}) takes on the {@code host} backend when a
 * {@code watchAll} listener takes {@link #LISTENER_MILLIS} ms per event, by {@link Delivery} mode:
 * {@code none} (no listener: the baseline), {@code executor} (listeners on a 2-thread pool given to
 * {@code Samgr.Builder.executor}) and {@code callerRuns} (no executor: the writer delivers its own
 * event and pays for the listener).
 *
 * <p>Each measured call is one single shot, timed alone: after it, the iteration's teardown waits
 * until the listener has finished the event, so that no backlog builds up across calls and every
 * call meets an idle listener. The target: with an executor, a writer's time stays within a few
 * microseconds of the no-listener baseline, while caller-runs pays the 50 ms.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'SlowListenerBenchmark' -f 1 -wi 20 -i 50 -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 50)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@SuppressWarnings("NullAway.Init") // JMH sets the parameters and calls setUp before any benchmark
public class SlowListenerBenchmark {

  /** How long the listener takes per event. */
  public static final long LISTENER_MILLIS = 50;

  /** How long an iteration's teardown waits for the listener before it gives up. */
  private static final long DRAIN_TIMEOUT_MILLIS = 10_000;

  /** Where listeners run. */
  public enum Delivery {
    /** No listener at all. */
    none,
    /** A listener, run on an executor. */
    executor,
    /** A listener, run by the writer (no executor). */
    callerRuns
  }

  /** The delivery mode. */
  @Param({"none", "executor", "callerRuns"})
  public Delivery delivery;

  private @Nullable ExecutorService pool;
  private ServiceManager samgr;
  private ServiceHandle current;
  private final Endpoint endpoint = Population.endpoint(1);
  private final AtomicLong delivered = new AtomicLong();
  private long expected;
  private long registered;

  /** Creates the benchmark state; JMH calls this. */
  public SlowListenerBenchmark() {}

  /**
   * Opens the registry for the mode, registers the service to restart and starts the listener.
   *
   * @throws SamgrError never
   */
  @Setup(Level.Trial)
  public void setUp() throws SamgrError {
    Samgr.Builder builder = Samgr.builder().environment("host");
    if (delivery == Delivery.executor) {
      ExecutorService executor = Executors.newFixedThreadPool(2);
      pool = executor;
      builder.executor(executor);
    }
    samgr = builder.open();
    current = samgr.register("svc", endpoint);
    if (delivery != Delivery.none) {
      samgr.watchAll(
          event -> {
            try {
              Thread.sleep(LISTENER_MILLIS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            delivered.incrementAndGet();
          });
      expected = 1; // the Registered event of "svc", sent on subscribing
      awaitListener();
    }
  }

  /**
   * Waits until the listener has handled every event so far, so that the next call meets an idle
   * listener.
   */
  @TearDown(Level.Iteration)
  public void awaitListener() {
    if (delivery == Delivery.none) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MILLIS);
    while (delivered.get() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the listener handled " + delivered.get() + " of " + expected + " events");
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Closes the registry and stops the executor. */
  @TearDown(Level.Trial)
  public void tearDown() {
    samgr.close();
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /**
   * Restarts the service: one event for the listener.
   *
   * @return the new handle
   * @throws SamgrError never
   */
  @Benchmark
  public ServiceHandle restart() throws SamgrError {
    expected++;
    current = samgr.restart(current, endpoint);
    return current;
  }

  /**
   * Registers a new service: one event for the listener.
   *
   * @return the handle
   * @throws SamgrError never
   */
  @Benchmark
  public ServiceHandle register() throws SamgrError {
    expected++;
    return samgr.register("new-" + registered++, endpoint);
  }
}
