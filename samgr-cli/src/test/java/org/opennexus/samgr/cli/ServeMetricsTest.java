package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/** {@code samgr serve --metrics}: Prometheus text at /metrics of the dashboard's listener. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeMetricsTest {

  private final Cli cli = new Cli();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    cli.close();
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean has(String text, String line) {
    return text.lines().anyMatch(line::equals);
  }

  @Test
  void servesTheRegistrysAndZooKeepersMetersAsPrometheusText() throws Exception {
    Cli.Running serve = cli.start("serve", "--port", "0", "--http", "0", "--metrics", "--json");
    Map<String, Object> line = ServeCommandTest.startupLine(serve.awaitOutput("dashboard"));
    URI metrics = URI.create(ServeCommandTest.text(line, "dashboard")).resolve("/metrics");

    HttpResponse<String> first = get(metrics);
    assertEquals(200, first.statusCode(), first.body());
    assertEquals(
        "text/plain; version=0.0.4; charset=utf-8",
        first.headers().firstValue("Content-Type").orElse(""));
    String text = first.body();
    for (String expected :
        List.of(
            "# TYPE samgr_services gauge",
            "samgr_services 0.0",
            "# TYPE samgr_operations_total counter",
            "samgr_operations_total{operation=\"register\",outcome=\"ok\"} 0.0",
            "samgr_operations_total{operation=\"resolve\",outcome=\"not-found\"} 0.0",
            "# TYPE samgr_events_delivered_total counter",
            "# TYPE samgr_listener_failures_total counter",
            "samgr_listener_failures_total 0.0",
            "# TYPE zookeeper_server_znodes gauge",
            "# TYPE zookeeper_server_outstanding_requests gauge",
            "# TYPE zookeeper_server_watches gauge")) {
      assertTrue(has(text, expected), "no line '" + expected + "' in:\n" + text);
    }
    assertTrue(
        text.lines().anyMatch(l -> l.matches("zookeeper_server_znodes [1-9][0-9]*\\.0")), text);
    assertTrue(
        text.lines().anyMatch(l -> l.matches("zookeeper_server_outstanding_requests [0-9]+\\.0")),
        text);

    assertEquals(0, serve.stop().code());
  }

  /** Reads /metrics until it has {@code line} (bounded by the test's timeout). */
  private String awaitLine(URI metrics, String line) throws Exception {
    while (true) {
      HttpResponse<String> response = get(metrics);
      assertEquals(200, response.statusCode(), response.body());
      if (has(response.body(), line)) {
        return response.body();
      }
      Thread.sleep(50);
    }
  }

  @Test
  void servicesCountsTheServicesOtherProcessesRegistered() throws Exception {
    java.nio.file.Path errors = java.nio.file.Files.createTempFile("samgr-serve", ".err");
    Process serve =
        ServeProcessTest.samgr("serve", "--port", "0", "--http", "0", "--metrics", "--json")
            .redirectError(errors.toFile())
            .start();
    try {
      Map<String, Object> line = ServeCommandTest.startupLine(ServeProcessTest.firstLine(serve));
      URI metrics = URI.create(ServeCommandTest.text(line, "dashboard")).resolve("/metrics");
      String text = awaitLine(metrics, "samgr_services 0.0");
      // serve's own client is a zookeeper client: its view and its connection to the server
      for (String expected :
          List.of(
              "# TYPE samgr_delivery_backlog gauge",
              "samgr_delivery_backlog 0.0",
              "# TYPE samgr_connected gauge",
              "samgr_connected 1.0",
              "# TYPE samgr_reconnects_total counter",
              "samgr_reconnects_total 0.0",
              "# TYPE samgr_view_staleness_seconds gauge",
              "samgr_view_staleness_seconds 0.0")) {
        assertTrue(has(text, expected), "no line '" + expected + "' in:\n" + text);
      }
      try (ServiceManager harness =
          Samgr.builder()
              .environment("zookeeper")
              .setting("zookeeper.connect", ServeCommandTest.text(line, "connect"))
              .open()) {
        ServiceHandle net = harness.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
        harness.register("disk", Endpoint.of("tcp://127.0.0.1:7001"));
        awaitLine(metrics, "samgr_services 2.0");
        harness.unregister(net);
        awaitLine(metrics, "samgr_services 1.0");
      }
    } finally {
      assertEquals(
          0,
          ServeProcessTest.terminate(serve),
          "exit code; stderr: " + java.nio.file.Files.readString(errors));
      java.nio.file.Files.delete(errors);
    }
  }

  @Test
  void metricsWithoutHttpIsRefused() {
    Cli.Result result = cli.run("serve", "--port", "0", "--metrics");
    assertEquals(ExitCodes.USAGE, result.code(), result.err());
    assertTrue(result.err().contains("--metrics needs --http"), result.err());
  }
}
