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
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;

/**
 * {@code restart(name, endpoint)} of a random registered service, single-threaded, on each {@link
 * Impl} at 1,000 and 1,000,000 services; {@code chm} is one {@code computeIfPresent} that stores a
 * new handle.
 *
 * <p>Target: {@code host} at most 2x {@code chm}.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'RestartBenchmark' -prof gc
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
public class RestartBenchmark extends PopulatedRegistry {

  private final Endpoint endpoint = Population.endpoint(1);

  /** Creates the benchmark state; JMH calls this. */
  public RestartBenchmark() {}

  /**
   * Restarts a registered service.
   *
   * @param cursor this thread's position in the keys
   * @return the new handle
   * @throws SamgrError never
   */
  @Benchmark
  public ServiceHandle restart(Cursor cursor) throws SamgrError {
    return registry.restart(keys[cursor.next() & mask], endpoint);
  }
}
