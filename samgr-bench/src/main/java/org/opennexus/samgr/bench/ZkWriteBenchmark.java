package org.opennexus.samgr.bench;

import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;

/**
 * {@code register}, {@code restart} and {@code unregister} on the {@code zookeeper} backend ({@code
 * client=samgr}) beside the bare Curator round trip each needs ({@code client=curator}), on one
 * in-process server with {@code forceSync=no}, single-threaded. Sample time: JMH reports the median
 * ({@code p0.50}) and the {@code p0.99} of single calls.
 *
 * <p>Target: each samgr median within 1.3x of the bare round trip's.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'ZkWriteBenchmark' -f 1 -wi 2 -i 3
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dzookeeper.forceSync=no"})
public class ZkWriteBenchmark extends ZkWrites {

  private final Endpoint endpoint = Population.endpoint(1);

  /** Creates the benchmark state; JMH calls this. */
  public ZkWriteBenchmark() {}

  /**
   * Registers a name never registered before: a new record node.
   *
   * @return the handle (samgr) or null (curator)
   * @throws Exception if the write fails
   */
  @Benchmark
  public @Nullable ServiceHandle register() throws Exception {
    return register(freshName(), endpoint);
  }

  /**
   * Restarts a registered service.
   *
   * @param cursor this thread's position among the services
   * @return the handle (samgr) or null (curator)
   * @throws Exception if the write fails
   */
  @Benchmark
  public @Nullable ServiceHandle restart(Cursor cursor) throws Exception {
    return restart(Math.floorMod(cursor.next(), SIZE), endpoint);
  }

  /**
   * Unregisters the service {@link Fresh} registered just before (not measured).
   *
   * @param fresh the service to remove
   * @throws Exception if the write fails
   */
  @Benchmark
  public void unregister(Fresh fresh) throws Exception {
    unregister(fresh.handle, fresh.name);
  }

  /** A service registered before each {@code unregister} call, outside the measurement. */
  @State(Scope.Thread)
  @SuppressWarnings("NullAway.Init") // JMH calls register before the benchmark method
  public static class Fresh {
    @Nullable ServiceHandle handle;
    String name;

    /** Creates the state; JMH calls this. */
    public Fresh() {}

    /**
     * Registers a new name.
     *
     * @param writes the benchmark's state
     * @throws Exception if the write fails
     */
    @Setup(Level.Invocation)
    public void register(ZkWriteBenchmark writes) throws Exception {
      name = writes.freshName();
      handle = writes.register(name, Population.endpoint(2));
    }
  }
}
