package org.opennexus.samgr.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.metrics.SamgrMetrics;

/**
 * {@code samgr serve --metrics}: one Prometheus registry holding the meters of serve's own samgr
 * client (samgr-metrics) and of the ZooKeeper server it runs, served as Prometheus text at {@value
 * #PATH} on the dashboard's listener. This class is the one place that wires it: {@link #monitor}
 * wraps the client before the dashboard starts, {@link #routes} gives the route.
 */
final class MetricsEndpoint {

  /** Where the text is served: {@value}. */
  static final String PATH = "/metrics";

  /** The Prometheus text format's content type. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** Held here: the registry's meters hold it weakly. */
  private final ZooKeeperServerMeters zookeeper;

  /** Creates the registry and binds the ZooKeeper server's meters (its client port names it). */
  MetricsEndpoint(int zookeeperPort) {
    this.zookeeper = new ZooKeeperServerMeters(zookeeperPort);
    zookeeper.bindTo(registry);
  }

  /** Returns {@code samgr} monitored: its meters go to this endpoint's registry. */
  ServiceManager monitor(ServiceManager samgr) {
    return SamgrMetrics.monitor(registry, samgr);
  }

  /** The route that serves the Prometheus text, to be registered at {@value #PATH}. */
  Map<String, HttpRoute> routes() {
    return Map.of(
        PATH,
        () -> new HttpReply(200, CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8)));
  }
}
