package org.opennexus.samgr.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
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
 *
 * *
 *
 * <p>Its clients keep services alive for an hour (their liveness timeout), so the measured client
 * holds what it holds for live services, planned expiry checks included, and no expiry mark is
 * written meanwhile. It waits until every writer's view holds every service before it measures.
 * With {@code -Dfootprint.histogram=true} it also prints, per class, the instances and bytes per
 * service that the measured client added (from the JVM's class histogram).
 */
public final class Footprint {

  private static final Pattern SPACES = Pattern.compile("\\s+");

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
                "-Xmx4g",
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
        ServiceManager writer = open(connect, namespace);
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
      // Each writer's view reads the others' writes: wait until they all hold every service, or
      // their reads in flight would count against the measured client.
      for (ServiceManager writer : clients) {
        awaitView(writer, n);
      }
      long beforeEmpty = usedAfterGc();
      ServiceManager empty = open(connect, namespace + "-empty");
      clients.add(empty);
      long fixed = usedAfterGc() - beforeEmpty;
      boolean histogram = Boolean.getBoolean("footprint.histogram");
      Map<String, long[]> classesBefore = histogram ? classHistogram() : Map.of();
      long before = usedAfterGc();
      ServiceManager reader = open(connect, namespace);
      clients.add(reader);
      awaitView(reader, n);
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
      if (histogram) {
        printHistogramDelta(classesBefore, classHistogram(), n);
      }
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

  /**
   * Opens a client as {@link ZkServer#openSamgr} does, with a liveness timeout of an hour: no
   * service expires during the measurement, whose expiry marks (written by every client) would
   * otherwise be read by every view while it is measured. Its operation timeout, 15 minutes, lets a
   * client load 1,000,000 records at open on a busy machine (120 s did not).
   */
  private static ServiceManager open(String connect, String namespace) {
    return Samgr.builder()
        .environment("zookeeper")
        .setting("zookeeper.connect", connect)
        .setting("zookeeper.namespace", namespace)
        .setting("zookeeper.operation-timeout", "15m")
        .livenessTimeout(Duration.ofHours(1))
        .open();
  }

  /** Waits until {@code client}'s view holds {@code n} services (at most 10 minutes). */
  private static void awaitView(ServiceManager client, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (client.services().size() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("a client's view did not fill in 10 minutes");
      }
      Thread.sleep(100);
    }
  }

  /**
   * The heap's live objects per class, {@code {instances, bytes}}, from the JVM's {@code
   * GC.class_histogram} diagnostic command (which collects first).
   */
  private static Map<String, long[]> classHistogram() throws Exception {
    String text =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
    Map<String, long[]> classes = new HashMap<>();
    for (String line : text.lines().toList()) {
      String[] f = SPACES.split(line.trim(), -1);
      if (f.length >= 4 && f[0].endsWith(":")) {
        classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    return classes;
  }

  /**
   * Prints, per class whose live bytes grew by at least half a byte per service, the instances and
   * bytes per service that the new client added ({@code -Dfootprint.histogram=true}).
   */
  private static void printHistogramDelta(
      Map<String, long[]> before, Map<String, long[]> after, int n) {
    List<Map.Entry<String, long[]>> rows = new ArrayList<>();
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] was = before.getOrDefault(e.getKey(), new long[2]);
      long[] delta = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
      if (2 * delta[1] >= n) {
        rows.add(Map.entry(e.getKey(), delta));
      }
    }
    rows.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    long total = 0;
    System.out.printf(
        Locale.ROOT, "%12s %10s %10s  %s%n", "instances", "inst/svc", "B/svc", "class");
    for (Map.Entry<String, long[]> row : rows) {
      long[] d = row.getValue();
      total += d[1];
      System.out.printf(
          Locale.ROOT,
          "%12d %10.2f %10.1f  %s%n",
          d[0],
          (double) d[0] / n,
          (double) d[1] / n,
          row.getKey());
    }
    System.out.printf(Locale.ROOT, "%12s %10s %10.1f  (rows above)%n", "", "", (double) total / n);
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
