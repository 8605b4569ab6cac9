package org.opennexus.samgr.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * One browser's Server-Sent Events stream: {@code hello}, then a {@code registry} message for every
 * registry event as it takes effect (the event's JSON plus the service's liveness), and the {@link
 * LivenessTicker}'s {@code liveness} deltas. The stream's first events, one {@code registered} for
 * each service present when it started, are marked {@code "initial": true}: they are the registry's
 * state, not something that happened, and the page keeps them out of its history.
 *
 * <p>Messages wait in a bounded queue; a browser too far behind (its connection stalled) gets
 * {@code behind} and the stream ends, so that a stalled page costs bounded memory. It calls only
 * reading operations: {@code services}, {@code liveness} and {@code watchAll}.
 */
final class EventStream {

  private final ServiceManager samgr;
  private final InstantSource clock;
  private final Duration refresh;
  private final Duration keepAlive;
  private final int maxQueued;
  private final AtomicBoolean behind = new AtomicBoolean();
  private volatile BlockingQueue<Object> queue = new LinkedBlockingQueue<>(1);

  EventStream(
      ServiceManager samgr,
      InstantSource clock,
      Duration refresh,
      Duration keepAlive,
      int maxQueued) {
    this.samgr = samgr;
    this.clock = clock;
    this.refresh = refresh;
    this.keepAlive = keepAlive;
    this.maxQueued = maxQueued;
  }

  /** Queues a message or an event for this stream; if the queue is full, the stream ends. */
  void offer(Object item) {
    if (!queue.offer(item)) {
      behind.set(true);
    }
  }

  /**
   * Streams to {@code out} until the browser goes away, the stream falls behind or {@code stopped}
   * says so.
   */
  void run(OutputStream out, LivenessTicker ticker, BooleanSupplier stopped)
      throws IOException, InterruptedException {
    Map<String, Long> initial = new HashMap<>();
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    long wait = Math.min(refresh.toNanos(), TimeUnit.MILLISECONDS.toNanos(500));
    try {
      for (ServiceHandle service : samgr.services()) {
        initial.put(service.name(), service.generation().value());
      }
      // Room for the first events ('registered' for each current service) beyond the bound.
      queue = new LinkedBlockingQueue<>(maxQueued + initial.size());
      stream(out, ticker, stopped, initial, batch, wait);
    } catch (SamgrError e) {
      batch.writeBytes(
          bytes(message("failure", Map.of("message", String.valueOf(e.getMessage())))));
      send(out, batch);
    }
  }

  private void stream(
      OutputStream out,
      LivenessTicker ticker,
      BooleanSupplier stopped,
      Map<String, Long> initial,
      ByteArrayOutputStream batch,
      long wait)
      throws IOException, InterruptedException, SamgrError {
    try (Subscription subscription = samgr.watchAll(this::offer)) {
      ticker.join(this);
      batch.writeBytes(
          bytes(
              message(
                  "hello", Map.of("now", clock.millis(), "refreshMillis", refresh.toMillis()))));
      long lastWrite = System.nanoTime();
      while (!stopped.getAsBoolean()) {
        if (behind.get()) {
          batch.writeBytes(bytes(message("behind", Map.of("maxQueued", maxQueued))));
          send(out, batch);
          return;
        }
        Object item = batch.size() > 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
        if (item instanceof byte[] message) {
          batch.writeBytes(message);
        } else if (item instanceof ServiceEvent event) {
          batch.writeBytes(bytes(message("registry", describe(event, initial))));
        }
        if (item == null || batch.size() >= 64 * 1024) {
          if (batch.size() == 0 && System.nanoTime() - lastWrite >= keepAlive.toNanos()) {
            batch.writeBytes(bytes(": keep-alive\n\n"));
          }
          if (batch.size() > 0) {
            send(out, batch);
            lastWrite = System.nanoTime();
          }
        }
      }
    } finally {
      ticker.leave(this);
    }
  }

  private static void send(OutputStream out, ByteArrayOutputStream batch) throws IOException {
    batch.writeTo(out);
    out.flush();
    batch.reset();
  }

  private Map<String, Object> describe(ServiceEvent event, Map<String, Long> initial)
      throws SamgrError {
    Map<String, Object> json = Json.event(event, clock.instant());
    ServiceHandle handle = event.handle();
    json.put("generation", pageGeneration(handle.generation().value()));
    if (event instanceof ServiceEvent.Registered
        && initial.remove(handle.name(), handle.generation().value())) {
      json.put("initial", true);
    }
    if (!(event instanceof ServiceEvent.Unregistered)) {
      try {
        Liveness liveness = samgr.liveness(handle.name());
        json.put("alive", liveness.alive());
        json.put("lastHeartbeat", liveness.lastHeartbeat().toEpochMilli());
      } catch (SamgrError.NotFound goneMeanwhile) {
        // its Unregistered event follows
      }
    }
    if (event instanceof ServiceEvent.Expired) {
      json.put("alive", false);
    }
    json.put("now", clock.millis());
    return json;
  }

  /** One SSE message; JSON from jackson-jr holds no raw newline, so one data line carries it. */
  static String message(String event, Object data) {
    return "event: " + event + "\ndata: " + Json.write(data) + "\n\n";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A generation as the page gets it: a string, since a JavaScript number is exact only up to 2^53
   * and generations go beyond (a zookeeper generation is about 1.9 * 10^18): as a number, the page
   * would show a generation no command accepts, and two near ones as one.
   */
  static String pageGeneration(long generation) {
    return Long.toString(generation);
  }
}
