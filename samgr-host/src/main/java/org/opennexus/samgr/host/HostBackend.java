package org.opennexus.samgr.host;

import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * The {@code host} backend's provider, found by {@link java.util.ServiceLoader}. Its package is not
 * exported: reach it through {@link org.opennexus.samgr.Samgr}.
 */
public final class HostBackend implements SamgrBackend {

  /** The environment name of this backend. */
  static final String ENVIRONMENT = "host";

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public HostBackend() {}

  /**
   * Returns {@code "host"}.
   *
   * @return {@code "host"}
   */
  @Override
  public String environment() {
    return ENVIRONMENT;
  }

  /**
   * Opens a new, empty in-memory registry that shares nothing with any other.
   *
   * @param config the clock and liveness timeout
   * @return the new registry
   */
  @Override
  public ServiceManager open(SamgrConfig config) {
    return new HostServiceManager(config);
  }
}
