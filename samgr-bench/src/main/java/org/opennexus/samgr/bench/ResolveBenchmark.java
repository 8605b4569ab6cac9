package org.opennexus.samgr.bench;

import java.util.Optional;
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
 * {@code resolve} of a registered name (a hit) and {@code find} of a name never registered (a
 * miss), single-threaded, on each {@link Impl} at 1,000 and 1,000,000 services. The keys are drawn
 * at random over all registered names, so at 1,000,000 services most lookups miss the CPU caches.
 *
 * <p>Target: {@code host} {@code resolve} at most 1.3x the {@code chm} floor (one {@code
 * ConcurrentHashMap.get}) and 0 B/op.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'ResolveBenchmark' -prof gc
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
public class ResolveBenchmark extends PopulatedRegistry {

  private String[] absent;

  /** Creates the benchmark state; JMH calls this. */
  public ResolveBenchmark() {}

  /** Picks names that are not registered, for the miss benchmark. */
  @Override
  protected void prepare() {
    absent = Population.absent(keys.length);
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
    return registry.resolve(keys[cursor.next() & mask]);
  }

  /**
   * Looks up a valid name that is not registered.
   *
   * @param cursor this thread's position in the keys
   * @return an empty optional
   * @throws SamgrError never
   */
  @Benchmark
  public Optional<ServiceHandle> findMiss(Cursor cursor) throws SamgrError {
    return registry.find(absent[cursor.next() & mask]);
  }
}
