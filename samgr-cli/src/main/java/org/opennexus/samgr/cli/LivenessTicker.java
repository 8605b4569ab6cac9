package org.opennexus.samgr.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.RegistryStats;

/**
 * Reads every service's liveness once per {@code refresh} for all open event streams together, and
 * hands each stream one {@code liveness} message with only what changed since the previous reading
 * (a service's alive flag or last heartbeat), the registry clock's time and whether the registry
 * answered. A stream's first events carry each service's liveness as read when sent, so changes
 * from then on reach it as such deltas: a quiet registry of 20,000 services costs each tab a few
 * bytes a second, and the registry one reading a second however many tabs are open.
 *
 * <p>It calls only {@link ServiceManager#services()} and {@link ServiceManager#liveness}, and reads
 * the registry's {@link RegistryStats} for its connection to a shared engine.
 */
final class LivenessTicker implements AutoCloseable {

  /** What one service looked like at the previous reading. */
  private record Seen(long generation, boolean alive, long lastHeartbeat) {}

  private final ServiceManager samgr;
  private final InstantSource clock;
  private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
  private final Map<String, Seen> previous = new HashMap<>();
  private final ScheduledExecutorService timer;

  LivenessTicker(ServiceManager samgr, InstantSource clock, Duration refresh) {
    this.samgr = samgr;
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "samgr-dashboard-liveness");
              t.setDaemon(true);
              return t;
            });
    long period = refresh.toNanos();
    var unused = timer.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.NANOSECONDS);
  }

  /** {@code stream} gets every message from the next reading on, until {@link #leave}. */
  void join(EventStream stream) {
    streams.add(stream);
  }

  /** {@code stream} gets no more messages. */
  void leave(EventStream stream) {
    streams.remove(stream);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private void tick() {
    try {
      if (streams.isEmpty()) {
        previous.clear();
        return;
      }
      byte[] message = message();
      for (EventStream stream : streams) {
        stream.offer(message);
      }
    } catch (RuntimeException e) {
      // the registry closed (IllegalStateException) or failed unexpectedly: the next tick retries
      Map<String, Object> registry = new LinkedHashMap<>();
      registry.put("state", "unavailable");
      registry.put("message", String.valueOf(e.getMessage()));
      offerAll(registry, List.of());
    }
  }

  private byte[] message() {
    List<Map<String, Object>> changed = new ArrayList<>();
    Map<String, Object> registry = new LinkedHashMap<>();
    try {
      Map<String, Seen> now = new HashMap<>();
      for (ServiceHandle service : samgr.services()) {
        try {
          Liveness liveness = samgr.liveness(service.name());
          Seen seen =
              new Seen(
                  liveness.handle().generation().value(),
                  liveness.alive(),
                  liveness.lastHeartbeat().toEpochMilli());
          now.put(service.name(), seen);
          if (!seen.equals(previous.get(service.name()))) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", service.name());
            json.put("generation", EventStream.pageGeneration(seen.generation()));
            json.put("alive", seen.alive());
            json.put("lastHeartbeat", seen.lastHeartbeat());
            changed.add(json);
          }
        } catch (SamgrError.NotFound goneMeanwhile) {
          // its Unregistered event follows
        }
      }
      previous.clear();
      previous.putAll(now);
      registry.put("state", "ok");
      connection(registry);
    } catch (SamgrError e) {
      registry.put("state", "unavailable");
      registry.put("message", String.valueOf(e.getMessage()));
    }
    return encode(registry, changed);
  }

  /**
   * For a shared registry, whether its client is connected to the engine now and, if not, when it
   * last heard from it (registry clock, epoch millis): the page then says it is disconnected rather
   * than live, whatever the liveness read from the client's view says.
   */
  private void connection(Map<String, Object> registry) {
    RegistryStats stats = RegistryStats.of(samgr).orElse(null);
    if (stats == null || !stats.shared()) {
      return;
    }
    boolean connected = stats.connected();
    registry.put("connected", connected);
    if (!connected) {
      registry.put("lastHeardMillis", clock.millis() - stats.staleness().toMillis());
    }
  }

  private void offerAll(Map<String, Object> registry, List<Map<String, Object>> changed) {
    byte[] message = encode(registry, changed);
    for (EventStream stream : streams) {
      stream.offer(message);
    }
  }

  private byte[] encode(Map<String, Object> registry, List<Map<String, Object>> changed) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("now", clock.millis());
    data.put("registry", registry);
    data.put("changed", changed);
    return EventStream.message("liveness", data).getBytes(StandardCharsets.UTF_8);
  }
}
