package org.opennexus.samgr.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.server.ServerMetrics;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.zookeeper.EmbeddedZooKeeper;

/**
 * The {@code zookeeper} backend at scale (issue 19): plain programs, no JMH. One ZooKeeper server
 * runs in this JVM ({@code forceSync=no}, its data in a directory of its own so that it can be
 * restarted with its data), with ZooKeeper's default {@code jute.maxbuffer} everywhere (the program
 * never sets it). Requests are counted at the server (its {@code PacketsReceived} and {@code
 * PacketsSent} through JMX, and the bytes its {@code ServerMetrics} count) and at a {@link Relay}
 * in front of the clients measured, which also tells them apart by operation.
 *
 * <pre>{@code
 * java -Xmx8g -cp samgr-bench/target/benchmarks.jar org.opennexus.samgr.bench.ZkScale \
 *     scale 100000 20 3        # fill, open (target <= 10 s), 3 x 2 restarts, 20 clients
 * java -Xmx8g -cp samgr-bench/target/benchmarks.jar org.opennexus.samgr.bench.ZkScale \
 *     catchup 20000 200        # 200 changes missed (target <= 2,000 requests)
 * }</pre>
 *
 * <p>Services are registered by 8 samgr clients on 8 threads with a liveness timeout of one day (so
 * none expires, and no client writes an {@code Expired}, while the program runs); the writers are
 * closed before anything is measured.
 */
public final class ZkScale {

  private static final Duration LONG_LIVED = Duration.ofDays(1);
  private static final int WRITERS = 8;

  private ZkScale() {}

  /**
   * Runs one measurement.
   *
   * @param args {@code scale N [clients [rounds]]} (20 clients, one round of a restart with
   *     reload-jitter 1s and one with 0s) or {@code catchup N [changes]} (200)
   * @throws Exception if the server or a client fails
   */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("jute.maxbuffer") != null) {
      throw new IllegalStateException("run with ZooKeeper's default jute.maxbuffer");
    }
    String mode = args.length > 0 ? args[0] : "scale";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    say(
        "%s %d, jdk %s, %d cpus, max heap %d MiB, jute.maxbuffer default, load average %.1f",
        mode,
        n,
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    try (Server server = new Server()) {
      String namespace = ZkServer.freshNamespace("scale");
      fill(server.connect(), namespace, n);
      switch (mode) {
        case "scale" -> {
          int clients = args.length > 2 ? Integer.parseInt(args[2]) : 20;
          int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
          opens(server, namespace, n);
          curatorCacheBaseline(server, namespace, n);
          for (int round = 1; round <= rounds; round++) {
            for (String jitter : List.of("1s", "0s")) {
              say("round %d of %d", round, rounds);
              restart(server, namespace, n, clients, jitter);
            }
          }
        }
        case "catchup" ->
            catchUp(server, namespace, n, args.length > 2 ? Integer.parseInt(args[2]) : 200);
        default -> throw new IllegalArgumentException("mode scale or catchup, not " + mode);
      }
    }
    say(
        "done, load average %.1f",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  // ---------------------------------------------------------------------------------- filling

  private static void fill(String connect, String namespace, int n) throws Exception {
    long start = System.nanoTime();
    List<ServiceManager> writers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    try {
      for (int w = 0; w < WRITERS; w++) {
        ServiceManager writer =
            client(connect, namespace, "1s", Samgr.builder().livenessTimeout(LONG_LIVED));
        writers.add(writer);
        int first = w;
        Thread thread =
            new Thread(
                () -> {
                  try {
                    for (int i = first; i < n; i += WRITERS) {
                      writer.register(Population.name(i), Population.endpoint(i));
                      if (first == 0 && i % 80_000 == 0 && i > 0) {
                        say("  registered about %d in %.0f s", i, secondsSince(start));
                      }
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
    } finally {
      for (ServiceManager writer : writers) {
        writer.close();
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("registering failed: " + failures, failures.get(0));
    }
    double seconds = secondsSince(start);
    say(
        "filled: %d services by %d samgr clients on %d threads in %.1f s (%.0f registers/s)",
        n, WRITERS, WRITERS, seconds, n / seconds);
  }

  // ---------------------------------------------------------------------------------- target 1

  /** A new client's open: through a relay (counted by operation) and direct, alternately. */
  private static void opens(Server server, String namespace, int n) throws Exception {
    say("open of a new client at %d services (default jute.maxbuffer, reload-jitter 1s)", n);
    List<Double> times = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      boolean relayed = round % 2 == 0;
      try (Relay relay = new Relay(server.port())) {
        Counts before = server.counts();
        long start = System.nanoTime();
        ServiceManager client =
            client(relayed ? relay.connect() : server.connect(), namespace, "1s", Samgr.builder());
        double opened = secondsSince(start);
        try {
          int seen = client.services().size();
          long resolveStart = System.nanoTime();
          ServiceHandle one = client.resolve(Population.name(n / 2 + 1));
          double resolveMicros = (System.nanoTime() - resolveStart) / 1e3;
          Counts after = server.counts();
          times.add(opened);
          say(
              "  open %d (%s): %.2f s, %d services in its view, resolve %s %.0f us;"
                  + " server: %s",
              round + 1,
              relayed ? "through the relay" : "direct",
              opened,
              seen,
              one.name(),
              resolveMicros,
              after.minus(before));
          if (relayed) {
            say(
                "    at the relay: %d packets %s, %s up, %s down",
                relay.packets(),
                relay.byOperation(),
                bytes(relay.bytesUp()),
                bytes(relay.bytesDown()));
          }
          if (seen != n) {
            throw new IllegalStateException("the view holds " + seen + " of " + n);
          }
        } finally {
          client.close();
        }
      }
    }
    times.sort(Comparator.naturalOrder());
    say(
        "open at %d services: %s s (median %.2f s); target <= 10 s: %s",
        n, times, median(times), median(times) <= 10 ? "MET" : "MISSED");
  }

  /**
   * The same namespace read the usual way, in the same run: a {@code CuratorCache} of it (a listing
   * per node with children and a {@code getData} per node), until it says it is initialized.
   */
  private static void curatorCacheBaseline(Server server, String namespace, int n)
      throws Exception {
    try (Relay relay = new Relay(server.port())) {
      Counts before = server.counts();
      long start = System.nanoTime();
      CuratorFramework curator =
          CuratorFrameworkFactory.newClient(relay.connect(), new RetryNTimes(3, 100));
      curator.start();
      try {
        CuratorCache cache = CuratorCache.build(curator, "/" + namespace + "/records");
        CountDownLatch initialized = new CountDownLatch(1);
        cache
            .listenable()
            .addListener(
                CuratorCacheListener.builder().forInitialized(initialized::countDown).build());
        cache.start();
        boolean done = initialized.await(10, TimeUnit.MINUTES);
        double seconds = secondsSince(start);
        Counts after = server.counts();
        long nodes = cache.stream().count();
        cache.close();
        say(
            "baseline, same run: a CuratorCache of /%s/records (data cached): %s in %.2f s,"
                + " %d nodes; server: %s",
            namespace,
            done ? "initialized" : "NOT initialized within 10 min",
            seconds,
            nodes,
            after.minus(before));
        say(
            "    at the relay: %d packets %s, %s up, %s down",
            relay.packets(), relay.byOperation(), bytes(relay.bytesUp()), bytes(relay.bytesDown()));
        if (nodes < n) {
          say("    (the cache holds %d nodes, fewer than the %d records)", nodes, n);
        }
      } finally {
        curator.close();
      }
    }
  }

  // ---------------------------------------------------------------------------------- target 3

  /**
   * {@code clients} clients (each with its view of every service) behind one relay, a writer behind
   * another; the server is stopped and started again on its data; the writer changes a service as
   * soon as it can; timed until every client sees that change and until the clients' relay has
   * carried its last request other than a ping.
   */
  private static void restart(Server server, String namespace, int n, int clients, String jitter)
      throws Exception {
    say("restart with %d clients at %d services, reload-jitter %s", clients, n, jitter);
    List<ServiceManager> opened = new ArrayList<>();
    try (Relay relay = new Relay(server.port());
        Relay writerRelay = new Relay(server.port())) {
      long openStart = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        opened.add(client(relay.connect(), namespace, jitter, Samgr.builder()));
      }
      say(
          "  %d clients opened one after another in %.1f s (%.2f s each)",
          clients, secondsSince(openStart), secondsSince(openStart) / clients);
      ServiceManager writer =
          client(
              writerRelay.connect(), namespace, "0s", Samgr.builder().livenessTimeout(LONG_LIVED));
      opened.add(writer);
      Thread.sleep(2000);
      String name = Population.name(new SplittableRandom().nextInt(n));
      Endpoint moved = Endpoint.of("tcp://moved-" + jitter + ":1");
      Sampler sampler = new Sampler(server);
      relay.reset();
      writerRelay.reset();
      sampler.start();
      long t0 = System.nanoTime();
      double restartSeconds = server.restart();
      relay.target(server.port());
      writerRelay.target(server.port());
      double up = secondsSince(t0);
      ServiceHandle changed = null;
      while (changed == null) {
        try {
          changed = writer.restart(name, moved);
        } catch (SamgrError | IllegalStateException e) {
          if (secondsSince(t0) > 120) {
            throw new IllegalStateException("the writer could not write in 120 s", e);
          }
          Thread.sleep(10);
        }
      }
      double changeAt = secondsSince(t0);
      double[] sawAt = new double[clients];
      Arrays.fill(sawAt, -1);
      int left = clients;
      while (left > 0) {
        for (int c = 0; c < clients; c++) {
          if (sawAt[c] < 0) {
            Optional<ServiceHandle> seen = opened.get(c).find(name);
            if (seen.isPresent() && seen.get().equals(changed)) {
              sawAt[c] = secondsSince(t0);
              left--;
            }
          }
        }
        if (secondsSince(t0) > 300) {
          throw new IllegalStateException(left + " clients did not see the change in 300 s");
        }
        Thread.sleep(5);
      }
      // Quiet: no request other than a ping for 3 s at the clients' relay.
      while (relay.lastRequestNanos() == 0
          || System.nanoTime() - relay.lastRequestNanos() < TimeUnit.SECONDS.toNanos(3)) {
        Thread.sleep(50);
      }
      double lastRequest = (relay.lastRequestNanos() - t0) / 1e9;
      sampler.stop();
      int complete = 0;
      for (int c = 0; c < clients; c++) {
        if (opened.get(c).services().size() == n) {
          complete++;
        }
      }
      double[] sorted = sawAt.clone();
      Arrays.sort(sorted);
      say(
          "  server stopped and started again on its data in %.2f s (clients' relay pointed at it"
              + " at %.2f s); the writer's change returned at %.2f s",
          restartSeconds, up, changeAt);
      say(
          "  every client saw the change at %.2f s after the stop (first %.2f s, median %.2f s);"
              + " the clients' last request other than a ping at %.2f s; %d of %d views hold"
              + " all %d services",
          sorted[clients - 1], sorted[0], sorted[clients / 2], lastRequest, complete, clients, n);
      say(
          "  clients' relay: %d packets %s, %s up, %s down; peak %d packets in 100 ms (%d/s)",
          relay.packets(),
          relay.byOperation(),
          bytes(relay.bytesUp()),
          bytes(relay.bytesDown()),
          relay.peakPerSlot(),
          relay.peakPerSlot() * 1000 / Relay.SLOT_MILLIS);
      say("  clients' packets per 100 ms from the stop: %s", Arrays.toString(relay.slots()));
      say(
          "  server (PacketsReceived sampled every 100 ms, the writer's %d packets included):"
              + " peak %d in 100 ms (%d/s), %d in all after the restart",
          writerRelay.packets(), sampler.peak(), sampler.peak() * 10, sampler.total());
    } finally {
      for (ServiceManager client : opened) {
        client.close();
      }
    }
  }

  // ---------------------------------------------------------------------------------- target 2

  /**
   * A client W behind a relay misses {@code changes} restarts of random names made by a writer
   * behind another relay: the relay drops W's connection and refuses its reconnections while the
   * writer changes; then it lets W reconnect. W's catch-up is counted at its relay and at the
   * server (less the writer's packets, counted at its relay). Three rounds, then a fresh client's
   * full load of the same namespace, the baseline.
   */
  private static void catchUp(Server server, String namespace, int n, int changes)
      throws Exception {
    try (Relay relay = new Relay(server.port());
        Relay writerRelay = new Relay(server.port())) {
      Counts beforeOpen = server.counts();
      long openStart = System.nanoTime();
      ServiceManager w = client(relay.connect(), namespace, "1s", Samgr.builder());
      double openSeconds = secondsSince(openStart);
      say(
          "W opened (a full load) at %d services in %.2f s: relay %d packets %s, %s down;"
              + " server %s",
          n,
          openSeconds,
          relay.packets(),
          relay.byOperation(),
          bytes(relay.bytesDown()),
          server.counts().minus(beforeOpen));
      ServiceManager writer =
          client(
              writerRelay.connect(), namespace, "1s", Samgr.builder().livenessTimeout(LONG_LIVED));
      try {
        SplittableRandom random = new SplittableRandom(19);
        for (int round = 1; round <= 3; round++) {
          Thread.sleep(2000);
          Set<String> names = new LinkedHashSet<>();
          while (names.size() < changes) {
            names.add(Population.name(random.nextInt(n)));
          }
          Set<Integer> buckets = new HashSet<>();
          for (String name : names) {
            buckets.add(bucket(name, 1024));
          }
          relay.block();
          Thread.sleep(200);
          relay.reset();
          writerRelay.reset();
          Counts before = server.counts();
          long changeStart = System.nanoTime();
          Map<String, ServiceHandle> now = new HashMap<>();
          int k = 0;
          for (String name : names) {
            now.put(name, writer.restart(name, Endpoint.of("tcp://round-" + round + ":" + k++)));
          }
          double changeSeconds = secondsSince(changeStart);
          int writerPackets = (int) writerRelay.packets();
          long t0 = System.nanoTime();
          relay.unblock();
          int seen = 0;
          double allSeen;
          while (true) {
            seen = 0;
            for (Map.Entry<String, ServiceHandle> e : now.entrySet()) {
              if (w.find(e.getKey()).map(e.getValue()::equals).orElse(false)) {
                seen++;
              }
            }
            if (seen == changes) {
              allSeen = secondsSince(t0);
              break;
            }
            if (secondsSince(t0) > 120) {
              throw new IllegalStateException("W saw " + seen + " of " + changes + " in 120 s");
            }
            Thread.sleep(5);
          }
          while (System.nanoTime() - Math.max(relay.lastRequestNanos(), t0)
              < TimeUnit.SECONDS.toNanos(3)) {
            Thread.sleep(50);
          }
          double lastRequest = (relay.lastRequestNanos() - t0) / 1e9;
          Counts at = server.counts().minus(before);
          long writerAll = writerRelay.packets();
          boolean same = Set.copyOf(w.services()).equals(Set.copyOf(writer.services()));
          long wRequests = relay.packets() - relay.packets(Relay.PING);
          say(
              "round %d: W disconnected; the writer restarted %d random names (%d buckets) in"
                  + " %.2f s with %d packets; W let back in:",
              round, changes, buckets.size(), changeSeconds, writerPackets);
          say(
              "  W saw all %d changes %.2f s after it was let back in, its last request %.2f s;"
                  + " its view equals the writer's: %s",
              changes, allSeen, lastRequest, same);
          say(
              "  W at its relay: %d packets (%d without pings) %s, %s up, %s down",
              relay.packets(),
              wRequests,
              relay.byOperation(),
              bytes(relay.bytesUp()),
              bytes(relay.bytesDown()));
          say(
              "  server from the change on: %s; less the writer's %d packets: %d; target <= 2,000"
                  + " requests: %s",
              at,
              writerAll,
              at.received() - writerAll,
              at.received() - writerAll <= 2000 ? "MET" : "MISSED");
        }
      } finally {
        writer.close();
        w.close();
      }
      try (Relay fresh = new Relay(server.port())) {
        Counts before = server.counts();
        long start = System.nanoTime();
        ServiceManager f = client(fresh.connect(), namespace, "1s", Samgr.builder());
        double seconds = secondsSince(start);
        Counts after = server.counts().minus(before);
        long packets = fresh.packets();
        Map<String, Long> byOperation = fresh.byOperation();
        long up = fresh.bytesUp();
        long down = fresh.bytesDown();
        f.close();
        say(
            "baseline, same run: a fresh client's open (a full load) of the same namespace:"
                + " %.2f s; relay %d packets %s, %s up, %s down; server %s",
            seconds, packets, byOperation, bytes(up), bytes(down), after);
      }
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  private static ServiceManager client(
      String connect, String namespace, String jitter, Samgr.Builder builder) {
    return builder
        .environment("zookeeper")
        .setting("zookeeper.connect", connect)
        .setting("zookeeper.namespace", namespace)
        .setting("zookeeper.reload-jitter", jitter)
        // a generous bound, so that a slow open is measured rather than failed
        .setting("zookeeper.operation-timeout", "300s")
        .open();
  }

  /** The bucket of a name as samgr computes it (FNV-1a, 32 bits, of the encoded node name). */
  static int bucket(String name, int count) {
    int hash = 0x811c9dc5;
    for (byte b : name.getBytes(StandardCharsets.US_ASCII)) { // svc-N: encoded as itself
      hash ^= b & 0xFF;
      hash *= 0x01000193;
    }
    return Integer.remainderUnsigned(hash, count);
  }

  private static double secondsSince(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(List<Double> sorted) {
    int m = sorted.size();
    return m % 2 == 1 ? sorted.get(m / 2) : (sorted.get(m / 2 - 1) + sorted.get(m / 2)) / 2;
  }

  static String bytes(long b) {
    return b >= 10 << 20
        ? String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0)
        : String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
  }

  @SuppressWarnings("AnnotateFormatMethod") // Error Prone's annotations are not on the path
  static void say(String format, Object... args) {
    System.out.printf(
        Locale.ROOT,
        "%s %s%n",
        Instant.now().toString().substring(11, 19),
        String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  /** What the server counted: packets in and out (JMX), bytes in and out (ServerMetrics). */
  record Counts(long received, long sent, long bytesIn, long bytesOut) {
    Counts minus(Counts o) {
      return new Counts(
          received - o.received, sent - o.sent, bytesIn - o.bytesIn, bytesOut - o.bytesOut);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "PacketsReceived %d, PacketsSent %d, bytes received %s, response bytes %s",
          received,
          sent,
          bytes(bytesIn),
          bytes(bytesOut));
    }
  }

  /** The in-process server, on a data directory of its own, restartable on it. */
  static final class Server implements AutoCloseable {
    private final Path data;
    private volatile EmbeddedZooKeeper zk;

    Server() throws IOException {
      System.setProperty("zookeeper.forceSync", "no");
      data = Files.createTempDirectory("samgr-zkscale-");
      zk = EmbeddedZooKeeper.start(0, data.resolve("zk"));
    }

    String connect() {
      return zk.connectString();
    }

    int port() {
      return zk.port();
    }

    /** Stops the server and starts it again on its data (a new port); returns the seconds. */
    double restart() throws IOException {
      long start = System.nanoTime();
      zk.close();
      zk = EmbeddedZooKeeper.start(0, data.resolve("zk"));
      return secondsSince(start);
    }

    long packetsReceived() throws Exception {
      return (Long) bean().getAttribute(name(), "PacketsReceived");
    }

    Counts counts() throws Exception {
      MBeanServer beans = bean();
      ObjectName name = name();
      ServerMetrics metrics = ServerMetrics.getMetrics();
      return new Counts(
          (Long) beans.getAttribute(name, "PacketsReceived"),
          (Long) beans.getAttribute(name, "PacketsSent"),
          metrics.BYTES_RECEIVED_COUNT.get(),
          metrics.RESPONSE_BYTES.get());
    }

    private static MBeanServer bean() {
      return ManagementFactory.getPlatformMBeanServer();
    }

    private ObjectName name() throws Exception {
      return new ObjectName("org.apache.ZooKeeperService:name0=StandaloneServer_port" + port());
    }

    @Override
    public void close() throws IOException {
      zk.close();
      try (Stream<Path> paths = Files.walk(data)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Samples the server's PacketsReceived every 100 ms (across a restart: the new server's). */
  static final class Sampler {
    private final List<Long> deltas = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private final Thread thread;

    Sampler(Server server) {
      this.thread =
          new Thread(
              () -> {
                long last = -1;
                int port = -1;
                long next = System.nanoTime();
                while (running) {
                  try {
                    int p = server.port();
                    long now = server.packetsReceived();
                    if (p == port && last >= 0) {
                      deltas.add(now - last);
                    } else if (p != port && port != -1) {
                      deltas.add(now); // the new server's first sample: all since its start
                    }
                    port = p;
                    last = now;
                  } catch (Exception e) {
                    // between the stop and the start: no bean
                  }
                  next += 100_000_000L;
                  long sleep = next - System.nanoTime();
                  if (sleep > 0) {
                    try {
                      Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                }
              },
              "packets-sampler");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    long peak() {
      return deltas.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    long total() {
      return deltas.stream().mapToLong(Long::longValue).sum();
    }
  }
}
