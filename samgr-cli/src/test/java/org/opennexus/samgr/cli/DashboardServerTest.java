package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;

/** The dashboard's HTTP side: assets, headers, the event stream, and what it refuses. */
@Timeout(60)
class DashboardServerTest {

  private static final long T0 = Cli.START.toEpochMilli();

  private final Cli cli = new Cli();
  private final DashboardServer dashboard;
  private final HttpClient http = HttpClient.newHttpClient();

  DashboardServerTest() throws Exception {
    dashboard =
        DashboardServer.start(
            cli.registry,
            cli.clock,
            Duration.ofMillis(100),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void close() {
    dashboard.close();
    cli.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(dashboard.uri().resolve(path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePageAndItsAssetsComeFromTheJarWithAStrictPolicy() throws Exception {
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
    assertEquals(
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        page.headers().firstValue("Content-Security-Policy").orElse(""));
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
    assertTrue(page.body().contains("<script src=\"dashboard.js\" defer></script>"));
    assertFalse(page.body().contains("http://") || page.body().contains("https://"), "no CDN");

    HttpResponse<String> script = get("/dashboard.js");
    assertEquals(200, script.statusCode());
    assertEquals(
        "text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElse(""));
    // registry data reaches the page only through textContent
    assertFalse(script.body().contains("innerHTML"));
    assertFalse(script.body().contains("insertAdjacentHTML"));
    assertEquals(200, get("/dashboard.css").statusCode());
    assertEquals(page.body(), get("/index.html").body());
  }

  @Test
  void unknownPathsAndOtherMethodsAreRefused() throws Exception {
    assertEquals(404, get("/etc/passwd").statusCode());
    assertEquals(404, get("/dashboard.js.map").statusCode());
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(dashboard.uri())
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void onLoopbackAnotherHostNameIsRefused() throws Exception {
    assertTrue(dashboard.isLoopback());
    assertEquals(
        "HTTP/1.1 403 Forbidden", rawStatusLine("evil.example:" + dashboard.uri().getPort()));
    assertEquals("HTTP/1.1 200 OK", rawStatusLine("localhost:" + dashboard.uri().getPort()));
    assertEquals("HTTP/1.1 200 OK", rawStatusLine("127.0.0.1:" + dashboard.uri().getPort()));
  }

  private String rawStatusLine(String host) throws Exception {
    URI uri = dashboard.uri();
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  /**
   * A stream whose page does not keep up (here: its thread held while four services register; it
   * may hold one event and queue two) says {@code behind} and ends, so that a stalled page costs
   * bounded memory; EventSource then reconnects by itself.
   */
  @Test
  void aStreamTooFarBehindSaysSoAndEnds() throws Exception {
    try (DashboardServer small =
        DashboardServer.start(
            new GatedRegistry(cli.registry),
            cli.clock,
            Duration.ofHours(1),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            2)) {
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      HttpResponse<Stream<String>> stream =
          http.send(
              HttpRequest.newBuilder(small.uri().resolve("/events")).build(),
              HttpResponse.BodyHandlers.ofLines());
      Thread reader =
          new Thread(
              () -> {
                stream.body().forEach(lines::add);
                lines.add("(end)");
              });
      reader.setDaemon(true);
      reader.start();
      next(lines, "hello");
      CountDownLatch hold = new CountDownLatch(1);
      GatedRegistry.hold = hold;
      try {
        for (String name : List.of("a", "b", "c", "d")) {
          cli.registry.register(name, Endpoint.of("tcp://127.0.0.1:7000"));
        }
      } finally {
        GatedRegistry.hold = null;
        hold.countDown();
      }
      assertEquals(Map.of("maxQueued", 2L), next(lines, "behind"));
      String line;
      do {
        line = lines.poll(20, TimeUnit.SECONDS);
      } while (line != null && !line.equals("(end)"));
      assertEquals("(end)", line, "the stream ended");
    }
  }

  @Test
  void theEventStreamStartsWithTheCurrentServicesAndPushesChanges() throws Exception {
    ServiceHandle net = cli.registry.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpResponse<Stream<String>> stream =
        http.send(
            HttpRequest.newBuilder(dashboard.uri().resolve("/events")).build(),
            HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, stream.statusCode());
    assertEquals(
        "text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElse(""));
    Thread reader = new Thread(() -> stream.body().forEach(lines::add));
    reader.setDaemon(true);
    reader.start();

    assertEquals(Map.of("now", T0, "refreshMillis", 100L), next(lines, "hello"));
    // the service present when the stream started: state, marked initial, not an event
    assertEquals(
        Map.of(
            "event",
            "registered",
            "name",
            "net",
            "endpoint",
            "tcp://127.0.0.1:7000",
            "generation",
            "1",
            "at",
            "2026-11-27T12:00:00Z",
            "initial",
            true,
            "alive",
            true,
            "lastHeartbeat",
            T0,
            "now",
            T0),
        next(lines, "registry"));

    cli.clock.advance(Duration.ofSeconds(5));
    cli.registry.restart(net, Endpoint.of("tcp://127.0.0.1:7001"));
    assertEquals(
        Map.of(
            "event",
            "restarted",
            "name",
            "net",
            "endpoint",
            "tcp://127.0.0.1:7001",
            "generation",
            "2",
            "at",
            "2026-11-27T12:00:05Z",
            "alive",
            true,
            "lastHeartbeat",
            T0 + 5_000,
            "now",
            T0 + 5_000),
        next(lines, "registry"));
    // liveness messages carry the registry clock's time and only what changed since the last one
    cli.clock.advance(Duration.ofSeconds(3));
    Map<String, Object> last = Map.of();
    Map<String, Object> sample;
    do {
      sample = next(lines, "liveness");
      assertEquals(Map.of("state", "ok"), sample.get("registry"));
      for (Object changed : changed(sample)) {
        last = normalize(cast(changed));
      }
    } while (!Long.valueOf(T0 + 8_000).equals(sample.get("now")));
    assertEquals(
        Map.of("name", "net", "generation", "2", "alive", true, "lastHeartbeat", T0 + 5_000), last);
    // nothing changed since: the next one carries no service at all
    assertEquals(
        Map.of("now", T0 + 8_000, "registry", Map.of("state", "ok"), "changed", List.of()),
        next(lines, "liveness"));
    cli.registry.heartbeat(cli.registry.resolve("net"));
    do {
      sample = next(lines, "liveness");
    } while (changed(sample).isEmpty());
    assertEquals(
        List.of(
            Map.of("name", "net", "generation", "2", "alive", true, "lastHeartbeat", T0 + 8_000)),
        sample.get("changed"));
    stream.body().close();
  }

  /**
   * The dashboard's data path (page, assets, event stream with its liveness deltas, across an
   * expiry) calls only reading operations: every write of the registry it sees fails.
   */
  @Test
  void theDashboardNeverWritesToTheRegistry() throws Exception {
    ReadOnlyRegistry readOnly = new ReadOnlyRegistry(cli.registry);
    try (DashboardServer watching =
        DashboardServer.start(
            readOnly,
            cli.clock,
            Duration.ofMillis(50),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      cli.registry.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
      for (String path : List.of("/", "/dashboard.js", "/dashboard.css")) {
        assertEquals(
            200,
            http.send(
                    HttpRequest.newBuilder(watching.uri().resolve(path)).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode());
      }
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      HttpResponse<Stream<String>> stream =
          http.send(
              HttpRequest.newBuilder(watching.uri().resolve("/events")).build(),
              HttpResponse.BodyHandlers.ofLines());
      Thread reader = new Thread(() -> stream.body().forEach(lines::add));
      reader.setDaemon(true);
      reader.start();
      next(lines, "hello");
      next(lines, "registry");
      cli.clock.advance(Cli.LIVENESS.plusSeconds(1));
      boolean expired = false;
      while (!expired) {
        for (Object changed : changed(next(lines, "liveness"))) {
          expired |= Boolean.FALSE.equals(normalize(cast(changed)).get("alive"));
        }
      }
      cli.registry.register("storage", Endpoint.of("tcp://127.0.0.1:7001"));
      assertEquals("storage", next(lines, "registry").get("name"));
      stream.body().close();
    }
    assertEquals(List.of(), readOnly.writes);
  }

  @Test
  void dashboardCommandServesTheRegistryUntilStopped() throws Exception {
    Cli.Running command = cli.start("dashboard", "--http", "0", "--json");
    String url =
        ServeCommandTest.text(ServeCommandTest.startupLine(command.awaitOutput("}")), "dashboard");
    assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/"), url);
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertEquals(
        new Cli.Result(0, "{\"dashboard\":\"" + url + "\"}" + System.lineSeparator(), ""),
        command.stop());
    assertEquals(1, cli.view.closes.get());
  }

  /** The data of the next message of this type (other types are skipped), bounded. */
  private static Map<String, Object> next(BlockingQueue<String> lines, String type)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String event = "";
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line == null) {
        continue;
      }
      if (line.startsWith("event: ")) {
        event = line.substring("event: ".length());
      } else if (line.startsWith("data: ") && event.equals(type)) {
        Map<String, Object> data = JSON.std.mapFrom(line.substring("data: ".length()));
        return normalize(data);
      }
    }
    throw new AssertionError("no '" + type + "' message within 20 s");
  }

  /** A liveness message's {@code changed} list. */
  private static List<?> changed(Map<String, Object> sample) {
    return (List<?>) java.util.Objects.requireNonNull(sample.get("changed"), "changed");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object value) {
    return (Map<String, Object>) value;
  }

  /** jackson-jr reads small numbers as Integer; compare them as Long. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> normalize(Map<String, Object> data) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>();
    data.forEach(
        (k, v) -> {
          if (v instanceof Integer i) {
            copy.put(k, i.longValue());
          } else if (v instanceof Map<?, ?> m) {
            copy.put(k, normalize((Map<String, Object>) m));
          } else if (v instanceof java.util.List<?> list) {
            copy.put(
                k,
                list.stream()
                    .map(e -> e instanceof Map<?, ?> m ? normalize((Map<String, Object>) m) : e)
                    .toList());
          } else {
            copy.put(k, v);
          }
        });
    return copy;
  }
}
