package org.opennexus.samgr.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;

/**
 * {@code heartbeat} with a current handle of a random registered service, single-threaded, on each
 * {@link Impl} at 1,000 and 1,000,000 services. Every implementation reads the system clock ({@code
 * InstantSource.system()}); {@code chm} is a {@code get} plus one volatile write of the time, with
 * no stale-handle check.
 *
 * <p>Target: {@code host} 0 B/op and at most 2x {@code chm}.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'HeartbeatBenchmark' -prof gc
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
public class HeartbeatBenchmark extends PopulatedRegistry {

  private ServiceHandle[] handles;

  /** Creates the benchmark state; JMH calls this. */
  public HeartbeatBenchmark() {}

  /**
   * Resolves a handle for every registered name.
   *
   * @throws SamgrError never
   */
  @Override
  protected void prepare() throws SamgrError {
    handles = new ServiceHandle[keys.length];
    for (int i = 0; i < keys.length; i++) {
      handles[i] = registry.resolve(keys[i]);
    }
  }

  /**
   * Heartbeats a current handle.
   *
   * @param cursor this thread's position in the handles
   * @throws SamgrError never
   */
  @Benchmark
  public void heartbeat(Cursor cursor) throws SamgrError {
    registry.heartbeat(handles[cursor.next() & mask]);
  }
}
