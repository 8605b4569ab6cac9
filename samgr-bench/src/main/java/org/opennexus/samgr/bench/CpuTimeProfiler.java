package org.opennexus.samgr.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the forked JVM's CPU time per operation ({@code cpu.time.norm}, in
 * ns/op): every thread's CPU time (benchmark threads, GC, JIT, JMH's own) during each iteration,
 * divided by the operations done in it.
 *
 * <p>On a machine shared with other busy processes, wall-clock time per operation mostly measures
 * how often the scheduler ran the benchmark thread; CPU time per operation does not, because a
 * thread that is not scheduled accrues none. It cannot see waiting, so a lock's cost under
 * contention shows in throughput, not here. Use it beside the usual score:
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar -prof gc \
 *     -prof org.opennexus.samgr.bench.CpuTimeProfiler
 * }</pre>
 */
public final class CpuTimeProfiler implements InternalProfiler {

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private long startCpu;

  /** Creates the profiler; JMH calls this by reflection. */
  public CpuTimeProfiler() {}

  /**
   * Describes the profiler.
   *
   * @return a one-line description
   */
  @Override
  public String getDescription() {
    return "Process CPU time per operation (robust to a shared machine's time slicing)";
  }

  /**
   * Records the process CPU time at the start of an iteration.
   *
   * @param benchmarkParams the benchmark's parameters
   * @param iterationParams the iteration's parameters
   */
  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    startCpu = os.getProcessCpuTime();
  }

  /**
   * Returns the CPU time spent in the iteration per operation.
   *
   * @param benchmarkParams the benchmark's parameters
   * @param iterationParams the iteration's parameters
   * @param result the iteration's result
   * @return {@code cpu.time.norm} in ns/op
   */
  @Override
  public Collection<? extends Result<?>> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = os.getProcessCpuTime() - startCpu;
    long ops = result.getMetadata().getAllOps();
    double perOp = ops == 0 ? Double.NaN : (double) cpu / ops;
    return List.of(new ScalarResult("cpu.time.norm", perOp, "ns/op", AggregationPolicy.AVG));
  }
}
