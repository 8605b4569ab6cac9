package org.opennexus.samgr.bench;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;

/**
 * A mixed workload on one shared registry: 95% {@code resolve}, 4% {@code heartbeat} and 1% {@code
 * restart} of random registered services, in a fixed shuffled order per thread, at 1, 2 and 4
 * threads ({@code mixed1}, {@code mixed2}, {@code mixed4}), on each {@link Impl} at 1,000 and
 * 1,000,000 services. A heartbeat operation resolves the name and beats the handle it got (as a
 * supervisor polling does), so a concurrent restart cannot make a cached handle stale; the rare
 * race between the two calls is caught and counted as done. Throughput in operations per
 * microsecond, summed over the threads.
 *
 * <p>Target: {@code host} at 2 threads at least 4x the {@code mutex} baseline's throughput.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'MixedBenchmark' -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MixedBenchmark extends PopulatedRegistry {

  private static final byte RESOLVE = 0;
  private static final byte HEARTBEAT = 1;
  private static final byte RESTART = 2;
  private static final int OPS = 1 << 10;

  private final Endpoint endpoint = Population.endpoint(2);

  /** Creates the benchmark state; JMH calls this. */
  public MixedBenchmark() {}

  /** One thread's operation sequence and its position in it. */
  @State(Scope.Thread)
  public static class Worker {

    private final byte[] ops = new byte[OPS];
    private int index = ThreadLocalRandom.current().nextInt();

    /** Creates the sequence: per 100 operations, 95 resolves, 4 heartbeats, 1 restart, shuffled. */
    public Worker() {
      for (int i = 0; i < OPS; i++) {
        int r = i % 100;
        ops[i] = r < 95 ? RESOLVE : r < 99 ? HEARTBEAT : RESTART;
      }
      SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
      for (int i = OPS - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        byte t = ops[i];
        ops[i] = ops[j];
        ops[j] = t;
      }
    }
  }

  /**
   * The mixed workload on one thread.
   *
   * @param worker this thread's operations
   * @return the handle the operation saw
   * @throws SamgrError never
   */
  @Benchmark
  @Threads(1)
  public ServiceHandle mixed1(Worker worker) throws SamgrError {
    return operate(worker);
  }

  /**
   * The mixed workload on two threads.
   *
   * @param worker this thread's operations
   * @return the handle the operation saw
   * @throws SamgrError never
   */
  @Benchmark
  @Threads(2)
  public ServiceHandle mixed2(Worker worker) throws SamgrError {
    return operate(worker);
  }

  /**
   * The mixed workload on four threads.
   *
   * @param worker this thread's operations
   * @return the handle the operation saw
   * @throws SamgrError never
   */
  @Benchmark
  @Threads(4)
  public ServiceHandle mixed4(Worker worker) throws SamgrError {
    return operate(worker);
  }

  private ServiceHandle operate(Worker worker) throws SamgrError {
    int i = worker.index++;
    String key = keys[i & mask];
    return switch (worker.ops[i & (OPS - 1)]) {
      case RESOLVE -> registry.resolve(key);
      case HEARTBEAT -> resolveAndBeat(key);
      default -> registry.restart(key, endpoint);
    };
  }

  private ServiceHandle resolveAndBeat(String key) throws SamgrError {
    ServiceHandle handle = registry.resolve(key);
    try {
      registry.heartbeat(handle);
    } catch (SamgrError.StaleHandle restartedMeanwhile) {
      // Another thread restarted the service between the two calls: a correct outcome.
    }
    return handle;
  }
}
