package org.opennexus.samgr.cli;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The embedded ZooKeeper server's own statistics as meters, read at each scrape from the MBeans the
 * server registers in this JVM's platform MBean server ({@code
 * org.apache.ZooKeeperService:name0=StandaloneServer_port<port>} and its {@code InMemoryDataTree}).
 * A value the server does not (or no longer) report reads as NaN.
 */
final class ZooKeeperServerMeters implements MeterBinder {

  private static final String SERVER = "org.apache.ZooKeeperService:name0=StandaloneServer_port";

  private final MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
  private final String server;
  private final String tree;

  ZooKeeperServerMeters(int clientPort) {
    this.server = SERVER + clientPort;
    this.tree = server + ",name1=InMemoryDataTree";
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(
        registry,
        "zookeeper.server.outstanding.requests",
        server,
        "OutstandingRequests",
        "Requests the ZooKeeper server has queued and not yet answered");
    gauge(
        registry,
        "zookeeper.server.znodes",
        tree,
        "NodeCount",
        "Znodes in the ZooKeeper server's data tree");
    gauge(
        registry,
        "zookeeper.server.watches",
        tree,
        "WatchCount",
        "Watches set on the ZooKeeper server");
    gauge(
        registry,
        "zookeeper.server.latency.max",
        server,
        "MaxRequestLatency",
        "Longest request latency of the ZooKeeper server, in milliseconds");
  }

  private void gauge(
      MeterRegistry registry, String name, String bean, String attribute, String description) {
    Gauge.builder(name, this, m -> m.read(bean, attribute))
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  /** One attribute as a number; NaN if the bean or attribute is missing. */
  private double read(String bean, String attribute) {
    try {
      Object value = beans.getAttribute(new ObjectName(bean), attribute);
      return value instanceof Number number ? number.doubleValue() : Double.NaN;
    } catch (JMException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
