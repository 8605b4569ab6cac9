package org.opennexus.samgr.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
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
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * A change until another client's listener sees it: with {@code client=samgr}, one samgr client
 * restarts a service and the benchmark waits for the {@code Restarted} event of that generation at
 * a {@code watch} of a second samgr client (its own ZooKeeper session); with {@code
 * client=curator}, one bare Curator client writes {@code setData} and the benchmark waits for a
 * {@code CuratorCache} listener of a second Curator client to see that version (the same storage as
 * samgr's cache, data not kept). One in-process server with {@code forceSync=no}; sample time
 * (median and p99 of single round trips).
 *
 * <p>Target: the samgr median within 1.5x of the bare {@code CuratorCache} propagation.
 *
 * <pre>{@code
 * java -jar samgr-bench/target/benchmarks.jar 'ZkPropagationBenchmark' -f 1 -wi 2 -i 3
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
@SuppressWarnings("NullAway.Init") // JMH sets the parameters and calls setUp before any benchmark
public class ZkPropagationBenchmark {

  private static final String NAME = "propagated";
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** Who writes and listens: {@code samgr} clients or bare Curator clients. */
  @Param({"samgr", "curator"})
  public String client;

  private ZkServer server;
  private @Nullable ServiceManager writer;
  private @Nullable ServiceManager reader;
  private @Nullable Subscription subscription;
  private @Nullable CuratorFramework curatorWriter;
  private @Nullable CuratorFramework curatorReader;
  private @Nullable CuratorCache cache;
  private String path;
  private int version;
  private final Endpoint endpoint = Population.endpoint(3);

  /** The highest value the listener saw: a generation (samgr) or a data version (curator). */
  private volatile long seen;

  /** The benchmark thread, which the listener wakes. */
  private volatile @Nullable Thread waiter;

  /** Creates the benchmark state; JMH calls this. */
  public ZkPropagationBenchmark() {}

  /**
   * Starts the server, the writing client and the listening client.
   *
   * @throws Exception if the server cannot start or a write fails
   */
  @Setup
  public void setUp() throws Exception {
    server = ZkServer.start();
    String namespace = ZkServer.freshNamespace("propagation");
    if (client.equals("samgr")) {
      ServiceManager w = server.openSamgr(namespace);
      writer = w;
      ServiceManager r = server.openSamgr(namespace);
      reader = r;
      ServiceHandle first = w.register(NAME, endpoint);
      subscription = r.watch(NAME, event -> saw(event.handle().generation().value()));
      awaitSeen(first.generation().value());
    } else {
      CuratorFramework w = server.openCurator();
      curatorWriter = w;
      path = ZkServer.recordPath(namespace, NAME);
      w.create().creatingParentsIfNeeded().forPath(path, new byte[106]);
      CuratorFramework r = server.openCurator();
      curatorReader = r;
      cache =
          ZkServer.startCache(
              r,
              "/" + namespace,
              CuratorCacheListener.builder()
                  .forChanges((before, after) -> saw(after.getStat().getVersion()))
                  .build());
    }
  }

  /**
   * Closes every client and stops the server.
   *
   * @throws IOException if the server's directory cannot be deleted
   */
  @TearDown
  public void tearDown() throws IOException {
    if (subscription != null) {
      subscription.close();
    }
    for (ServiceManager samgr : new ServiceManager[] {writer, reader}) {
      if (samgr != null) {
        samgr.close();
      }
    }
    if (cache != null) {
      cache.close();
    }
    for (CuratorFramework curator : new CuratorFramework[] {curatorWriter, curatorReader}) {
      if (curator != null) {
        curator.close();
      }
    }
    server.close();
  }

  /**
   * Writes, then waits until the other client's listener has seen the write.
   *
   * @return what the listener saw
   * @throws Exception if the write fails or the listener does not see it within 30 s
   */
  @Benchmark
  public long propagate() throws Exception {
    ServiceManager w = writer;
    CuratorFramework cw = curatorWriter;
    long expected;
    if (w != null) {
      expected = w.restart(NAME, endpoint).generation().value();
    } else if (cw != null) {
      Stat stat = cw.setData().withVersion(version).forPath(path, new byte[106]);
      version = stat.getVersion();
      expected = version;
    } else {
      throw new IllegalStateException("no writer");
    }
    return awaitSeen(expected);
  }

  private void saw(long value) {
    if (value > seen) {
      seen = value;
    }
    Thread t = waiter;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  private long awaitSeen(long expected) {
    waiter = Thread.currentThread();
    long deadline = System.nanoTime() + WAIT_NANOS;
    long value;
    while ((value = seen) < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the listener did not see " + expected + " within 30 s");
      }
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
    }
    return value;
  }
}
