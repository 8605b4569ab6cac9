package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;

/**
 * The dashboard's HTTP server against clients that hold what they got: streams that never read,
 * request heads dribbled on a kept-alive connection, and {@code Host} headers it must not trust.
 */
class DashboardAbuseTest {

  private final Cli cli = new Cli();
  private final List<DashboardServer> servers = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void close() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    servers.forEach(DashboardServer::close);
    cli.close();
  }

  private static HttpLimits limits(Duration header, Duration idle, Duration streamLifetime) {
    return new HttpLimits(20, 40, 4, header, idle, streamLifetime, 10_000);
  }

  private URI start(HttpLimits limits) throws IOException {
    DashboardServer server =
        DashboardServer.start(
            cli.registry,
            cli.clock,
            Duration.ofMillis(200),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            limits,
            Map.of());
    servers.add(server);
    return server.uri();
  }

  private Socket connect(URI uri) throws IOException {
    Socket socket = new Socket();
    sockets.add(socket);
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  /**
   * As many streams as the cap, whose clients never read (their few bytes a minute fit in the
   * buffers, so no write blocks and no idle timeout cuts them), do not lock a real browser out: its
   * stream is accepted with the registry's state, and the server closes the stalled stream open
   * longest.
   */
  @Test
  @Timeout(60)
  void aNewStreamTakesThePlaceOfTheOldestWhenAllAreTaken() throws Exception {
    cli.registry.register("alpha", Endpoint.of("tcp://127.0.0.1:7000"));
    cli.registry.register("beta", Endpoint.of("tcp://127.0.0.1:7001"));
    HttpLimits limits =
        limits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(10));
    URI uri = start(limits);
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < limits.maxStreams(); i++) {
      Socket socket = connect(uri);
      request(socket, uri, "/events");
      assertEquals("HTTP/1.1 200 OK", statusLine(head(socket.getInputStream())));
      stalled.add(socket);
    }

    Socket browser = connect(uri);
    request(browser, uri, "/events");
    InputStream in = browser.getInputStream();
    assertEquals("HTTP/1.1 200 OK", statusLine(head(in)));
    String events = readUntil(in, "\"name\":\"beta\"");
    assertTrue(events.contains("event: hello\n"), events);
    assertTrue(
        events
            .lines()
            .anyMatch(
                line ->
                    line.startsWith("data: ")
                        && line.contains("\"initial\":true")
                        && line.contains("\"name\":\"alpha\"")),
        events);

    assertClosedByServer(stalled.get(0));
  }

  /** A stream open for its lifetime is ended by the server: after a whole message, EOF. */
  @Test
  @Timeout(60)
  void aStreamEndsAfterItsLifetime() throws Exception {
    cli.registry.register("alpha", Endpoint.of("tcp://127.0.0.1:7000"));
    URI uri = start(limits(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(1)));
    Socket browser = connect(uri);
    request(browser, uri, "/events");
    InputStream in = browser.getInputStream();
    String head = head(in);
    assertEquals("HTTP/1.1 200 OK", statusLine(head));
    assertTrue(head.contains("\r\nConnection: close\r\n"), head);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (int n; (n = in.read(buffer)) >= 0; ) {
      body.write(buffer, 0, n);
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the stream still streams after 20 s: " + body.size() + " bytes");
      }
    }
    String text = body.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("event: hello\n"), text);
    assertTrue(text.endsWith("\n\n"), "the stream ended inside a message: " + text);
  }

  /**
   * The header timeout holds for every request head of a connection, not only its first: after one
   * request answered, a second head sent a line at a time is cut within it.
   */
  @Test
  @Timeout(60)
  void aDribbledSecondRequestHeadIsCut() throws Exception {
    URI uri = start(limits(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(10)));
    Socket socket = connect(uri);
    request(socket, uri, "/dashboard.css");
    InputStream in = socket.getInputStream();
    String head = head(in);
    assertEquals("HTTP/1.1 200 OK", statusLine(head));
    int length = Integer.parseInt(head.replaceAll("(?s).*\r\nContent-Length: (\\d+)\r\n.*", "$1"));
    assertEquals(length, in.readNBytes(length).length);

    OutputStream out = socket.getOutputStream();
    socket.setSoTimeout(200);
    out.write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (int line = 0; System.nanoTime() < deadline; line++) {
      try {
        out.write(("X-Slow-" + line + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int b = in.read();
        if (b < 0) {
          return; // closed by the server
        }
        throw new AssertionError("the server answered an incomplete head: " + (char) b);
      } catch (SocketTimeoutException stillOpen) {
        // no answer yet: send the next line
      } catch (IOException reset) {
        return; // closed by the server
      }
    }
    throw new AssertionError("the dribbled second head still holds its connection after 20 s");
  }

  /**
   * On port 80 the page answers to a {@code Host} without a port (what browsers send for it), as to
   * one with it; on any other port a {@code Host} without a port is not its own.
   */
  @Test
  @Timeout(10)
  void onPort80AHostWithoutThePortIsAllowed() throws Exception {
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    assertEquals(
        Set.of("localhost", "localhost:80", "127.0.0.1", "127.0.0.1:80", "[::1]", "[::1]:80"),
        DashboardServer.allowedHosts(loopback, 80));
    assertEquals(
        Set.of("localhost:8080", "127.0.0.1:8080", "[::1]:8080"),
        DashboardServer.allowedHosts(loopback, 8080));
    assertEquals(
        Set.of(
            "localhost",
            "localhost:80",
            "127.0.0.1",
            "127.0.0.1:80",
            "[::1]",
            "[::1]:80",
            "127.0.0.2",
            "127.0.0.2:80"),
        DashboardServer.allowedHosts(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 80));
    assertEquals(Set.of(), DashboardServer.allowedHosts(InetAddress.getByAddress(new byte[4]), 80));

    URI uri = start(HttpLimits.DEFAULTS);
    assertEquals("HTTP/1.1 403 Forbidden", statusLine(exchange(uri, "Host: 127.0.0.1\r\n")));
    assertEquals(
        "HTTP/1.1 200 OK", statusLine(exchange(uri, "Host: 127.0.0.1:" + uri.getPort() + "\r\n")));
  }

  /** A request with two {@code Host} headers is refused, whichever comes first. */
  @Test
  @Timeout(30)
  void twoHostHeadersAreRefused() throws Exception {
    URI uri = start(HttpLimits.DEFAULTS);
    String own = "Host: 127.0.0.1:" + uri.getPort() + "\r\n";
    assertEquals("HTTP/1.1 400 Bad Request", statusLine(exchange(uri, own + "Host: evil.com\r\n")));
    assertEquals("HTTP/1.1 400 Bad Request", statusLine(exchange(uri, "Host: evil.com\r\n" + own)));
    assertEquals("HTTP/1.1 400 Bad Request", statusLine(exchange(uri, own + own)));
    assertEquals("HTTP/1.1 200 OK", statusLine(exchange(uri, own)));
  }

  /** {@code GET /} with these header lines on a new connection: the response's head. */
  private String exchange(URI uri, String headers) throws IOException {
    Socket socket = connect(uri);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET / HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return head(socket.getInputStream());
  }

  private static void assertClosedByServer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    long read = 0;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      for (int n; (n = in.read(buffer)) >= 0; ) {
        read += n;
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the oldest stream still streams after " + read + " bytes");
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the oldest stream is still open after " + read + " bytes");
    } catch (IOException reset) {
      // closed by the server: a reset rather than a clean end
    }
  }

  private static String readUntil(InputStream in, String wanted) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    while (!body.toString(StandardCharsets.UTF_8).contains(wanted)) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new AssertionError("the stream ended before " + wanted + ": " + body);
      }
      body.write(buffer, 0, n);
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  private static void request(Socket socket, URI uri, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort() + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String statusLine(String head) {
    int end = head.indexOf('\r');
    return end < 0 ? head : head.substring(0, end);
  }

  /** The status line and headers, up to the blank line. */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
