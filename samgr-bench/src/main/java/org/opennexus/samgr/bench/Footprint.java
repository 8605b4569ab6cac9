package org.opennexus.samgr.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;

/**
 * Measures the heap each registered service costs beyond its name and endpoint, by heap delta: the
 * used heap after full collections, before and after registering {@code n} services whose names and
 * endpoints were created beforehand and stay reachable throughout. The difference is what the
 * registry itself holds: map nodes and table, records, handles and generations.
 *
 * <p>Run it with a heap large enough and a collector that compacts fully on {@code System.gc()}:
 *
 * <pre>{@code
 * java -Xms3g -Xmx3g -XX:+UseSerialGC -cp samgr-bench/target/benchmarks.jar \
 *     org.opennexus.samgr.bench.Footprint 1000000
 * }</pre>
 *
 * <p>It prints one line per {@link Impl}, plus the size of the caller's {@code Endpoint} records
 * (the wrappers around the address strings), which the strict reading of "beyond the name and
 * endpoint strings" adds to the registry's own bytes.
 *
 * <p>With a second argument {@code zookeeper} it measures instead what a {@code zookeeper} backend
 * client holds per service: a ZooKeeper server runs in a child process ({@link ZkServer#main}),
 * four writer clients register {@code n} services, then the heap delta of opening one more client,
 * until its view holds every service, is divided by {@code n}, after subtracting what a client of
 * an empty registry costs (its Curator client, threads and buffers). That view holds everything
 * this client needs (names, endpoints, generations, liveness), so no name or endpoint is excluded
 * here.
 *
 * <pre>{@code
 * java -Xms2g -Xmx2g -XX:+UseSerialGC -cp samgr-bench/target/benchmarks.jar \
 *     org.opennexus.samgr.bench.Footprint 100000 zookeeper
 * }</pre>
 */
public final class Footprint {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private Footprint() {}

  /**
   * Runs the measurement.
   *
   * @param args the number of services (default 1,000,000), then optionally {@code zookeeper}
   * @throws Exception if a registry or the ZooKeeper server fails
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    if (args.length > 1 && args[1].equals("zookeeper")) {
      zookeeper(n);
      return;
    }
    String[] names = new String[n];
    String[] addresses = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = Population.name(i);
      addresses[i] = Population.endpoint(i).address();
    }
    Endpoint[] endpoints = new Endpoint[n];
    long beforeEndpoints = usedAfterGc();
    for (int i = 0; i < n; i++) {
      endpoints[i] = Endpoint.of(addresses[i]);
    }
    long endpointBytes = usedAfterGc() - beforeEndpoints;
    System.out.printf(
        Locale.ROOT,
        "services=%d jdk=%s%nEndpoint records (caller's input): %.1f bytes/service%n",
        n,
        Runtime.version(),
        (double) endpointBytes / n);

    try {
      for (Impl impl : Impl.values()) {
        long before = usedAfterGc();
        Registry registry = impl.create();
        try {
          for (int i = 0; i < n; i++) {
            registry.register(names[i], endpoints[i]);
          }
          long after = usedAfterGc();
          System.out.printf(
              Locale.ROOT,
              "%-5s registry overhead: %.1f bytes/service (%.1f with the Endpoint record)%n",
              impl,
              (double) (after - before) / n,
              (double) (after - before + endpointBytes) / n);
        } finally {
          Reference.reachabilityFence(registry);
          registry.close();
        }
      }
    } finally {
      // The inputs must stay reachable, or their collection would count against the registry.
      Reference.reachabilityFence(names);
      Reference.reachabilityFence(endpoints);
    }
  }

  /**
   * ZooKeeper's packet limit ({@code jute.maxbuffer}, client and server), raised from its 1 MiB
   * default as when the recorded figure was measured: before the bucket layout (issue 19) a client
   * listed the {@code records} node's children in one answer, about 14 bytes per service name here,
   * which passes 1 MiB near 75,000 services. Since the bucket layout no client or server needs it
   * ({@link ZkScale} runs a million services with the default); it is kept so that the program
   * measures as it did.
   */
  private static final String JUTE_MAXBUFFER = Integer.toString(16 << 20);

  private static void zookeeper(int n) throws Exception {
    System.setProperty("jute.maxbuffer", JUTE_MAXBUFFER);
    Process server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dzookeeper.forceSync=no",
                "-Djute.maxbuffer=" + JUTE_MAXBUFFER,
                "-cp",
                System.getProperty("java.class.path"),
                ZkServer.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<ServiceManager> clients = new ArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.startsWith("connect ")) {
        throw new IllegalStateException("the ZooKeeper server process said: " + line);
      }
      String connect = line.substring("connect ".length());
      String namespace = ZkServer.freshNamespace("footprint");
      int writers = 4;
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      for (int w = 0; w < writers; w++) {
        ServiceManager writer = ZkServer.openSamgr(connect, namespace);
        clients.add(writer);
        int first = w;
        Thread thread =
            new Thread(
                () -> {
                  try {
                    for (int i = first; i < n; i += writers) {
                      writer.register(Population.name(i), Population.endpoint(i));
                    }
                  } catch (SamgrError | RuntimeException e) {
                    failures.add(e);
                  }
                });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      if (!failures.isEmpty()) {
        throw new IllegalStateException("registering failed: " + failures);
      }
      long beforeEmpty = usedAfterGc();
      ServiceManager empty = ZkServer.openSamgr(connect, namespace + "-empty");
      clients.add(empty);
      long fixed = usedAfterGc() - beforeEmpty;
      long before = usedAfterGc();
      ServiceManager reader = ZkServer.openSamgr(connect, namespace);
      clients.add(reader);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (reader.services().size() < n) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the new client's view did not fill in 10 minutes");
        }
        Thread.sleep(100);
      }
      long after = usedAfterGc();
      System.out.printf(
          Locale.ROOT,
          "services=%d jdk=%s%nzookeeper client: %.1f bytes/service (view of %d services; a"
              + " client of an empty registry costs %d bytes, subtracted)%n",
          n,
          Runtime.version(),
          (double) (after - before - fixed) / n,
          n,
          fixed);
    } finally {
      for (ServiceManager client : clients) {
        client.close();
      }
      server.getOutputStream().close();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
