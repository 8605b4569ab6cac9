package org.opennexus.samgr.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * The live dashboard: one page and a Server-Sent Events stream over the JDK's HTTP server.
 *
 * <p>{@code GET /events} subscribes with {@code watchAll} and pushes every registry event as it
 * takes effect (an {@code event: registry} message, the event's JSON plus the service's liveness),
 * starting with {@code registered} for every current service. Heartbeats are deliberately not
 * registry events (one per beat per service would flood every watcher), so the stream also
 * carries, every {@code refresh}, an {@code event: liveness} message with each service's alive
 * flag and last heartbeat read from the registry (a local read) and the registry clock's time, from
 * which the page shows how long ago each service last beat. The page itself never polls.
 *
 * <p>Bound to loopback, the server also refuses requests whose {@code Host} header names another
 * host, so that a web page elsewhere cannot read the registry through DNS rebinding. The
 * dashboard only reads; it offers no way to change the registry.
 */
final class DashboardServer implements AutoCloseable {

  private static final String ASSETS = "/org/opennexus/samgr/cli/dashboard/";
  private static final Map<String, String> PAGES =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/dashboard.js", "dashboard.js",
          "/dashboard.css", "dashboard.css");
  private static final String SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /**
   * Events that may wait for one browser that does not read them (its connection stalled), beyond
   * the stream's first ones (one for each current service). Past it, the stream says {@code
   * behind} and ends; the browser's {@code EventSource} reconnects by
   * itself and starts afresh from the registry's state, so a stalled page costs bounded memory.
   */
  static final int MAX_QUEUED_EVENTS = 10_000;

  private final ServiceManager samgr;
  private final InstantSource clock;
  private final Duration refresh;
  private final int maxQueued;
  private final HttpServer server;
  private final ExecutorService threads;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<String> allowedHosts;

  /** Extra GET routes beside the dashboard's own, added with {@link #route}. */
  private final Map<String, Route> routes = new java.util.concurrent.ConcurrentHashMap<>();

  /** A GET route's answer: its content type and a body made at each request. */
  record Route(String contentType, java.util.function.Supplier<String> body) {}

  private DashboardServer(
      ServiceManager samgr,
      InstantSource clock,
      Duration refresh,
      InetSocketAddress bind,
      int maxQueued)
      throws IOException {
    this.samgr = samgr;
    this.clock = clock;
    this.refresh = refresh;
    this.maxQueued = maxQueued;
    this.server = HttpServer.create(bind, 0);
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "samgr-dashboard");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
    int port = server.getAddress().getPort();
    this.allowedHosts =
        bind.getAddress().isLoopbackAddress()
            ? Set.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port)
            : Set.of();
  }

  /**
   * Starts serving {@code samgr} at {@code bind} (port 0: a free one).
   *
   * @param clock the registry's clock, for the time since each service's last heartbeat
   * @param refresh how often the stream carries each service's liveness
   */
  static DashboardServer start(
      ServiceManager samgr, InstantSource clock, Duration refresh, InetSocketAddress bind)
      throws IOException {
    return new DashboardServer(samgr, clock, refresh, bind, MAX_QUEUED_EVENTS);
  }

  /** As {@link #start}, with another bound on the events queued for one browser (for tests). */
  static DashboardServer start(
      ServiceManager samgr,
      InstantSource clock,
      Duration refresh,
      InetSocketAddress bind,
      int maxQueued)
      throws IOException {
    return new DashboardServer(samgr, clock, refresh, bind, maxQueued);
  }

  /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
  URI uri() {
    InetSocketAddress address = server.getAddress();
    InetAddress host = address.getAddress();
    String name =
        host.isAnyLocalAddress()
            ? "127.0.0.1"
            : host.getHostAddress().contains(":")
                ? "[" + host.getHostAddress() + "]"
                : host.getHostAddress();
    return URI.create("http://" + name + ":" + address.getPort() + "/");
  }

  /**
   * Serves {@code route}'s body at {@code path} (GET only, with the dashboard's host check), such
   * as {@code /metrics}. The dashboard's own pages keep their paths.
   */
  void route(String path, Route route) {
    routes.put(path, route);
  }

  /** Whether the dashboard listens on a loopback address only. */
  boolean isLoopback() {
    return server.getAddress().getAddress().isLoopbackAddress();
  }

  /** Stops serving: open event streams end, the port is released. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String host = exchange.getRequestHeaders().getFirst("Host");
      if (!allowedHosts.isEmpty()
          && (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT)))) {
        send(exchange, 403, "text/plain", bytes("this dashboard answers only to loopback names"));
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        send(exchange, 405, "text/plain", bytes("only GET"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if ("/events".equals(path)) {
        stream(exchange);
        return;
      }
      Route route = routes.get(path);
      if (route != null) {
        send(exchange, 200, route.contentType(), bytes(route.body().get()));
        return;
      }
      String asset = PAGES.get(path);
      if (asset == null) {
        send(exchange, 404, "text/plain", bytes("no such page"));
        return;
      }
      try (InputStream in = DashboardServer.class.getResourceAsStream(ASSETS + asset)) {
        if (in == null) {
          throw new IOException("dashboard asset missing from the jar: " + asset);
        }
        send(exchange, 200, contentType(asset), in.readAllBytes());
      }
    } finally {
      exchange.close();
    }
  }

  private static String contentType(String asset) {
    if (asset.endsWith(".html")) {
      return "text/html; charset=utf-8";
    } else if (asset.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    return "text/css; charset=utf-8";
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    headers(exchange, type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void headers(HttpExchange exchange, String type) {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Content-Security-Policy", SECURITY_POLICY);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** One SSE client: events as they come, liveness every {@code refresh}, until it goes away. */
  private void stream(HttpExchange exchange) throws IOException {
    headers(exchange, "text/event-stream; charset=utf-8");
    exchange.sendResponseHeaders(200, 0);
    AtomicBoolean behind = new AtomicBoolean();
    OutputStream out = exchange.getResponseBody();
    try {
      // Room for the stream's first events ('registered' for each current service) beyond the
      // bound.
      BlockingQueue<ServiceEvent> events =
          new LinkedBlockingQueue<>(maxQueued + samgr.services().size());
      try (Subscription subscription =
          samgr.watchAll(
              event -> {
                if (!events.offer(event)) {
                  behind.set(true);
                }
              })) {
        write(out, "hello", Map.of("now", clock.millis(), "refreshMillis", refresh.toMillis()));
        long nextSample = 0;
        while (!closed.get()) {
          if (behind.get()) {
            // Too far behind to catch up event by event: end; the browser reconnects afresh.
            write(out, "behind", Map.of("maxQueued", maxQueued));
            return;
          }
          long now = System.nanoTime();
          if (now - nextSample >= 0) {
            write(out, "liveness", sample());
            nextSample = now + refresh.toNanos();
          }
          ServiceEvent event = events.poll(Math.max(0, nextSample - now), TimeUnit.NANOSECONDS);
          if (event != null) {
            write(out, "registry", describe(event));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SamgrError e) {
      write(out, "failure", Map.of("message", String.valueOf(e.getMessage())));
    } catch (IOException clientGone) {
      // the browser closed the page or reconnects: the subscription is closed above
    } catch (IllegalStateException registryClosed) {
      // the registry closed while streaming: the dashboard is shutting down
    }
  }

  private Map<String, Object> describe(ServiceEvent event) throws SamgrError {
    Map<String, Object> json = Json.event(event, clock.instant());
    if (!(event instanceof ServiceEvent.Unregistered)) {
      try {
        Liveness liveness = samgr.liveness(event.handle().name());
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

  private Map<String, Object> sample() throws SamgrError {
    List<Map<String, Object>> services = new ArrayList<>();
    for (ServiceHandle service : samgr.services()) {
      try {
        Liveness liveness = samgr.liveness(service.name());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", service.name());
        json.put("generation", liveness.handle().generation().value());
        json.put("alive", liveness.alive());
        json.put("lastHeartbeat", liveness.lastHeartbeat().toEpochMilli());
        services.add(json);
      } catch (SamgrError.NotFound goneMeanwhile) {
        // its Unregistered event follows
      }
    }
    return Map.of("now", clock.millis(), "services", services);
  }

  private static void write(OutputStream out, String event, Object data) throws IOException {
    // JSON from jackson-jr holds no raw newline, so one data line carries it.
    out.write(bytes("event: " + event + "\ndata: " + Json.write(data) + "\n\n"));
    out.flush();
  }
}
