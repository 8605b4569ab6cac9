package org.opennexus.samgr.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;

/**
 * Measures the heap each registered service costs beyond its name and endpoint, by heap delta:
 * the used heap after full collections, before and after registering {@code n} services whose
 * names and endpoints were created beforehand and stay reachable throughout. The difference is
 * what the registry itself holds: map nodes and table, records, handles and generations.
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
 */
public final class Footprint {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private Footprint() {}

  /**
   * Runs the measurement.
   *
   * @param args the number of services (default 1,000,000)
   * @throws SamgrError never
   * @throws InterruptedException if interrupted while letting the collector settle
   */
  public static void main(String[] args) throws SamgrError, InterruptedException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
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
