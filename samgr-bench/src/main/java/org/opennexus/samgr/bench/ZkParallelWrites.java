package org.opennexus.samgr.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceManager;

/**
 * Throughput of many threads writing through one client: one samgr {@code zookeeper} client whose
 * threads register distinct names, beside one bare Curator client whose threads {@code create} as
 * many nodes with a record's payload, on the same in-process server ({@code forceSync=no}) in the
 * same run, alternating which side goes first. Each repetition opens a fresh client in a fresh
 * namespace; the first repetition warms up and is reported apart.
 *
 * <p>Target (issue 19): samgr at least 0.8x the bare client's creates per second.
 *
 * <pre>{@code
 * java -Xms1g -Xmx1g -cp samgr-bench/target/benchmarks.jar \
 *     org.opennexus.samgr.bench.ZkParallelWrites 20000 8 5
 * }</pre>
 *
 * <p>Arguments: writes per side and repetition (default 20,000), threads (default 8), measured
 * repetitions (default 5).
 */
public final class ZkParallelWrites {

  private ZkParallelWrites() {}

  /**
   * Runs the comparison and prints one line per side and repetition, then the median ratio.
   *
   * @param args writes, threads, repetitions
   * @throws Exception if the server or a write fails
   */
  public static void main(String[] args) throws Exception {
    int writes = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    System.out.printf(
        Locale.ROOT,
        "ZkParallelWrites: %,d writes per side and repetition, %d threads, %d repetitions"
            + " (+1 warm-up), java %s, %d CPUs%n",
        writes,
        threads,
        reps,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    double[] ratios = new double[reps];
    try (ZkServer server = ZkServer.start()) {
      for (int rep = 0; rep <= reps; rep++) {
        boolean samgrFirst = rep % 2 == 0;
        double samgr = 0;
        double curator = 0;
        for (int side = 0; side < 2; side++) {
          if ((side == 0) == samgrFirst) {
            samgr = samgr(server, writes, threads);
          } else {
            curator = curator(server, writes, threads);
          }
        }
        String label = rep == 0 ? "warm-up" : "rep " + rep;
        System.out.printf(
            Locale.ROOT,
            "%-8s samgr %,10.0f writes/s   curator %,10.0f creates/s   ratio %.3f   (%s first)%n",
            label,
            samgr,
            curator,
            samgr / curator,
            samgrFirst ? "samgr" : "curator");
        if (rep > 0) {
          ratios[rep - 1] = samgr / curator;
        }
      }
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "median ratio samgr / curator: %.3f (min %.3f, max %.3f); target >= 0.8: %s%n",
        sorted[sorted.length / 2],
        sorted[0],
        sorted[sorted.length - 1],
        sorted[sorted.length / 2] >= 0.8 ? "MET" : "MISSED");
  }

  /** One samgr client, {@code threads} threads registering {@code writes} distinct names. */
  private static double samgr(ZkServer server, int writes, int threads) throws Exception {
    try (ServiceManager client = server.openSamgr(ZkServer.freshNamespace("parallel"))) {
      Endpoint endpoint = Population.endpoint(1);
      return run(writes, threads, (thread, i) -> client.register("t" + thread + "-" + i, endpoint));
    }
  }

  /** One Curator client, {@code threads} threads creating {@code writes} nodes. */
  private static double curator(ZkServer server, int writes, int threads) throws Exception {
    CuratorFramework client = server.openCurator();
    try {
      String records = "/" + ZkServer.freshNamespace("parallel") + "/records/";
      client.create().creatingParentsIfNeeded().forPath(records + "x");
      client.delete().forPath(records + "x");
      byte[] payload = ZkWrites.payload();
      return run(
          writes,
          threads,
          (thread, i) -> client.create().forPath(records + thread + "-" + i, payload));
    } finally {
      client.close();
    }
  }

  /** One write: the {@code i}th of thread {@code thread}. */
  interface Write {
    void run(int thread, int i) throws Exception;
  }

  /** Runs {@code writes} writes spread over {@code threads} threads; returns writes per second. */
  static double run(int writes, int threads, Write write) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads + 1);
      List<Future<Void>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        int count = writes / threads + (t < writes % threads ? 1 : 0);
        Callable<Void> task =
            () -> {
              start.await();
              for (int i = 0; i < count; i++) {
                write.run(thread, i);
              }
              return null;
            };
        done.add(pool.submit(task));
      }
      start.await();
      long began = System.nanoTime();
      for (Future<Void> f : done) {
        f.get();
      }
      long took = System.nanoTime() - began;
      return writes / (took / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
