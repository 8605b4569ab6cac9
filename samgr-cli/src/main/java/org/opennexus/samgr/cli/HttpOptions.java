package org.opennexus.samgr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Option;

/** Where the dashboard listens. */
final class HttpOptions {

  @Option(
      names = "--http",
      paramLabel = "PORT",
      description = "Serve the live dashboard on this port (0: a free one).")
  @Nullable Integer port;

  @Option(
      names = "--http-bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "The address the dashboard listens on (default: ${DEFAULT-VALUE}, this machine only)."
              + " Any other address shows every service name, endpoint and event, read-only and"
              + " without authentication, to whoever can reach it.")
  String bind = "127.0.0.1";

  @Option(
      names = "--http-refresh",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = Commands.DurationConverter.class,
      description =
          "How often the dashboard's stream carries each service's liveness (default:"
              + " ${DEFAULT-VALUE}); events are pushed as they happen.")
  Duration refresh = Duration.ofSeconds(1);

  /** Starts the dashboard over {@code samgr}, or throws {@code IllegalArgumentException}. */
  DashboardServer start(ServiceManager samgr, InstantSource clock, int port) throws IOException {
    return start(samgr, clock, port, Map.of());
  }

  /**
   * Starts the dashboard over {@code samgr} with {@code extraRoutes} on the same listener (such as
   * {@code /metrics}), or throws {@code IllegalArgumentException}.
   */
  DashboardServer start(
      ServiceManager samgr, InstantSource clock, int port, Map<String, HttpRoute> extraRoutes)
      throws IOException {
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--http-bind '" + bind + "' is not a known address", e);
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--http " + port + " is not a port (0 to 65535)");
    }
    if (refresh.isZero()) {
      throw new IllegalArgumentException("--http-refresh must be more than zero");
    }
    InetSocketAddress at = new InetSocketAddress(address, port);
    try {
      return DashboardServer.start(samgr, clock, refresh, at, HttpLimits.DEFAULTS, extraRoutes);
    } catch (BindException e) {
      BindException named =
          new BindException(
              "cannot listen on "
                  + bind
                  + ":"
                  + port
                  + " (--http, --http-bind): "
                  + e.getMessage()
                  + "; try --http 0 for a free port, or another address");
      named.initCause(e);
      throw named;
    }
  }

  /** Says where the dashboard is, and what binding beyond loopback exposes. */
  static void announce(DashboardServer dashboard, PrintWriter err) {
    if (!dashboard.isLoopback()) {
      err.println(
          "samgr: the dashboard at "
              + dashboard.uri()
              + " is reachable from other machines: it shows every service and event, read-only,"
              + " without authentication");
      err.flush();
    }
  }
}
