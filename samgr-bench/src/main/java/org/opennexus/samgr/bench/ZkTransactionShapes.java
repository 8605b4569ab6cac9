package org.opennexus.samgr.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.curator.RetryLoop;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.CreateOptions;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceManager;

/**
 * Where the gap of {@link ZkParallelWrites} lies: writes per second from 8 threads, each shape
 * beside a bare Curator client's {@code create} (no watch: the baseline of issue 19's target) in
 * the same repetition (in a namespace that nobody watches), on one in-process server ({@code
 * forceSync=no}). The shapes:
 *
 * <ul>
 *   <li>{@code samgr}: a samgr client's {@code register} (its transaction is the next shape's, sent
 *       by a client that watches its namespace, and the view's work besides);
 *   <li>{@code 3-op}: samgr's transaction sent bare by a client with a persistent recursive watch
 *       on the namespace (as a samgr client has): check the epoch node's version, create the
 *       record, set the bucket's data (its stamp);
 *   <li>{@code 2-op}: the same without the bucket write, the record made by a {@code create2}
 *       (whose result carries the record's {@code Stat}, which Curator's transaction API drops),
 *       sent through ZooKeeper's own {@code multi};
 *   <li>{@code batch kxT}: T threads each sending transactions of k writes (one epoch check, then k
 *       creates and k bucket writes): what a client that combined its threads' concurrent writes
 *       into one transaction (group commit) would send.
 * </ul>
 *
 * <pre>{@code
 * java -Xms1g -Xmx1g -cp samgr-bench/target/benchmarks.jar \
 *     org.opennexus.samgr.bench.ZkTransactionShapes 16000 4
 * }</pre>
 *
 * <p>Arguments: writes per shape and repetition (default 16,000), repetitions (default 4; the JIT
 * warms up over the first one or two).
 */
public final class ZkTransactionShapes {

  private static final int THREADS = 8;
  private static final int BUCKETS = 1024;

  private ZkTransactionShapes() {}

  /**
   * Runs every shape per repetition and prints one line per repetition.
   *
   * @param args writes, repetitions
   * @throws Exception if the server or a write fails
   */
  public static void main(String[] args) throws Exception {
    int writes = args.length > 0 ? Integer.parseInt(args[0]) : 16_000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    System.out.printf(
        Locale.ROOT,
        "ZkTransactionShapes: %,d writes per shape and repetition, %d threads, java %s, %d CPUs;"
            + " the order of the shapes rotates each repetition%n",
        writes,
        THREADS,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    byte[] payload = ZkWrites.payload();
    try (ZkServer server = ZkServer.start()) {
      CuratorFramework bare = server.openCurator();
      CuratorFramework watched = server.openCurator();
      try {
        List<String> names = new ArrayList<>();
        List<List<Double>> ratios = new ArrayList<>();
        for (int rep = 1; rep <= reps; rep++) {
          // The baseline's namespace has no watch: a bare client's creates, as issue 19 states.
          String plain = "/" + ZkServer.freshNamespace("shapes-plain");
          String ns = "/" + ZkServer.freshNamespace("shapes");
          watched.create().creatingParentsIfNeeded().forPath(ns + "/epoch");
          for (int b = 0; b < BUCKETS; b++) {
            bare.create().creatingParentsIfNeeded().forPath(bucket(plain, b));
            watched.create().creatingParentsIfNeeded().forPath(bucket(ns, b));
          }
          watched
              .watchers()
              .add()
              .withMode(AddWatchMode.PERSISTENT_RECURSIVE)
              .usingWatcher((Watcher) event -> {})
              .forPath(ns);
          List<Shape> shapes = shapes(server, bare, watched, plain, ns, writes, payload);
          double[] rates = new double[shapes.size()];
          for (int k = 0; k < shapes.size(); k++) {
            int s = (k + rep - 1) % shapes.size();
            rates[s] = shapes.get(s).rate();
          }
          StringBuilder line = new StringBuilder("rep " + rep + ":");
          line.append(String.format(Locale.ROOT, "  create %,.0f", rates[0]));
          for (int s = 1; s < shapes.size(); s++) {
            double ratio = rates[s] / rates[0];
            line.append(
                String.format(
                    Locale.ROOT, "  %s %,.0f (%.2fx)", shapes.get(s).name(), rates[s], ratio));
            if (rep == 1) {
              names.add(shapes.get(s).name());
              ratios.add(new ArrayList<>());
            }
            ratios.get(s - 1).add(ratio);
          }
          System.out.println(line);
        }
        StringBuilder medians = new StringBuilder("medians x create:");
        for (int s = 0; s < names.size(); s++) {
          List<Double> r = new ArrayList<>(ratios.get(s));
          r.sort(null);
          medians.append(
              String.format(Locale.ROOT, "  %s %.2fx", names.get(s), r.get(r.size() / 2)));
        }
        System.out.println(medians);
      } finally {
        watched.close();
        bare.close();
      }
    }
  }

  /** One shape: its name, and a run of it that returns writes per second. */
  private record Shape(String name, Rate run) {
    double rate() throws Exception {
      return run.rate();
    }
  }

  private interface Rate {
    double rate() throws Exception;
  }

  /** The shapes of one repetition, the bare {@code create} first. */
  private static List<Shape> shapes(
      ZkServer server,
      CuratorFramework bare,
      CuratorFramework watched,
      String plain,
      String ns,
      int writes,
      byte[] payload) {
    List<Shape> shapes = new ArrayList<>();
    shapes.add(
        new Shape(
            "create",
            () ->
                ZkParallelWrites.run(
                    writes,
                    THREADS,
                    (t, i) ->
                        bare.create()
                            .forPath(bucket(plain, t * 131 + i) + "/c" + t + "-" + i, payload))));
    shapes.add(
        new Shape(
            "samgr",
            () -> {
              try (ServiceManager client = server.openSamgr(ZkServer.freshNamespace("shapes"))) {
                Endpoint endpoint = Population.endpoint(1);
                return ZkParallelWrites.run(
                    writes, THREADS, (t, i) -> client.register("t" + t + "-" + i, endpoint));
              }
            }));
    shapes.add(
        new Shape(
            "3-op",
            () ->
                ZkParallelWrites.run(
                    writes,
                    THREADS,
                    (t, i) -> {
                      String b = bucket(ns, t * 131 + i);
                      List<CuratorOp> ops =
                          List.of(
                              watched.transactionOp().check().withVersion(0).forPath(ns + "/epoch"),
                              watched
                                  .transactionOp()
                                  .create()
                                  .forPath(b + "/g" + t + "-" + i, payload),
                              watched.transactionOp().setData().forPath(b, new byte[0]));
                      watched.transaction().forOperations(ops);
                    })));
    CreateOptions options =
        CreateOptions.newBuilder(ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT).build();
    shapes.add(
        new Shape(
            "2-op",
            () ->
                ZkParallelWrites.run(
                    writes,
                    THREADS,
                    (t, i) -> {
                      List<Op> ops =
                          List.of(
                              Op.check(ns + "/epoch", 0),
                              Op.create(
                                  bucket(ns, t * 131 + i) + "/h" + t + "-" + i, payload, options));
                      List<OpResult> results =
                          RetryLoop.callWithRetry(
                              watched.getZookeeperClient(),
                              () -> watched.getZookeeperClient().getZooKeeper().multi(ops));
                      if (((OpResult.CreateResult) results.get(1)).getStat() == null) {
                        throw new IllegalStateException("a create2 without its Stat");
                      }
                    })));
    for (int k : new int[] {2, 4, 8}) {
      int threads = THREADS / k;
      String tag = "k" + k;
      shapes.add(
          new Shape(
              "batch " + k + "x" + threads,
              () ->
                  k
                      * ZkParallelWrites.run(
                          writes / k,
                          threads,
                          (t, i) -> {
                            List<CuratorOp> ops = new ArrayList<>();
                            ops.add(
                                watched
                                    .transactionOp()
                                    .check()
                                    .withVersion(0)
                                    .forPath(ns + "/epoch"));
                            for (int j = 0; j < k; j++) {
                              String b = bucket(ns, t * 131 + i * k + j);
                              ops.add(
                                  watched
                                      .transactionOp()
                                      .create()
                                      .forPath(
                                          b + "/" + tag + "-" + t + "-" + i + "-" + j, payload));
                              ops.add(watched.transactionOp().setData().forPath(b, new byte[0]));
                            }
                            watched.transaction().forOperations(ops);
                          })));
    }
    return shapes;
  }

  private static String bucket(String ns, int n) {
    return ns + "/records/b" + Math.floorMod(n, BUCKETS);
  }
}
