package org.opennexus.samgr.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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

/**
 * The {@code zookeeper} backend's cache-served operations beside the {@code host} backend, on 1,000
 * services, single-threaded: {@code resolve} and {@code find} of registered names (served from the
 * client's watch-fed view, no ZooKeeper call) and {@code heartbeat} in the steady state (kept
 * locally; a ZooKeeper write only when the last flushed beat is a quarter of the liveness timeout
 * old). After each iteration the number of ZooKeeper writes it caused is printed (the server's zxid
 * moved by that much), beside the number of heartbeats and the bytes the calling thread allocated
 * (JMH's {@code -prof gc} counts every thread of the fork, the in-process server's too).
 *
 * <p>Targets: {@code zookeeper} {@code resolve} and {@code find} within 2x of {@code host}'s, 0
 * B/op; {@code heartbeat} within 2x of {@code host}'s with no ZooKeeper write per beat. The
 * heartbeats of the view alone, without the periodic writes: {@code -p liveness=PT1H}.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'ZkReadBenchmark' -f 1 -wi 2 -i 3 -prof gc
 * java -jar samgr-bench/target/benchmarks.jar 'ZkReadBenchmark.heartbeat$' -p liveness=PT30S,PT1H
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dzookeeper.forceSync=no"})
@SuppressWarnings("NullAway.Init") // JMH sets the parameters and calls setUp before any benchmark
public class ZkReadBenchmark {

  private static final int SIZE = 1000;

  /** The backend measured: {@code zookeeper} (on an in-process server) or {@code host}. */
  @Param({"zookeeper", "host"})
  public String backend;

  /**
   * The liveness timeout of the services (an ISO-8601 duration): the default 30 s, under which the
   * {@code zookeeper} owner writes each service's heartbeat every 7.5 s, during the measurement;
   * {@code PT1H} leaves the beats that the view keeps, with no write in a run.
   */
  @Param({"PT30S"})
  public String liveness;

  private @Nullable ZkServer server;
  private ServiceManager samgr;
  private String[] keys;
  private ServiceHandle[] handles;
  private int mask;
  private long beats;
  private long zxid;
  private long allocated;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Creates the benchmark state; JMH calls this. */
  public ZkReadBenchmark() {}

  /**
   * Starts the server (for {@code zookeeper}), opens the registry and registers 1,000 services.
   *
   * @throws Exception if the server cannot start
   */
  @Setup
  public void setUp() throws Exception {
    if (backend.equals("zookeeper")) {
      ZkServer started = ZkServer.start();
      server = started;
      samgr = started.openSamgr(ZkServer.freshNamespace("read"), Duration.parse(liveness));
    } else {
      samgr = Samgr.builder().environment("host").livenessTimeout(Duration.parse(liveness)).open();
    }
    for (int i = 0; i < SIZE; i++) {
      samgr.register(Population.name(i), Population.endpoint(i));
    }
    keys = Population.keys(SIZE);
    mask = keys.length - 1;
    handles = new ServiceHandle[keys.length];
    for (int i = 0; i < keys.length; i++) {
      handles[i] = samgr.resolve(keys[i]);
    }
  }

  /**
   * Notes the server's zxid before an iteration.
   *
   * @throws IOException if the server does not answer
   */
  @Setup(Level.Iteration)
  public void beforeIteration() throws IOException {
    beats = 0;
    ZkServer running = server;
    zxid = running == null ? 0 : running.lastZxid();
    allocated = THREADS.getCurrentThreadAllocatedBytes();
  }

  /**
   * Prints how many ZooKeeper writes the iteration caused, beside its heartbeats.
   *
   * @throws IOException if the server does not answer
   */
  @TearDown(Level.Iteration)
  public void afterIteration() throws IOException {
    long bytes = THREADS.getCurrentThreadAllocatedBytes() - allocated;
    ZkServer running = server;
    if (running != null && beats > 0) {
      System.out.println(
          "  zookeeper writes during the iteration: "
              + (running.lastZxid() - zxid)
              + " for "
              + beats
              + " heartbeats; the calling thread allocated "
              + bytes
              + " B");
    }
  }

  /**
   * Closes the registry and stops the server.
   *
   * @throws IOException if the server's directory cannot be deleted
   */
  @TearDown
  public void tearDown() throws IOException {
    samgr.close();
    ZkServer running = server;
    if (running != null) {
      running.close();
    }
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
   * Finds a registered name.
   *
   * @param cursor this thread's position in the keys
   * @return the handle, present
   * @throws SamgrError never
   */
  @Benchmark
  public Optional<ServiceHandle> find(Cursor cursor) throws SamgrError {
    return samgr.find(keys[cursor.next() & mask]);
  }

  /**
   * Heartbeats a current handle.
   *
   * @param cursor this thread's position in the handles
   * @throws SamgrError never
   */
  @Benchmark
  public void heartbeat(Cursor cursor) throws SamgrError {
    beats++;
    samgr.heartbeat(handles[cursor.next() & mask]);
  }
}
