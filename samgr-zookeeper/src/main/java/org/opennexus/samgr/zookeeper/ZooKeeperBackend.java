package org.opennexus.samgr.zookeeper;

import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * The {@code zookeeper} backend's provider, found by {@link java.util.ServiceLoader}. Its package
 * is not exported (the jar is an automatic module): reach it through {@link
 * org.opennexus.samgr.Samgr}.
 */
public final class ZooKeeperBackend implements SamgrBackend {

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. It connects to nothing. */
  public ZooKeeperBackend() {}

  /**
   * Returns {@code "zookeeper"}.
   *
   * @return {@code "zookeeper"}
   */
  @Override
  public String environment() {
    return ZkServiceManager.ENVIRONMENT;
  }

  /**
   * Opens a new client of the registry that the {@code zookeeper.*} settings name: connects to the
   * ensemble (or starts the JVM-wide embedded server), sets up the namespace if it is new, and
   * loads the current services before returning. Two clients opened with the same settings see the
   * same services.
   *
   * @param config the builder's settings, clock and liveness timeout
   * @return the new client
   * @throws IllegalStateException if {@code zookeeper.connect} is not set, or the ensemble cannot
   *     be reached (or the namespace read) within {@code zookeeper.operation-timeout}; the message
   *     names the connect string
   * @throws IllegalArgumentException if a setting is malformed; the message names the key and where
   *     its value came from
   */
  @Override
  public ServiceManager open(SamgrConfig config) {
    return ZkServiceManager.open(config);
  }
}
