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
 * {@code register} of a new name followed by {@code unregister} of its handle, single-threaded, on
 * each {@link Impl} beside {@link #size} other registered services. One operation is the pair;
 * {@code chm} is {@code putIfAbsent} of a new handle plus a conditional {@code remove}.
 *
 * <p>Target: {@code host} at most 2x {@code chm}.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'ChurnBenchmark' -prof gc
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
public class ChurnBenchmark extends PopulatedRegistry {

  private static final int NAMES = 1 << 10;

  private String[] names;
  private final Endpoint endpoint = Population.endpoint(0);

  /** Creates the benchmark state; JMH calls this. */
  public ChurnBenchmark() {}

  /** Makes the names that are registered and unregistered. */
  @Override
  protected void prepare() {
    names = new String[NAMES];
    for (int i = 0; i < NAMES; i++) {
      names[i] = "churn-" + i;
    }
  }

  /**
   * Registers a name that is free, then unregisters it.
   *
   * @param cursor this thread's position in the names
   * @return the handle that was registered
   * @throws SamgrError never
   */
  @Benchmark
  public ServiceHandle registerUnregister(Cursor cursor) throws SamgrError {
    ServiceHandle handle = registry.register(names[cursor.next() & (NAMES - 1)], endpoint);
    registry.unregister(handle);
    return handle;
  }
}
