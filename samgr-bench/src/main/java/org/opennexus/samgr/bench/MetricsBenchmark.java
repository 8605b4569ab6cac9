package org.opennexus.samgr.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.metrics.SamgrMetrics;

/**
 * {@code resolve} of a registered name and {@code heartbeat} of a current handle on the {@code
 * host} backend, single-threaded, at 1,000 and 100,000 services: the plain registry ({@code
 * metrics=off}, the baseline) beside the same registry wrapped by {@link SamgrMetrics#monitor} with
 * a {@link SimpleMeterRegistry} ({@code simple}) and with the {@link PrometheusMeterRegistry} that
 * {@code samgr serve --metrics} uses ({@code prometheus}). The calls go straight to the {@link
 * ServiceManager}, not through the {@link Registry} facade, so that both sides pay the same
 * interface call; each fork loads one of them, so the call stays monomorphic.
 *
 * <p>Target: with no metrics, {@code resolve} and {@code heartbeat} 0 B/op; with metrics on, {@code
 * resolve} at most 1.2x the plain registry's in the same run.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'MetricsBenchmark' -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@SuppressWarnings("NullAway.Init") // JMH sets the parameters and calls setUp before any benchmark
public class MetricsBenchmark {

  /** Which metrics, if any, wrap the registry. */
  public enum Metrics {
    /** The plain registry, as {@code Samgr.open("host")} returns it: the baseline. */
    off {
      @Override
      ServiceManager wrap(ServiceManager samgr) {
        return samgr;
      }
    },
    /** {@link SamgrMetrics#monitor} with a {@link SimpleMeterRegistry}. */
    simple {
      @Override
      ServiceManager wrap(ServiceManager samgr) {
        return SamgrMetrics.monitor(new SimpleMeterRegistry(), samgr);
      }
    },
    /** {@link SamgrMetrics#monitor} with the Prometheus registry of {@code samgr serve}. */
    prometheus {
      @Override
      ServiceManager wrap(ServiceManager samgr) {
        MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return SamgrMetrics.monitor(registry, samgr);
      }
    };

    /** Returns {@code samgr} as the benchmark calls it. */
    abstract ServiceManager wrap(ServiceManager samgr);
  }

  /** Which metrics wrap the registry. */
  @Param public Metrics metrics;

  /** How many services are registered. */
  @Param({"1000", "100000"})
  public int size;

  private ServiceManager samgr;
  private String[] keys;
  private ServiceHandle[] handles;
  private int mask;

  /** Creates the benchmark state; JMH calls this. */
  public MetricsBenchmark() {}

  /**
   * Opens the {@code host} registry, wraps it, registers {@link #size} services through the wrapper
   * and resolves a handle for every lookup key.
   *
   * @throws SamgrError never
   */
  @Setup
  public void setUp() throws SamgrError {
    samgr = metrics.wrap(Samgr.open("host"));
    for (int i = 0; i < size; i++) {
      samgr.register(Population.name(i), Population.endpoint(i));
    }
    keys = Population.keys(size);
    mask = keys.length - 1;
    handles = new ServiceHandle[keys.length];
    for (int i = 0; i < keys.length; i++) {
      handles[i] = samgr.resolve(keys[i]);
    }
  }

  /** Closes the registry (and removes the monitor's meters). */
  @TearDown
  public void tearDown() {
    samgr.close();
  }

  /**
   * Resolves a registered name.
   *
   * @param cursor this thread's position in the keys
   * @return the handle
   * @throws SamgrError never
   */
  @Benchmark
  public ServiceHandle resolve(Cursor cursor) throws SamgrError {
    return samgr.resolve(keys[cursor.next() & mask]);
  }

  /**
   * Heartbeats a current handle.
   *
   * @param cursor this thread's position in the handles
   * @throws SamgrError never
   */
  @Benchmark
  public void heartbeat(Cursor cursor) throws SamgrError {
    samgr.heartbeat(handles[cursor.next() & mask]);
  }
}
