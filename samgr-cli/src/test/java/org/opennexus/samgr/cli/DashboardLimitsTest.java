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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;

/**
 * The dashboard's HTTP server under slow and stalled clients, on loopback: its threads and
 * connections stay bounded, slow clients are cut within the configured timeouts, and a normal
 * request still gets its page meanwhile.
 */
@Timeout(120)
class DashboardLimitsTest {

  /** Small limits, so that the test is quick; the defaults differ only in size. */
  private static final HttpLimits LIMITS =
      new HttpLimits(
          20, 40, 4, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMinutes(10), 10_000);

  private static final int SLOW_CLIENTS = 300;

  private final Cli cli = new Cli();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<DashboardServer> servers = new ArrayList<>();

  @AfterEach
  void close() {
    servers.forEach(DashboardServer::close);
    cli.close();
  }

  private DashboardServer start(InetAddress address) throws IOException {
    DashboardServer server =
        DashboardServer.start(
            cli.registry,
            cli.clock,
            Duration.ofMillis(200),
            new InetSocketAddress(address, 0),
            LIMITS,
            Map.of());
    servers.add(server);
    return server;
  }

  /**
   * 300 clients that send half a request head and stall: the server never runs more than its
   * threads, holds at most its connections open, closes every one of them within a few head
   * timeouts, and answers a normal request meanwhile. (The JDK server before it took one thread per
   * such client and closed none.)
   */
  @Test
  void slowClientsGetNeitherThreadsNorConnectionsForLong() throws Exception {
    DashboardServer dashboard = start(InetAddress.getLoopbackAddress());
    URI uri = dashboard.uri();
    byte[] half =
        ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort() + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    int baseFds = openFileDescriptors();
    long started = System.nanoTime();
    int closed = 0;
    int maxThreads = 0;
    CompletableFuture<HttpResponse<String>> normal = null;
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < SLOW_CLIENTS; i++) {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
        channel.register(selector, SelectionKey.OP_CONNECT);
      }
      ByteBuffer sink = ByteBuffer.allocate(4096);
      long deadline = started + TimeUnit.SECONDS.toNanos(60);
      while (closed < SLOW_CLIENTS && System.nanoTime() < deadline) {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel channel = (SocketChannel) key.channel();
          try {
            if (key.isConnectable()) {
              channel.finishConnect();
              channel.write(ByteBuffer.wrap(half));
              key.interestOps(SelectionKey.OP_READ);
            } else if (key.isReadable()) {
              sink.clear();
              if (channel.read(sink) < 0) {
                throw new IOException("closed by the server");
              }
            }
          } catch (IOException gone) {
            key.cancel();
            channel.close();
            closed++;
          }
        }
        selector.selectedKeys().clear();
        maxThreads = Math.max(maxThreads, serverThreads());
        if (normal == null && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(1)) {
          // a page asked for while the slow clients hold what they can
          normal =
              http.sendAsync(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                  HttpResponse.BodyHandlers.ofString());
          // this process holds the 300 client ends; the server ends stay within the cap
          int extra = openFileDescriptors() - baseFds - SLOW_CLIENTS;
          assertTrue(
              extra <= LIMITS.maxConnections() + 20,
              "the server holds " + extra + " descriptors for 300 stalled clients");
        }
      }
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    assertEquals(SLOW_CLIENTS, closed, "stalled clients closed by the server in " + seconds + " s");
    assertTrue(
        maxThreads <= LIMITS.maxThreads() + 1,
        "the server ran " + maxThreads + " threads for " + SLOW_CLIENTS + " slow clients");
    if (normal == null) {
      throw new AssertionError("the test never asked for the page");
    }
    HttpResponse<String> page = normal.get(60, TimeUnit.SECONDS);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<title>samgr dashboard</title>"));
  }

  /**
   * A browser that asks for the event stream and then reads nothing: once the server's writes stall
   * for the idle timeout, the stream is cut (the JDK server before it kept writing to it forever);
   * a stream beyond the cap takes the place of the one open longest, which the server closes.
   */
  @Test
  void stalledStreamsAreCutAndStreamsAreCapped() throws Exception {
    String big = "tcp://127.0.0.1:7000/" + "x".repeat(3_000);
    for (int i = 0; i < 3_000; i++) {
      cli.registry.register("svc-" + i, Endpoint.of(big));
    }
    DashboardServer dashboard = start(InetAddress.getLoopbackAddress());
    URI uri = dashboard.uri();
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
      request(stalled, uri, "/events");
      // the initial events are ~10 MB, more than loopback's buffers: the server's writes block
      Thread.sleep(LIMITS.idleTimeout().toMillis() * 3);
      stalled.setSoTimeout(10_000);
      InputStream in = stalled.getInputStream();
      long read = 0;
      try {
        byte[] buffer = new byte[65_536];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int n; (n = in.read(buffer)) >= 0; ) {
          read += n;
          if (System.nanoTime() > deadline) {
            throw new AssertionError("the stalled stream still streams after " + read + " bytes");
          }
        }
      } catch (SocketTimeoutException stillOpen) {
        throw new AssertionError("the stalled stream is still open after " + read + " bytes");
      } catch (IOException reset) {
        // cut: reset instead of a clean end
      }
      assertTrue(read < 8_000_000, "the stalled stream was not cut but read to " + read + " bytes");
    }

    List<Socket> open = new ArrayList<>();
    try {
      List<String> statuses = new ArrayList<>();
      for (int i = 0; i < LIMITS.maxStreams() + 2; i++) {
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        open.add(socket);
        socket.setSoTimeout(20_000);
        request(socket, uri, "/events");
        String head = head(socket.getInputStream());
        statuses.add(head.substring(0, head.indexOf('\r')));
        assertTrue(serverThreads() <= LIMITS.maxThreads() + 1);
      }
      assertEquals(Collections.nCopies(LIMITS.maxStreams() + 2, "HTTP/1.1 200 OK"), statuses);
      for (Socket displaced : open.subList(0, 2)) {
        assertEquals("closed", readToEnd(displaced.getInputStream()));
      }
    } finally {
      for (Socket socket : open) {
        socket.close();
      }
    }
  }

  /** {@code --http-bind 127.0.0.2}: the page answers to its own address. */
  @Test
  void theBoundLoopbackAddressIsAnAllowedHost() throws Exception {
    DashboardServer dashboard = start(InetAddress.getByName("127.0.0.2"));
    assertEquals("127.0.0.2", dashboard.uri().getHost());
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(dashboard.uri()).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
  }

  /** {@code HEAD} gets the headers of {@code GET} and no body. */
  @Test
  void headAnswersWithoutABody() throws Exception {
    DashboardServer dashboard = start(InetAddress.getLoopbackAddress());
    URI uri = dashboard.uri();
    int length =
        http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body()
            .length;
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("HEAD / HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort() + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = head(in);
      assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
      assertTrue(head.contains("\r\nContent-Length: " + length + "\r\n"), head);
      assertEquals(-1, in.read(), "no body after the head");
    }
  }

  /** Reads until the server closes the connection: "closed", or "open" after 20 s. */
  private static String readToEnd(InputStream in) throws IOException {
    byte[] buffer = new byte[65_536];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try {
      while (in.read(buffer) >= 0) {
        if (System.nanoTime() > deadline) {
          return "open";
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return "open";
    } catch (IOException reset) {
      // closed with a reset
    }
    return "closed";
  }

  private static void request(Socket socket, URI uri, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + uri.getPort() + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
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

  /** The dashboard's threads now: its pool and the liveness ticker. */
  private static int serverThreads() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("samgr-dashboard")) {
        n++;
      }
    }
    return n;
  }

  private static int openFileDescriptors() throws IOException {
    try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    }
  }
}
