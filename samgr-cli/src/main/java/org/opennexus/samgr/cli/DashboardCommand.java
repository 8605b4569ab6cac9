package org.opennexus.samgr.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.opennexus.samgr.ServiceManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the live dashboard of a registry until Ctrl-C: every service with its endpoint,"
          + " generation and liveness, and the recent events, updated as they happen.",
      "Prints the page's address (with --json: {dashboard})."
    })
final class DashboardCommand extends RegistryCommand {

  @Override
  boolean readOnly() {
    return true; // it only looks: it never writes to the registry
  }

  @Mixin HttpOptions http = new HttpOptions();

  @Override
  void run(ServiceManager samgr, Printer out, CliContext context) throws InterruptedException {
    Integer port = http.port;
    try (DashboardServer dashboard =
        http.start(samgr, context.clock(), port == null ? DEFAULT_PORT : port)) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("dashboard", dashboard.uri().toString());
      out.message("dashboard: " + dashboard.uri() + " (Ctrl-C stops it)", json);
      HttpOptions.announce(dashboard, Commands.required(spec).commandLine().getErr());
      context.lifetime().awaitStop();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the dashboard: " + e.getMessage(), e);
    }
  }

  /** The port when {@code --http} is not given. */
  static final int DEFAULT_PORT = 8080;
}
