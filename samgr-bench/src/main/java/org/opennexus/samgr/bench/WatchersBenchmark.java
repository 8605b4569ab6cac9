package org.opennexus.samgr.bench;

import java.util.ArrayList;
import java.util.List;
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
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * {@code resolve} on the {@code host} backend with no subscriptions and with {@link #watchers}
 * active {@code watch} subscriptions on other (registered) names, at 1,000 and 1,000,000 services.
 * The baseline is the {@code watchers=0} run of the same fork set.
 *
 * <p>Target: active watchers on other names cost {@code resolve} nothing measurable.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'WatchersBenchmark' -prof gc
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
public class WatchersBenchmark {

  /** How many services are registered. */
  @Param({"1000", "1000000"})
  public int size;

  /** How many active subscriptions watch names other than the resolved ones. */
  @Param({"0", "100"})
  public int watchers;

  private ServiceManager samgr;
  private final List<Subscription> subscriptions = new ArrayList<>();
  private String[] keys;
  private int mask;

  /** Creates the benchmark state; JMH calls this. */
  public WatchersBenchmark() {}

  /**
   * Opens the {@code host} registry, registers {@link #size} services and starts the watches.
   *
   * @throws SamgrError never
   */
  @Setup
  public void setUp() throws SamgrError {
    HostRegistry registry = (HostRegistry) Impl.host.create();
    samgr = registry.samgr();
    Population.fill(registry, size);
    for (int i = 0; i < watchers; i++) {
      String name = "watched-" + i;
      samgr.register(name, Population.endpoint(i));
      subscriptions.add(samgr.watch(name, event -> {}));
    }
    keys = Population.keys(size);
    mask = keys.length - 1;
  }

  /** Closes the subscriptions and the registry. */
  @TearDown
  public void tearDown() {
    subscriptions.forEach(Subscription::close);
    samgr.close();
  }

  /**
   * Resolves a registered, unwatched name.
   *
   * @param cursor this thread's position in the keys
   * @return the handle
   * @throws SamgrError never
   */
  @Benchmark
  public ServiceHandle resolve(Cursor cursor) throws SamgrError {
    return samgr.resolve(keys[cursor.next() & mask]);
  }
}
