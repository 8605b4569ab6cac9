package org.opennexus.samgr.bench;

import java.time.InstantSource;
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

/**
 * The cost of one read of the default clock, {@code InstantSource.system().millis()}, which {@code
 * register}, {@code restart} and {@code heartbeat} of every liveness-keeping implementation pay and
 * the bare-map floors of {@code register} and {@code restart} do not. It lets a reader split a
 * ratio to the floor into "clock" and "everything else".
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'ClockBenchmark' -prof gc
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
public class ClockBenchmark {

  private final InstantSource clock = InstantSource.system();

  /** Creates the benchmark state; JMH calls this. */
  public ClockBenchmark() {}

  /**
   * Reads the system clock in milliseconds.
   *
   * @return the time
   */
  @Benchmark
  public long systemMillis() {
    return clock.millis();
  }
}
