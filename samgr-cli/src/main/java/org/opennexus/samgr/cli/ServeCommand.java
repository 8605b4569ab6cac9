package org.opennexus.samgr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.zookeeper.EmbeddedZooKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run a standalone ZooKeeper server (ZooKeeper's own embedded server) on this machine's"
          + " loopback for harnesses to share, until Ctrl-C or SIGTERM; then it stops cleanly"
          + " and exits 0.",
      "Prints the connect string to pass as --connect or SAMGR_ZOOKEEPER_CONNECT (with --json:"
          + " {connect, data, dashboard}).",
      "Without --data the data lives in a temporary directory deleted on exit (after a"
          + " SIGKILL: by the next server that starts).",
      "One server per --data directory: a second one exits 1 at once, naming the holder; data"
          + " that cannot be used or loaded fails the start at once with the reason."
    })
final class ServeCommand implements Callable<Integer> {

  @Spec @Nullable CommandSpec spec;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      defaultValue = "2181",
      description = "The client port (default: ${DEFAULT-VALUE}; 0: a free one).")
  int port = 2181;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "DIR",
      description =
          "Keep ZooKeeper's data here (created if missing), so a restart keeps it; locked while"
              + " this server runs.")
  @Nullable Path data;

  @Option(names = "--json", description = "Print the start-up line as JSON.")
  boolean json;

  @Mixin HttpOptions http = new HttpOptions();

  @Option(
      names = "--metrics",
      description =
          "Also serve Prometheus text at /metrics on the dashboard's listener (needs --http):"
              + " this client's samgr meters and the ZooKeeper server's.")
  boolean metrics;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port " + port + " is not a port (0 to 65535)");
    }
    if (metrics && http.port == null) {
      throw new IllegalArgumentException("--metrics needs --http PORT (it serves /metrics there)");
    }
    CliContext context = Commands.context(spec);
    CommandSpec self = Commands.required(spec);
    EmbeddedZooKeeper started;
    try {
      started = EmbeddedZooKeeper.start(port, data); // without --data: a directory it deletes
    } catch (IOException e) {
      throw port == 0 || !portTaken(e) ? e : new IOException(e.getMessage() + " (try --port 0)", e);
    }
    try (EmbeddedZooKeeper zookeeper = started) {
      Path dir = zookeeper.dataDirectory();
      Integer httpPort = http.port;
      if (httpPort == null) {
        announce(self.commandLine().getOut(), zookeeper, dir, null);
        context.lifetime().awaitStop();
      } else {
        MetricsEndpoint endpoint = metrics ? new MetricsEndpoint(zookeeper.port()) : null;
        ServiceManager client = context.registries().open(zookeeper.connectString(), null);
        try (ServiceManager samgr = endpoint == null ? client : endpoint.monitor(client);
            DashboardServer dashboard =
                http.start(
                    samgr,
                    context.clock(),
                    httpPort,
                    endpoint == null ? Map.of() : endpoint.routes())) {
          announce(self.commandLine().getOut(), zookeeper, dir, dashboard);
          HttpOptions.announce(dashboard, self.commandLine().getErr());
          context.lifetime().awaitStop();
        }
      }
    }
    return ExitCodes.OK;
  }

  private static boolean portTaken(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }

  private void announce(
      PrintWriter out, EmbeddedZooKeeper zookeeper, Path dir, @Nullable DashboardServer dashboard) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("connect", zookeeper.connectString());
    value.put("data", dir.toAbsolutePath().toString());
    StringBuilder text =
        new StringBuilder("samgr serve: ZooKeeper at ")
            .append(zookeeper.connectString())
            .append(" (data in ")
            .append(dir.toAbsolutePath())
            .append(")");
    if (dashboard != null) {
      value.put("dashboard", dashboard.uri().toString());
      text.append("; dashboard at ").append(dashboard.uri());
    }
    text.append(System.lineSeparator())
        .append("connect with: --connect ")
        .append(zookeeper.connectString())
        .append("  or  export SAMGR_ZOOKEEPER_CONNECT=")
        .append(zookeeper.connectString())
        .append(System.lineSeparator())
        .append("Ctrl-C stops it");
    new Printer(out, json, context().clock()).message(text.toString(), value);
  }

  private CliContext context() {
    return Commands.context(spec);
  }
}
