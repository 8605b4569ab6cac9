package org.opennexus.samgr.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.opennexus.samgr.ServiceManager;

/**
 * The live dashboard: one page and a Server-Sent Events stream ({@link EventStream}, with the
 * {@link LivenessTicker}'s deltas), served by an embedded Jetty.
 *
 * <p>Why Jetty and not the JDK's {@code com.sun.net.httpserver}: the JDK server has no bound on
 * connections, its timeouts are JVM-wide system properties read once, and it runs each exchange on
 * whatever executor it is given without a way to refuse work early, so that slow clients took one
 * thread and one file descriptor each, without end, from the process that also runs {@code samgr
 * serve}'s ZooKeeper server. Jetty's core server (no servlets; three small jars on the class path,
 * where the rest of {@code samgr-cli} runs) has each limit built in: a bounded thread pool, a cap
 * on open connections beyond which it stops accepting (further clients wait in the kernel's backlog
 * and hold no descriptor of this process), an idle timeout that also bounds a blocked write,
 * request-head size limits, and correct {@code HEAD} replies. On top of it: a cap on event streams
 * (each holds a thread; a new one beyond it takes the place of the oldest) and a lifetime for each
 * ({@link StreamSlots}), and a timeout for every request head ({@link HeadTimeout}). See {@link
 * HttpLimits}.
 *
 * <p>Routes: every path the listener answers is registered in one place, {@link #routes}; a command
 * may add its own ({@link HttpRoute}), which get the same limits, {@code Host} check and headers.
 *
 * <p>Bound to loopback, the server also refuses requests whose {@code Host} header names another
 * host than a loopback name or the bound address, so that a web page elsewhere cannot read the
 * registry through DNS rebinding. The dashboard only reads: it calls {@code services}, {@code
 * liveness} and {@code watchAll}, and offers no way to change the registry.
 */
final class DashboardServer implements AutoCloseable {

  private static final String ASSETS = "/org/opennexus/samgr/cli/dashboard/";
  private static final String EVENTS = "/events";
  private static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
  private static final String SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /**
   * Events that may wait for one browser that does not read them (its connection stalled), beyond
   * the stream's first ones (one for each current service). Past it, the stream says {@code behind}
   * and ends; the browser's {@code EventSource} reconnects by itself and starts afresh from the
   * registry's state, so a stalled page costs bounded memory.
   */
  static final int MAX_QUEUED_EVENTS = HttpLimits.DEFAULTS.maxQueued();

  private final ServiceManager samgr;
  private final InstantSource clock;
  private final Duration refresh;
  private final HttpLimits limits;
  private final Map<String, HttpRoute> routes;
  private final StreamSlots streams;
  private final HeadTimeout heads;
  private final LivenessTicker ticker;
  private final Server server;
  private final ServerConnector connector;
  private final InetAddress host;
  private final Set<String> allowedHosts;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DashboardServer(
      ServiceManager samgr,
      InstantSource clock,
      Duration refresh,
      InetSocketAddress bind,
      HttpLimits limits,
      Map<String, HttpRoute> extraRoutes)
      throws IOException {
    this.samgr = samgr;
    this.clock = clock;
    this.refresh = refresh;
    this.limits = limits;
    this.routes = routes(extraRoutes);
    this.streams = new StreamSlots(limits.maxStreams(), limits.streamLifetime());
    this.host = bind.getAddress();

    QueuedThreadPool pool = new QueuedThreadPool(limits.maxThreads(), 2, 60_000);
    pool.setName("samgr-dashboard");
    pool.setDaemon(true);
    pool.setReservedThreads(0);
    pool.setStopTimeout(2_000);
    this.server = new Server(pool);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    config.setRequestHeaderSize(8 * 1024);
    this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    connector.setHost(host.getHostAddress());
    connector.setPort(bind.getPort());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.setAcceptQueueSize(limits.maxConnections());
    this.heads = new HeadTimeout(connector.getScheduler(), limits.headerTimeout());
    connector.addBean(heads);
    server.addConnector(connector);
    NetworkConnectionLimit cap = new NetworkConnectionLimit(limits.maxConnections(), connector);
    cap.setEndPointIdleTimeout(limits.headerTimeout().toMillis());
    server.addBean(cap);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            DashboardServer.this.handle(request, response, callback);
            return true;
          }
        });
    server.setStopTimeout(0);
    this.ticker = new LivenessTicker(samgr, clock, refresh);
    try {
      server.start();
    } catch (Exception e) {
      close();
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException bind2) {
          throw bind2;
        }
      }
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
    this.allowedHosts = allowedHosts(host, connector.getLocalPort());
  }

  /**
   * The {@code Host} values a server bound to {@code host} at {@code port} answers to (in lower
   * case), or none for any when it is not bound to loopback: the loopback names and the bound
   * address with the port, and on port 80 also without it (what browsers send for the default
   * port).
   */
  static Set<String> allowedHosts(InetAddress host, int port) {
    Set<String> names = new TreeSet<>();
    if (host.isLoopbackAddress()) {
      String bound = authority(host, port).toLowerCase(Locale.ROOT);
      for (String name :
          List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, bound)) {
        names.add(name);
        if (port == 80) {
          names.add(name.substring(0, name.lastIndexOf(':')));
        }
      }
    }
    return Set.copyOf(names);
  }

  /**
   * Every path this listener answers besides {@code /events}: the page, its script and style, then
   * {@code extra} (e.g. {@code /metrics}). The one place where routes are registered.
   */
  private static Map<String, HttpRoute> routes(Map<String, HttpRoute> extra) {
    Map<String, HttpRoute> routes = new LinkedHashMap<>();
    routes.put("/", asset("index.html"));
    routes.put("/index.html", asset("index.html"));
    routes.put("/dashboard.js", asset("dashboard.js"));
    routes.put("/dashboard.css", asset("dashboard.css"));
    extra.forEach(
        (path, route) -> {
          if (path.equals(EVENTS) || routes.putIfAbsent(path, route) != null) {
            throw new IllegalArgumentException("the dashboard already answers " + path);
          }
        });
    return Map.copyOf(routes);
  }

  /**
   * Starts serving {@code samgr} at {@code bind} (port 0: a free one) with the default limits.
   *
   * @param clock the registry's clock, for the time since each service's last heartbeat
   * @param refresh how often the stream carries what changed in the services' liveness
   */
  static DashboardServer start(
      ServiceManager samgr, InstantSource clock, Duration refresh, InetSocketAddress bind)
      throws IOException {
    return start(samgr, clock, refresh, bind, HttpLimits.DEFAULTS, Map.of());
  }

  /** As {@link #start}, with another bound on the events queued for one browser (for tests). */
  static DashboardServer start(
      ServiceManager samgr,
      InstantSource clock,
      Duration refresh,
      InetSocketAddress bind,
      int maxQueued)
      throws IOException {
    return start(
        samgr, clock, refresh, bind, HttpLimits.DEFAULTS.withMaxQueued(maxQueued), Map.of());
  }

  /** As {@link #start}, with these limits and these routes besides the dashboard's own. */
  static DashboardServer start(
      ServiceManager samgr,
      InstantSource clock,
      Duration refresh,
      InetSocketAddress bind,
      HttpLimits limits,
      Map<String, HttpRoute> extraRoutes)
      throws IOException {
    return new DashboardServer(samgr, clock, refresh, bind, limits, extraRoutes);
  }

  /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
  URI uri() {
    InetAddress shown = host.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : host;
    return URI.create("http://" + authority(shown, connector.getLocalPort()) + "/");
  }

  private static String authority(InetAddress address, int port) {
    String literal = address.getHostAddress();
    int scope = literal.indexOf('%');
    if (scope >= 0) {
      literal = literal.substring(0, scope);
    }
    return (literal.contains(":") ? "[" + literal + "]" : literal) + ":" + port;
  }

  /** Whether the dashboard listens on a loopback address only. */
  boolean isLoopback() {
    return host.isLoopbackAddress();
  }

  /** Stops serving: open event streams end, the port is released. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      ticker.close();
      try {
        server.stop();
      } catch (Exception e) {
        throw new IllegalStateException("the dashboard's server did not stop: " + e, e);
      }
    }
  }

  private void handle(Request request, Response response, Callback requestDone) {
    Callback callback =
        heads.handling(request.getConnectionMetaData().getConnection(), requestDone);
    try {
      List<String> hosts = request.getHeaders().getValuesList(HttpHeader.HOST);
      if (hosts.size() > 1) {
        send(request, response, callback, HttpReply.text(400, "more than one Host header"));
        return;
      }
      String name = hosts.isEmpty() ? null : hosts.get(0);
      if (!allowedHosts.isEmpty()
          && (name == null || !allowedHosts.contains(name.toLowerCase(Locale.ROOT)))) {
        send(
            request,
            response,
            callback,
            HttpReply.text(403, "this dashboard answers only to loopback names"));
        return;
      }
      String method = request.getMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        send(request, response, callback, HttpReply.text(405, "only GET and HEAD"));
        return;
      }
      String path = request.getHttpURI().getPath();
      if (EVENTS.equals(path)) {
        if ("HEAD".equals(method)) {
          send(request, response, callback, new HttpReply(200, EVENT_STREAM, new byte[0]));
        } else {
          stream(request, response, callback);
        }
        return;
      }
      HttpRoute route = routes.get(path);
      send(
          request,
          response,
          callback,
          route == null ? HttpReply.text(404, "no such page") : route.get());
    } catch (IOException | RuntimeException e) {
      callback.failed(e);
    }
  }

  private static HttpRoute asset(String asset) {
    return () -> {
      try (InputStream in = DashboardServer.class.getResourceAsStream(ASSETS + asset)) {
        if (in == null) {
          throw new IOException("dashboard asset missing from the jar: " + asset);
        }
        return new HttpReply(200, contentType(asset), in.readAllBytes());
      }
    };
  }

  private static String contentType(String asset) {
    if (asset.endsWith(".html")) {
      return "text/html; charset=utf-8";
    } else if (asset.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    return "text/css; charset=utf-8";
  }

  private static void send(Request request, Response response, Callback callback, HttpReply reply) {
    headers(response, reply.contentType());
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.length());
    boolean head = "HEAD".equals(request.getMethod());
    response.write(true, head ? null : reply.body(), callback);
  }

  private static void headers(Response response, String type) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put("Content-Security-Policy", SECURITY_POLICY);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Referrer-Policy", "no-referrer");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
  }

  /**
   * One browser's event stream, on this request's thread, in a place among the capped streams (a
   * new one takes the place of the oldest). Its connection closes when it ends: when a newer stream
   * took its place, its lifetime is over, the browser went away or the server closes.
   */
  private void stream(Request request, Response response, Callback callback) {
    try (StreamSlots.Slot slot =
        streams.open(request.getConnectionMetaData().getConnection().getEndPoint())) {
      headers(response, EVENT_STREAM);
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      response.setStatus(200);
      OutputStream out = Content.Sink.asOutputStream(response);
      Duration keepAlive = limits.idleTimeout().dividedBy(3);
      new EventStream(samgr, clock, refresh, keepAlive, limits.maxQueued())
          .run(out, ticker, () -> closed.get() || slot.over());
      out.close();
      callback.succeeded();
    } catch (InterruptedException | InterruptedIOException e) {
      Thread.currentThread().interrupt();
      callback.failed(e);
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      // the browser went away or stopped reading (idle timeout), a newer stream took this one's
      // place, or the registry closed
      callback.failed(e);
    }
  }
}
